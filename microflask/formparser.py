"""Turns a request body into ``form`` and ``files``: the seam between stream and data.

``Request.form`` calls ``FormDataParser.parse`` with the guarded body stream
and the mimetype; ``parse_functions`` maps each mimetype to a method. Only
``application/x-www-form-urlencoded`` is parsed so far. ``multipart/form-data``
is not parsed yet: such a body leaves ``form`` and ``files`` empty and the
stream unread; adding it is one ``parse_functions`` entry and a ``MultiPartParser``.
"""
from __future__ import annotations

import io
import typing as t

from .datastructures import MultiDict
from .exceptions import RequestEntityTooLarge
from .http import parse_options_header
from .urls import url_decode
from .wsgi import get_content_length, get_input_stream

WSGIEnvironment = t.Dict[str, t.Any]
ParseResult = t.Tuple[t.IO[bytes], MultiDict, MultiDict]

#: Uploads up to this size stay in memory; larger ones spill to a temporary file.
_SPOOL_SIZE = 500 * 1024


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
    ``max_form_parts`` the number of fields; past either, ``RequestEntityTooLarge``
    (413). A mimetype without a parser returns the stream untouched and empty
    ``form``/``files`` (``cls``, a ``MultiDict`` by default). With ``silent``,
    a body the parser rejects as malformed also gives empty results.
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

    #: Mimetype -> the method that parses a body of that type.
    parse_functions: t.Dict[str, t.Callable[..., ParseResult]] = {
        "application/x-www-form-urlencoded": _parse_urlencoded,
        "application/x-url-encoded": _parse_urlencoded,
    }
