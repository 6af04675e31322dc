"""HTTP headers: the ordered, case-insensitive, multi-valued list a message carries.

A response builds its ``Headers`` and hands ``to_wsgi_list()`` to
``start_response``; a request reads its headers through ``EnvironHeaders``, a
read-only view of the WSGI environ. Every name and value written is checked for
CR, LF and NUL, so no input can smuggle in an extra header line. Turning header
values into Python objects (dates, options, lists) is ``microflask.toolkit.http``'s job.
"""
from __future__ import annotations

import typing as t

from .._http_base import dump_options_header
from ..exceptions import BadRequestKeyError
from .structures import MultiDict, _convert, _convert_all, iter_multi_items

_missing: t.Any = object()

#: What ``Headers`` accepts as a batch of headers: a dict (list and tuple
#: values mean several headers), a ``Headers``/``MultiDict``, or pairs.
HeaderSource = t.Union["Headers", t.Mapping[str, t.Any], t.Iterable[t.Tuple[str, t.Any]]]


def _to_str(value: t.Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        # HTTP/1.1 headers are bytes; latin-1 maps each byte to one code point.
        return value.decode("latin-1")
    return str(value)


def _checked(name: t.Any, value: t.Any) -> t.Tuple[str, str]:
    """``(name, value)`` as strings, refusing the characters that end a header line.

    This is the header-injection guard: a CR or LF would let a value such as
    ``"x\\r\\nSet-Cookie: ..."`` start a new header, and NUL is never valid.
    """
    if type(name) is not str:
        name = _to_str(name)
    if type(value) is not str:
        value = _to_str(value)
    if "\n" in name or "\r" in name or "\0" in name:
        raise ValueError(f"header name {name!r} must not contain CR, LF or NUL characters")
    if "\n" in value or "\r" in value or "\0" in value:
        raise ValueError(f"value of header {name!r} must not contain CR, LF or NUL characters, got {value!r}")
    return name, value


def _headers_from_checked(pairs: t.List[t.Tuple[str, str]]) -> "Headers":
    """A ``Headers`` that owns ``pairs``, which must already be checked strings.

    For the response hot path, whose headers are built from constants and
    values it made itself: ``Headers(pairs)`` would check every pair again.
    """
    headers = object.__new__(Headers)
    headers._list = pairs
    return headers


def _with_params(value: t.Any, params: t.Mapping[str, t.Any]) -> str:
    """``value; name=param; ...`` with params quoted as needed; ``_`` in names becomes ``-``.

    A param whose value is ``None`` is written as a bare name.
    """
    return dump_options_header(_to_str(value), {name.replace("_", "-"): param for name, param in params.items()})


class Headers:
    """An ordered list of ``(name, value)`` headers with case-insensitive lookup.

    A name may occur several times (``Set-Cookie``). ``h["Content-Type"]`` gives
    the first value, ``getlist`` all of them; an int or slice indexes the list.
    Values are stored as strings (``str()`` of ints and the like). Iterating
    yields ``(name, value)`` tuples.
    """

    __slots__ = ("_list",)

    def __init__(self, defaults: t.Optional[HeaderSource] = None) -> None:
        self._list: t.List[t.Tuple[str, str]] = []
        if defaults is not None:
            self.extend(defaults)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (list(self),)

    # -- reading --------------------------------------------------------------

    def _lookup(self, key: t.Any) -> t.Any:
        """The first value of header ``key``, or ``_missing``."""
        if not isinstance(key, str):
            return _missing
        ikey = key.lower()
        for name, value in self._list:
            if name.lower() == ikey:
                return value
        return _missing

    def __getitem__(self, key: t.Union[str, int, slice]) -> t.Any:
        if isinstance(key, int):
            return self._list[key]
        if isinstance(key, slice):
            return type(self)(self._list[key])
        value = self._lookup(key)
        if value is _missing:
            raise BadRequestKeyError(key)
        return value

    def get(self, key: str, default: t.Any = None, type: t.Optional[t.Callable[[str], t.Any]] = None) -> t.Any:
        """The first value of ``key`` converted by ``type``; ``default`` if missing or rejected."""
        value = self._lookup(key)
        if value is _missing:
            return default
        return value if type is None else _convert(value, type, default)

    def getlist(self, key: str, type: t.Optional[t.Callable[[str], t.Any]] = None) -> t.List[t.Any]:
        """All values of ``key`` in order, converted by ``type`` (rejected ones left out)."""
        ikey = key.lower()
        return _convert_all((value for name, value in self._list if name.lower() == ikey), type)

    def get_all(self, name: str) -> t.List[str]:
        """All values of ``name``; the ``email.message`` spelling of ``getlist``."""
        return self.getlist(name)

    def __contains__(self, key: object) -> bool:
        return self._lookup(key) is not _missing

    def __iter__(self) -> t.Iterator[t.Tuple[str, str]]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def items(self, lower: bool = False) -> t.Iterator[t.Tuple[str, str]]:
        """``(name, value)`` pairs in order; names lowercased if ``lower``."""
        for name, value in self:
            yield (name.lower() if lower else name), value

    def keys(self, lower: bool = False) -> t.Iterator[str]:
        """Every header name in order, repeated names included."""
        return (name for name, _ in self.items(lower))

    def values(self) -> t.Iterator[str]:
        return (value for _, value in self)

    def to_wsgi_list(self) -> t.List[t.Tuple[str, str]]:
        """The headers as the list of ``(str, str)`` that ``start_response`` takes."""
        return self._list.copy()

    def copy(self) -> "Headers":
        if type(self) is not Headers:
            return type(self)(self._list)
        # The pairs were checked when they were added: no need to check them again.
        return _headers_from_checked(self._list.copy())

    def __copy__(self) -> "Headers":
        return self.copy()

    def __eq__(self, other: object) -> bool:
        """Same headers regardless of order and of the case of names."""
        if not isinstance(other, Headers):
            return NotImplemented
        return sorted(self.items(lower=True)) == sorted(other.items(lower=True))

    def __str__(self) -> str:
        """The header block as sent on the wire, ending with the blank line."""
        return "".join(f"{name}: {value}\r\n" for name, value in self) + "\r\n"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    # -- writing --------------------------------------------------------------

    def _replace(self, key: str, items: t.List[t.Tuple[str, str]]) -> None:
        """Put ``items`` where header ``key`` first occurs (else at the end), dropping all its occurrences."""
        ikey = key.lower()
        pairs = self._list
        for index, (name, _) in enumerate(pairs):
            if name.lower() == ikey:
                break
        else:
            pairs.extend(items)
            return
        pairs[index:] = items + [pair for pair in pairs[index + 1 :] if pair[0].lower() != ikey]

    def add(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Append a header; ``params`` become ``; name=value`` options.

        ``h.add("Content-Disposition", "attachment", filename="a b.txt")`` adds
        ``attachment; filename="a b.txt"``.
        """
        if params:
            value = _with_params(value, params)
        self._list.append(_checked(key, value))

    add_header = add

    def set(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Replace header ``key`` in place of its first occurrence, or append it."""
        if params:
            value = _with_params(value, params)
        item = _checked(key, value)
        self._replace(item[0], [item])

    def setlist(self, key: str, values: t.Iterable[t.Any]) -> None:
        """Replace header ``key`` with one header per value; no values removes it."""
        items = [_checked(key, value) for value in values]
        self._replace(_to_str(key), items)

    def setdefault(self, key: str, default: t.Any) -> str:
        """The first value of ``key``; if missing, add it with ``default`` first."""
        value = self._lookup(key)
        if value is _missing:
            self.add(key, default)
            value = self._list[-1][1]
        return t.cast(str, value)

    def setlistdefault(self, key: str, default: t.Iterable[t.Any]) -> t.List[str]:
        """All values of ``key``; if missing, set them to ``default`` first."""
        if key not in self:
            self.setlist(key, default)
        return self.getlist(key)

    def extend(self, headers: t.Optional[HeaderSource] = None, /, **kwargs: t.Any) -> None:
        """Append headers from a mapping, ``Headers``, pairs, or keyword arguments.

        All of them are checked before any is added.
        """
        if headers is None:
            items = []
        elif isinstance(headers, (list, tuple)):
            items = [_checked(name, value) for name, value in headers]
        else:
            items = [_checked(name, value) for name, value in iter_multi_items(headers)]
        if kwargs:
            items.extend(_checked(name, value) for name, value in iter_multi_items(kwargs))
        self._list.extend(items)

    def update(self, headers: t.Optional[HeaderSource] = None, /, **kwargs: t.Any) -> None:
        """Replace each header named in ``headers`` and ``kwargs``, keeping the others.

        A list or tuple value replaces the header with one line per item.
        """
        if isinstance(headers, (Headers, MultiDict)):
            for key in dict.fromkeys(headers.keys()):
                self.setlist(key, headers.getlist(key))
        elif isinstance(headers, dict):
            self._update_from_mapping(headers)
        elif headers is not None:
            for key, value in headers:
                self.set(key, value)
        self._update_from_mapping(kwargs)

    def _update_from_mapping(self, mapping: t.Mapping[str, t.Any]) -> None:
        for key, value in mapping.items():
            if isinstance(value, (list, tuple)):
                self.setlist(key, value)
            else:
                self.set(key, value)

    def __setitem__(self, key: t.Union[str, int, slice], value: t.Any) -> None:
        """``h[name] = value`` sets; ``h[index] = (name, value)`` and slices replace pairs."""
        if isinstance(key, str):  # set(), without a call for its unused params
            item = _checked(key, value)
            self._replace(item[0], [item])
        elif isinstance(key, int):
            self._list[key] = _checked(*value)
        elif isinstance(key, slice):
            self._list[key] = [_checked(name, item) for name, item in value]
        else:
            self.set(key, value)

    def remove(self, key: str) -> None:
        """Remove every header named ``key``; a missing name is not an error."""
        self._replace(key, [])

    def __delitem__(self, key: t.Union[str, int, slice]) -> None:
        if isinstance(key, (int, slice)):
            del self._list[key]
        else:
            self.remove(key)

    def pop(self, key: t.Union[str, int, None] = None, default: t.Any = _missing) -> t.Any:
        """Remove and return: the last pair if no key, the pair at an int index,
        or the first value of a named header (all its occurrences are removed).
        """
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        value = self._lookup(key)
        if value is _missing:
            if default is _missing:
                raise BadRequestKeyError(key)
            return default
        self.remove(key)
        return value

    def popitem(self) -> t.Tuple[str, str]:
        """Remove and return the last ``(name, value)`` pair."""
        return t.cast(t.Tuple[str, str], self.pop())

    def clear(self) -> None:
        self._list.clear()


class EnvironHeaders(Headers):
    """The request headers of a WSGI environ, read-only.

    ``HTTP_X_FORWARDED_FOR`` reads as ``X-Forwarded-For``; ``CONTENT_TYPE`` and
    ``CONTENT_LENGTH`` are included when not empty. A lookup turns the name into
    its environ key, so it costs one dict access. ``copy()`` and every mutator
    raise ``TypeError``; build a ``Headers(environ_headers)`` to edit a copy.
    """

    __slots__ = ("environ",)

    _CGI_NAMES = ("CONTENT_TYPE", "CONTENT_LENGTH")

    def __init__(self, environ: t.Mapping[str, t.Any]) -> None:
        self.environ = environ

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Tuple[t.Any, ...]:
        return type(self), (self.environ,)

    def _lookup(self, key: t.Any) -> t.Any:
        if not isinstance(key, str):
            return _missing
        name = key.upper().replace("-", "_")
        if name in self._CGI_NAMES:
            # The CGI keys are present but empty when the request has no body.
            value = self.environ.get(name)
            return _to_str(value) if value else _missing
        value = self.environ.get("HTTP_" + name, _missing)
        return _missing if value is _missing else _to_str(value)

    def __getitem__(self, key: str) -> str:  # type: ignore[override]
        value = self._lookup(key)
        if value is _missing:
            raise BadRequestKeyError(key)
        return t.cast(str, value)

    def getlist(self, key: str, type: t.Optional[t.Callable[[str], t.Any]] = None) -> t.List[t.Any]:
        # A WSGI server joins repeated request headers into one value.
        value = self._lookup(key)
        return [] if value is _missing else _convert_all((value,), type)

    def __iter__(self) -> t.Iterator[t.Tuple[str, str]]:
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                # Some servers copy the CGI keys to HTTP_*; those are read from the CGI keys.
                if key[5:] not in self._CGI_NAMES:
                    yield key[5:].replace("_", "-").title(), _to_str(value)
            elif key in self._CGI_NAMES and value:
                yield key.replace("_", "-").title(), _to_str(value)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def to_wsgi_list(self) -> t.List[t.Tuple[str, str]]:
        return list(self)

    def copy(self) -> t.NoReturn:
        raise TypeError(f"cannot create {type(self).__name__!r} copies; use Headers(environ_headers)")

    def _is_immutable(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    add = add_header = set = setlist = setdefault = setlistdefault = _is_immutable  # type: ignore[assignment]
    extend = update = remove = pop = popitem = clear = _is_immutable  # type: ignore[assignment]
    __setitem__ = __delitem__ = _is_immutable  # type: ignore[assignment]
