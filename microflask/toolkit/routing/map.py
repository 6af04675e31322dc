"""The map of all URL rules, and the adapter that matches and builds with it.

An application keeps one ``Map``. Each request binds it to its host, script
name and path (``bind_to_environ``), and the ``MapAdapter`` answers the two
routing questions: which endpoint does this URL mean (``match``), and what is
the URL of this endpoint (``build``). Finding the rule is the matcher's job.
"""
from __future__ import annotations

import threading
import typing as t
from types import MappingProxyType
from urllib.parse import quote, urljoin

from ..exceptions import BadHost, HTTPException, MethodNotAllowed, NotFound
from ..urls import url_encode
from ..wsgi import get_host
from .converters import DEFAULT_CONVERTERS, PATH_SAFE, BaseConverter
from .exceptions import (
    BuildError,
    NoMatch,
    RequestAliasRedirect,
    RequestPath,
    RequestRedirect,
    WebsocketMismatch,
)
from .matcher import Matcher
from .rules import _PLACEHOLDER_RE, Rule

# What an adapter bound to a request has not read from the environ yet.
_FROM_ENVIRON: t.Any = object()

#: The subdomain of an adapter bound to a host outside the map's server name.
#: Nothing matches it, so every URL is a 404.
UNKNOWN_SUBDOMAIN = "<invalid>"

# What may stay literal when a query string is copied into a redirect:
# valid query characters and existing escapes. Spaces, controls (CR, LF)
# and non-ASCII text are percent-encoded, so they never reach a header.
_QUERY_SAFE = "/:@!$&'()*+,;=?%~"
_DEFAULT_PORTS = {"http": ":80", "ws": ":80", "https": ":443", "wss": ":443"}


class Map:
    """All the URL rules of an application, and the options they share.

    ``Map([Rule("/", endpoint="index"), ...])``. Rules may be added at any
    time with ``add``; the matcher is rebuilt on the next match or build
    after a change, never per request. ``converters`` is this map's own copy
    of ``default_converters``, so converters can be added after creation.
    """

    default_converters: t.Mapping[str, t.Type[BaseConverter]] = MappingProxyType(DEFAULT_CONVERTERS)

    def __init__(
        self,
        rules: t.Optional[t.Iterable[t.Any]] = None,
        default_subdomain: str = "",
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        converters: t.Optional[t.Mapping[str, t.Type[BaseConverter]]] = None,
        sort_parameters: bool = False,
        sort_key: t.Optional[t.Callable[[t.Any], t.Any]] = None,
        host_matching: bool = False,
    ) -> None:
        self._rules: t.List[Rule] = []
        self._rules_by_endpoint: t.Dict[t.Any, t.List[Rule]] = {}
        self._matcher = Matcher(())
        self._remap = True
        self._last_valid_host: t.Optional[str] = None
        self._remap_lock = threading.Lock()
        self.default_subdomain = default_subdomain
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.converters = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        for rule_factory in rules or ():
            self.add(rule_factory)

    def add(self, rule_factory: t.Any) -> None:
        """Add a ``Rule`` (or anything with ``get_rules(map)``) to the map."""
        for rule in rule_factory.get_rules(self):
            rule.bind(self)
            self._rules.append(rule)
            self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        self._remap = True

    def iter_rules(self, endpoint: t.Any = None) -> t.Iterator[Rule]:
        """All rules in the order added, or those of one endpoint in build
        order; ``KeyError`` if no rule has that endpoint."""
        self.update()
        if endpoint is not None:
            return iter(self._rules_by_endpoint[endpoint])
        return iter(self._rules)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether some rule of ``endpoint`` has all of ``arguments`` as
        variables; ``KeyError`` if no rule has that endpoint."""
        self.update()
        wanted = set(arguments)
        return any(wanted <= rule.arguments for rule in self._rules_by_endpoint[endpoint])

    def update(self) -> None:
        """Rebuild the matcher and the build order if rules were added."""
        if not self._remap:
            return
        with self._remap_lock:
            if not self._remap:
                return
            # Cleared before rebuilding, so a rule added meanwhile by another
            # thread sets it again and is compiled by the next update.
            self._remap = False
            try:
                for rules in self._rules_by_endpoint.values():
                    rules.sort(key=_build_order)
                    for position, rule in enumerate(rules):
                        rule._default_providers = tuple(
                            earlier for earlier in rules[:position] if earlier.provides_defaults_for(rule)
                        )
                self._matcher = Matcher(rule for rule in self._rules if not rule.build_only)
            except BaseException:
                self._remap = True
                raise

    def bind(
        self,
        server_name: str,
        script_name: t.Optional[str] = None,
        subdomain: t.Optional[str] = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: t.Optional[str] = None,
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]] = None,
    ) -> "MapAdapter":
        """An adapter for URLs on ``server_name`` (and ``subdomain``) under ``script_name``.

        ``path_info`` and ``query_args`` are what ``match()`` uses when
        called without arguments.
        """
        server_name = _ascii_host(server_name.lower())
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError("host matching is enabled, so rules match the full host; give no subdomain")
        elif subdomain is None:
            subdomain = self.default_subdomain
        return MapAdapter(
            self,
            server_name,
            script_name if script_name is not None else "/",
            subdomain,
            url_scheme,
            path_info if path_info is not None else "/",
            default_method,
            query_args,
        )

    def bind_to_environ(
        self, environ: t.Any, server_name: t.Optional[str] = None, subdomain: t.Optional[str] = None
    ) -> "MapAdapter":
        """An adapter for one request: host, script name, path, method and query.

        ``environ`` is a WSGI environ or a request. Given ``server_name``, the
        subdomain is what the request's host adds in front of it; a host
        outside ``server_name`` matches no rule. Without it, the request's
        host is the server name.
        """
        environ = getattr(environ, "environ", environ)
        scheme = environ.get("wsgi.url_scheme", "http")
        if "HTTP_UPGRADE" in environ and _is_websocket_upgrade(environ):
            scheme = "wss" if scheme == "https" else "ws"
        if server_name is None:
            # The request's host is the server name: the adapter reads it when
            # it first needs it (see MapAdapter.server_name); a match seldom does.
            if subdomain is None and not self.host_matching:
                subdomain = ""  # the host is its own server name: no subdomain
        else:
            server_name = _ascii_host(server_name.lower())
            default_port = _DEFAULT_PORTS.get(scheme)
            if default_port is not None and server_name.endswith(default_port):
                server_name = server_name[: -len(default_port)]
            if subdomain is None and not self.host_matching:
                subdomain = _subdomain_of(get_host(environ).lower(), server_name)
        if self.host_matching and subdomain is not None:
            raise RuntimeError("host matching is enabled, so rules match the full host; give no subdomain")
        path_info = environ.get("PATH_INFO", "/")
        if not path_info.isascii():  # the usual path needs no decoding
            path_info = _environ_text(path_info)
        # The script name, the query string and (without a server name) the
        # host are left to the adapter, which reads them when it needs them.
        return MapAdapter(
            self,
            server_name,
            None,
            subdomain,
            scheme,
            path_info,
            environ.get("REQUEST_METHOD", "GET"),
            None,
            environ,
        )

    def __repr__(self) -> str:
        from pprint import pformat  # heavy, and only a repr needs it

        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"


def _build_order(rule: Rule) -> t.Tuple[bool, int, int]:
    """Which rule of an endpoint ``build`` tries first.

    Aliases last; otherwise rules with more variables, then more defaults,
    first - the most specific rule that fits the values wins.
    """
    return rule.alias, -len(rule.arguments), -len(rule.defaults or ())


def _ascii_host(host: str) -> str:
    """``host`` as ASCII: internationalized names are IDNA-encoded."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise BadHost(f"the host name {host!r} cannot be encoded as IDNA") from None


def _subdomain_of(host: str, server_name: str) -> str:
    """The labels ``host`` has in front of ``server_name``, or ``UNKNOWN_SUBDOMAIN``."""
    if host == server_name:  # the usual request, answered without splitting
        return ""
    host_labels = host.split(".")
    server_labels = server_name.split(".")
    boundary = len(host_labels) - len(server_labels)
    if boundary < 0 or host_labels[boundary:] != server_labels:
        return UNKNOWN_SUBDOMAIN
    return ".".join(label for label in host_labels[:boundary] if label)


def _is_websocket_upgrade(environ: t.Mapping[str, t.Any]) -> bool:
    if "HTTP_UPGRADE" not in environ:  # the common case, decided cheaply
        return False
    connection = environ.get("HTTP_CONNECTION", "").lower()
    upgrade = any(token.strip() == "upgrade" for token in connection.split(","))
    return upgrade and environ.get("HTTP_UPGRADE", "").lower() == "websocket"


def _as_folder(script_name: str) -> str:
    """``script_name`` ending in ``/``, as an adapter keeps it."""
    return script_name if script_name.endswith("/") else script_name + "/"


def _environ_text(value: t.Optional[str]) -> t.Optional[str]:
    """A WSGI environ string (latin-1 carrying the raw bytes) as UTF-8 text.

    Invalid UTF-8 becomes U+FFFD, so a bad path reaches no rule rather than
    raising. A server that already decoded the text is taken at its word.
    """
    if value is None or value.isascii():
        return value
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    return raw.decode("utf-8", "replace")


class MapAdapter:
    """A map bound to one server name, script name and (sub)domain.

    Made by ``Map.bind`` or ``Map.bind_to_environ``, usually once per
    request. ``match`` turns a path into ``(endpoint, values)``; ``build``
    turns an endpoint and values into a URL.
    """

    __slots__ = (
        "map",
        "_server_name",
        "_environ",
        "_script_name",
        "subdomain",
        "url_scheme",
        "path_info",
        "default_method",
        "_query_args",
        "websocket",
        "_url_root",
    )

    def __init__(
        self,
        map: Map,
        server_name: t.Optional[str],
        script_name: t.Optional[str],
        subdomain: t.Optional[str],
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]] = None,
        environ: t.Optional[t.Mapping[str, t.Any]] = None,
    ) -> None:
        self.map = map
        # Bound to a request (``environ``), the server name, script name and
        # query arguments given as None are read from it when first needed:
        # a match seldom needs them (see the properties).
        self._environ: t.Any = environ
        self._server_name = server_name
        self._script_name = None if script_name is None else _as_folder(script_name)
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self._query_args: t.Any = _FROM_ENVIRON if query_args is None and environ is not None else query_args
        self.websocket = url_scheme in ("ws", "wss")
        self._url_root: t.Optional[str] = None  # see url_root

    @property
    def server_name(self) -> str:
        """The host (and port) URLs are built for and hosts are matched
        against. Bound to a request without a server name, it is the
        request's ``Host``, checked when first read: a malformed one raises
        ``BadHost``."""
        server_name = self._server_name
        if server_name is None:
            server_name = self._server_name = get_host(self._environ).lower()
        return server_name

    @server_name.setter
    def server_name(self, value: str) -> None:
        self._server_name = value

    @property
    def script_name(self) -> str:
        """Where the application is mounted, ending in ``/``. Bound to a
        request, its ``SCRIPT_NAME``, read when first needed."""
        script_name = self._script_name
        if script_name is None:
            script_name = self._script_name = _as_folder(_environ_text(self._environ.get("SCRIPT_NAME", "")) or "")
        return script_name

    @script_name.setter
    def script_name(self, value: str) -> None:
        self._script_name = value
        self._url_root = None

    @property
    def query_args(self) -> t.Optional[t.Union[str, t.Mapping[str, t.Any]]]:
        """The query string redirects keep. Bound to a request, its
        ``QUERY_STRING``, read when first needed."""
        query_args = self._query_args
        if query_args is _FROM_ENVIRON:
            query_args = self._query_args = _environ_text(self._environ.get("QUERY_STRING"))
        return query_args

    @query_args.setter
    def query_args(self, value: t.Optional[t.Union[str, t.Mapping[str, t.Any]]]) -> None:
        self._query_args = value

    @property
    def url_root(self) -> str:
        """The script name as built URLs spell it: percent-encoded, no
        trailing slash. Worked out when first needed, since most requests
        only match."""
        url_root = self._url_root
        if url_root is None:
            script_name = self.script_name
            url_root = "" if script_name == "/" else quote(script_name.rstrip("/"), safe=PATH_SAFE)
            self._url_root = url_root
        return url_root

    def match(
        self,
        path_info: t.Optional[str] = None,
        method: t.Optional[str] = None,
        return_rule: bool = False,
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]] = None,
        websocket: t.Optional[bool] = None,
    ) -> t.Tuple[t.Any, t.Dict[str, t.Any]]:
        """``(endpoint, values)`` for the path (``(rule, values)`` with ``return_rule``).

        Raises ``NotFound``, ``MethodNotAllowed`` (with the valid methods),
        ``WebsocketMismatch``, or ``RequestRedirect`` when the URL should be
        spelled differently (its query string, ``query_args``, kept).
        """
        url_map = self.map
        if url_map._remap:
            url_map.update()
        if path_info is None:
            path_info = self.path_info
        method = (method or self.default_method).upper()
        if websocket is None:
            websocket = self.websocket
        if url_map.host_matching:
            domain = self.server_name
        else:
            domain = self.subdomain or ""
            if domain == UNKNOWN_SUBDOMAIN:
                raise NotFound()
        # Extra leading slashes are dropped, not redirected; an empty path
        # stays empty (and redirects to "/").
        path = "/" + path_info.lstrip("/") if path_info else ""
        try:
            found = url_map._matcher.match(domain, path, method, websocket, url_map.merge_slashes)
        except RequestPath as signal:
            new_path = quote(signal.path_info, safe=PATH_SAFE)
            raise RequestRedirect(self.make_redirect_url(new_path, query_args)) from None
        except RequestAliasRedirect as signal:
            new_url = self.make_alias_redirect_url(signal.endpoint, signal.matched_values, method, query_args)
            raise RequestRedirect(new_url) from None
        except NoMatch as miss:
            if miss.have_match_for:
                raise MethodNotAllowed(valid_methods=sorted(miss.have_match_for)) from None
            if miss.websocket_mismatch:
                raise WebsocketMismatch() from None
            raise NotFound() from None
        if found is None:
            raise NotFound()
        rule, values = found
        if rule._default_providers and url_map.redirect_defaults:
            redirect_url = self.get_default_redirect(rule, method, values, query_args)
            if redirect_url is not None:
                raise RequestRedirect(redirect_url)
        if rule.redirect_to is not None:
            raise RequestRedirect(self._redirect_to_url(rule, values))
        if return_rule:
            return rule, values
        return rule.endpoint, values

    def test(self, path_info: t.Optional[str] = None, method: t.Optional[str] = None) -> bool:
        """Whether the path matches a rule (a redirect counts as a match)."""
        try:
            self.match(path_info, method)
        except RequestRedirect:
            pass
        except HTTPException:
            return False
        return True

    def allowed_methods(self, path_info: t.Optional[str] = None) -> t.List[str]:
        """The methods the path accepts, sorted; empty if it matches nothing
        or a rule that accepts any method."""
        try:
            self.match(path_info, method="--")
        except MethodNotAllowed as exc:
            return list(exc.valid_methods or ())
        except HTTPException:
            pass
        return []

    def dispatch(
        self,
        view_func: t.Callable[[t.Any, t.Dict[str, t.Any]], t.Any],
        path_info: t.Optional[str] = None,
        method: t.Optional[str] = None,
        catch_http_exceptions: bool = False,
    ) -> t.Any:
        """Match, then return ``view_func(endpoint, values)``.

        A redirect is returned (it is a WSGI application); other HTTP errors
        are raised, or returned with ``catch_http_exceptions``.
        """
        try:
            try:
                endpoint, values = self.match(path_info, method)
            except RequestRedirect as redirect:
                return redirect
            return view_func(endpoint, values)
        except HTTPException as exc:
            if catch_http_exceptions:
                return exc
            raise

    def build(
        self,
        endpoint: t.Any,
        values: t.Optional[t.Mapping[str, t.Any]] = None,
        method: t.Optional[str] = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: t.Optional[str] = None,
    ) -> str:
        """The URL of ``endpoint`` with ``values``; raises ``BuildError`` if none fits.

        Values that are not variables of the rule go into the query string
        (lists repeat the key, None is left out). The URL is a path under the
        script name, or absolute for another (sub)domain, a WebSocket rule,
        or with ``force_external``.
        """
        url_map = self.map
        if url_map._remap:
            url_map.update()
        clean_values = _clean_build_values(values)
        built = self._partial_build(endpoint, clean_values, method, append_unknown)
        if built is None:
            raise BuildError(endpoint, clean_values, method, self)
        domain_part, path, websocket = built
        if not force_external and not websocket:
            here = self.server_name if url_map.host_matching else self.subdomain
            if domain_part == here:
                return self.url_root + path
        if url_scheme is None:
            url_scheme = self.url_scheme
        secure = url_scheme in ("https", "wss")
        if websocket:
            url_scheme = "wss" if secure else "ws"
        elif url_scheme:
            url_scheme = "https" if secure else "http"
        scheme = f"{url_scheme}:" if url_scheme else ""
        return f"{scheme}//{self.get_host(domain_part)}{self.url_root}{path}"

    def _partial_build(
        self, endpoint: t.Any, values: t.Dict[str, t.Any], method: t.Optional[str], append_unknown: bool
    ) -> t.Optional[t.Tuple[str, str, bool]]:
        """``(domain part, path, websocket)`` from the first rule that fits.

        Without a method, a rule for the default method is preferred. With
        host matching, a rule on this adapter's host is preferred.
        """
        if method is None:
            built = self._partial_build(endpoint, values, self.default_method, append_unknown)
            if built is not None:
                return built
        first_found = None
        for rule in self.map._rules_by_endpoint.get(endpoint, ()):
            if not rule.suitable_for(values, method):
                continue
            rule_built = rule.build(values, append_unknown)
            if rule_built is None:
                continue
            built = (rule_built[0], rule_built[1], rule.websocket)
            if not self.map.host_matching or built[0] == self.server_name:
                return built
            if first_found is None:
                first_found = built
        return first_found

    def get_host(self, domain_part: t.Optional[str]) -> str:
        """The host for a built URL's domain part (``None``: this adapter's)."""
        if self.map.host_matching:
            return self.server_name if domain_part is None else domain_part
        subdomain = self.subdomain if domain_part is None else domain_part
        return f"{subdomain}.{self.server_name}" if subdomain else self.server_name

    def get_default_redirect(
        self,
        rule: Rule,
        method: str,
        values: t.Dict[str, t.Any],
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]],
    ) -> t.Optional[str]:
        """The URL of an earlier rule of the endpoint that has ``values`` as its defaults."""
        for provider in rule._default_providers:
            if provider.suitable_for(values, method):
                built = provider.build({**values, **(provider.defaults or {})})
                if built is not None:
                    return self.make_redirect_url(built[1], query_args, domain_part=built[0])
        return None

    def encode_query_args(self, query_args: t.Union[str, t.Mapping[str, t.Any]]) -> str:
        """A query string for a redirect: a mapping is encoded, a string made URL-safe."""
        if isinstance(query_args, str):
            return quote(query_args, safe=_QUERY_SAFE)
        return url_encode(query_args)

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]] = None,
        domain_part: t.Optional[str] = None,
    ) -> str:
        """The absolute URL for an already-quoted path, with the query string."""
        if query_args is None:
            query_args = self.query_args
        suffix = f"?{self.encode_query_args(query_args)}" if query_args else ""
        scheme = self.url_scheme or "http"
        return f"{scheme}://{self.get_host(domain_part)}{self.url_root}/{path_info.lstrip('/')}{suffix}"

    def make_alias_redirect_url(
        self,
        endpoint: t.Any,
        values: t.Dict[str, t.Any],
        method: str,
        query_args: t.Optional[t.Union[str, t.Mapping[str, t.Any]]],
    ) -> str:
        """The canonical URL an alias rule's match redirects to."""
        url = self.build(endpoint, values, method, append_unknown=False, force_external=True)
        if query_args is None:
            query_args = self.query_args
        if query_args:
            url += f"?{self.encode_query_args(query_args)}"
        return url

    def _redirect_to_url(self, rule: Rule, values: t.Dict[str, t.Any]) -> str:
        redirect_to = rule.redirect_to
        if isinstance(redirect_to, str):

            def fill(placeholder: t.Any) -> str:
                name = placeholder.group(1)
                return rule._converters[name].to_url(values[name])

            target = _PLACEHOLDER_RE.sub(fill, redirect_to)
        else:
            target = redirect_to(self, **values)  # type: ignore[misc]
        base = f"{self.url_scheme or 'http'}://{self.get_host(None)}{self.url_root}/"
        return urljoin(base, target)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.server_name!r}"
            f" subdomain={self.subdomain!r} script_name={self.script_name!r}>"
        )


def _clean_build_values(values: t.Optional[t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
    """Build values as a plain dict: None dropped, multi-values as lists.

    A ``MultiDict`` (anything with ``items(multi=True)``) keeps all its values.
    """
    if not values:
        return {}
    if type(values) is dict:
        return {key: value for key, value in values.items() if value is not None}
    if hasattr(values, "getlist"):
        collected: t.Dict[str, t.List[t.Any]] = {}
        for key, value in values.items(multi=True):  # type: ignore[call-arg]
            if value is not None:
                collected.setdefault(key, []).append(value)
        return {key: items[0] if len(items) == 1 else items for key, items in collected.items()}
    return {key: value for key, value in values.items() if value is not None}
