"""Turns a request body into ``form`` and ``files``: the seam between stream and data.

``Request.form`` calls ``FormDataParser.parse`` with the guarded body stream
and the mimetype; ``parse_functions`` maps each mimetype to a method. Urlencoded
bodies are read whole (they are small); ``multipart/form-data`` bodies stream
through ``MultiPartParser`` chunk by chunk, text fields into memory and files
into ``stream_factory`` streams, so an upload of any size uses constant memory.
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
# The charsets a text field may declare. Modern clients send UTF-8; looking up
# any other name the client picks would let it choose our codec.
_FIELD_CHARSETS = frozenset({"ascii", "us-ascii", "utf-8", "iso-8859-1"})


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
    if total_content_length is not None and total_content_length <= _SPOOL_SIZE:
        return io.BytesIO()
    import tempfile  # imported on first upload: it is slow to import

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
    their declared charset (a safe few) or ``charset``. The body is read
    ``buffer_size`` bytes at a time. Limits raise ``RequestEntityTooLarge``
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
        try:
            self._parse_parts(_BodyReader(stream, self.buffer_size), boundary, content_length, fields, files)
        except BaseException:
            for _name, upload in files:
                upload.close()
            raise
        return self.cls(fields), self.cls(files)

    def _parse_parts(
        self,
        reader: "_BodyReader",
        boundary: bytes,
        content_length: t.Optional[int],
        fields: t.List[t.Tuple[str, str]],
        files: t.List[t.Tuple[str, FileStorage]],
    ) -> None:
        if reader.is_empty():
            return
        # The CRLF before a boundary belongs to the delimiter, not to the data;
        # only the first delimiter may lack it, when there is no preamble.
        delimiter = b"\r\n--" + boundary
        if not reader.skip(delimiter[2:]):
            reader.copy_until(delimiter, _discard)
        memory_left = self.max_form_memory_size
        while not reader.startswith(b"--"):
            if self.max_form_parts is not None and len(fields) + len(files) >= self.max_form_parts:
                raise RequestEntityTooLarge(f"The form has more than the allowed {self.max_form_parts} parts.")
            headers = self._read_part_headers(reader)
            name, filename = _form_data_names(headers)
            if filename is None:
                data = _read_field(reader, delimiter, memory_left, self.max_form_memory_size)
                if memory_left is not None:
                    memory_left -= len(data)
                fields.append((name, data.decode(self._field_charset(headers), self.errors)))
            else:
                upload = FileStorage(self._open_file(headers, filename, content_length), filename, name, headers=headers)
                files.append((name, upload))
                reader.copy_until(delimiter, upload.stream.write)
                _rewind(upload.stream)

    def _read_part_headers(self, reader: "_BodyReader") -> Headers:
        """The headers after a delimiter, up to and including the blank line.

        The block starts with the rest of the delimiter's line, which may hold
        only whitespace (RFC 2046 transport padding) before its CRLF.
        """
        block = reader.read_until(b"\r\n\r\n", _MAX_PART_HEADER_SIZE)
        padding, *lines = block.decode(self.charset, self.errors).split("\r\n")
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

    def _field_charset(self, headers: Headers) -> str:
        content_type = headers.get("Content-Type")
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


def _discard(data: bytes) -> None:
    """Where the preamble goes."""


def _rewind(stream: t.IO[bytes]) -> None:
    """Put an upload's stream, now written, back at its start for the view."""
    if type(stream) is io.BytesIO:
        # A growing BytesIO keeps spare room; getvalue() trims its buffer to
        # the data, and a whole read() then returns that buffer, not a copy.
        stream.getvalue()
    stream.seek(0)


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


def _read_field(
    reader: "_BodyReader", delimiter: bytes, memory_left: t.Optional[int], memory_limit: t.Optional[int]
) -> bytes:
    """A text field's bytes, refused once they go past ``memory_left``."""
    pieces: t.List[bytes] = []
    size = 0

    def keep(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if memory_left is not None and size > memory_left:
            raise RequestEntityTooLarge(f"The form's text fields are larger than the limit of {memory_limit} bytes.")
        pieces.append(piece)

    reader.copy_until(delimiter, keep)
    return b"".join(pieces)


class _BodyReader:
    """The body as the chunk being read and a position in it, read on demand.

    Bytes before a separator are passed on as slices of the chunks read, and
    a chunk that holds no separator as the chunk itself: a file's bytes are
    copied only into its stream. Searches use ``bytes.find`` from the current
    position and look at a byte twice only where a separator could straddle
    two chunks, so parsing is linear in the body whatever its content.
    Running out of body before a separator is found means the body was cut
    short: ``BadRequest``.
    """

    def __init__(self, stream: t.IO[bytes], chunk_size: int) -> None:
        self._read = stream.read
        self._chunk_size = chunk_size
        # Bytes are immutable, so a chunk handed on whole can never change
        # under its receiver; consumed bytes are skipped by moving _position.
        self._buffer = b""
        self._position = 0

    def _next_chunk(self) -> bytes:
        chunk = self._read(self._chunk_size)
        if not chunk:
            raise BadRequest("The multipart body ended before its closing boundary.")
        # A chunk may be handed on whole, so it must be immutable bytes.
        return chunk if type(chunk) is bytes else bytes(chunk)

    def _fill(self) -> None:
        """Append the next chunk to the unread bytes."""
        self._buffer = self._buffer[self._position :] + self._next_chunk()
        self._position = 0

    def is_empty(self) -> bool:
        """Whether the body has no bytes at all; reads its first chunk."""
        self._buffer = bytes(self._read(self._chunk_size))
        return not self._buffer

    def startswith(self, prefix: bytes) -> bool:
        while len(self._buffer) - self._position < len(prefix):
            self._fill()
        return self._buffer.startswith(prefix, self._position)

    def skip(self, prefix: bytes) -> bool:
        """Consume ``prefix`` if the unread bytes start with it; whether they did."""
        if not self.startswith(prefix):
            return False
        self._position += len(prefix)
        return True

    def copy_until(self, separator: bytes, write: t.Callable[[bytes], t.Any]) -> None:
        """Pass the bytes before ``separator`` to ``write`` in pieces; consume both.

        A chunk without the separator is passed on once the next chunk has
        shown that no separator starts in its last ``len(separator) - 1``
        bytes: only the seam between the two is searched for that.
        """
        buffer, position = self._buffer, self._position
        overlap = len(separator) - 1
        while True:
            found = buffer.find(separator, position)
            if found != -1:
                if found > position:
                    write(buffer[position:found])
                self._buffer, self._position = buffer, found + len(separator)
                return
            seam_start = max(position, len(buffer) - overlap)
            chunk = self._next_chunk()
            if len(chunk) < overlap:
                # Too short to rule out a separator across the seam: keep
                # the bytes that could start one and search again with it.
                if seam_start > position:
                    write(buffer[position:seam_start])
                buffer, position = buffer[seam_start:] + chunk, 0
                continue
            seam = buffer[seam_start:] + chunk[:overlap]
            found = seam.find(separator)
            if found != -1:
                end = seam_start + found
                if end > position:
                    write(buffer[position:end])
                self._buffer, self._position = chunk, end + len(separator) - len(buffer)
                return
            if position < len(buffer):
                write(buffer[position:])
            buffer, position = chunk, 0

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
