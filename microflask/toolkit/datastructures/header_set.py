"""``HeaderSet``: a comma-list header such as ``Vary`` or ``Allow`` as a set.

``http.parse_set_header`` builds one from the header text; a response keeps
its header in step through ``on_update``. Items keep their order and spelling
but compare case-insensitively. It holds strings only and parses nothing.
"""
from __future__ import annotations

import typing as t
from collections.abc import MutableSet

from .._http_base import quote_header_value


class HeaderSet(MutableSet):  # type: ignore[type-arg]
    """An ordered, case-insensitive set of header items.

    >>> vary = HeaderSet(["Accept", "Cookie"])
    >>> "accept" in vary, vary.to_header()
    (True, 'Accept, Cookie')

    ``on_update(self)`` is called after every change.
    """

    __slots__ = ("_headers", "_lowered", "on_update")

    def __init__(
        self,
        headers: t.Optional[t.Iterable[str]] = None,
        on_update: t.Optional[t.Callable[["HeaderSet"], None]] = None,
    ) -> None:
        self._headers: t.List[str] = []
        self._lowered: t.Set[str] = set()
        for header in headers or ():
            self._insert(header)
        self.on_update = on_update

    def _insert(self, header: str) -> bool:
        key = header.lower()
        if key in self._lowered:
            return False
        self._lowered.add(key)
        self._headers.append(header)
        return True

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def add(self, header: str) -> None:
        """Add ``header`` unless an item equal to it ignoring case is present."""
        if self._insert(header):
            self._changed()

    def remove(self, header: str) -> None:
        """Remove ``header`` (any case); ``KeyError`` if it is not there."""
        key = header.lower()
        if key not in self._lowered:
            raise KeyError(header)
        self._lowered.discard(key)
        del self._headers[self._position(key)]
        self._changed()

    def discard(self, header: str) -> None:
        """Remove ``header`` (any case) if present."""
        if header.lower() in self._lowered:
            self.remove(header)

    def update(self, iterable: t.Iterable[str]) -> None:
        """Add every item of ``iterable``; ``on_update`` is called once if any was new."""
        inserted = [self._insert(header) for header in iterable]
        if any(inserted):
            self._changed()

    def clear(self) -> None:
        self._headers.clear()
        self._lowered.clear()
        self._changed()

    def _position(self, key: str) -> int:
        for position, item in enumerate(self._headers):
            if item.lower() == key:
                return position
        return -1

    def find(self, header: str) -> int:
        """The position of ``header`` (any case), or -1."""
        return self._position(header.lower())

    def index(self, header: str) -> int:
        """The position of ``header`` (any case); ``IndexError`` if it is not there."""
        position = self.find(header)
        if position < 0:
            raise IndexError(header)
        return position

    def as_set(self, preserve_casing: bool = False) -> t.Set[str]:
        """A plain ``set`` of the items, lower-cased unless ``preserve_casing``."""
        return set(self._headers) if preserve_casing else set(self._lowered)

    def to_header(self) -> str:
        """The header value: ``'Accept, "quoted item"'``."""
        return ", ".join(quote_header_value(header) for header in self._headers)

    def __getitem__(self, index: int) -> str:
        return self._headers[index]

    def __delitem__(self, index: int) -> None:
        removed = self._headers.pop(index)
        self._lowered.discard(removed.lower())
        self._changed()

    def __setitem__(self, index: int, header: str) -> None:
        key = header.lower()
        old_key = self._headers[index].lower()
        if key != old_key and key in self._lowered:
            raise ValueError(f"{header!r} is already in the set")
        self._lowered.discard(old_key)
        self._lowered.add(key)
        self._headers[index] = header
        self._changed()

    def __contains__(self, header: object) -> bool:
        return isinstance(header, str) and header.lower() in self._lowered

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __bool__(self) -> bool:
        return bool(self._headers)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headers!r})"
