"""The incoming request: a lazy, read-only view of one WSGI environ.

The server hands the app an environ; ``Request(environ)`` wraps it, reading
only the method, path and query string. Every other attribute (``args``,
``form``, ``cookies``, ``json``, the typed headers) is parsed on first access
and cached. The body is read only through the guarded ``stream``. It knows
nothing of URL rules or apps: the framework's ``Request`` adds those.
"""
from __future__ import annotations

import functools
import json
import re
import typing as t
from io import BytesIO

from ..datastructures import (
    Accept,
    Authorization,
    CharsetAccept,
    CombinedMultiDict,
    EnvironHeaders,
    ETags,
    HeaderSet,
    IfRange,
    ImmutableList,
    ImmutableMultiDict,
    LanguageAccept,
    MIMEAccept,
    MultiDict,
    Range,
    RequestCacheControl,
    iter_multi_items,
)
from ..exceptions import BadRequest, HTTPException
from ..formparser import FormDataParser
from ..http import (
    parse_accept_header,
    parse_authorization_header,
    parse_cache_control_header,
    parse_cookie,
    parse_date,
    parse_etags,
    parse_if_range_header,
    parse_options_header,
    parse_range_header,
    parse_set_header,
)
from ..urls import url_decode
from .._properties import cached_property, environ_property, header_property
from ..wsgi import _decode_wsgi_str, _make_url, _wsgi_bytes, get_content_length, get_host, get_input_stream

if t.TYPE_CHECKING:  # pragma: no cover
    import datetime

WSGIEnvironment = t.Dict[str, t.Any]

# The token a browser puts in its User-Agent -> its name. Edge and Opera also
# announce Chrome, and Chrome announces Safari, so names are tried in order of
# _BROWSER_PREFERENCE; Safari, found last, keeps its version in "Version/".
_BROWSER_NAMES = {
    "edg": "edge", "edge": "edge", "edga": "edge", "edgios": "edge", "opr": "opera", "opera": "opera",
    "firefox": "firefox", "fxios": "firefox", "chrome": "chrome", "crios": "chrome", "msie": "msie",
}
_BROWSER_PREFERENCE = ("edge", "opera", "firefox", "chrome", "msie")
_BROWSER_RE = re.compile(rf"({'|'.join(_BROWSER_NAMES)})[/ ]([\d.]+)", re.IGNORECASE)
_SAFARI_VERSION_RE = re.compile(r"version/([\d.]+)", re.IGNORECASE)
_PLATFORM_RE = re.compile(
    r"(?P<android>android)|(?P<iphone>iphone)|(?P<ipad>ipad)|(?P<chromeos>cros)"
    r"|(?P<windows>windows)|(?P<macos>macintosh|mac os x)|(?P<linux>linux|x11)",
    re.IGNORECASE,
)
_LANGUAGE_RE = re.compile(r"[;(]\s*([a-z]{2}(?:[-_][a-z]{2})?)\s*[;)]", re.IGNORECASE)


# The ``args`` of a request without a query string: read-only, so one will do.
_NO_ARGS = ImmutableMultiDict()


class UserAgent:
    """The ``User-Agent`` header, with a light guess at browser and platform.

    ``string`` is the header as sent. ``browser`` (``"chrome"``, ``"firefox"``,
    ``"safari"``, ``"edge"``, ``"opera"``, ``"msie"``), ``version``,
    ``platform`` (``"windows"``, ``"macos"``, ``"linux"``, ``"android"``,
    ``"iphone"``, ``"ipad"``, ``"chromeos"``) and ``language`` are ``None`` when
    not recognised; the agent is true when a browser was recognised. Set
    ``Request.user_agent_class`` to parse more.
    """

    platform: t.Optional[str] = None
    browser: t.Optional[str] = None
    version: t.Optional[str] = None
    language: t.Optional[str] = None

    def __init__(self, string: str) -> None:
        self.string = string
        self._parse(string)

    def _parse(self, string: str) -> None:
        platform = _PLATFORM_RE.search(string)
        if platform is not None:
            self.platform = platform.lastgroup
        versions: t.Dict[str, str] = {}
        for token, version in _BROWSER_RE.findall(string):
            versions.setdefault(_BROWSER_NAMES[token.lower()], version)
        for name in _BROWSER_PREFERENCE:
            if name in versions:
                self.browser, self.version = name, versions[name]
                break
        else:
            safari = _SAFARI_VERSION_RE.search(string)
            if safari is not None and "safari/" in string.lower():
                self.browser, self.version = "safari", safari.group(1)
        language = _LANGUAGE_RE.search(string)
        if language is not None:
            self.language = language.group(1).replace("_", "-")

    def to_header(self) -> str:
        return self.string

    def __str__(self) -> str:
        return self.string

    def __bool__(self) -> bool:
        return bool(self.browser)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserAgent) and other.string == self.string

    def __hash__(self) -> int:
        return hash(self.string)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.browser}/{self.version}>"


def _header(environ_key: str, doc: str) -> environ_property:
    """A raw request header, read straight from its environ key."""
    return environ_property(environ_key, read_only=True, doc=doc)


class Request:
    """The data of one HTTP request, parsed on demand from a WSGI ``environ``.

    ``populate_request`` stores the request in ``environ["werkzeug.request"]``
    so middleware can find it. A ``shallow`` request refuses to read the body
    (``RuntimeError``), which keeps middleware from consuming it.
    """

    #: Charset used to decode the path, query string, form and cookies.
    charset = "utf-8"
    #: How undecodable bytes are handled: replaced, never an error.
    encoding_errors = "replace"
    #: The container for ``args`` and ``form``.
    parameter_storage_class: t.Type[MultiDict] = ImmutableMultiDict
    #: The container for ``cookies``.
    dict_storage_class: t.Type[MultiDict] = ImmutableMultiDict
    #: The container for ``access_route``.
    list_storage_class: t.Type[t.List[t.Any]] = ImmutableList
    form_data_parser_class: t.Type[FormDataParser] = FormDataParser
    #: Host names accepted in ``Host``; ``None`` trusts any. See ``wsgi.get_host``.
    trusted_hosts: t.Optional[t.List[str]] = None
    #: Largest body accepted, in bytes; a larger declared length gets 413 before reading.
    max_content_length: t.Optional[int] = None
    #: Most form text (urlencoded body, multipart text fields) held in memory, in bytes (413 past it).
    max_form_memory_size: t.Optional[int] = None
    #: Most form fields or multipart parts parsed (413 past it).
    max_form_parts: t.Optional[int] = 1000
    #: What ``get_json`` loads with; the framework swaps in its JSON provider.
    json_module: t.Any = json
    user_agent_class: t.Type[UserAgent] = UserAgent

    # get_json's results for (not silent, silent); Ellipsis means "not parsed yet".
    _cached_json: t.Tuple[t.Any, t.Any] = (Ellipsis, Ellipsis)
    # The body, once get_data has read it with cache=True.
    _cached_data: t.Optional[bytes] = None
    # Whether the body was parsed into stream, form and files (a flag rather
    # than a look in __dict__: see docs/performance.md).
    _form_parsed = False

    #: Whether reading the body is refused (see the class docstring).
    shallow = False
    #: The request method, upper case: ``"GET"``, ``"POST"``...
    method: str

    def __init__(self, environ: WSGIEnvironment, populate_request: bool = True, shallow: bool = False) -> None:
        self.environ = environ
        # Every request is dispatched by its method, so it is read now into
        # a plain attribute; everything else is parsed when first asked for.
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        if shallow:
            self.shallow = True
        elif populate_request:
            environ["werkzeug.request"] = self

    def __repr__(self) -> str:
        try:
            url = self.url
        except Exception as error:  # a bad Host must not break debugging output
            url = f"(invalid URL: {error})"
        return f"<{type(self).__name__} {url!r} [{self.method}]>"

    @classmethod
    def from_values(cls, *args: t.Any, **kwargs: t.Any) -> "Request":
        """A request built from the arguments of ``microflask.toolkit.test.EnvironBuilder``.

        For small scripts and tests: ``Request.from_values("/?q=1", method="POST")``.
        """
        from ..test import EnvironBuilder  # test-only: the test module builds on this class

        kwargs.setdefault("charset", cls.charset)
        builder = EnvironBuilder(*args, **kwargs)
        try:
            return builder.get_request(cls)
        finally:
            builder.close()

    @classmethod
    def application(cls, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Iterable[bytes]]:
        """Decorate ``f(request)`` (or ``f(self, request)``) into a WSGI application.

        ``f`` returns a response; an ``HTTPException`` it raises is sent as its
        response. The request is closed when ``f`` returns.
        """

        @functools.wraps(f)
        def application(*args: t.Any) -> t.Iterable[bytes]:
            environ, start_response = args[-2:]
            with cls(environ) as request:
                try:
                    response = f(*args[:-2], request)
                except HTTPException as error:
                    response = error.get_response(environ)
                return response(environ, start_response)  # type: ignore[no-any-return]

        return application

    # -- the URL -------------------------------------------------------------

    @cached_property
    def path(self) -> str:
        """The path below the application root, decoded, always starting with ``/``."""
        path = self.environ.get("PATH_INFO") or ""
        if not path.isascii():  # ASCII reads the same in any charset a URL is decoded with
            path = _decode_wsgi_str(path, self.url_charset, self.encoding_errors)
        return "/" + path.lstrip("/")

    @cached_property
    def query_string(self) -> bytes:
        """The raw bytes after ``?``; ``args`` is the parsed form."""
        query_string = self.environ.get("QUERY_STRING")
        return _wsgi_bytes(query_string) if query_string else b""

    @cached_property
    def scheme(self) -> str:
        """The URL scheme: ``"http"`` or ``"https"`` (``"ws"``/``"wss"`` for websockets)."""
        return self.environ.get("wsgi.url_scheme", "http")

    @cached_property
    def server(self) -> t.Optional[t.Tuple[str, t.Optional[int]]]:
        """The server's ``(host, port)``, ``(path, None)`` for a unix socket, or ``None``."""
        name = self.environ.get("SERVER_NAME")
        if name is None:
            return None
        try:
            port: t.Optional[int] = int(self.environ.get("SERVER_PORT"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            port = None
        return name, port

    @cached_property
    def root_path(self) -> str:
        """Where the application is mounted (``SCRIPT_NAME``), decoded; ``""`` at the root."""
        return _decode_wsgi_str(self.environ.get("SCRIPT_NAME", ""), self.url_charset, self.encoding_errors)

    @property
    def script_root(self) -> str:
        """Alias of ``root_path``."""
        return self.root_path

    @cached_property
    def full_path(self) -> str:
        """``path`` and query string: ``"/search?q=x"`` (the ``?`` is always there)."""
        return f"{self.path}?{self.query_string.decode(self.url_charset, self.encoding_errors)}"

    @property
    def url_charset(self) -> str:
        """The charset URLs are decoded with; ``charset`` unless overridden."""
        return self.charset

    @cached_property
    def host(self) -> str:
        """The host (with a non-default port) the client asked for, checked
        against ``trusted_hosts``: an untrusted or malformed one raises ``BadHost``."""
        return get_host(self.environ, self.trusted_hosts)

    @cached_property
    def host_url(self) -> str:
        """``"http://example.com/"``."""
        return _make_url(self.scheme, self.host)

    @cached_property
    def root_url(self) -> str:
        """The application's root URL: ``"http://example.com/app/"``."""
        return _make_url(self.scheme, self.host, self.root_path)

    @property
    def url_root(self) -> str:
        """Alias of ``root_url``."""
        return self.root_url

    @cached_property
    def base_url(self) -> str:
        """The URL without the query string."""
        return _make_url(self.scheme, self.host, self.root_path, self.path)

    @cached_property
    def url(self) -> str:
        """The full URL, percent-encoded to ASCII: ``"http://example.com/app/caf%C3%A9?x=1"``."""
        return _make_url(self.scheme, self.host, self.root_path, self.path, self.query_string)

    @cached_property
    def args(self) -> MultiDict:
        """The query string parsed into ``parameter_storage_class``."""
        if not self.query_string and self.parameter_storage_class is ImmutableMultiDict:
            return _NO_ARGS  # immutable, so one empty instance serves every request
        query = self.query_string.decode(self.url_charset, self.encoding_errors)
        return url_decode(query, self.url_charset, self.encoding_errors, cls=self.parameter_storage_class)

    # -- headers -------------------------------------------------------------

    @cached_property
    def headers(self) -> EnvironHeaders:
        """The request headers, read-only and case-insensitive."""
        return EnvironHeaders(self.environ)

    content_type = header_property(
        "Content-Type", read_only=True, doc="The ``Content-Type`` header with its parameters, or ``None``."
    )
    content_encoding = _header("HTTP_CONTENT_ENCODING", "The ``Content-Encoding`` header (``gzip``...).")
    content_md5 = _header("HTTP_CONTENT_MD5", "The ``Content-MD5`` header.")
    origin = _header("HTTP_ORIGIN", "The ``Origin`` header a browser sends with cross-origin requests.")
    referrer = _header("HTTP_REFERER", "The ``Referer`` header: the page that linked here.")
    access_control_request_method = _header(
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "The method a CORS preflight asks permission for."
    )
    access_control_request_headers = header_property(
        "Access-Control-Request-Headers",
        load_func=parse_set_header,
        read_only=True,
        doc="The headers a CORS preflight asks permission for, as a ``HeaderSet``.",
    )
    date = header_property(
        "Date", load_func=parse_date, read_only=True, doc="The ``Date`` header as an aware datetime, or ``None``."
    )
    max_forwards = header_property(
        "Max-Forwards", load_func=int, read_only=True, doc="The ``Max-Forwards`` header as an int, or ``None``."
    )
    remote_addr = _header("REMOTE_ADDR", "The client's address, as the server saw it.")
    remote_user = _header("REMOTE_USER", "The user name the server authenticated, if any.")
    is_multithread = environ_property("wsgi.multithread", doc="Whether the server may run requests in threads.")
    is_multiprocess = environ_property("wsgi.multiprocess", doc="Whether the server may run several processes.")
    is_run_once = environ_property("wsgi.run_once", doc="Whether the process serves only this request (CGI).")
    input_stream = environ_property(
        "wsgi.input", doc="The server's raw input. Reading it can block past the body; use ``stream``."
    )

    @cached_property
    def _content_type_parts(self) -> t.Tuple[str, t.Dict[str, str]]:
        mimetype, params = parse_options_header(self.environ.get("CONTENT_TYPE", ""))
        return mimetype.lower(), params

    @property
    def mimetype(self) -> str:
        """The ``Content-Type`` without parameters, lower case: ``"text/html"``."""
        return self._content_type_parts[0]

    @property
    def mimetype_params(self) -> t.Dict[str, str]:
        """The ``Content-Type`` parameters: ``{"charset": "utf-8"}``."""
        return self._content_type_parts[1]

    @cached_property
    def content_length(self) -> t.Optional[int]:
        """The declared body length, or ``None`` when absent, invalid or chunked."""
        return get_content_length(self.environ)

    @cached_property
    def cookies(self) -> MultiDict:
        """The cookies the client sent, in ``dict_storage_class``."""
        return parse_cookie(
            self.environ.get("HTTP_COOKIE", ""), self.charset, self.encoding_errors, cls=self.dict_storage_class
        )

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        """The ``Accept`` header: which mimetypes the client takes."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT"), MIMEAccept)

    @cached_property
    def accept_charsets(self) -> CharsetAccept:
        """The ``Accept-Charset`` header."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_CHARSET"), CharsetAccept)

    @cached_property
    def accept_encodings(self) -> Accept:
        """The ``Accept-Encoding`` header: compressions such as ``gzip``."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_ENCODING"), Accept)

    @cached_property
    def accept_languages(self) -> LanguageAccept:
        """The ``Accept-Language`` header."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)

    @cached_property
    def authorization(self) -> t.Optional[Authorization]:
        """The ``Authorization`` header parsed, or ``None`` if absent or malformed."""
        return parse_authorization_header(self.environ.get("HTTP_AUTHORIZATION"))

    @cached_property
    def cache_control(self) -> RequestCacheControl:
        """The ``Cache-Control`` header."""
        return parse_cache_control_header(self.environ.get("HTTP_CACHE_CONTROL"), None, RequestCacheControl)

    @cached_property
    def pragma(self) -> HeaderSet:
        """The ``Pragma`` header as a set (``"no-cache" in request.pragma``)."""
        return parse_set_header(self.environ.get("HTTP_PRAGMA", ""))

    @cached_property
    def if_match(self) -> ETags:
        """The ETags of ``If-Match``."""
        return parse_etags(self.environ.get("HTTP_IF_MATCH"))

    @cached_property
    def if_none_match(self) -> ETags:
        """The ETags of ``If-None-Match``."""
        return parse_etags(self.environ.get("HTTP_IF_NONE_MATCH"))

    @cached_property
    def if_modified_since(self) -> t.Optional["datetime.datetime"]:
        """``If-Modified-Since`` as an aware datetime, or ``None``."""
        return parse_date(self.environ.get("HTTP_IF_MODIFIED_SINCE"))

    @cached_property
    def if_unmodified_since(self) -> t.Optional["datetime.datetime"]:
        """``If-Unmodified-Since`` as an aware datetime, or ``None``."""
        return parse_date(self.environ.get("HTTP_IF_UNMODIFIED_SINCE"))

    @cached_property
    def if_range(self) -> IfRange:
        """The ``If-Range`` header: an ETag or a date."""
        return parse_if_range_header(self.environ.get("HTTP_IF_RANGE"))

    @cached_property
    def range(self) -> t.Optional[Range]:
        """The ``Range`` header, or ``None`` if absent or malformed."""
        return parse_range_header(self.environ.get("HTTP_RANGE"))

    @cached_property
    def user_agent(self) -> UserAgent:
        """The ``User-Agent`` header as ``user_agent_class``."""
        return self.user_agent_class(self.environ.get("HTTP_USER_AGENT", ""))

    @cached_property
    def access_route(self) -> t.List[str]:
        """The client and the proxies in between, from ``X-Forwarded-For``,
        else just ``remote_addr``. Client-supplied: do not trust it blindly."""
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded is not None:
            return self.list_storage_class([ip.strip() for ip in forwarded.split(",") if ip.strip()])
        if "REMOTE_ADDR" in self.environ:
            return self.list_storage_class([self.environ["REMOTE_ADDR"]])
        return self.list_storage_class()

    @property
    def is_secure(self) -> bool:
        """Whether the request came over HTTPS (or WSS)."""
        return self.scheme in ("https", "wss")

    # -- the body ------------------------------------------------------------

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body, guarded: reads stop at ``Content-Length``, a body declared
        larger than ``max_content_length`` raises 413 before any read, and a
        body of unknown length reads as empty unless the server ends it."""
        if self.shallow:
            raise RuntimeError("This request was created with shallow=True; reading its body is not allowed.")
        return get_input_stream(self.environ, max_content_length=self.max_content_length)

    def get_data(self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False) -> t.Any:
        """The whole body as bytes (``str`` with ``as_text``), read once and cached.

        Check ``content_length`` first if the body could be large. Once the
        form has been parsed the body is used up; ``parse_form_data=True``
        parses it first, so a form body then reads as empty.
        """
        data = self._cached_data
        if data is None:
            if parse_form_data:
                self._load_form_data()
            data = self.stream.read()
            if cache:
                self._cached_data = data
        if as_text:
            return data.decode(self.charset, self.encoding_errors)
        return data

    @cached_property
    def data(self) -> bytes:
        """The raw body, unless it was form data (then ``form`` has it and this is empty)."""
        return self.get_data(parse_form_data=True)  # type: ignore[no-any-return]

    @cached_property
    def form(self) -> MultiDict:
        """The fields of a urlencoded form body, in ``parameter_storage_class``.

        Uploaded files are in ``files``.
        """
        self._load_form_data()
        return self.form

    @cached_property
    def files(self) -> MultiDict:
        """Uploaded files (``FileStorage``) by field name."""
        self._load_form_data()
        return self.files

    @cached_property
    def values(self) -> CombinedMultiDict:
        """``args`` and ``form`` together; only ``args`` for a GET request."""
        sources = [self.args]
        if self.method != "GET":
            # A GET body is not meant to carry form data, but other methods may.
            sources.append(self.form)
        return CombinedMultiDict(sources)

    def make_form_data_parser(self) -> FormDataParser:
        """The parser for this request's body, configured with its limits."""
        return self.form_data_parser_class(
            None,
            self.charset,
            self.encoding_errors,
            self.max_form_memory_size,
            self.max_content_length,
            self.parameter_storage_class,
            max_form_parts=self.max_form_parts,
        )

    def _load_form_data(self) -> None:
        """Parse the body into ``form`` and ``files`` once; the parser gets the
        cached body if ``get_data`` already read it."""
        if self._form_parsed:
            return
        if self.environ.get("CONTENT_TYPE"):
            cached = self._cached_data
            stream = BytesIO(cached) if cached is not None else self.stream
            result = self.make_form_data_parser().parse(
                stream, self.mimetype, self.content_length, self.mimetype_params
            )
        else:
            empty = self.parameter_storage_class()
            result = (self.stream, empty, empty)
        self.stream, self.form, self.files = result
        self._form_parsed = True

    @property
    def is_json(self) -> bool:
        """Whether the mimetype is ``application/json`` or ``application/*+json``."""
        mimetype = self.mimetype
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    @property
    def json(self) -> t.Any:
        """The body parsed as JSON: ``get_json()`` with its defaults (400 if not JSON)."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> t.Any:
        """The body parsed as JSON.

        A mimetype other than JSON (unless ``force``) or a body that is not
        valid JSON calls ``on_json_loading_failed``, which raises 400 by
        default; ``silent`` returns ``None`` instead. With ``cache`` the result
        is kept, separately for silent and non-silent calls.
        """
        if cache and self._cached_json[silent] is not Ellipsis:
            return self._cached_json[silent]
        if not (force or self.is_json):
            return None if silent else self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            result = self.json_module.loads(data)
        except (ValueError, RecursionError) as error:
            if silent:
                result = None
            else:
                if isinstance(error, RecursionError):
                    error = ValueError("the JSON is nested too deeply")
                result = self.on_json_loading_failed(error)
            if cache:
                loud, quiet = self._cached_json
                self._cached_json = (loud, result) if silent else (result, quiet)
        else:
            if cache:
                self._cached_json = (result, result)
        return result

    def on_json_loading_failed(self, e: t.Optional[ValueError]) -> t.Any:
        """Called when ``get_json`` fails and is not silent; ``e`` is ``None``
        for a non-JSON mimetype. Raises ``BadRequest``; override to return a
        value that ``get_json`` should return instead."""
        if e is None:
            raise BadRequest(
                f"Expected a request with Content-Type 'application/json', got {self.mimetype or 'none'!r}."
            )
        raise BadRequest(f"Failed to decode JSON object: {e}")

    # -- lifetime ------------------------------------------------------------

    def close(self) -> None:
        """Close the uploaded files. ``with request:`` does this on exit."""
        if not self._form_parsed:
            return
        files = self.files
        if files:
            for _key, upload in iter_multi_items(files):
                upload.close()

    def __enter__(self) -> "Request":
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

