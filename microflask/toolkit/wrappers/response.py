"""The response: a body, a status and headers that is itself a WSGI application.

A view builds a ``Response``; the server calls it like any WSGI app, and it
answers with ``start_response(status, headers)`` and an iterable of bytes.
Between the two it can turn itself into a 304, 412 or 206 for a conditional
request. It parses no request data beyond the conditional headers.
"""
from __future__ import annotations

import json
import re
import typing as t
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from ..datastructures import CallbackDict, ContentRange, Headers, HeaderSet, ResponseCacheControl, WWWAuthenticate
from ..datastructures.headers import _checked, _headers_from_checked
from ..exceptions import RequestedRangeNotSatisfiable
from ..http import (
    HTTP_STATUS_CODES,
    dump_age,
    dump_cookie,
    dump_header,
    dump_options_header,
    generate_etag,
    http_date,
    is_resource_modified,
    parse_age,
    parse_cache_control_header,
    parse_content_range_header,
    parse_date,
    parse_etags,
    parse_options_header,
    parse_range_header,
    parse_set_header,
    parse_www_authenticate_header,
    quote_etag,
    remove_entity_headers,
    unquote_etag,
)
from ..urls import iri_to_uri
from .._http_base import get_content_type
from .._properties import cached_property, header_property
from ..wsgi import ClosingIterator, get_current_url, run_wsgi_app

if t.TYPE_CHECKING:  # pragma: no cover
    from .request import Request

WSGIEnvironment = t.Dict[str, t.Any]
StartResponse = t.Callable[..., t.Any]
WSGIApplication = t.Callable[[WSGIEnvironment, StartResponse], t.Iterable[bytes]]

# A status line is a three-digit code, optionally a space and a reason phrase
# of visible characters, spaces and tabs: nothing that could end the line.
_STATUS_LINE = re.compile(r"([1-9][0-9]{2})(?: ([\t\x20-\x7e\x80-\xff]*))?", re.ASCII)

# The headers get_wsgi_headers may rewrite, by lowercase name.
_REWRITTEN_HEADERS = frozenset(("location", "content-location", "content-length"))

# How much of a seekable file body is read at a time when serving a range.
_READ_SIZE = 64 * 1024


def _clean_status(value: t.Union[int, str]) -> t.Tuple[str, int]:
    """The status line and code for an int like 404 or a str like ``"404 Not Found"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        code = int(value)
        if not 100 <= code <= 999:
            raise ValueError(f"status code {code} is out of range: expected 100 to 999")
        return _status_line_for(code), code
    if not isinstance(value, str):
        raise TypeError(f"status must be an int or a str such as '404 Not Found', not {type(value).__name__}")
    line = value.strip()
    if not line:
        raise ValueError("status is an empty string: expected a code such as '200' or '200 OK'")
    match = _STATUS_LINE.fullmatch(line)
    if match is None:
        raise ValueError(
            f"invalid status {value!r}: expected a three-digit code from 100 to 999,"
            " optionally followed by a space and a reason phrase without control characters"
        )
    code = int(match.group(1))
    if match.group(2) is None:
        return _status_line_for(code), code
    return line, code


def _status_line_for(code: int) -> str:
    reason = HTTP_STATUS_CODES.get(code)
    return f"{code} {reason.upper()}" if reason else f"{code} UNKNOWN"


# The status line of each known code, made once rather than on every response.
_STATUS_LINES = {code: _status_line_for(code) for code in HTTP_STATUS_CODES}

# (mimetype, charset) -> its ("Content-Type", value) header, value checked
# for CR/LF: every response needs one. Mimetypes come from code, so an app
# uses a handful; the cap only bounds an app that builds them from request data.
_content_type_pairs: t.Dict[t.Tuple[str, str], t.Tuple[str, str]] = {}
_MAX_CACHED_CONTENT_TYPES = 64


def _content_type_pair(mimetype: str, charset: str) -> t.Tuple[str, str]:
    """The Content-Type header for ``mimetype`` (see ``get_content_type``), checked."""
    pair = _content_type_pairs.get((mimetype, charset))
    if pair is None:
        pair = _checked("Content-Type", get_content_type(mimetype, charset))
        if len(_content_type_pairs) < _MAX_CACHED_CONTENT_TYPES:
            _content_type_pairs[mimetype, charset] = pair
    return pair


def _iter_encoded(chunks: t.Iterable[t.Union[str, bytes]], charset: str) -> t.Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode(charset) if isinstance(chunk, str) else chunk


def _is_seekable(body: t.Any) -> bool:
    seekable = getattr(body, "seekable", None)
    return seekable is not None and bool(seekable())


def _environ_of(request_or_environ: t.Union["Request", WSGIEnvironment]) -> WSGIEnvironment:
    if isinstance(request_or_environ, dict):
        return request_or_environ
    return request_or_environ.environ


def _clean_accept_ranges(accept_ranges: t.Union[bool, str, None]) -> t.Optional[str]:
    """The ``Accept-Ranges`` value to send: True means bytes, False none at all."""
    if accept_ranges is True:
        return "bytes"
    if accept_ranges is False:
        return None
    if accept_ranges is None:
        return "none"
    if isinstance(accept_ranges, str):
        return accept_ranges
    raise TypeError(f"accept_ranges must be a bool, a str or None, not {type(accept_ranges).__name__}")


def _header_set_property(name: str, doc: str) -> property:
    """A header holding a comma list, read as a ``HeaderSet`` whose changes are written back.

    Set it to a string, to any iterable of strings, or to an empty value to
    remove the header.
    """

    def fset(self: "Response", value: t.Union[str, t.Iterable[str], None]) -> None:
        if not value:
            self.headers.remove(name)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = dump_header(value)

    def fget(self: "Response") -> HeaderSet:
        return parse_set_header(self.headers.get(name), lambda header_set: fset(self, header_set))

    return property(fget, fset, doc=doc)


def _content_security_policy_property(name: str, doc: str) -> property:
    """A CSP header as a dict of directive -> value, such as ``{"default-src": "'self'"}``.

    Changing the dict rewrites the header; emptying it removes the header.
    """

    def fset(self: "Response", value: t.Union[str, t.Mapping[str, str], None]) -> None:
        if not value:
            self.headers.remove(name)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = "; ".join(f"{key} {sources}".rstrip() for key, sources in value.items())

    def fget(self: "Response") -> CallbackDict:
        directives = {}
        for directive in (self.headers.get(name) or "").split(";"):
            key, _, sources = directive.strip().partition(" ")
            if key:
                directives[key] = sources.strip()
        return CallbackDict(directives, lambda policy: fset(self, policy))

    return property(fget, fset, doc=doc)


class _ClosingChunks(list):  # type: ignore[type-arg]
    """A buffered body as handed to the server: the list of its chunks, with
    a ``close`` that closes the response. A server iterates a list without a
    call per chunk, which a ``ClosingIterator`` would cost."""

    __slots__ = ("_close_response",)

    def close(self) -> None:
        close_response = self._close_response
        if close_response is not None:  # once, however often the server calls it
            self._close_response = None
            close_response()


class ResponseStream:
    """A write-only file over a response body: ``response.stream.write("...")``.

    Each write appends a chunk to the body (buffering a streamed body first)
    and drops a Content-Length that no longer holds.
    """

    __slots__ = ("response", "closed")

    mode = "wb+"

    def __init__(self, response: "Response") -> None:
        self.response = response
        self.closed = False

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed response stream")

    def write(self, value: t.Union[str, bytes]) -> int:
        self._check_open()
        # memoryview refuses an int, which bytes() would turn into that many zero bytes.
        chunk = value.encode(self.response.charset) if isinstance(value, str) else bytes(memoryview(value))
        self.response._ensure_sequence(mutable=True)
        self.response.response.append(chunk)  # type: ignore[attr-defined]
        self.response.headers.remove("Content-Length")
        return len(value)

    def writelines(self, lines: t.Iterable[t.Union[str, bytes]]) -> None:
        for line in lines:
            self.write(line)

    def tell(self) -> int:
        self.response._ensure_sequence()
        return sum(map(len, self.response.iter_encoded()))

    def flush(self) -> None:
        self._check_open()

    def isatty(self) -> bool:
        self._check_open()
        return False

    def close(self) -> None:
        self.closed = True

    @property
    def encoding(self) -> str:
        return self.response.charset


class _ByteRangeBody:
    """The bytes ``[start, start + length)`` of a streamed body, for a 206 answer.

    A seekable file is positioned with ``seek`` and only the slice is read;
    any other iterable is walked from its start, dropping what comes before.
    Closing it closes the original body.
    """

    __slots__ = ("body", "start", "length", "charset")

    def __init__(self, body: t.Iterable[t.Union[str, bytes]], start: int, length: int, charset: str) -> None:
        self.body = body
        self.start = start
        self.length = length
        self.charset = charset

    def __iter__(self) -> t.Iterator[bytes]:
        body = self.body
        if not _is_seekable(body):
            return self._take(_iter_encoded(body, self.charset), skip=self.start)
        body.seek(self.start)  # type: ignore[attr-defined]
        read = getattr(body, "read", None)
        if read is None:
            return self._take(_iter_encoded(body, self.charset), skip=0)
        return self._read(read)

    def _read(self, read: t.Callable[[int], bytes]) -> t.Iterator[bytes]:
        remaining = self.length
        while remaining > 0:
            chunk = read(min(remaining, _READ_SIZE))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def _take(self, chunks: t.Iterator[bytes], skip: int) -> t.Iterator[bytes]:
        remaining = self.length
        for chunk in chunks:
            if skip >= len(chunk):
                skip -= len(chunk)
                continue
            piece = chunk[skip : skip + remaining]
            skip = 0
            remaining -= len(piece)
            yield piece
            if not remaining:
                return

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()


class Response:
    """An HTTP response: ``Response("Hello", 200, {"X-Frame-Options": "DENY"})``.

    ``response`` is the body: a str or bytes (sent with a Content-Length), or
    any iterable of str/bytes chunks, such as a generator, which is streamed
    as it is produced. Call the object as a WSGI application to send it.

    The class settings below (``charset``, ``default_status``,
    ``default_mimetype``...) are read by each new response, so they may be
    set on a subclass or changed on a class at any time.
    """

    #: Encoding of str bodies and chunks, and of the Content-Type charset.
    charset = "utf-8"
    default_status = 200
    default_mimetype: t.Optional[str] = "text/html"
    #: Cookies whose ``Set-Cookie`` header is longer than this trigger a warning.
    max_cookie_size = 4093
    automatically_set_content_length = True
    #: Whether reading ``data`` may buffer a streamed body into a list.
    implicit_sequence_conversion = True
    #: Whether a relative ``Location`` is made absolute from the request URL.
    autocorrect_location_header = False
    json_module: t.Any = json

    response: t.Iterable[t.Union[str, bytes]]
    headers: Headers

    #: Whether the body is handed to the server as it is (see ``get_app_iter``).
    direct_passthrough = False

    # Callbacks for close(); a tuple, replaced on each call_on_close, as most
    # responses never get one and need no list of their own.
    _on_close: t.Tuple[t.Callable[[], t.Any], ...] = ()

    def __init__(
        self,
        response: t.Union[str, bytes, bytearray, t.Iterable[t.Union[str, bytes]], None] = None,
        status: t.Union[int, str, None] = None,
        headers: t.Union[Headers, t.Mapping[str, t.Any], t.Iterable[t.Tuple[str, t.Any]], None] = None,
        mimetype: t.Optional[str] = None,
        content_type: t.Optional[str] = None,
        direct_passthrough: bool = False,
    ) -> None:
        if headers is None:  # the usual case: a new list holds just the Content-Type
            if content_type is None:
                if mimetype is None:
                    mimetype = self.default_mimetype
                pairs = [] if mimetype is None else [_content_type_pair(mimetype, self.charset)]
            else:
                pairs = [_checked("Content-Type", content_type)]
            self.headers = _headers_from_checked(pairs)
        else:
            self.headers = headers if isinstance(headers, Headers) else Headers(headers)
            if content_type is None:
                if mimetype is None and "Content-Type" not in self.headers:
                    mimetype = self.default_mimetype
                if mimetype is not None:
                    content_type = get_content_type(mimetype, self.charset)
            if content_type is not None:
                self.headers["Content-Type"] = content_type
        self.status = self.default_status if status is None else status
        if direct_passthrough:
            self.direct_passthrough = True
        if response is None:
            self.response = []
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        elif hasattr(response, "__iter__"):
            self.response = response
        else:
            raise TypeError(
                f"response body must be a str, bytes or an iterable of them, not {type(response).__name__}"
            )

    def __repr__(self) -> str:
        if self.is_sequence:
            body = f"{sum(map(len, self.iter_encoded()))} bytes"
        else:
            body = "streamed" if self.is_streamed else "likely-streamed"
        return f"<{type(self).__name__} {body} [{self.status}]>"

    # -- status ---------------------------------------------------------------

    @property
    def status(self) -> str:
        """The status line, such as ``"404 NOT FOUND"``; settable as a str or an int."""
        return self._status

    @status.setter
    def status(self, value: t.Union[int, str]) -> None:
        line = _STATUS_LINES.get(value) if type(value) is int else None
        if line is None:
            line, value = _clean_status(value)
        self._status, self._status_code = line, value

    @property
    def status_code(self) -> int:
        """The status as an int, such as 404; setting it also sets ``status``."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self.status = code

    # -- body -----------------------------------------------------------------

    def get_data(self, as_text: bool = False) -> t.Union[bytes, str]:
        """The whole body as bytes (or str with ``as_text``), buffering a streamed body."""
        self._ensure_sequence()
        data = b"".join(self.iter_encoded())
        return data.decode(self.charset) if as_text else data

    def set_data(self, value: t.Union[str, bytes, bytearray]) -> None:
        """Replace the body with ``value`` (str is encoded with ``charset``)."""
        if isinstance(value, str):
            value = value.encode(self.charset)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value)
        else:
            raise TypeError(f"response data must be str or bytes, not {type(value).__name__}")
        self.response = [value]
        if self.automatically_set_content_length:
            # A length is digits only: the pair needs none of set()'s checks.
            self.headers._replace("Content-Length", [("Content-Length", str(len(value)))])

    data = property(get_data, set_data, doc="The body as bytes; assign a str or bytes to replace it.")

    @property
    def is_streamed(self) -> bool:
        """True when the body has no length, as with a generator."""
        try:
            len(self.response)  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return True
        return False

    @property
    def is_sequence(self) -> bool:
        """True when the body is a list or tuple, so it is already buffered."""
        return isinstance(self.response, (list, tuple))

    def iter_encoded(self) -> t.Iterator[bytes]:
        """The body's chunks, str chunks encoded with ``charset`` as they come."""
        body = self.response
        if type(body) is list:
            for chunk in body:
                if type(chunk) is not bytes:
                    break
            else:  # all bytes, as set_data leaves it: nothing to encode
                return iter(body)
        return _iter_encoded(body, self.charset)

    def make_sequence(self) -> None:
        """Buffer a streamed body into a list of bytes; its ``close`` still runs on close."""
        if not self.is_sequence:
            self._buffer_body()

    def _buffer_body(self) -> None:
        close = getattr(self.response, "close", None)
        self.response = list(self.iter_encoded())
        if close is not None:
            self.call_on_close(close)

    def _ensure_sequence(self, mutable: bool = False) -> None:
        if self.is_sequence:
            if mutable and not isinstance(self.response, list):
                self.response = list(self.response)
            return
        if self.direct_passthrough:
            raise RuntimeError("the body is in direct passthrough mode, so it cannot be buffered into a sequence")
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "the body is streamed and implicit_sequence_conversion is off: call make_sequence() first"
            )
        self.make_sequence()

    def calculate_content_length(self) -> t.Optional[int]:
        """The body's length in bytes, or None when it cannot be buffered to count it."""
        try:
            self._ensure_sequence()
        except RuntimeError:
            return None
        return sum(map(len, self.iter_encoded()))

    @cached_property
    def stream(self) -> ResponseStream:
        """A write-only file that appends to the body."""
        return ResponseStream(self)

    def freeze(self) -> None:
        """Buffer the body, whatever its mode, and set Content-Length and an ETag.

        Done before a response is pickled or cached, so it no longer depends
        on a generator or an open file.
        """
        self._buffer_body()
        self.headers["Content-Length"] = str(sum(map(len, self.response)))
        self.add_etag()

    def call_on_close(self, func: t.Callable[[], t.Any]) -> t.Callable[[], t.Any]:
        """Run ``func`` when the response is closed; returns it, so it works as a decorator."""
        self._on_close = (*self._on_close, func)
        return func

    def close(self) -> None:
        """Close the body if it can be closed, then run the ``call_on_close`` callbacks."""
        close = getattr(self.response, "close", None)
        if close is not None:
            close()
        for func in self._on_close:
            func()

    def __enter__(self) -> "Response":
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    # -- JSON -----------------------------------------------------------------

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json`` mimetypes."""
        mimetype = self.mimetype
        return mimetype is not None and (
            mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))
        )

    @property
    def json(self) -> t.Any:
        """The body parsed as JSON, or None if the mimetype is not JSON."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any:
        """Parse the body as JSON; not cached, so it sees later changes.

        Returns None for a non-JSON mimetype unless ``force``. Invalid JSON
        raises ``ValueError``, or returns None when ``silent``.
        """
        if not (force or self.is_json):
            return None
        try:
            return self.json_module.loads(self.get_data())
        except ValueError:
            if silent:
                return None
            raise

    # -- content headers --------------------------------------------------------

    content_type = header_property("Content-Type", doc="The Content-Type header, parameters included.")
    content_length = header_property(
        "Content-Length", None, int, str, doc="The body length in bytes from Content-Length, as an int."
    )
    content_location = header_property("Content-Location", doc="Where this body can also be found.")
    content_encoding = header_property("Content-Encoding", doc="Encodings applied to the body, such as gzip.")
    content_md5 = header_property("Content-MD5", doc="The MD5 digest of the body (RFC 1864).")
    content_language = _header_set_property("Content-Language", "The languages of the intended audience.")

    @property
    def mimetype(self) -> t.Optional[str]:
        """The Content-Type without parameters, such as ``"text/html"``.

        Setting it adds ``; charset=`` for textual types.
        """
        content_type = self.headers.get("Content-Type")
        if not content_type:
            return None
        return content_type.split(";", 1)[0].strip().lower()

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers["Content-Type"] = get_content_type(value, self.charset)

    @property
    def mimetype_params(self) -> t.Dict[str, str]:
        """The Content-Type parameters as a dict; changing it rewrites the header."""

        def on_update(params: t.Dict[str, str]) -> None:
            self.headers["Content-Type"] = dump_options_header(self.mimetype, params)

        params = parse_options_header(self.headers.get("Content-Type", ""))[1]
        return CallbackDict(params, on_update)

    @property
    def content_range(self) -> ContentRange:
        """Content-Range as a ``ContentRange``, present even when the header is not."""

        def on_update(content_range: ContentRange) -> None:
            self.content_range = content_range

        parsed = parse_content_range_header(self.headers.get("Content-Range"), on_update)
        if parsed is None:
            parsed = ContentRange(None, None, None, on_update=on_update)
        return parsed

    @content_range.setter
    def content_range(self, value: t.Union[ContentRange, str, None]) -> None:
        if not value:
            self.headers.remove("Content-Range")
        elif isinstance(value, str):
            self.headers["Content-Range"] = value
        else:
            self.headers["Content-Range"] = value.to_header()

    # -- other response headers -------------------------------------------------

    location = header_property("Location", doc="Where a redirect sends the client.")
    date = header_property("Date", None, parse_date, http_date, doc="When the message was sent, as a datetime.")
    expires = header_property("Expires", None, parse_date, http_date, doc="When the response turns stale.")
    last_modified = header_property(
        "Last-Modified", None, parse_date, http_date, doc="When the resource last changed, as a datetime."
    )
    age = header_property(
        "Age", None, parse_age, dump_age, doc="Seconds since the origin made the response."  # type: ignore[arg-type]
    )
    accept_ranges = header_property("Accept-Ranges", doc="The range unit served, usually 'bytes' or 'none'.")
    allow = _header_set_property("Allow", "The methods the resource supports; required on a 405.")
    vary = _header_set_property("Vary", "The request headers that select this response from a cache.")

    @property
    def retry_after(self) -> t.Optional[datetime]:
        """When to retry after a 503, as a datetime; set a datetime or seconds."""
        value = self.headers.get("Retry-After")
        if not value:
            return None
        if not value.strip().isdigit():
            return parse_date(value)
        delay = parse_age(value)
        try:
            return datetime.now(timezone.utc) + delay if delay is not None else None
        except OverflowError:  # a delay that ends after the year 9999
            return None

    @retry_after.setter
    def retry_after(self, value: t.Union[datetime, int, str, None]) -> None:
        if value is None:
            self.headers.remove("Retry-After")
        elif isinstance(value, datetime):
            self.headers["Retry-After"] = http_date(value)
        else:
            self.headers["Retry-After"] = str(value)

    @property
    def cache_control(self) -> ResponseCacheControl:
        """Cache-Control as attributes (``max_age``, ``no_cache``...); changes are written back."""

        def on_update(cache_control: ResponseCacheControl) -> None:
            if cache_control:
                self.headers["Cache-Control"] = cache_control.to_header()
            else:
                self.headers.remove("Cache-Control")

        return parse_cache_control_header(self.headers.get("Cache-Control"), on_update, ResponseCacheControl)

    @property
    def www_authenticate(self) -> WWWAuthenticate:
        """The WWW-Authenticate challenge; changes are written back."""

        def on_update(challenge: WWWAuthenticate) -> None:
            if challenge:
                self.headers["WWW-Authenticate"] = challenge.to_header()
            else:
                self.headers.remove("WWW-Authenticate")

        return parse_www_authenticate_header(self.headers.get("WWW-Authenticate"), on_update)

    content_security_policy = _content_security_policy_property(
        "Content-Security-Policy", "The Content-Security-Policy directives as a dict."
    )
    content_security_policy_report_only = _content_security_policy_property(
        "Content-Security-Policy-Report-Only", "Directives the browser reports on but does not enforce."
    )

    # -- CORS and cross-origin isolation ----------------------------------------

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether the browser may expose the response to credentialed cross-origin code."""
        return self.headers.get("Access-Control-Allow-Credentials") == "true"

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: t.Optional[bool]) -> None:
        # The header has one valid value, "true"; not allowing means not sending it.
        if value:
            self.headers["Access-Control-Allow-Credentials"] = "true"
        else:
            self.headers.remove("Access-Control-Allow-Credentials")

    access_control_allow_headers = _header_set_property(
        "Access-Control-Allow-Headers", "Request headers a cross-origin request may send."
    )
    access_control_allow_methods = _header_set_property(
        "Access-Control-Allow-Methods", "Methods a cross-origin request may use."
    )
    access_control_expose_headers = _header_set_property(
        "Access-Control-Expose-Headers", "Response headers cross-origin code may read."
    )
    access_control_allow_origin = header_property(
        "Access-Control-Allow-Origin", doc="The origin allowed to read the response, or '*'."
    )
    access_control_max_age = header_property(
        "Access-Control-Max-Age", None, int, str, doc="Seconds a preflight answer may be cached."
    )
    cross_origin_embedder_policy = header_property(
        "Cross-Origin-Embedder-Policy", "unsafe-none", doc="'unsafe-none', 'require-corp' or 'credentialless'."
    )
    cross_origin_opener_policy = header_property(
        "Cross-Origin-Opener-Policy",
        "unsafe-none",
        doc="'unsafe-none', 'same-origin-allow-popups' or 'same-origin'.",
    )

    # -- cookies --------------------------------------------------------------

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: t.Union[timedelta, int, None] = None,
        expires: t.Union[str, datetime, int, float, None] = None,
        path: t.Optional[str] = "/",
        domain: t.Optional[str] = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: t.Optional[str] = None,
    ) -> None:
        """Add a ``Set-Cookie`` header; warns if it is longer than ``max_cookie_size``."""
        header = dump_cookie(
            key,
            value=value,
            max_age=max_age,
            expires=expires,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            charset=self.charset,
            max_size=self.max_cookie_size,
            samesite=samesite,
        )
        # Appended as a checked pair (see _headers_from_checked): dump_cookie
        # escapes or refuses every control character, CR, LF and NUL included.
        self.headers._list.append(("Set-Cookie", header))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: t.Optional[str] = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: t.Optional[str] = None,
    ) -> None:
        """Tell the client to drop a cookie; ``path`` and ``domain`` must match how it was set."""
        self.set_cookie(
            key, expires=0, max_age=0, path=path, domain=domain, secure=secure, httponly=httponly, samesite=samesite
        )

    # -- ETags and conditional requests -----------------------------------------

    def get_etag(self) -> t.Union[t.Tuple[str, bool], t.Tuple[None, None]]:
        """``(etag, is_weak)`` from the ETag header, or ``(None, None)``."""
        return unquote_etag(self.headers.get("ETag"))

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ETag header to ``etag``, quoted (and ``W/``-prefixed if ``weak``)."""
        self.headers["ETag"] = quote_etag(etag, weak)

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ETag that is the SHA-1 of the body, unless one is set already.

        This reads the whole body, buffering a streamed one.
        """
        if overwrite or "ETag" not in self.headers:
            self.set_etag(generate_etag(self.get_data()), weak)  # type: ignore[arg-type]

    def make_conditional(
        self,
        request_or_environ: t.Union["Request", WSGIEnvironment],
        accept_ranges: t.Union[bool, str, None] = False,
        complete_length: t.Optional[int] = None,
    ) -> "Response":
        """Answer a GET or HEAD according to its conditional headers, in place.

        In the order RFC 7232 gives: a failed If-Match or If-Unmodified-Since
        makes a 412; a matching If-None-Match or If-Modified-Since a 304; a
        single byte ``Range`` (subject to If-Range) a 206 with that slice of
        the body, or raises ``RequestedRangeNotSatisfiable`` when outside it.
        Ranges are served only when ``accept_ranges`` is True (or
        ``"bytes"``); ``complete_length`` is the full size of a streamed body,
        a buffered one is measured. Other methods are left alone. The body
        is kept here; sending a 304 or a HEAD leaves it out. Returns self.
        """
        environ = _environ_of(request_or_environ)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self
        # Only a default: many servers, wsgiref among them, set their own Date.
        if "Date" not in self.headers:
            self.headers["Date"] = http_date()
        accept_ranges = _clean_accept_ranges(accept_ranges)
        if accept_ranges is not None:
            self.headers["Accept-Ranges"] = accept_ranges
        if self._precondition_fails(environ):
            self.status_code = 412
        elif not is_resource_modified(environ, self.headers.get("ETag"), None, self.last_modified):
            self.status_code = 304
        elif accept_ranges == "bytes":
            self._serve_byte_range(environ, complete_length)
        if self.automatically_set_content_length and "Content-Length" not in self.headers:
            length = self.calculate_content_length()
            if length is not None:
                self.headers["Content-Length"] = str(length)
        return self

    def _precondition_fails(self, environ: WSGIEnvironment) -> bool:
        if_match = environ.get("HTTP_IF_MATCH")
        if if_match:
            # If-Match compares strongly: a weak ETag never satisfies it.
            wanted = parse_etags(if_match)
            etag, weak = self.get_etag()
            return not (wanted.star_tag or (etag is not None and not weak and wanted.is_strong(etag)))
        unmodified_since = parse_date(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
        last_modified = self.last_modified
        return unmodified_since is not None and last_modified is not None and last_modified > unmodified_since

    def _serve_byte_range(self, environ: WSGIEnvironment, complete_length: t.Optional[int]) -> None:
        range_header = environ.get("HTTP_RANGE")
        if not range_header:
            return
        # An If-Range naming another version of the body asks for all of it.
        if environ.get("HTTP_IF_RANGE") and is_resource_modified(
            environ, self.headers.get("ETag"), None, self.last_modified, ignore_if_range=False
        ):
            return
        # A range unit we do not serve is ignored, as RFC 7233 requires.
        if range_header.partition("=")[0].strip().lower() != "bytes":
            return
        if complete_length is None and self.is_sequence:
            complete_length = self.calculate_content_length()
        if not complete_length:
            return
        requested = parse_range_header(range_header)
        # Several ranges would need a multipart body; the whole body answers them too.
        if requested is not None and len(requested.ranges) > 1:
            return
        span = requested.range_for_length(complete_length) if requested is not None else None
        if span is None:
            raise RequestedRangeNotSatisfiable(length=complete_length)
        start, stop = span
        if self.is_sequence:
            self.response = [self.get_data()[start:stop]]
        else:
            self.response = _ByteRangeBody(self.response, start, stop - start, self.charset)
        self.status_code = 206
        self.headers["Content-Length"] = str(stop - start)
        self.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{complete_length}"

    # -- WSGI -----------------------------------------------------------------

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """A copy of the headers as they should be sent for ``environ``.

        Location and Content-Location become ASCII URIs (Location absolute if
        ``autocorrect_location_header``); 1xx and 204 lose Content-Type and
        Content-Length, a 304 its entity headers; a buffered body gains a
        Content-Length if it has none.
        """
        headers = self.headers.copy()
        location = content_location = content_length = None
        for key, value in headers._list:
            lower_key = key.lower()
            if lower_key in _REWRITTEN_HEADERS:
                if lower_key == "location":
                    location = value
                elif lower_key == "content-location":
                    content_location = value
                else:
                    content_length = value

        if location is not None:
            new_location = iri_to_uri(location, safe_conversion=True)
            if self.autocorrect_location_header:
                current_url = iri_to_uri(get_current_url(environ, strip_querystring=True))
                new_location = urljoin(current_url, new_location)
            if new_location != location:
                headers["Location"] = new_location
        if content_location is not None:
            headers["Content-Location"] = iri_to_uri(content_location)

        status = self.status_code
        if 100 <= status < 200 or status == 204:
            # Nothing follows these headers, so nothing has a type or a length.
            # (Werkzeug keeps the Content-Type of a 204; wsgiref.validate,
            # the stdlib's WSGI checker, rejects it.)
            headers.remove("Content-Type")
            headers.remove("Content-Length")
        elif status == 304:
            remove_entity_headers(headers)
        elif self.automatically_set_content_length and content_length is None and self.is_sequence:
            headers["Content-Length"] = str(sum(map(len, self.iter_encoded())))
        return headers

    def get_app_iter(self, environ: WSGIEnvironment) -> t.Iterable[bytes]:
        """The iterable of bytes to send for ``environ``; closing it closes the response.

        Empty for a HEAD request and for statuses that carry no body.
        """
        status = self.status_code
        if environ.get("REQUEST_METHOD") == "HEAD" or 100 <= status < 200 or status in (204, 304):
            return ClosingIterator((), self.close)
        if self.direct_passthrough:
            # Handing the body over untouched lets a server recognise its own
            # wsgi.file_wrapper and use sendfile; wrap it only to run callbacks.
            if not self._on_close:
                return self.response  # type: ignore[return-value]
            return ClosingIterator(self.response, list(self._on_close))  # type: ignore[arg-type]
        if isinstance(self.response, (list, tuple)):
            chunks = _ClosingChunks(self.iter_encoded())
            chunks._close_response = self.close
            return chunks
        return ClosingIterator(self.iter_encoded(), self.close)

    def get_wsgi_response(
        self, environ: WSGIEnvironment
    ) -> t.Tuple[t.Iterable[bytes], str, t.List[t.Tuple[str, str]]]:
        """``(app_iter, status, header_list)``: what ``__call__`` hands to the server."""
        headers = self.get_wsgi_headers(environ)
        app_iter = self.get_app_iter(environ)
        return app_iter, self.status, headers.to_wsgi_list()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> t.Iterable[bytes]:
        """Send the response: the response as a WSGI application."""
        app_iter, status, headers = self.get_wsgi_response(environ)
        start_response(status, headers)
        return app_iter

    @classmethod
    def force_type(
        cls, response: t.Union["Response", WSGIApplication], environ: t.Optional[WSGIEnvironment] = None
    ) -> "Response":
        """Make ``response`` an instance of this class, changing its class in place.

        Any other WSGI application is run with ``environ`` and its output
        wrapped in a new response.
        """
        if not isinstance(response, Response):
            if environ is None:
                raise TypeError("force_type needs an environ to run a WSGI application that is not a Response")
            response = Response(*run_wsgi_app(response, environ))
        response.__class__ = cls
        return response

    @classmethod
    def from_app(cls, app: WSGIApplication, environ: WSGIEnvironment, buffered: bool = False) -> "Response":
        """A response holding what ``app`` answers for ``environ``.

        Pass ``buffered=True`` for an app that writes through the ``write``
        callable of ``start_response`` and still needs closing afterwards.
        """
        return cls(*run_wsgi_app(app, environ, buffered))
