"""An uploaded file: ``FileStorage`` is what ``request.files`` holds.

The form parser wraps each file part of a multipart body in one: its stream,
the client's filename, the form field name and the part's headers. A view
reads it like a file or calls ``save``. Parsing multipart bodies is the form
parser's job; this module never trusts ``filename`` for a path on disk.
"""
from __future__ import annotations

import os
import sys
import typing as t
from io import BytesIO

from .._http_base import parse_options_header
from .headers import Headers


def _filename_of(stream: t.Any) -> t.Optional[str]:
    """The path a file object was opened from, if it has a real one.

    ``open(fd)`` names its stream by an int, and ``sys.stdin`` and friends by
    ``<stdin>``-style pseudo-names; neither is a file name.
    """
    name = getattr(stream, "name", None)
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, bytes):
        name = name.decode(sys.getfilesystemencoding(), "replace")
    if not isinstance(name, str) or not name or (name[0] == "<" and name[-1] == ">"):
        return None
    return name


class FileStorage:
    """A file sent in a request: a stream plus the metadata that came with it.

    ``filename`` is what the client claims and must not be used as a path as
    is. Attribute access the class does not define (``read``, ``seek``, ...)
    goes to ``stream``. False when no file was chosen (no filename).
    """

    def __init__(
        self,
        stream: t.Optional[t.IO[bytes]] = None,
        filename: t.Optional[str] = None,
        name: t.Optional[str] = None,
        content_type: t.Optional[str] = None,
        content_length: t.Optional[int] = None,
        headers: t.Optional[Headers] = None,
    ) -> None:
        self.name = name
        self.stream: t.IO[bytes] = stream if stream is not None else BytesIO()
        self.filename = _filename_of(stream) if filename is None else filename
        self.headers = headers if headers is not None else Headers()
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        if content_length is not None:
            self.headers["Content-Length"] = content_length
        self._parsed_content_type: t.Tuple[t.Optional[str], t.Tuple[str, t.Dict[str, t.Optional[str]]]] = (None, ("", {}))

    @property
    def content_type(self) -> t.Optional[str]:
        """The ``Content-Type`` header of the file part, as sent."""
        return t.cast(t.Optional[str], self.headers.get("Content-Type"))

    @property
    def content_length(self) -> int:
        """The ``Content-Length`` header of the file part; 0 if absent or not a number."""
        length = self.headers.get("Content-Length", 0, type=int)
        return t.cast(int, length) if length > 0 else 0

    def _content_type_parts(self) -> t.Tuple[str, t.Dict[str, t.Optional[str]]]:
        # Parsed once per distinct header value; the headers may be changed later.
        raw = self.content_type
        cached_raw, parts = self._parsed_content_type
        if raw != cached_raw:
            parts = parse_options_header(raw or "")
            self._parsed_content_type = (raw, parts)
        return parts

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lowercased: ``"text/plain"``."""
        return self._content_type_parts()[0].lower()

    @property
    def mimetype_params(self) -> t.Dict[str, t.Optional[str]]:
        """The content type's parameters: ``{"charset": "utf-8"}``."""
        return self._content_type_parts()[1]

    def save(self, dst: t.Union[str, bytes, os.PathLike, t.IO[bytes]], buffer_size: int = 16384) -> None:
        """Copy the file to ``dst``: a path (opened, written, closed) or a binary file object (left open).

        The stream is read from its current position.
        """
        import shutil  # heavy: it loads bz2 and lzma, and only saving needs it

        if isinstance(dst, (str, bytes, os.PathLike)):
            with open(dst, "wb") as file:
                shutil.copyfileobj(self.stream, file, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the stream; closing an already broken stream is not an error."""
        try:
            self.stream.close()
        except Exception:
            pass

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __getattr__(self, name: str) -> t.Any:
        # Only called for attributes not found normally. Protocol hooks that
        # copy and pickle look up (__getstate__, ...) must not come from the
        # stream, and a missing "stream" itself must not recurse back here.
        if name == "stream" or name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(self.stream, name)
        except AttributeError:
            # Before Python 3.11 a SpooledTemporaryFile lacks readable(),
            # seekable() and the like; the file it wraps has them.
            inner = getattr(self.stream, "_file", None)
            if inner is None:
                raise
            return getattr(inner, name)

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"
