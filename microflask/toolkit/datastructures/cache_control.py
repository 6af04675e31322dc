"""``Cache-Control`` as an object: ``request.cache_control`` and ``response.cache_control``.

``http.parse_cache_control_header`` fills one from the header; each directive
is then a typed attribute (``cc.max_age == 300``, ``cc.no_store is True``).
The response's is mutable and rewrites its header through ``on_update``; the
request's is read-only. Neither decides anything about caching itself.
"""
from __future__ import annotations

import re
import typing as t

from .._http_base import dump_header
from .structures import CallbackDict, ImmutableDictMixin

# RFC 9111: a delta-seconds too large to hold is read as 2**31.
_MAX_DELTA_SECONDS = 2**31
_DIGITS_RE = re.compile(r"[0-9]+\Z")


def _parse_seconds(value: t.Optional[str]) -> t.Optional[int]:
    if value is None or not _DIGITS_RE.match(value):
        return None
    if len(value) > 10:  # already past 2**31; not worth converting
        return _MAX_DELTA_SECONDS
    return min(int(value), _MAX_DELTA_SECONDS)


class _Kind:
    """How one family of directives reads from, and writes to, the header text.

    The header text of a directive is ``None`` for a bare directive
    (``no-store``) and a string for one with a value (``max-age=300``).
    """

    def __init__(
        self,
        load: t.Callable[[t.Optional[str]], t.Any],
        dump: t.Callable[[t.Any], t.Optional[str]],
        absent: t.Any = None,
    ) -> None:
        self.load = load
        self.dump = dump
        self.absent = absent


#: Present or not: ``no-store``, ``public``. Reads True/False.
FLAG = _Kind(lambda text: True, lambda value: None, absent=False)
#: A number of seconds: ``max-age=300``. Reads an int, or None if unreadable.
SECONDS = _Kind(_parse_seconds, lambda value: str(int(value)))
#: Seconds, or bare for "any": ``max-stale``. Reads an int or ``"*"``.
SECONDS_OR_ANY = _Kind(
    lambda text: "*" if text is None else _parse_seconds(text),
    lambda value: None if value == "*" else str(int(value)),
)
#: Bare, or limited to some header fields: ``no-cache="Set-Cookie"``. Reads True or the field names.
FIELD_NAMES = _Kind(lambda text: True if text is None else text, lambda value: None if value is True else str(value))


class Directive:
    """A cache directive as an attribute; the header name is the attribute's, with ``-``.

    Reading gives ``None`` (or False for a flag) when the directive is
    absent. Assigning ``None`` or ``False`` removes it.
    """

    def __init__(self, kind: _Kind) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name.replace("_", "-")
        self.__doc__ = f"The ``{self.key}`` directive."

    def __get__(self, instance: t.Optional["_CacheControl"], owner: t.Optional[type] = None) -> t.Any:
        if instance is None:
            return self
        if self.key not in instance:
            return self.kind.absent
        return self.kind.load(instance[self.key])

    def __set__(self, instance: "_CacheControl", value: t.Any) -> None:
        if value is None or value is False:
            if self.key in instance:
                del instance[self.key]
        else:
            instance[self.key] = self.kind.dump(value)

    def __delete__(self, instance: "_CacheControl") -> None:
        self.__set__(instance, None)


class _CacheControl(CallbackDict):
    """Directive name -> header text (``None`` when bare), with typed attributes.

    ``provided`` tells whether the header was sent at all.
    """

    no_cache = Directive(FIELD_NAMES)
    no_store = Directive(FLAG)
    max_age = Directive(SECONDS)
    no_transform = Directive(FLAG)

    def __init__(
        self,
        values: t.Union[t.Mapping[str, t.Optional[str]], t.Iterable[t.Tuple[str, t.Optional[str]]], None] = (),
        on_update: t.Optional[t.Callable[[t.Any], None]] = None,
    ) -> None:
        super().__init__(values, on_update)
        self.provided = values is not None

    def to_header(self) -> str:
        """The header value: ``max-age=300, public``."""
        return dump_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class RequestCacheControl(ImmutableDictMixin, _CacheControl):  # type: ignore[misc]
    """What the client asks of caches: ``max_age``, ``max_stale``, ``only_if_cached``...

    Read-only: assigning a directive raises ``TypeError``.
    """

    max_stale = Directive(SECONDS_OR_ANY)
    min_fresh = Directive(SECONDS)
    only_if_cached = Directive(FLAG)


class ResponseCacheControl(_CacheControl):
    """What the server allows caches: ``public``, ``private``, ``s_maxage``, ``immutable``...

    >>> cc = ResponseCacheControl()
    >>> cc.max_age = 300
    >>> cc.public = True
    >>> cc.to_header()
    'max-age=300, public'
    """

    public = Directive(FLAG)
    private = Directive(FIELD_NAMES)
    must_revalidate = Directive(FLAG)
    proxy_revalidate = Directive(FLAG)
    s_maxage = Directive(SECONDS)
    immutable = Directive(FLAG)
