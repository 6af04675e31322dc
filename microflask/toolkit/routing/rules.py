"""URL rules: one pattern such as ``/post/<int:post_id>`` and where it leads.

A ``Rule`` parses its string once, when created. Added to a ``Map`` it is
compiled once more: converters are created, the rule is cut into parts for
the matcher (``RulePart``), and a template for building URLs is kept. Finding
the rule for a URL across all rules is the matcher's job, not the rule's.
"""
from __future__ import annotations

import re
import typing as t

from ..urls import url_encode
from .converters import BaseConverter
from .exceptions import ValidationError

if t.TYPE_CHECKING:  # pragma: no cover
    from .map import Map

_VARIABLE_RE = re.compile(
    r"""
    <
    (?:
        (?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)   # converter name
        (?:\((?P<args>.*?)\))?                  # optional arguments
        :
    )?
    (?P<name>[a-zA-Z_][a-zA-Z0-9_]*)            # variable name
    >
    """,
    re.VERBOSE,
)

_ARGUMENT_RE = re.compile(
    r"""
    \s*
    (?:(?P<key>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*)?   # optional keyword
    (?P<value>"[^"]*"|'[^']*'|[^\s,"'=()]+)       # quoted string, number, constant or bare word
    \s*(?:,|\Z)
    """,
    re.VERBOSE,
)
_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CONSTANTS = {"None": None, "True": True, "False": False}
_REPEATED_SLASHES_RE = re.compile("/{2,}")
_PLACEHOLDER_RE = re.compile(r"<([^>]+)>")

_MISSING = object()


def parse_converter_args(argstr: str) -> t.Tuple[t.Tuple[t.Any, ...], t.Dict[str, t.Any]]:
    """``"4, signed=True"`` -> ``((4,), {"signed": True})``, without eval.

    Values may be quoted strings, integers, floats, ``True``, ``False``,
    ``None``, or bare words taken as strings (so ``any(about, help)`` works).
    """
    args: t.List[t.Any] = []
    kwargs: t.Dict[str, t.Any] = {}
    argstr = argstr.strip()
    position = 0
    while position < len(argstr):
        match = _ARGUMENT_RE.match(argstr, position)
        if match is None:
            raise ValueError(
                f"cannot parse converter arguments {argstr!r} at {argstr[position:]!r};"
                " expected literals or name=literal pairs separated by commas"
            )
        key, value = match.group("key", "value")
        if key is None:
            if kwargs:
                raise ValueError(f"positional argument {value!r} follows keyword arguments in {argstr!r}")
            args.append(_literal(value))
        elif key in kwargs:
            raise ValueError(f"converter argument {key!r} is given twice in {argstr!r}")
        else:
            kwargs[key] = _literal(value)
        position = match.end()
    return tuple(args), kwargs


def _literal(token: str) -> t.Any:
    if token[0] in "\"'":
        return token[1:-1]
    if token in _CONSTANTS:
        return _CONSTANTS[token]
    if _INT_RE.fullmatch(token):
        return int(token)
    if _FLOAT_RE.fullmatch(token):
        return float(token)
    return token


class _Variable(t.NamedTuple):
    """A ``<converter(args):name>`` as written, before any map is known."""

    source: str
    name: str
    converter: str
    args: t.Tuple[t.Any, ...]
    kwargs: t.Dict[str, t.Any]


_Template = t.List[t.Union[str, _Variable]]
# After binding, a variable becomes (source, name, converter instance).
_BoundPiece = t.Union[str, t.Tuple[str, str, BaseConverter]]


def _parse_template(template: str, rule: str) -> _Template:
    """Split a rule (or subdomain, or host) string into static text and variables."""
    pieces: _Template = []
    position = 0
    for match in _VARIABLE_RE.finditer(template):
        _add_static(pieces, template[position : match.start()], rule)
        converter, args_text, name = match.group("converter", "args", "name")
        try:
            args, kwargs = parse_converter_args(args_text) if args_text else ((), {})
        except ValueError as exc:
            raise ValueError(f"in URL rule {rule!r}: {exc}") from None
        pieces.append(_Variable(match.group(), name, converter or "default", args, kwargs))
        position = match.end()
    _add_static(pieces, template[position:], rule)
    return pieces


def _add_static(pieces: _Template, text: str, rule: str) -> None:
    if "<" in text:
        raise ValueError(
            f"malformed variable in URL rule {rule!r} at {text[text.index('<'):]!r};"
            " expected <name>, <converter:name> or <converter(arguments):name>"
        )
    if text:
        pieces.append(text)


class RulePart:
    """One step of a rule as the matcher sees it.

    A rule is its domain (subdomain or host) followed by its path segments;
    from the first converter that may match ``/`` (``part_isolating`` false,
    like ``path``) the rest of the path is a single part. ``content`` is the
    part as written, ``regex`` a fragment with one group per variable.
    """

    __slots__ = ("content", "static", "regex", "variable_groups", "group_count", "weight")

    def __init__(self, pieces: t.Sequence[_BoundPiece]) -> None:
        contents: t.List[str] = []
        regexes: t.List[str] = []
        variable_groups: t.List[int] = []
        static_weights: t.List[t.Tuple[int, int]] = []
        converter_weights: t.List[int] = []
        group_count = 0
        for index, piece in enumerate(pieces):
            if isinstance(piece, str):
                contents.append(piece)
                regexes.append(re.escape(piece))
                static_weights.append((index, -len(piece)))
            else:
                source, _, converter = piece
                contents.append(source)
                regexes.append(f"({converter.regex})")
                variable_groups.append(group_count + 1)
                # A converter's regex may have groups of its own; count them
                # so the matcher knows where the next variable's group is.
                group_count += 1 + re.compile(converter.regex).groups
                converter_weights.append(converter.weight)
        self.content = "".join(contents)
        self.static = not converter_weights
        self.regex = "".join(regexes)
        self.variable_groups = tuple(variable_groups)
        self.group_count = group_count
        # Among dynamic parts that could match the same text, try first the
        # one with more (and longer, earlier) static text, then the one with
        # more variables, then the one with lighter converters.
        self.weight = (-len(static_weights), tuple(static_weights), -len(converter_weights), tuple(converter_weights))

    def __repr__(self) -> str:
        return f"<RulePart {self.content!r}>"


def _split_path(pieces: t.Sequence[_BoundPiece]) -> t.List[RulePart]:
    """Cut a path's pieces at every ``/`` into parts, the leading slash dropped."""
    segments: t.List[t.List[_BoundPiece]] = [[]]
    for piece in pieces:
        if not isinstance(piece, str):
            segments[-1].append(piece)
            continue
        first, *rest = piece.split("/")
        if first:
            segments[-1].append(first)
        for chunk in rest:
            segments.append([chunk] if chunk else [])
    segments = segments[1:]
    # A trailing slash stays a part of its own even after a converter like
    # path, so "/<path:p>/" is treated like any other rule ending in "/".
    trailing_slash = len(segments) > 1 and not segments[-1]
    if trailing_slash:
        segments.pop()
    parts = []
    for index, segment in enumerate(segments):
        if any(not isinstance(piece, str) and not piece[2].part_isolating for piece in segment):
            parts.append(RulePart(_join_segments(segments[index:])))
            break
        parts.append(RulePart(segment))
    if trailing_slash:
        parts.append(RulePart([]))
    return parts


def _join_segments(segments: t.Sequence[t.Sequence[_BoundPiece]]) -> t.List[_BoundPiece]:
    """The pieces of several segments as one, with ``/`` between them."""
    joined: t.List[_BoundPiece] = []
    for number, segment in enumerate(segments):
        for piece in (["/"] if number else []) + list(segment):
            if isinstance(piece, str) and joined and isinstance(joined[-1], str):
                joined[-1] += piece
            else:
                joined.append(piece)
    return joined


class _BuildTemplate:
    """Static text and variables in order, ready to be filled with values."""

    __slots__ = ("steps", "tail")

    def __init__(self, pieces: t.Sequence[_BoundPiece]) -> None:
        steps: t.List[t.Tuple[str, str, BaseConverter]] = []
        text = ""
        for piece in pieces:
            if isinstance(piece, str):
                text += piece
            else:
                steps.append((text, piece[1], piece[2]))
                text = ""
        self.steps = tuple(steps)
        self.tail = text

    def fill(self, values: t.Mapping[str, t.Any], defaults: t.Mapping[str, t.Any]) -> t.Optional[str]:
        """The text with every variable converted; None if a value is missing."""
        if not self.steps:
            return self.tail
        chunks = []
        for text, name, converter in self.steps:
            value = values.get(name, _MISSING)
            if value is _MISSING:
                value = defaults.get(name, _MISSING)
                if value is _MISSING:
                    return None
            chunks.append(text)
            chunks.append(converter.to_url(value))
        chunks.append(self.tail)
        return "".join(chunks)


def _normalize_methods(methods: t.Optional[t.Iterable[str]], websocket: bool, rule: str) -> t.Optional[t.Set[str]]:
    if methods is None:
        return None
    if isinstance(methods, str):
        raise TypeError(f"'methods' of URL rule {rule!r} should be a list of strings, not the string {methods!r}")
    normalized = {method.upper() for method in methods}
    if "GET" in normalized:
        normalized.add("HEAD")
    if websocket and normalized - {"GET", "HEAD", "OPTIONS"}:
        raise ValueError(f"WebSocket rule {rule!r} can only use the methods GET, HEAD and OPTIONS")
    return normalized


class Rule:
    """A URL pattern and what it leads to: an endpoint, or a redirect.

    ``Rule("/user/<name>", endpoint="user", methods=["GET"])``. Variables
    are ``<name>`` or ``<converter(arguments):name>``. ``defaults`` supplies
    values for variables the URL does not contain; ``strict_slashes`` and
    ``merge_slashes`` override the map's; ``redirect_to`` (a string with
    ``<name>`` placeholders, or ``callable(adapter, **values)``) makes the
    rule a redirect; ``alias`` rules redirect to the endpoint's main URL.
    ``subdomain`` (or ``host`` with host matching) may hold variables too.
    """

    def __init__(
        self,
        string: str,
        defaults: t.Optional[t.Mapping[str, t.Any]] = None,
        subdomain: t.Optional[str] = None,
        methods: t.Optional[t.Iterable[str]] = None,
        build_only: bool = False,
        endpoint: t.Any = None,
        strict_slashes: t.Optional[bool] = None,
        merge_slashes: t.Optional[bool] = None,
        redirect_to: t.Optional[t.Union[str, t.Callable[..., str]]] = None,
        alias: bool = False,
        host: t.Optional[str] = None,
        websocket: bool = False,
    ) -> None:
        if not string.startswith("/"):
            raise ValueError(f"URL rule {string!r} must start with a slash")
        self.rule = string
        self.map: t.Optional["Map"] = None
        self.endpoint = endpoint
        self.defaults = defaults
        self.subdomain = subdomain
        self.host = host
        self.build_only = build_only
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_to = redirect_to
        self.alias = alias
        self.websocket = websocket
        self.methods = _normalize_methods(methods, websocket, string)
        self._template = _parse_template(string, string)
        self.arguments: t.Set[str] = set(defaults or ())
        self.arguments.update(piece.name for piece in self._template if isinstance(piece, _Variable))
        # Rules of the same endpoint, earlier in build order, that this rule's
        # URLs redirect to when they spell out those rules' defaults. Set by the map.
        self._default_providers: t.Tuple["Rule", ...] = ()

    def get_rules(self, map: "Map") -> t.Iterator["Rule"]:
        """What ``Map.add`` asks of anything it is given: the rules to add."""
        yield self

    def get_empty_kwargs(self) -> t.Dict[str, t.Any]:
        """The keyword arguments that recreate this rule (used by ``empty``)."""
        return {
            "defaults": dict(self.defaults) if self.defaults is not None else None,
            "subdomain": self.subdomain,
            "methods": set(self.methods) if self.methods is not None else None,
            "build_only": self.build_only,
            "endpoint": self.endpoint,
            "strict_slashes": self.strict_slashes,
            "merge_slashes": self.merge_slashes,
            "redirect_to": self.redirect_to,
            "alias": self.alias,
            "host": self.host,
            "websocket": self.websocket,
        }

    def empty(self) -> "Rule":
        """An unbound copy of this rule, to add to another map."""
        return type(self)(self.rule, **self.get_empty_kwargs())

    def bind(self, map: "Map", rebind: bool = False) -> None:
        """Attach the rule to ``map`` and compile it; ``Map.add`` calls this."""
        if self.map is not None and not rebind:
            raise RuntimeError(f"URL rule {self!r} is already bound to map {self.map!r}")
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        self._compile()

    def get_converter(
        self, variable_name: str, converter_name: str, args: t.Tuple[t.Any, ...], kwargs: t.Mapping[str, t.Any]
    ) -> BaseConverter:
        """The converter instance for one variable, from the map's converters."""
        assert self.map is not None
        converter_class = self.map.converters.get(converter_name)
        if converter_class is None:
            raise LookupError(
                f"the converter {converter_name!r} used in URL rule {self.rule!r} does not exist;"
                f" known converters: {', '.join(sorted(self.map.converters))}"
            )
        try:
            return converter_class(self.map, *args, **kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"bad arguments for converter {converter_name!r} of variable {variable_name!r}"
                f" in URL rule {self.rule!r}: {exc}"
            ) from None

    def _compile(self) -> None:
        assert self.map is not None
        domain = (self.host if self.map.host_matching else self.subdomain) or ""
        path_template = self._template
        if self.merge_slashes:
            path_template = [
                _REPEATED_SLASHES_RE.sub("/", piece) if isinstance(piece, str) else piece for piece in path_template
            ]
        self._converters: t.Dict[str, BaseConverter] = {}
        domain_pieces = self._bind_pieces(_parse_template(domain, self.rule))
        path_pieces = self._bind_pieces(path_template)
        self.arguments = set(self._converters).union(self.defaults or ())
        # (name, converter) in the order the matcher captures the values.
        self._variables = tuple(self._converters.items())
        self._parts = (RulePart(domain_pieces), *_split_path(path_pieces))
        self._domain_template = _BuildTemplate(domain_pieces)
        self._path_template = _BuildTemplate(path_pieces)
        if isinstance(self.redirect_to, str):
            unknown = set(_PLACEHOLDER_RE.findall(self.redirect_to)) - set(self._converters)
            if unknown:
                raise ValueError(
                    f"redirect_to {self.redirect_to!r} of URL rule {self.rule!r} names {sorted(unknown)},"
                    f" which are not variables of the rule"
                )

    def _bind_pieces(self, template: _Template) -> t.List[_BoundPiece]:
        bound: t.List[_BoundPiece] = []
        for piece in template:
            if isinstance(piece, str):
                bound.append(piece)
                continue
            if piece.name in self._converters:
                raise ValueError(f"variable {piece.name!r} appears twice in URL rule {self.rule!r}")
            converter = self.get_converter(piece.name, piece.converter, piece.args, piece.kwargs)
            self._converters[piece.name] = converter
            bound.append((piece.source, piece.name, converter))
        return bound

    def provides_defaults_for(self, rule: "Rule") -> bool:
        """Whether this rule is the default-valued form of ``rule``.

        True for ``/page/`` with ``defaults={"page": 1}`` against
        ``/page/<int:page>`` of the same endpoint: a URL of the latter that
        spells out ``page=1`` redirects to the former.
        """
        return (
            not self.build_only
            and bool(self.defaults)
            and self is not rule
            and self.endpoint == rule.endpoint
            and self.arguments == rule.arguments
        )

    def suitable_for(self, values: t.Mapping[str, t.Any], method: t.Optional[str] = None) -> bool:
        """Whether this rule can build a URL from ``values`` for ``method``.

        Every variable needs a value or a default, and a value given for a
        default must equal it (so ``/page/`` is only built for ``page=1``).
        """
        if method is not None and self.methods is not None and method not in self.methods:
            return False
        defaults = self.defaults or {}
        for name in self.arguments:
            if name not in defaults and name not in values:
                return False
        for name, default in defaults.items():
            if name in values and values[name] != default:
                return False
        return True

    def build(self, values: t.Mapping[str, t.Any], append_unknown: bool = True) -> t.Optional[t.Tuple[str, str]]:
        """``(domain part, URL path)`` for ``values``, or None if they do not fit.

        The domain part is the subdomain (the host with host matching).
        Values that are not variables of the rule become the query string
        when ``append_unknown`` is true.
        """
        defaults = self.defaults or {}
        try:
            domain = self._domain_template.fill(values, defaults)
            path = self._path_template.fill(values, defaults)
        except ValidationError:
            return None
        if domain is None or path is None:
            return None
        if append_unknown and not self.arguments.issuperset(values):
            query = [(name, value) for name, value in values.items() if name not in self.arguments]
            assert self.map is not None
            encoded = url_encode(query, sort=self.map.sort_parameters, key=self.map.sort_key)
            if encoded:
                path = f"{path}?{encoded}"
        return domain, path

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods else ""
        return f"<{type(self).__name__} {self.rule!r}{methods} -> {self.endpoint}>"
