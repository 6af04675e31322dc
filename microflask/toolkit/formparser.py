"""Turns a request body into ``form`` and ``files``: the seam between stream and data.

``Request.form`` calls ``FormDataParser.parse`` with the guarded body stream
and the mimetype; ``parse_functions`` maps each mimetype to a method. Urlencoded
bodies are read whole (they are small); ``multipart/form-data`` bodies go
through ``MultiPartParser``: read whole when small, else streamed chunk by
chunk, text fields into memory and files into ``stream_factory`` streams, so
an upload of any size uses constant memory.
Nothing here decides where an upload is finally stored or trusts its filename.
"""
from __future__ import annotations

import io
import re
import typing as t

from .datastructures import FileStorage, Headers, MultiDict
from .datastructures.headers import _headers_from_checked
from .exceptions import BadRequest, RequestEntityTooLarge
from .http import parse_options_header
from .urls import url_decode
from .wsgi import get_content_length, get_input_stream

WSGIEnvironment = t.Dict[str, t.Any]
ParseResult = t.Tuple[t.IO[bytes], MultiDict, MultiDict]
StreamFactory = t.Callable[..., t.IO[bytes]]

#: Uploads up to this size stay in memory; larger ones spill to a temporary file.
_SPOOL_SIZE = 500 * 1024
#: The most bytes one part's header block may take; real ones are a few hundred.
_MAX_PART_HEADER_SIZE = 8 * 1024
# Werkzeug's rule for a boundary: 1 to 200 printable ASCII characters, the last
# not a space. RFC 2046 is stricter (70 characters) but clients exceed it.
_BOUNDARY_RE = re.compile(rb"[ -~]{0,199}[!-~]")
# RFC 9110 token characters: what a header name is made of.
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# The Content-Disposition browsers and HTTP clients send, with no quote or
# backslash inside the values: read without the general parser's work.
_PLAIN_DISPOSITION_RE = re.compile(r'form-data; name="([^"\\]*)"(?:; filename="([^"\\]*)")?')
# The header block browsers and HTTP clients send for a part, matched whole
# and read without the general parser's work: no padding, a Content-Disposition
# whose quoted values hold no quote, backslash, CR, LF or NUL, and maybe a
# Content-Type without those or surrounding whitespace. Groups: the disposition,
# name, filename, content type.
_TYPICAL_PART_HEAD_RE = re.compile(
    r'\r\nContent-Disposition: (form-data; name="([^"\\\r\n\0]*)"(?:; filename="([^"\\\r\n\0]*)")?)'
    r"(?:\r\nContent-Type: ([^\s\0](?:[^\r\n\0]*[^\s\0])?))?"
)
# A buffer's delimiters are listed from its end, at most this many: a body
# has few parts, and parts close together are as quickly found one by one.
_MOST_DELIMITERS_LISTED = 32
# The charsets a text field may declare. Modern clients send UTF-8; looking up
# any other name the client picks would let it choose our codec.
_FIELD_CHARSETS = frozenset({"ascii", "us-ascii", "utf-8", "iso-8859-1"})


def _is_small(total_content_length: t.Optional[int]) -> bool:
    """Whether a body of this declared size is read whole and keeps its uploads in memory."""
    return total_content_length is not None and total_content_length <= _SPOOL_SIZE


def default_stream_factory(
    total_content_length: t.Optional[int],
    content_type: t.Optional[str],
    filename: t.Optional[str],
    content_length: t.Optional[int] = None,
) -> t.IO[bytes]:
    """Where an uploaded file's bytes are written while the body is parsed.

    Small bodies of known size go to memory; anything else to a file that
    moves to disk once it grows past 500 KiB.
    """
    if _is_small(total_content_length):
        return io.BytesIO()
    import tempfile  # heavy: only bodies too big for memory need it

    return t.cast(t.IO[bytes], tempfile.SpooledTemporaryFile(max_size=_SPOOL_SIZE, mode="rb+"))


def parse_form_data(
    environ: WSGIEnvironment,
    stream_factory: t.Optional[t.Callable[..., t.IO[bytes]]] = None,
    charset: str = "utf-8",
    errors: str = "replace",
    max_form_memory_size: t.Optional[int] = None,
    max_content_length: t.Optional[int] = None,
    cls: t.Optional[t.Type[MultiDict]] = None,
    silent: bool = True,
    max_form_parts: t.Optional[int] = None,
) -> ParseResult:
    """Parse the body of the request in ``environ``: ``(stream, form, files)``.

    Without a request object; the arguments are those of ``FormDataParser``.
    """
    parser = FormDataParser(
        stream_factory, charset, errors, max_form_memory_size, max_content_length, cls, silent,
        max_form_parts=max_form_parts,
    )
    return parser.parse_from_environ(environ)


class FormDataParser:
    """Parses a body into ``(stream, form, files)`` according to its mimetype.

    ``max_form_memory_size`` caps the bytes of form data held in memory and
    ``max_form_parts`` the number of fields or parts; past either,
    ``RequestEntityTooLarge`` (413). A mimetype without a parser returns the
    stream untouched and empty ``form``/``files`` (``cls``, a ``MultiDict`` by
    default). With ``silent``, a parser's ``ValueError`` gives empty results
    too; a malformed multipart body is a ``BadRequest`` (400) and always raises.
    """

    def __init__(
        self,
        stream_factory: t.Optional[t.Callable[..., t.IO[bytes]]] = None,
        charset: str = "utf-8",
        errors: str = "replace",
        max_form_memory_size: t.Optional[int] = None,
        max_content_length: t.Optional[int] = None,
        cls: t.Optional[t.Type[MultiDict]] = None,
        silent: bool = True,
        max_form_parts: t.Optional[int] = None,
    ) -> None:
        self.stream_factory = default_stream_factory if stream_factory is None else stream_factory
        self.charset = charset
        self.errors = errors
        self.max_form_memory_size = max_form_memory_size
        self.max_content_length = max_content_length
        self.cls = MultiDict if cls is None else cls
        self.silent = silent
        self.max_form_parts = max_form_parts

    def get_parse_func(
        self, mimetype: str, options: t.Dict[str, str]
    ) -> t.Optional[t.Callable[..., ParseResult]]:
        return self.parse_functions.get(mimetype)

    def parse_from_environ(self, environ: WSGIEnvironment) -> ParseResult:
        """Parse the body of the request in ``environ``."""
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        stream = get_input_stream(environ, max_content_length=self.max_content_length)
        return self.parse(stream, mimetype.lower(), get_content_length(environ), options)

    def parse(
        self,
        stream: t.IO[bytes],
        mimetype: str,
        content_length: t.Optional[int],
        options: t.Optional[t.Dict[str, str]] = None,
    ) -> ParseResult:
        """Parse ``stream`` as ``mimetype``; ``content_length`` may be ``None``."""
        if (
            self.max_content_length is not None
            and content_length is not None
            and content_length > self.max_content_length
        ):
            raise RequestEntityTooLarge(
                f"The request body is {content_length} bytes; the limit is {self.max_content_length}."
            )
        if options is None:
            options = {}
        parse_func = self.get_parse_func(mimetype, options)
        if parse_func is not None:
            try:
                return parse_func(self, stream, mimetype, content_length, options)
            except ValueError:
                if not self.silent:
                    raise
        return stream, self.cls(), self.cls()

    def _parse_urlencoded(
        self,
        stream: t.IO[bytes],
        mimetype: str,
        content_length: t.Optional[int],
        options: t.Dict[str, str],
    ) -> ParseResult:
        body = self._read_form_body(stream, content_length)
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge(f"The form has more than the allowed {self.max_form_parts} fields.")
        form = url_decode(body.decode(self.charset, self.errors), self.charset, self.errors, cls=self.cls)
        return stream, form, self.cls()

    def _read_form_body(self, stream: t.IO[bytes], content_length: t.Optional[int]) -> bytes:
        """The whole body, refusing one larger than ``max_form_memory_size``.

        A declared length is checked before reading; an unknown one is read
        one byte past the limit, so no more than that is ever held in memory.
        """
        limit = self.max_form_memory_size
        if limit is None:
            return stream.read()
        if content_length is not None and content_length > limit:
            raise RequestEntityTooLarge(f"The form data is {content_length} bytes; the limit is {limit}.")
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge(f"The form data is larger than the limit of {limit} bytes.")
        return body

    def _parse_multipart(
        self,
        stream: t.IO[bytes],
        mimetype: str,
        content_length: t.Optional[int],
        options: t.Dict[str, str],
    ) -> ParseResult:
        parser = MultiPartParser(
            self.stream_factory,
            self.charset,
            self.errors,
            self.max_form_memory_size,
            self.cls,
            max_form_parts=self.max_form_parts,
        )
        boundary = options.get("boundary")
        if not boundary:
            raise BadRequest("The multipart/form-data Content-Type has no boundary parameter.")
        form, files = parser.parse(stream, boundary.encode("utf-8"), content_length)
        return stream, form, files

    #: Mimetype -> the method that parses a body of that type.
    parse_functions: t.Dict[str, t.Callable[..., ParseResult]] = {
        "multipart/form-data": _parse_multipart,
        "application/x-www-form-urlencoded": _parse_urlencoded,
        "application/x-url-encoded": _parse_urlencoded,
    }


class MultiPartParser:
    """Streams a ``multipart/form-data`` body into ``(form, files)``.

    Parts with a ``filename`` become ``FileStorage`` objects whose bytes were
    written to ``stream_factory(total_content_length=, content_type=,
    filename=, content_length=)``; other parts are text fields, decoded with
    their declared charset (a safe few) or ``charset``. A body of known
    length up to 500 KiB is read in one go, its files kept in memory; others
    are read ``buffer_size`` bytes at a time. Limits raise ``RequestEntityTooLarge``
    (413): ``max_form_memory_size`` for the text fields together,
    ``max_form_parts`` for the number of parts, 8 KiB for one part's headers.
    A malformed body raises ``BadRequest`` (400) saying what is wrong.
    """

    def __init__(
        self,
        stream_factory: t.Optional[StreamFactory] = None,
        charset: str = "utf-8",
        errors: str = "replace",
        max_form_memory_size: t.Optional[int] = None,
        cls: t.Optional[t.Type[MultiDict]] = None,
        buffer_size: int = 64 * 1024,
        max_form_parts: t.Optional[int] = None,
    ) -> None:
        self.stream_factory = default_stream_factory if stream_factory is None else stream_factory
        self.charset = charset
        self.errors = errors
        self.max_form_memory_size = max_form_memory_size
        self.cls = MultiDict if cls is None else cls
        self.buffer_size = buffer_size
        self.max_form_parts = max_form_parts

    def parse(
        self, stream: t.IO[bytes], boundary: bytes, content_length: t.Optional[int]
    ) -> t.Tuple[MultiDict, MultiDict]:
        """Read ``stream`` up to the closing boundary; ``content_length`` is
        the whole body's declared size, or ``None``. An empty body is an empty form."""
        if not _BOUNDARY_RE.fullmatch(boundary):
            raise BadRequest(
                f"The multipart boundary {boundary[:50]!r} is invalid: expected 1 to 200"
                " printable ASCII characters, the last not a space."
            )
        fields: t.List[t.Tuple[str, str]] = []
        files: t.List[t.Tuple[str, FileStorage]] = []
        # A small body of known size is read in one go: then one search of
        # one buffer finds every part, and a file's bytes are copied once.
        chunk_size = t.cast(int, content_length) if _is_small(content_length) else self.buffer_size
        # The CRLF before a boundary belongs to the delimiter, not to the data.
        reader = _BodyReader(stream, chunk_size, b"\r\n--" + boundary)
        try:
            self._parse_parts(reader, content_length, fields, files)
        except BaseException:
            for _name, upload in files:
                upload.close()
            raise
        return self.cls(fields), self.cls(files)

    def _parse_parts(
        self,
        reader: "_BodyReader",
        content_length: t.Optional[int],
        fields: t.List[t.Tuple[str, str]],
        files: t.List[t.Tuple[str, FileStorage]],
    ) -> None:
        if not reader.start():
            return
        memory_left = self.max_form_memory_size
        # What the default factory would give a file, minus a copy.
        files_in_memory = self.stream_factory is default_stream_factory and _is_small(content_length)
        while not reader.skip(b"--"):  # "--" after a delimiter closes the body
            if self.max_form_parts is not None and len(fields) + len(files) >= self.max_form_parts:
                raise RequestEntityTooLarge(f"The form has more than the allowed {self.max_form_parts} parts.")
            headers, name, filename, content_type = self._read_part_head(reader)
            if filename is None:
                try:
                    data = reader.read_to_delimiter(memory_left)
                except _PastLimit:
                    raise RequestEntityTooLarge(
                        f"The form's text fields are larger than the limit of {self.max_form_memory_size} bytes."
                    ) from None
                if memory_left is not None:
                    memory_left -= len(data)
                fields.append((name, data.decode(self._field_charset(content_type), self.errors)))
            elif files_in_memory:
                # A BytesIO made from bytes shares them rather than copying.
                files.append((name, FileStorage(io.BytesIO(reader.read_to_delimiter()), filename, name, headers=headers)))
            else:
                upload = FileStorage(self._open_file(headers, filename, content_length), filename, name, headers=headers)
                files.append((name, upload))
                reader.copy_to_delimiter(upload.stream.write)
                _rewind(upload.stream)

    def _read_part_head(self, reader: "_BodyReader") -> t.Tuple[Headers, str, t.Optional[str], t.Optional[str]]:
        """The headers after a delimiter, up to and including the blank line,
        with the field name, filename (``None`` for a text field) and Content-Type.

        The block starts with the rest of the delimiter's line, which may hold
        only whitespace (RFC 2046 transport padding) before its CRLF.
        """
        block = reader.read_until(b"\r\n\r\n", _MAX_PART_HEADER_SIZE).decode(self.charset, self.errors)
        typical = _TYPICAL_PART_HEAD_RE.fullmatch(block)
        if typical is not None:
            disposition, name, filename, content_type = typical.groups()
            pairs = [("Content-Disposition", disposition)]
            if content_type is not None:
                pairs.append(("Content-Type", content_type))
            # The pattern admits only what the general parser would accept as is.
            return _headers_from_checked(pairs), name, filename, content_type
        headers = _parse_part_headers(block)
        name, filename = _form_data_names(headers)
        return headers, name, filename, headers.get("Content-Type")

    def _field_charset(self, content_type: t.Optional[str]) -> str:
        if content_type is None:  # the usual case for a text field
            return self.charset
        declared = parse_options_header(content_type)[1].get("charset")
        if declared and declared.lower() in _FIELD_CHARSETS:
            return declared.lower()
        return self.charset

    def _open_file(self, headers: Headers, filename: str, total_content_length: t.Optional[int]) -> t.IO[bytes]:
        declared_length = headers.get("Content-Length", "")
        # ASCII digits only, and few enough that int() is cheap and cannot refuse.
        is_length = declared_length.isascii() and declared_length.isdigit() and len(declared_length) <= 18
        return self.stream_factory(
            total_content_length=total_content_length,
            content_type=headers.get("Content-Type"),
            filename=filename,
            content_length=int(declared_length) if is_length else None,
        )


def _rewind(stream: t.IO[bytes]) -> None:
    """Put an upload's stream, now written, back at its start for the view."""
    if type(stream) is io.BytesIO:
        # A growing BytesIO keeps spare room; getvalue() trims its buffer to
        # the data, and a whole read() then returns that buffer, not a copy.
        stream.getvalue()
    stream.seek(0)


def _parse_part_headers(block: str) -> Headers:
    """Any part's header block: an optional padding line, then ``Name: value`` lines."""
    padding, *lines = block.split("\r\n")
    if padding.strip(" \t"):
        raise BadRequest(f"The multipart boundary is followed by {padding[:50]!r}; expected a line break.")
    pairs = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not _HEADER_NAME_RE.fullmatch(name):
            raise BadRequest(f"Invalid header line in a multipart part: {line[:100]!r}.")
        # RFC 9110: a recipient replaces a stray CR, LF or NUL with a space.
        value = value.replace("\0", " ").replace("\r", " ").replace("\n", " ")
        pairs.append((name, value.strip(" \t")))
    # Checked above: token names, and values without CR, LF or NUL.
    return _headers_from_checked(pairs)


def _form_data_names(headers: Headers) -> t.Tuple[str, t.Optional[str]]:
    """The field name and, for a file, the filename from ``Content-Disposition``.

    ``filename*`` (RFC 2231, ``UTF-8''...``) wins over ``filename``; both are
    returned as sent, ``../`` included: saving under them is the caller's call.
    """
    disposition = headers.get("Content-Disposition")
    if disposition is None:
        raise BadRequest("A part of the multipart body has no Content-Disposition header.")
    plain = _PLAIN_DISPOSITION_RE.fullmatch(disposition)
    if plain is not None:
        return plain.group(1), plain.group(2)
    options = parse_options_header(disposition)[1]
    name = options.get("name")
    if name is None:
        raise BadRequest(f"A part's Content-Disposition has no name: {disposition[:100]!r}.")
    return name, options.get("filename")


def _discard(data: bytes) -> None:
    """Where the preamble goes."""


class _PastLimit(Exception):
    """A read went past its limit."""


class _BodyReader:
    """The body as the chunk being read and a position in it, read on demand.

    Bytes before the body's ``delimiter`` are passed on as slices of the
    chunks read, and a chunk that holds none as the chunk itself: a file's
    bytes are copied only into its stream. Each chunk is searched for
    delimiters once, and only the seam between two chunks, where one could
    straddle them, is looked at again, so parsing is linear in the body
    whatever its content. Running out of body before a delimiter is found
    means the body was cut short: ``BadRequest``.
    """

    def __init__(self, stream: t.IO[bytes], chunk_size: int, delimiter: bytes) -> None:
        self._read = stream.read
        self._chunk_size = chunk_size
        self._delimiter = delimiter
        # Bytes are immutable, so a chunk handed on whole can never change
        # under its receiver; consumed bytes are skipped by moving _position.
        self._buffer = b""
        self._position = 0
        # Where the buffer's last delimiters start, last first (None until
        # listed), and from where on that list holds every one of them.
        self._delimiters: t.Optional[t.List[int]] = None
        self._listed_from = 0

    def _set_buffer(self, buffer: bytes, position: int = 0) -> None:
        self._buffer, self._position, self._delimiters = buffer, position, None

    def _next_chunk(self) -> bytes:
        chunk = self._read(self._chunk_size)
        if not chunk:
            raise BadRequest("The multipart body ended before its closing boundary.")
        # A chunk may be handed on whole, so it must be immutable bytes.
        return chunk if type(chunk) is bytes else bytes(chunk)

    def _fill(self) -> None:
        """Append the next chunk to the unread bytes."""
        self._set_buffer(self._buffer[self._position :] + self._next_chunk())

    def _list_delimiters(self) -> t.List[int]:
        """List the unread buffer's last delimiters, searching from its end.

        A file's bytes, the bulk of a body, hold no delimiter, and ``rfind``
        goes through them faster than ``find`` (measured in
        docs/performance.md); it stays linear for this needle, whose CR
        occurs only at its start. Past ``_MOST_DELIMITERS_LISTED`` the
        delimiters are close together, and those before are found going
        forward as needed.
        """
        buffer, delimiter, start = self._buffer, self._delimiter, self._position
        delimiters: t.List[int] = []
        self._delimiters, self._listed_from = delimiters, start
        end = len(buffer)
        while len(delimiters) < _MOST_DELIMITERS_LISTED:
            found = buffer.rfind(delimiter, start, end)
            if found == -1:
                return delimiters
            delimiters.append(found)
            end = found + len(delimiter) - 1
        self._listed_from = delimiters[-1]
        return delimiters

    def _find_delimiter(self) -> int:
        """Where the next delimiter in the buffer starts, or -1."""
        delimiters = self._delimiters
        if delimiters is None:
            delimiters = self._list_delimiters()
        position = self._position
        if position < self._listed_from:
            # Only delimiters starting before the listed stretch.
            found = self._buffer.find(self._delimiter, position, self._listed_from + len(self._delimiter) - 1)
            if found != -1:
                return found
        # Drop those already passed, say inside a part's header block.
        while delimiters and delimiters[-1] < position:
            delimiters.pop()
        return delimiters[-1] if delimiters else -1

    def start(self) -> bool:
        """Read up to the first delimiter; False for an empty body.

        Only the first delimiter may lack its CRLF, when there is no preamble.
        """
        self._set_buffer(bytes(self._read(self._chunk_size)))
        if not self._buffer:
            return False
        if not self.skip(self._delimiter[2:]):
            self.copy_to_delimiter(_discard)
        return True

    def skip(self, prefix: bytes) -> bool:
        """Consume ``prefix`` if the unread bytes start with it; whether they did."""
        while len(self._buffer) - self._position < len(prefix):
            self._fill()
        if not self._buffer.startswith(prefix, self._position):
            return False
        self._position += len(prefix)
        return True

    def copy_to_delimiter(self, write: t.Callable[[bytes], t.Any]) -> None:
        """Pass the bytes before the next delimiter to ``write`` in pieces; consume both.

        A chunk without a delimiter is passed on whole, once the next chunk
        has shown that none starts in its last ``len(delimiter) - 1`` bytes:
        only the seam between the two is searched for that.
        """
        delimiter = self._delimiter
        overlap = len(delimiter) - 1
        while True:
            buffer, position = self._buffer, self._position
            found = self._find_delimiter()
            if found != -1:
                if found > position:
                    write(buffer[position:found])
                self._position = found + len(delimiter)
                return
            seam_start = max(position, len(buffer) - overlap)
            chunk = self._next_chunk()
            if len(chunk) < overlap:
                # Too short to rule out a delimiter across the seam: keep
                # the bytes that could start one and search again with it.
                if seam_start > position:
                    write(buffer[position:seam_start])
                self._set_buffer(buffer[seam_start:] + chunk)
                continue
            found = (buffer[seam_start:] + chunk[:overlap]).find(delimiter)
            if found != -1:
                end = seam_start + found
                if end > position:
                    write(buffer[position:end])
                self._set_buffer(chunk, end + len(delimiter) - len(buffer))
                return
            if position < len(buffer):
                write(buffer[position:])  # the chunk itself when position is 0
            self._set_buffer(chunk)

    def read_to_delimiter(self, limit: t.Optional[int] = None) -> bytes:
        """The bytes before the next delimiter, consuming both; ``_PastLimit``
        as soon as more than ``limit`` of them have come (the rest is left unread)."""
        found = self._find_delimiter()
        if found != -1:  # the usual case: the delimiter is in the buffer already
            position = self._position
            if limit is not None and found - position > limit:
                raise _PastLimit()
            self._position = found + len(self._delimiter)
            return self._buffer[position:found]
        pieces: t.List[bytes] = []
        size = 0

        def keep(piece: bytes) -> None:
            nonlocal size
            size += len(piece)
            if limit is not None and size > limit:
                raise _PastLimit()
            pieces.append(piece)

        self.copy_to_delimiter(keep)
        return b"".join(pieces)

    def read_until(self, separator: bytes, limit: int) -> bytes:
        """The bytes before ``separator``, at most ``limit`` of them; consumes both."""
        searched = 0  # unread bytes known not to start a separator
        while True:
            buffer, position = self._buffer, self._position
            found = buffer.find(separator, position + searched)
            if found != -1 and found - position <= limit:
                self._position = found + len(separator)
                return buffer[position:found]
            unread = len(buffer) - position
            if found != -1 or unread > limit + len(separator):
                raise RequestEntityTooLarge(f"A multipart part's headers are longer than {limit} bytes.")
            searched = max(0, unread - len(separator) + 1)
            self._fill()
