"""What the WSGI environ says about the host, the URL and the body, read safely.

The Request wrapper and the form parser call these helpers; they sit between
the server's raw environ and everything that parses it. The body guard lives
here: ``get_input_stream`` never lets a read block past the declared body or
run past ``max_content_length``. ``run_wsgi_app`` is the other side: it calls
an application as a server would (for the test client and ``Response.from_app``).
Nothing here parses headers or forms.
"""
from __future__ import annotations

import io
import re
import typing as t
from functools import update_wrapper
from itertools import chain
from urllib.parse import quote

from .datastructures import Headers
from .exceptions import BadHost, ClientDisconnected, RequestEntityTooLarge

WSGIEnvironment = t.Dict[str, t.Any]
WSGIApplication = t.Callable[[WSGIEnvironment, t.Callable[..., t.Any]], t.Iterable[bytes]]

#: A Host header: a bracketed IPv6 literal or RFC 3986 reg-name characters,
#: then an optional port. Anything else (spaces, controls, non-ASCII) is refused.
_host_re = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?",
)
# Host headers already found valid: a server hears the same few names over
# and over, and checking one costs more than the rest of routing a request.
# Bounded, so that clients sending made-up names cannot grow it.
_valid_hosts: t.Set[str] = set()
_MAX_VALID_HOSTS = 64
# The ":port" a host may leave out for each scheme.
_DEFAULT_PORT_SUFFIXES = {"http": ":80", "ws": ":80", "https": ":443", "wss": ":443"}

# Characters that stay literal when a decoded path or a raw query string is
# written back into a URL (RFC 3986 pchar / query, plus '%' in the query so
# escapes the client sent survive unchanged).
_PATH_SAFE = "/:@!$&'()*+,;=~"
_QUERY_SAFE = "/:@!$&'()*+,;=~?%"

# The most the body guard asks the server's stream for in one call. A client
# declares any Content-Length it likes; passing that on as one read size would
# let it make the server allocate that much up front (or overflow an index).
# 1 MiB lets the form parser read a small body (up to 500 KiB) in one call.
_MAX_READ_SIZE = 1024 * 1024


def _split_port(host: str) -> t.Tuple[str, str]:
    """``("example.com", "8080")`` for ``"example.com:8080"``; IPv6-aware."""
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1], host[end + 2 :]
    name, _, port = host.partition(":")
    return name, port


def host_is_trusted(hostname: str, trusted_list: t.Iterable[str]) -> bool:
    """Whether ``hostname`` matches an entry of ``trusted_list``.

    An entry starting with a dot (``.example.com``) trusts that domain and
    all its subdomains. Ports are ignored unless the entry names one.
    """
    name, port = _split_port(hostname.lower())
    for entry in trusted_list:
        entry_name, entry_port = _split_port(entry.lower())
        if entry_port and entry_port != port:
            continue
        if entry_name.startswith("."):
            if name == entry_name[1:] or name.endswith(entry_name):
                return True
        elif name == entry_name:
            return True
    return False


def get_host(environ: WSGIEnvironment, trusted_hosts: t.Optional[t.Iterable[str]] = None) -> str:
    """The host the request was sent to, with the port unless it is the default.

    Uses the ``Host`` header, else ``SERVER_NAME`` and ``SERVER_PORT``.
    ``X-Forwarded-Host`` is not trusted here; a proxy fix middleware may
    rewrite the environ first. A malformed host, or one missing from
    ``trusted_hosts`` when that is given, raises ``BadHost`` (400).
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if host:
        if host not in _valid_hosts:
            if _host_re.fullmatch(host) is None:
                raise BadHost(f"The Host header {host!r} is not a valid host name.")
            if len(_valid_hosts) < _MAX_VALID_HOSTS:
                _valid_hosts.add(host)
    else:  # the server's own name is configuration, not client input
        host = environ.get("SERVER_NAME", "")
        port = environ.get("SERVER_PORT")
        if host and port:
            host = f"{host}:{port}"
    default_port_suffix = _DEFAULT_PORT_SUFFIXES.get(scheme)
    if default_port_suffix is not None and host.endswith(default_port_suffix):
        host = host[: -len(default_port_suffix)]
    if trusted_hosts is not None and not host_is_trusted(host, trusted_hosts):
        raise BadHost(f"The host {host!r} is not one this application serves.")
    return host


def _make_url(
    scheme: str,
    host: str,
    root_path: t.Optional[str] = None,
    path: t.Optional[str] = None,
    query_string: t.Optional[bytes] = None,
) -> str:
    """Assemble an ASCII URL from decoded parts; each part left out ends it.

    ``root_path`` and ``path`` are decoded text and get percent-encoded; the
    query string is the raw bytes the client sent and keeps its escapes.
    """
    url = f"{scheme}://{host}/"
    if root_path is None:
        return url
    root = root_path.strip("/")
    if root:
        url += quote(root, safe=_PATH_SAFE) + "/"
    if path is None:
        return url
    url += quote(path.lstrip("/"), safe=_PATH_SAFE)
    if query_string:
        url += "?" + quote(query_string, safe=_QUERY_SAFE)
    return url


def _wsgi_bytes(value: str) -> bytes:
    """The bytes the client sent, from WSGI's latin-1 transport string.

    A server that broke the rule and put real text in the environ (characters
    above U+00FF) is taken at its word: that text is encoded as UTF-8.
    """
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _decode_wsgi_str(value: str, charset: str = "utf-8", errors: str = "replace") -> str:
    """A WSGI environ string (path, script name) as the text the client meant."""
    if value.isascii():  # ASCII reads the same in any charset a URL is decoded with
        return value
    return _wsgi_bytes(value).decode(charset, errors)


def get_current_url(
    environ: WSGIEnvironment,
    root_only: bool = False,
    strip_querystring: bool = False,
    host_only: bool = False,
    trusted_hosts: t.Optional[t.Iterable[str]] = None,
) -> str:
    """The URL the request was made to, rebuilt from the environ.

    ``host_only`` stops after the host, ``root_only`` after the application
    root (``SCRIPT_NAME``), ``strip_querystring`` before the query string.
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    host = get_host(environ, trusted_hosts)
    if host_only:
        return _make_url(scheme, host)
    root_path = _decode_wsgi_str(environ.get("SCRIPT_NAME", ""))
    if root_only:
        return _make_url(scheme, host, root_path)
    path = _decode_wsgi_str(environ.get("PATH_INFO", ""))
    query_string = None
    if not strip_querystring:
        query_string = _wsgi_bytes(environ.get("QUERY_STRING", ""))
    return _make_url(scheme, host, root_path, path, query_string)


def _is_chunked(environ: WSGIEnvironment) -> bool:
    codings = environ.get("HTTP_TRANSFER_ENCODING")
    if not codings:  # most requests: no Transfer-Encoding at all
        return False
    return any(coding.strip() == "chunked" for coding in codings.lower().split(","))


def get_content_length(environ: WSGIEnvironment) -> t.Optional[int]:
    """The body length the client declared, or ``None`` if unknown or invalid.

    A chunked body has no length up front even if ``Content-Length`` is sent;
    a negative or non-numeric value is treated as absent.
    """
    if _is_chunked(environ):
        return None
    value = environ.get("CONTENT_LENGTH")
    if not value:
        return None
    value = value.strip()
    # int() alone would also accept "+5", "5_0" and non-ASCII digits.
    if not (value.isascii() and value.isdigit()):
        return None
    try:
        return int(value)
    except ValueError:  # more digits than Python converts (int_max_str_digits)
        return None


def get_input_stream(
    environ: WSGIEnvironment,
    safe_fallback: bool = True,
    max_content_length: t.Optional[int] = None,
) -> t.IO[bytes]:
    """The request body as a stream that cannot read past its end.

    * A declared length larger than ``max_content_length`` raises
      ``RequestEntityTooLarge`` before a byte is read.
    * With a declared length, reads stop at that many bytes (``LimitedStream``).
    * With no length, the body is only read if the server promises to end the
      input itself (``wsgi.input_terminated``, e.g. for chunked requests);
      bytes are then counted and ``max_content_length`` enforced as they come.
    * Otherwise an empty stream, since reading could wait forever
      (``safe_fallback=False`` returns the raw input instead).
    """
    stream = environ["wsgi.input"]
    content_length = get_content_length(environ)
    if content_length is not None:
        if max_content_length is not None and content_length > max_content_length:
            raise RequestEntityTooLarge(
                f"The request body is {content_length} bytes; the limit is {max_content_length}."
            )
        return t.cast(t.IO[bytes], LimitedStream(stream, content_length))
    if environ.get("wsgi.input_terminated"):
        if max_content_length is not None:
            return t.cast(t.IO[bytes], _CappedStream(stream, max_content_length))
        return t.cast(t.IO[bytes], stream)
    return io.BytesIO() if safe_fallback else t.cast(t.IO[bytes], stream)


class LimitedStream(io.IOBase):
    """Reads at most ``limit`` bytes from ``stream``: the guard around ``wsgi.input``.

    Reading past the declared body would block waiting for bytes that never
    come, so reads stop at ``limit`` and then return ``b""``. A stream that
    ends before ``limit`` means the client went away: ``on_disconnect`` raises
    ``ClientDisconnected`` (400). The underlying stream belongs to the server
    and is never closed.
    """

    def __init__(self, stream: t.IO[bytes], limit: int) -> None:
        self._stream = stream
        self.limit = limit
        self._pos = 0

    @property
    def is_exhausted(self) -> bool:
        """Whether all ``limit`` bytes have been read."""
        return self._pos >= self.limit

    def on_exhausted(self) -> bytes:
        """What a read returns once the body is used up."""
        return b""

    def on_disconnect(self) -> bytes:
        """Called when the stream ends before ``limit`` bytes arrived."""
        raise ClientDisconnected(f"The client sent {self._pos} of the {self.limit} bytes it announced.")

    def _budget(self, size: t.Optional[int]) -> int:
        remaining = self.limit - self._pos
        if size is None or size < 0 or size > remaining:
            return remaining
        return size

    def _read_up_to(self, size: int) -> bytes:
        """``size`` bytes, or fewer only if the stream ends first.

        A single read may return less than asked (sockets, pipes), so keep
        reading; only an empty read means the end.
        """
        chunks = []
        missing = size
        while missing > 0:
            chunk = self._stream.read(min(missing, _MAX_READ_SIZE))
            if not chunk:
                break
            chunks.append(chunk)
            missing -= len(chunk)
        data = b"".join(chunks)
        self._pos += len(data)
        return data

    def read(self, size: t.Optional[int] = -1) -> bytes:
        """Up to ``size`` bytes (all that remain if omitted or negative)."""
        if self.is_exhausted:
            return self.on_exhausted()
        wanted = self._budget(size)
        data = self._read_up_to(wanted)
        if len(data) < wanted:
            return self.on_disconnect()
        return data

    def _readline(self, size: t.Optional[int]) -> bytes:
        """One line of at most ``size`` bytes, asked of the stream in bounded pieces."""
        wanted = self._budget(size)
        pieces = []
        while wanted > 0:
            piece = self._stream.readline(min(wanted, _MAX_READ_SIZE))
            if not piece:
                break
            pieces.append(piece)
            self._pos += len(piece)
            wanted -= len(piece)
            if piece.endswith(b"\n"):
                break
        return b"".join(pieces)

    def readline(self, size: t.Optional[int] = -1) -> bytes:
        """One line including its ``\\n``, at most ``size`` bytes long."""
        if self.is_exhausted:
            return self.on_exhausted()
        line = self._readline(size)
        if not line and size != 0:
            return self.on_disconnect()
        return line

    def readlines(self, hint: t.Optional[int] = -1) -> t.List[bytes]:
        """The remaining lines; stops once ``hint`` bytes have been read, if given."""
        lines = []
        total = 0
        while not self.is_exhausted:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def exhaust(self, chunk_size: int = 64 * 1024) -> None:
        """Read and discard the rest of the body, so the connection can be reused."""
        while not self.is_exhausted:
            if not self.read(chunk_size):
                break

    def tell(self) -> int:
        """How many bytes have been read so far."""
        return self._pos

    def readable(self) -> bool:
        return True

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration()
        return line


class _CappedStream(LimitedStream):
    """Input of unknown length that the server ends itself, capped at ``max_length``.

    Reads up to one byte past the cap: getting that byte proves the body is
    too large. Running out of input early is the normal end of the body here.
    """

    def __init__(self, stream: t.IO[bytes], max_length: int) -> None:
        super().__init__(stream, max_length + 1)
        self._ended = False

    @property
    def is_exhausted(self) -> bool:
        return self._ended or self._pos >= self.limit

    def read(self, size: t.Optional[int] = -1) -> bytes:
        if self.is_exhausted:
            return self.on_exhausted()
        wanted = self._budget(size)
        data = self._read_up_to(wanted)
        self._ended = len(data) < wanted
        self._check_size()
        return data

    def readline(self, size: t.Optional[int] = -1) -> bytes:
        if self.is_exhausted:
            return self.on_exhausted()
        line = self._readline(size)
        self._ended = not line and size != 0
        self._check_size()
        return line

    def _check_size(self) -> None:
        if self._pos >= self.limit:
            raise RequestEntityTooLarge(f"The request body is larger than the limit of {self.limit - 1} bytes.")


class ClosingIterator:
    """Iterates ``iterable`` and, on ``close()``, runs ``callbacks`` after closing it.

    Middleware uses this to clean up once the server is done sending a body.
    ``callbacks`` is one callable or a list; each runs once even if
    ``close()`` is called again.
    """

    def __init__(
        self,
        iterable: t.Iterable[bytes],
        callbacks: t.Union[None, t.Callable[[], None], t.Iterable[t.Callable[[], None]]] = None,
    ) -> None:
        self._iterator = iter(iterable)
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        else:
            callbacks = list(callbacks)
        iterable_close = getattr(iterable, "close", None)
        if iterable_close is not None:
            callbacks.insert(0, iterable_close)
        self._callbacks = callbacks

    def __iter__(self) -> "ClosingIterator":
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class FileWrapper:
    """Serves a file as a WSGI body in ``buffer_size`` chunks, closing it at the end.

    Servers that can send files faster offer their own wrapper as
    ``wsgi.file_wrapper``; ``wrap_file`` prefers that one.
    """

    def __init__(self, file: t.IO[bytes], buffer_size: int = 8192) -> None:
        self.file = file
        self.buffer_size = buffer_size

    def close(self) -> None:
        close = getattr(self.file, "close", None)
        if close is not None:
            close()

    def seekable(self) -> bool:
        if hasattr(self.file, "seekable"):
            return bool(self.file.seekable())
        return hasattr(self.file, "seek")

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> t.Optional[int]:
        tell = getattr(self.file, "tell", None)
        return tell() if tell is not None else None

    def __iter__(self) -> "FileWrapper":
        return self

    def __next__(self) -> bytes:
        data = self.file.read(self.buffer_size)
        if data:
            return data
        raise StopIteration()


def wrap_file(environ: WSGIEnvironment, file: t.IO[bytes], buffer_size: int = 8192) -> t.Iterable[bytes]:
    """Wrap ``file`` as a WSGI body, with the server's ``wsgi.file_wrapper`` if any."""
    wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
    return wrapper(file, buffer_size)  # type: ignore[no-any-return]


def responder(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Iterable[bytes]]:
    """Turn a function returning a WSGI app (say a ``Response``) into a WSGI app.

    ``f`` gets the same arguments as the app (``self`` too, for methods); what
    it returns is then called with ``environ`` and ``start_response``.
    """

    def application(*args: t.Any) -> t.Iterable[bytes]:
        return f(*args)(*args[-2:])  # type: ignore[no-any-return]

    return update_wrapper(application, f)


# -- calling an application ---------------------------------------------------


class _SelfClosingIterator(ClosingIterator):
    """A body that closes itself once read to the end, as a server closes a
    body after sending it. Closing it before that still works."""

    def __iter__(self) -> "_SelfClosingIterator":
        return self  # every chunk goes through __next__, which sees the end

    def __next__(self) -> bytes:
        try:
            return super().__next__()
        except StopIteration:
            self.close()
            raise


def run_wsgi_app(
    app: WSGIApplication, environ: WSGIEnvironment, buffered: bool = False
) -> t.Tuple[t.Iterable[bytes], str, Headers]:
    """Call ``app`` and return ``(body iterable, status, Headers)``.

    Bytes passed to the ``write`` callable come first in the body. With
    ``buffered`` the body is read into a list and the app's iterable closed
    at once. Otherwise the returned iterable closes the app's once it has
    been read to the end; a caller that stops early must ``close()`` it.
    """
    response: t.Optional[t.Tuple[str, t.List[t.Tuple[str, str]]]] = None
    written: t.List[bytes] = []

    def start_response(status: str, headers: t.List[t.Tuple[str, str]], exc_info: t.Any = None) -> t.Callable:
        nonlocal response
        if exc_info:
            try:
                raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        response = (status, headers)
        return written.append

    app_rv = app(environ, start_response)
    close = getattr(app_rv, "close", None)
    app_iter: t.Iterator[bytes] = iter(app_rv)
    body: t.Iterable[bytes]
    if buffered:
        try:
            body = written + list(app_iter)
        finally:
            if close is not None:
                close()
    else:
        # An app may call start_response only once its body is iterated.
        head: t.List[bytes] = []
        while response is None:
            try:
                head.append(next(app_iter))
            except StopIteration:
                break
        body = chain(written, head, app_iter)
        if close is not None:
            body = _SelfClosingIterator(body, close)
    if response is None:
        if close is not None:
            close()
        raise RuntimeError("The application returned without calling start_response.")
    status, headers = response
    return body, status, Headers(headers)
