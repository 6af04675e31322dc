"""Byte ranges: the request's ``Range`` and ``If-Range``, the response's ``Content-Range``.

``http.parse_range_header`` and friends build these from header text; a
response serving part of a body asks ``Range.range_for_length`` which slice
to send and describes it with a ``ContentRange``. Stops are exclusive, like
Python slices. Nothing here reads or slices a body.
"""
from __future__ import annotations

import typing as t

from .._http_base import http_date, is_byte_range_valid, quote_etag

if t.TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime


class IfRange:
    """An ``If-Range`` value: the ETag or the date a partial download started from."""

    __slots__ = ("etag", "date")

    def __init__(self, etag: t.Optional[str] = None, date: t.Optional["datetime"] = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        """The header value: the date, else the quoted ETag, else ``''``."""
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class Range:
    """A ``Range`` request: ``units`` and a list of ``(start, stop)`` pairs.

    ``stop`` is exclusive, or ``None`` for "to the end"; a negative ``start``
    with no stop is a suffix (``(-500, None)`` is the last 500 bytes).

    >>> Range("bytes", [(0, 500)]).range_for_length(1000)
    (0, 500)
    """

    __slots__ = ("units", "ranges")

    def __init__(self, units: str, ranges: t.List[t.Tuple[int, t.Optional[int]]]) -> None:
        for start, stop in ranges:
            if start is None or (stop is not None and not 0 <= start < stop):
                raise ValueError(f"{(start, stop)} is not a valid range; expected 0 <= start < stop, or stop None")
        self.units = units
        self.ranges = ranges

    def range_for_length(self, length: t.Optional[int]) -> t.Optional[t.Tuple[int, int]]:
        """The ``(start, stop)`` to send of a ``length``-byte body, or ``None``.

        Only a single byte range can be answered this way; one that starts
        past the end is unsatisfiable (``None``). A stop past the end, or a
        suffix longer than the body, is cut to the body.
        """
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, stop = self.ranges[0]
        if stop is None:
            stop = length
            if start < 0:
                start = max(length + start, 0)
        if not is_byte_range_valid(start, stop, length):
            return None
        return start, min(stop, length)

    def make_content_range(self, length: t.Optional[int]) -> t.Optional["ContentRange"]:
        """The ``ContentRange`` answering this range for a ``length``-byte body, or ``None``."""
        span = self.range_for_length(length)
        if span is None:
            return None
        return ContentRange(self.units, span[0], span[1], length)

    def to_header(self) -> str:
        """The header value: ``bytes=0-499,1000-`` or ``bytes=-500``."""
        specs = []
        for start, stop in self.ranges:
            if stop is None:
                specs.append(f"{start}-" if start >= 0 else str(start))
            else:
                specs.append(f"{start}-{stop - 1}")
        return f"{self.units}={','.join(specs)}"

    def to_content_range_header(self, length: t.Optional[int]) -> t.Optional[str]:
        """The ``Content-Range`` value answering this range, or ``None`` if unsatisfiable."""
        content_range = self.make_content_range(length)
        return None if content_range is None else content_range.to_header()

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class _Observed:
    """An attribute whose every assignment calls the owner's ``on_update``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, instance: t.Any, owner: t.Optional[type] = None) -> t.Any:
        if instance is None:
            return self
        return getattr(instance, self.slot)

    def __set__(self, instance: t.Any, value: t.Any) -> None:
        setattr(instance, self.slot, value)
        if instance.on_update is not None:
            instance.on_update(instance)


class ContentRange:
    """A ``Content-Range`` value: which bytes of how many a response carries.

    ``start``/``stop`` (exclusive) are both ``None`` for ``bytes */1000``;
    ``length`` is ``None`` when unknown (``bytes 0-499/*``); ``units`` is
    ``None`` for "no Content-Range at all". Assigning any of them, or calling
    ``set``/``unset``, calls ``on_update(self)``.

    >>> ContentRange("bytes", 0, 500, 1000).to_header()
    'bytes 0-499/1000'
    """

    __slots__ = ("_units", "_start", "_stop", "_length", "on_update")

    units = _Observed()
    start = _Observed()
    stop = _Observed()
    length = _Observed()

    def __init__(
        self,
        units: t.Optional[str],
        start: t.Optional[int],
        stop: t.Optional[int],
        length: t.Optional[int] = None,
        on_update: t.Optional[t.Callable[["ContentRange"], None]] = None,
    ) -> None:
        _check_span(start, stop, length)
        self.on_update = None
        self.units = units
        self.start = start
        self.stop = stop
        self.length = length
        self.on_update = on_update

    def set(
        self, start: t.Optional[int], stop: t.Optional[int], length: t.Optional[int] = None, units: t.Optional[str] = "bytes"
    ) -> None:
        """Replace the whole value at once; ``on_update`` is called once."""
        _check_span(start, stop, length)
        on_update, self.on_update = self.on_update, None
        self.units = units
        self.start = start
        self.stop = stop
        self.length = length
        self.on_update = on_update
        if on_update is not None:
            on_update(self)

    def unset(self) -> None:
        """Make this "no Content-Range": the response drops the header."""
        self.set(None, None, units=None)

    def to_header(self) -> str:
        """The header value (``bytes 0-499/1000``), or ``''`` when unset."""
        if self.units is None:
            return ""
        length = "*" if self.length is None else self.length
        if self.start is None:
            return f"{self.units} */{length}"
        return f"{self.units} {self.start}-{self.stop - 1}/{length}"

    def __bool__(self) -> bool:
        return self.units is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


def _check_span(start: t.Optional[int], stop: t.Optional[int], length: t.Optional[int]) -> None:
    if not is_byte_range_valid(start, stop, length):
        raise ValueError(
            f"bytes {start} to {stop} (exclusive) of {length} is not a valid range;"
            " expected 0 <= start < stop and start < length, or start and stop both None"
        )
