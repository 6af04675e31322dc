"""Calling a WSGI application without a server: environ builder and test client.

``EnvironBuilder`` turns a path, headers and a body into the environ a server
would build, encoding forms with files as ``multipart/form-data`` the way a
browser does (``encode_multipart``); ``run_wsgi_app`` calls an app with it;
``Client`` adds a cookie jar and redirect following on top and returns
``TestResponse`` objects. No sockets are involved.
"""
from __future__ import annotations

import datetime
import json as _json
import mimetypes
import os
import sys
import typing as t
from io import BytesIO
from itertools import chain
from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit

from .datastructures import Authorization, EnvironHeaders, FileStorage, Headers, MultiDict
from .http import dump_cookie, parse_date, parse_options_header
from .urls import iri_to_uri, url_decode, url_encode
from .utils import cached_property, get_content_type
from .wrappers.request import Request
from .wrappers.response import Response
from .wsgi import _SelfClosingIterator, _split_port, _wsgi_bytes, get_host, run_wsgi_app

WSGIEnvironment = t.Dict[str, t.Any]
WSGIApplication = t.Callable[[WSGIEnvironment, t.Callable[..., t.Any]], t.Iterable[bytes]]

# What stays literal when a path is percent-encoded (RFC 3986 pchar and '/').
_PCHAR_SAFE = "/:@!$&'()*+,;=~"
# A user's path or query string also keeps '%', so text that is already
# encoded is not encoded twice.
_PATH_SAFE = _PCHAR_SAFE + "%"
_QUERY_SAFE = _PATH_SAFE + "?"
_FORM_MIMETYPE = "application/x-www-form-urlencoded"
_MULTIPART_MIMETYPE = "multipart/form-data"
#: Browsers keep a cookie at most about 400 days, whatever its Max-Age says.
_MAX_COOKIE_AGE = 400 * 24 * 60 * 60


def _split_target(path: str) -> t.Tuple[t.Optional[str], str, str]:
    """``(base_url or None, path, query)`` from a path or an absolute URL."""
    if not path.startswith("/"):
        url = urlsplit(path)
        if url.scheme and url.netloc:
            return f"{url.scheme}://{url.netloc}", url.path or "/", url.query
    path = path.partition("#")[0]
    path, _, query = path.partition("?")
    return None, path, query


def _iter_data(data: t.Any) -> t.Iterator[t.Tuple[str, t.Any]]:
    """Form fields from ``data``: a ``MultiDict``, or a dict where a list means several values."""
    if isinstance(data, MultiDict):
        yield from data.items(multi=True)
        return
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                yield key, item
        else:
            yield key, value


def _quote_part_parameter(value: str) -> str:
    """``value`` quoted for a part's ``Content-Disposition``.

    Quotes and backslashes are escaped, so the parser gets the name back
    exactly; CR and LF are percent-encoded as browsers do, so a name can
    never end the header line.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "%0D").replace("\n", "%0A") + '"'


def _as_upload(
    file: t.Any, filename: t.Optional[str] = None, name: t.Optional[str] = None, content_type: t.Optional[str] = None
) -> FileStorage:
    """``file`` as a ``FileStorage``; without ``filename`` an open file is
    named as a browser names it: by its own name, without the folders."""
    if isinstance(file, FileStorage):
        return file
    upload = FileStorage(file, filename, name, content_type)
    if filename is None and upload.filename:
        upload.filename = os.path.basename(upload.filename)
    return upload


class _Spool:
    """Collects a body in memory and moves it to a temporary file once it
    grows past ``threshold`` bytes (``None``: never)."""

    def __init__(self, threshold: t.Optional[int]) -> None:
        self.stream: t.IO[bytes] = BytesIO()
        self._threshold = threshold

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        if self._threshold is not None and self.stream.tell() > self._threshold:
            import tempfile  # heavy: only bodies past the threshold need it

            file = tempfile.TemporaryFile()
            file.write(t.cast(BytesIO, self.stream).getbuffer())
            self.stream, self._threshold = file, None


def _write_file_part(out: _Spool, name: str, file: t.Any, charset: str) -> None:
    """The headers and bytes of one file part; the file is read from where it is."""
    upload = _as_upload(file)
    filename = upload.filename or ""
    content_type = upload.content_type
    if not content_type:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    out.write(
        f"Content-Disposition: form-data; name={_quote_part_parameter(name)};"
        f" filename={_quote_part_parameter(filename)}\r\nContent-Type: {content_type}\r\n\r\n".encode(charset)
    )
    while True:
        chunk = upload.stream.read(64 * 1024)
        if not chunk:
            break
        out.write(chunk)


def stream_encode_multipart(
    data: t.Any,
    use_tempfile: bool = True,
    threshold: int = 500 * 1024,
    boundary: t.Optional[str] = None,
    charset: str = "utf-8",
) -> t.Tuple[t.IO[bytes], int, str]:
    """``(stream, length, boundary)``: ``data`` as a ``multipart/form-data`` body.

    ``data`` is a dict (a list value means several parts) or a ``MultiDict``.
    Values with a ``read`` method (``FileStorage``, open files) become file
    parts, everything else a text field (``str()`` of it). The body is built
    in memory; with ``use_tempfile`` one past ``threshold`` bytes moves to a
    temporary file. Close the stream once it is read.
    """
    if boundary is None:
        boundary = f"----microflask-{os.urandom(16).hex()}"
    out = _Spool(threshold if use_tempfile else None)
    delimiter = f"--{boundary}\r\n".encode("ascii")
    for name, value in _iter_data(data):
        out.write(delimiter)
        if hasattr(value, "read"):
            _write_file_part(out, name, value, charset)
        else:
            head = f"Content-Disposition: form-data; name={_quote_part_parameter(name)}\r\n\r\n"
            out.write(head.encode(charset) + str(value).encode(charset))
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode("ascii"))
    stream = out.stream
    length = stream.tell()
    stream.seek(0)
    return stream, length, boundary


def encode_multipart(
    values: t.Any, boundary: t.Optional[str] = None, charset: str = "utf-8"
) -> t.Tuple[str, bytes]:
    """``(boundary, body)``: ``values`` as a ``multipart/form-data`` body in memory.

    >>> boundary, body = encode_multipart({"name": "Ada"}, boundary="b")
    >>> body
    b'--b\\r\\nContent-Disposition: form-data; name="name"\\r\\n\\r\\nAda\\r\\n--b--\\r\\n'
    """
    stream, _length, boundary = stream_encode_multipart(values, use_tempfile=False, boundary=boundary, charset=charset)
    return boundary, stream.read()


class EnvironBuilder:
    """Builds a WSGI environ from request-like arguments.

    ``path`` may carry a query string or be a whole URL (``"https://x.org/a?b=1"``);
    non-ASCII is percent-encoded. The body is one of ``data`` (bytes or str sent
    as is, or a dict/``MultiDict`` sent as a form), ``json`` (dumped with
    ``json_dumps``) or ``input_stream``. A form is urlencoded unless it holds
    files or ``content_type`` says ``multipart/form-data``; a file is a
    ``FileStorage``, an open file, or a ``(stream, filename)`` or
    ``(stream, filename, content_type)`` tuple. ``auth`` is a
    ``(user, password)`` pair for Basic auth or an ``Authorization``.
    ``environ_base`` supplies defaults and ``environ_overrides`` has the last word.
    """

    server_protocol = "HTTP/1.1"
    wsgi_version = (1, 0)
    request_class: t.Type[Request] = Request
    #: Serialises ``json=``; the framework sets its JSON provider's ``dumps``.
    json_dumps = staticmethod(_json.dumps)

    def __init__(
        self,
        path: str = "/",
        base_url: t.Optional[str] = None,
        query_string: t.Union[None, str, t.Mapping[str, t.Any], t.Iterable[t.Tuple[str, t.Any]]] = None,
        method: str = "GET",
        input_stream: t.Optional[t.IO[bytes]] = None,
        content_type: t.Optional[str] = None,
        content_length: t.Optional[int] = None,
        errors_stream: t.Optional[t.IO[str]] = None,
        multithread: bool = False,
        multiprocess: bool = False,
        run_once: bool = False,
        headers: t.Union[None, Headers, t.Mapping[str, t.Any], t.Iterable[t.Tuple[str, t.Any]]] = None,
        data: t.Any = None,
        environ_base: t.Optional[t.Mapping[str, t.Any]] = None,
        environ_overrides: t.Optional[t.Mapping[str, t.Any]] = None,
        charset: str = "utf-8",
        mimetype: t.Optional[str] = None,
        json: t.Any = None,
        auth: t.Union[None, t.Tuple[str, str], Authorization] = None,
    ) -> None:
        self.charset = charset
        url_base, path, path_query = _split_target(path)
        if path_query and query_string is not None:
            raise ValueError("The query string was given both in the path and as query_string; give it once.")
        self.path = quote(path.encode(charset), safe=_PATH_SAFE)
        self.base_url = base_url if base_url is not None else url_base  # type: ignore[assignment]
        self._query_string: t.Optional[str] = None
        self._args: t.Optional[MultiDict] = None
        if query_string is None:
            self.query_string = path_query
        elif isinstance(query_string, str):
            self.query_string = query_string
        else:
            self.args = MultiDict(query_string)
        self.method = method.upper()
        self.headers = Headers(headers)
        if content_type is not None:
            self.content_type = content_type
        if content_length is not None:
            self.content_length = content_length
        self.errors_stream = sys.stderr if errors_stream is None else errors_stream
        self.multithread = multithread
        self.multiprocess = multiprocess
        self.run_once = run_once
        self.environ_base = environ_base
        self.environ_overrides = environ_overrides
        self.input_stream = input_stream
        self._form: t.Optional[MultiDict] = None
        self._files: t.Optional[MultiDict] = None
        self.closed = False
        if auth is not None:
            if isinstance(auth, tuple):
                auth = Authorization("basic", {"username": auth[0], "password": auth[1]})
            self.headers.set("Authorization", auth.to_header())
        if json is not None:
            if data is not None:
                raise TypeError("Pass the body as data= or json=, not both.")
            data = self.json_dumps(json)
            if self.content_type is None:
                self.content_type = "application/json"
        if data is not None:
            self._set_data(data)
        if mimetype is not None:
            self.mimetype = mimetype

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment, **kwargs: t.Any) -> "EnvironBuilder":
        """A builder that recreates ``environ``; ``kwargs`` override its parts."""
        headers = Headers(EnvironHeaders(environ))
        for name in ("Host", "Content-Type", "Content-Length"):
            headers.remove(name)
        # Re-encode the raw paths so characters like '?' or '%' in them survive.
        script_root = quote(_wsgi_bytes(environ.get("SCRIPT_NAME", "")), safe=_PCHAR_SAFE)
        arguments = {
            "path": quote(_wsgi_bytes(environ.get("PATH_INFO", "")), safe=_PCHAR_SAFE) or "/",
            "base_url": f"{environ.get('wsgi.url_scheme', 'http')}://{get_host(environ)}{script_root}",
            "query_string": environ.get("QUERY_STRING", ""),
            "method": environ.get("REQUEST_METHOD", "GET"),
            "input_stream": environ.get("wsgi.input"),
            "content_type": environ.get("CONTENT_TYPE") or None,
            "content_length": environ.get("CONTENT_LENGTH") or None,
            "errors_stream": environ.get("wsgi.errors"),
            "multithread": environ.get("wsgi.multithread", False),
            "multiprocess": environ.get("wsgi.multiprocess", False),
            "run_once": environ.get("wsgi.run_once", False),
            "headers": headers,
        }
        arguments.update(kwargs)
        return cls(**arguments)

    def _set_data(self, data: t.Any) -> None:
        if self.input_stream is not None:
            raise TypeError("Pass the body as data= or input_stream=, not both.")
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            data = data.encode(self.charset)
        if isinstance(data, bytes):
            self.input_stream = BytesIO(data)
            if self.content_length is None:
                self.content_length = len(data)
            return
        for key, value in _iter_data(data):
            if isinstance(value, tuple) or hasattr(value, "read"):
                self._add_file_from_data(key, value)
            else:
                self.form.add(key, value)

    def _add_file_from_data(self, key: str, value: t.Any) -> None:
        """Add a file from ``data=`` to ``files``."""
        if not isinstance(value, tuple):
            self.files.add(key, _as_upload(value, name=key))
            return
        if not 2 <= len(value) <= 3 or not hasattr(value[0], "read"):
            raise TypeError(
                f"The file for form field {key!r} must be (stream, filename) or"
                f" (stream, filename, content_type), not a tuple of {len(value)} items"
                f" starting with {type(value[0]).__name__ if value else 'nothing'}."
            )
        stream, filename, content_type = value + (None,) * (3 - len(value))
        self.files.add(key, _as_upload(stream, filename, key, content_type))

    # -- where the request goes ----------------------------------------------

    @property
    def base_url(self) -> str:
        """Scheme, host and application root: ``"http://localhost/"`` by default."""
        return f"{self.url_scheme}://{self.host}{self.script_root}/"

    @base_url.setter
    def base_url(self, value: t.Optional[str]) -> None:
        if value is None:
            self.url_scheme, self.host, self.script_root = "http", "localhost", ""
            return
        url = urlsplit(iri_to_uri(value, self.charset))
        if url.query or url.fragment:
            raise ValueError(f"The base URL {value!r} must not have a query string or fragment.")
        self.url_scheme = url.scheme or "http"
        self.host = url.netloc or "localhost"
        self.script_root = url.path.rstrip("/")

    @property
    def server_name(self) -> str:
        """The host without its port."""
        return _split_port(self.host)[0]

    @property
    def server_port(self) -> int:
        """The port from the host, else the scheme's default."""
        port = _split_port(self.host)[1]
        if port.isdigit():
            return int(port)
        return 443 if self.url_scheme in ("https", "wss") else 80

    @property
    def query_string(self) -> str:
        """The query string: as given, or ``args`` encoded."""
        if self._query_string is None:
            return url_encode(self._args, self.charset) if self._args else ""
        return self._query_string

    @query_string.setter
    def query_string(self, value: str) -> None:
        self._query_string = quote(value.encode(self.charset), safe=_QUERY_SAFE)
        self._args = None

    @property
    def args(self) -> MultiDict:
        """The query arguments as a ``MultiDict`` that can be edited."""
        if self._args is None:
            self._args = url_decode(self._query_string or "", self.charset, cls=MultiDict)
            self._query_string = None
        return self._args

    @args.setter
    def args(self, value: MultiDict) -> None:
        self._args = value
        self._query_string = None

    # -- the body ------------------------------------------------------------

    @property
    def form(self) -> MultiDict:
        """Form fields to send urlencoded, as a ``MultiDict`` that can be edited."""
        if self._form is None:
            self._form = MultiDict()
        return self._form

    @form.setter
    def form(self, value: MultiDict) -> None:
        self._form = value

    @property
    def files(self) -> MultiDict:
        """Files to upload (``FileStorage``) by field name, as a ``MultiDict`` that can be edited."""
        if self._files is None:
            self._files = MultiDict()
        return self._files

    @files.setter
    def files(self, value: MultiDict) -> None:
        self._files = value

    @property
    def content_type(self) -> t.Optional[str]:
        """The ``Content-Type`` header; by default ``multipart/form-data`` when
        there are files and urlencoded when there is only form data. A multipart
        body's boundary is added when the environ is built."""
        content_type = self.headers.get("Content-Type")
        if content_type is None and self.input_stream is None:
            if self._files:
                return _MULTIPART_MIMETYPE
            if self._form:
                return _FORM_MIMETYPE
        return content_type  # type: ignore[no-any-return]

    @content_type.setter
    def content_type(self, value: t.Optional[str]) -> None:
        if value is None:
            self.headers.remove("Content-Type")
        else:
            self.headers.set("Content-Type", value)

    @property
    def mimetype(self) -> t.Optional[str]:
        """The ``Content-Type`` without parameters, lower case."""
        content_type = self.content_type
        return parse_options_header(content_type)[0].lower() if content_type else None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.content_type = get_content_type(value, self.charset)

    @property
    def content_length(self) -> t.Optional[int]:
        """The ``Content-Length`` header as an int; ``get_environ`` computes it
        from the body when it is not set."""
        return self.headers.get("Content-Length", type=int)  # type: ignore[no-any-return]

    @content_length.setter
    def content_length(self, value: t.Optional[int]) -> None:
        if value is None:
            self.headers.remove("Content-Length")
        else:
            self.headers.set("Content-Length", str(value))

    def _body(self) -> t.Tuple[t.IO[bytes], t.Optional[int], t.Optional[str]]:
        """The input stream, its length and the content type; an explicit
        ``content_length`` wins."""
        length = self.content_length
        stream = self.input_stream
        content_type = self.content_type
        if stream is not None:
            if self._form or self._files:
                raise TypeError("Both an input stream and form data are set; give one body.")
            if length is None and getattr(stream, "seekable", lambda: False)():
                start = stream.tell()
                length = stream.seek(0, 2) - start
                stream.seek(start)
            return stream, length, content_type
        mimetype = self.mimetype
        if mimetype == _MULTIPART_MIMETYPE:
            fields = chain(_iter_data(self._form or {}), _iter_data(self._files or {}))
            stream, body_length, boundary = stream_encode_multipart(MultiDict(fields), charset=self.charset)
            content_type = f"{_MULTIPART_MIMETYPE}; boundary={boundary}"
            return stream, body_length if length is None else length, content_type
        if self._files:
            raise ValueError(f"Files are sent as {_MULTIPART_MIMETYPE!r}, but the content type is {mimetype!r}.")
        if self._form:
            if mimetype != _FORM_MIMETYPE:
                raise ValueError(
                    f"Form data is sent as {_FORM_MIMETYPE!r} or {_MULTIPART_MIMETYPE!r}, not {mimetype!r}."
                )
            body = url_encode(self._form, self.charset).encode("ascii")
            return BytesIO(body), len(body) if length is None else length, content_type
        return BytesIO(), length, content_type

    # -- results -------------------------------------------------------------

    def get_environ(self) -> WSGIEnvironment:
        """A new WSGI environ for this request."""
        return self._environ_and_multipart_body()[0]

    def _environ_and_multipart_body(self) -> t.Tuple[WSGIEnvironment, t.Optional[t.IO[bytes]]]:
        """A new environ, and the ``multipart/form-data`` body encoded for it
        (``None`` if there is none). That body may be a temporary file: its
        caller closes it once the request is done. ``close()`` does not, as
        the environ outlives the builder."""
        input_stream, content_length, content_type = self._body()
        encoded = input_stream if self.input_stream is None and self.mimetype == _MULTIPART_MIMETYPE else None
        # WSGI carries the raw request bytes as latin-1 strings.
        path_info = unquote_to_bytes(self.path).decode("latin-1")
        script_name = unquote_to_bytes(self.script_root).decode("latin-1")
        query_string = self.query_string
        request_uri = self.path + ("?" + query_string if query_string else "")
        environ: WSGIEnvironment = dict(self.environ_base or {})
        environ.update(
            {
                "REQUEST_METHOD": self.method,
                "SCRIPT_NAME": script_name,
                "PATH_INFO": path_info,
                "QUERY_STRING": query_string,
                "REQUEST_URI": request_uri,
                "RAW_URI": request_uri,
                "SERVER_NAME": self.server_name,
                "SERVER_PORT": str(self.server_port),
                "HTTP_HOST": self.host,
                "SERVER_PROTOCOL": self.server_protocol,
                "wsgi.version": self.wsgi_version,
                "wsgi.url_scheme": self.url_scheme,
                "wsgi.input": input_stream,
                "wsgi.errors": self.errors_stream,
                "wsgi.multithread": self.multithread,
                "wsgi.multiprocess": self.multiprocess,
                "wsgi.run_once": self.run_once,
            }
        )
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        if content_length is not None:
            environ["CONTENT_LENGTH"] = str(content_length)
        joined: t.Dict[str, t.List[str]] = {}
        for name, value in self.headers:
            if name.lower() not in ("content-type", "content-length"):
                joined.setdefault("HTTP_" + name.upper().replace("-", "_"), []).append(value)
        for key, values in joined.items():
            environ[key] = ", ".join(values)
        if self.environ_overrides:
            environ.update(self.environ_overrides)
        return environ, encoded

    def get_request(self, cls: t.Optional[t.Type[Request]] = None) -> Request:
        """A request object (``request_class`` unless ``cls``) for a new environ."""
        return (cls or self.request_class)(self.get_environ())

    def close(self) -> None:
        """Close the files in ``files``; the streams the builder made belong
        to the environs it built."""
        if self._files and not self.closed:
            for _key, upload in self._files.items(multi=True):
                upload.close()
        self.closed = True


def create_environ(*args: t.Any, **kwargs: t.Any) -> WSGIEnvironment:
    """A WSGI environ from the arguments of ``EnvironBuilder``."""
    builder = EnvironBuilder(*args, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()


class Cookie:
    """A cookie in the ``Client``'s jar, as the server set it."""

    __slots__ = ("key", "value", "domain", "path", "origin_only", "expires", "secure", "http_only", "same_site")

    def __init__(self, key: str, value: str, domain: str, path: str, origin_only: bool = True) -> None:
        self.key = key
        self.value = value
        self.domain = domain
        self.path = path
        #: Sent only to ``domain`` itself, not its subdomains (no ``Domain`` attribute).
        self.origin_only = origin_only
        self.expires: t.Optional[datetime.datetime] = None
        self.secure = False
        self.http_only = False
        self.same_site: t.Optional[str] = None

    @classmethod
    def _from_set_cookie(cls, header: str, host: str, request_path: str) -> t.Optional["Cookie"]:
        """The cookie a ``Set-Cookie`` header sets for a request to ``host``,
        or ``None`` if the header is malformed or names another site's domain."""
        pair, *attributes = header.split(";")
        key, equals, value = pair.partition("=")
        key = key.strip()
        if not equals or not key:
            return None
        # RFC 6265's default path: the request path up to its last slash.
        default_path = request_path[: request_path.rfind("/")] or "/"
        cookie = cls(key, value.strip(), host, default_path)
        max_age = None
        for attribute in attributes:
            name, _, argument = attribute.partition("=")
            name = name.strip().lower()
            argument = argument.strip()
            if name == "domain" and argument:
                domain = argument.lstrip(".").lower()
                if host != domain and not host.endswith("." + domain):
                    return None  # a browser refuses cookies for other sites
                cookie.domain, cookie.origin_only = domain, False
            elif name == "path" and argument.startswith("/"):
                cookie.path = argument
            elif name == "max-age":
                try:
                    max_age = min(int(argument), _MAX_COOKIE_AGE)
                except ValueError:
                    pass
            elif name == "expires":
                cookie.expires = parse_date(argument)
            elif name == "secure":
                cookie.secure = True
            elif name == "httponly":
                cookie.http_only = True
            elif name == "samesite":
                cookie.same_site = argument
        if max_age is not None:  # Max-Age wins over Expires
            cookie.expires = _now() + datetime.timedelta(seconds=max_age)
        return cookie

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= _now()

    def _matches(self, host: str, path: str) -> bool:
        if host != self.domain and (self.origin_only or not host.endswith("." + self.domain)):
            return False
        if path == self.path or self.path == "/":
            return True
        prefix = self.path if self.path.endswith("/") else self.path + "/"
        return path.startswith(prefix)

    def __repr__(self) -> str:
        return f"<Cookie {self.key}={self.value!r} for {self.domain}{self.path}>"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _cookie_scope(environ: WSGIEnvironment) -> t.Tuple[str, str]:
    """The host name and path a request's cookies are matched against."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "localhost"
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return _split_port(host.lower())[0], path or "/"


def _build_request(builder: EnvironBuilder) -> t.Tuple[Request, t.Optional[t.IO[bytes]]]:
    """A request from ``builder``, and the multipart body encoded for it, if any."""
    environ, encoded_body = builder._environ_and_multipart_body()
    return builder.request_class(environ), encoded_body


class ClientRedirectError(RuntimeError):
    """Following redirects went on for too long: most likely a redirect loop."""


class TestResponse(Response):
    """A response returned by ``Client``, with the ``request`` that produced it
    and the ``history`` of redirect responses that led to it."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(
        self,
        response: t.Iterable[bytes],
        status: str,
        headers: Headers,
        request: Request,
        history: t.Tuple["TestResponse", ...] = (),
        **kwargs: t.Any,
    ) -> None:
        sent_a_type = "Content-Type" in headers
        super().__init__(response, status, headers, **kwargs)
        if not sent_a_type:  # the headers as the app sent them, without a default type added
            self.headers.remove("Content-Type")
        self.request = request
        self.history = history

    @cached_property
    def text(self) -> str:
        """The body decoded with the response charset."""
        return self.get_data(as_text=True)  # type: ignore[no-any-return]


class Client:
    """Sends requests to a WSGI ``application`` and returns ``TestResponse``s.

    With ``use_cookies`` it keeps the cookies responses set and sends them back
    on later requests, honouring ``Domain``, ``Path``, ``Max-Age`` and
    ``Expires`` (``Secure`` cookies are sent over http too, for tests).
    ``follow_redirects=True`` follows redirects within the same host;
    ``allow_subdomain_redirects`` also allows its subdomains.
    """

    #: Redirects followed before giving up with ``ClientRedirectError``.
    max_redirects = 20

    def __init__(
        self,
        application: WSGIApplication,
        response_wrapper: t.Optional[t.Type[Response]] = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
    ) -> None:
        self.application = application
        if response_wrapper is None or response_wrapper is Response:
            response_wrapper = TestResponse
        elif not issubclass(response_wrapper, TestResponse):
            response_wrapper = type("WrapperTestResponse", (TestResponse, response_wrapper), {})
        self.response_wrapper = t.cast(t.Type[TestResponse], response_wrapper)
        self._cookies: t.Optional[t.Dict[t.Tuple[str, str, str], Cookie]] = {} if use_cookies else None
        self.allow_subdomain_redirects = allow_subdomain_redirects

    # -- cookies -------------------------------------------------------------

    def _jar(self) -> t.Dict[t.Tuple[str, str, str], Cookie]:
        if self._cookies is None:
            raise TypeError("Cookies are disabled; create the client with use_cookies=True.")
        return self._cookies

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> t.Optional[Cookie]:
        """The cookie stored for exactly this ``domain`` and ``path``, or ``None``."""
        return self._jar().get((domain, path, key))

    def set_cookie(
        self, key: str, value: str = "", *legacy: str, domain: str = "localhost", path: str = "/", **kwargs: t.Any
    ) -> None:
        """Store a cookie as if ``domain`` had sent it; ``kwargs`` are those of
        ``http.dump_cookie`` (``max_age``, ``expires``, ``secure``...).

        Flask 2.2's form ``set_cookie(server_name, key, value)`` (three
        positional arguments) is accepted too.
        """
        if legacy:
            domain, key, value = key, value, legacy[0]
        self._jar()
        self._update_cookies_from_response(domain, path, [dump_cookie(key, value, path=path, **kwargs)])

    def delete_cookie(self, key: str, *legacy: str, domain: str = "localhost", path: str = "/") -> None:
        """Forget the cookie stored for this ``domain`` and ``path``.

        Flask 2.2's form ``delete_cookie(server_name, key)`` is accepted too.
        """
        if legacy:
            domain, key = key, legacy[0]
        self._jar().pop((domain, path, key), None)

    def _add_cookies_to_wsgi(self, environ: WSGIEnvironment) -> None:
        """Send the jar's matching cookies with the request in ``environ``."""
        if not self._cookies:
            return
        host, path = _cookie_scope(environ)
        for storage_key in [k for k, cookie in self._cookies.items() if cookie.is_expired]:
            del self._cookies[storage_key]
        matching = [cookie for cookie in self._cookies.values() if cookie._matches(host, path)]
        if not matching:
            return
        matching.sort(key=lambda cookie: len(cookie.path), reverse=True)  # most specific first
        pairs = [f"{cookie.key}={cookie.value}" for cookie in matching]
        if environ.get("HTTP_COOKIE"):
            pairs.insert(0, environ["HTTP_COOKIE"])
        environ["HTTP_COOKIE"] = "; ".join(pairs)

    def _update_cookies_from_response(self, server_name: str, path: str, headers: t.List[str]) -> None:
        """Store (or, when expired, remove) the cookies of ``Set-Cookie`` ``headers``."""
        if self._cookies is None:
            return
        for header in headers:
            cookie = Cookie._from_set_cookie(header, server_name.lower(), path)
            if cookie is None:
                continue
            storage_key = (cookie.domain, cookie.path, cookie.key)
            if cookie.is_expired:
                self._cookies.pop(storage_key, None)
            else:
                self._cookies[storage_key] = cookie

    # -- requests ------------------------------------------------------------

    def run_wsgi_app(
        self, environ: WSGIEnvironment, buffered: bool = False
    ) -> t.Tuple[t.Iterable[bytes], str, Headers]:
        """Run the application with the jar's cookies; store the ones it sets."""
        self._add_cookies_to_wsgi(environ)
        app_iter, status, headers = run_wsgi_app(self.application, environ, buffered=buffered)
        host, path = _cookie_scope(environ)
        self._update_cookies_from_response(host, path, headers.getlist("Set-Cookie"))
        return app_iter, status, headers

    def open(
        self, *args: t.Any, buffered: bool = False, follow_redirects: bool = False, **kwargs: t.Any
    ) -> TestResponse:
        """Send a request and return the response.

        The arguments are those of ``EnvironBuilder``, or one ``EnvironBuilder``,
        environ dict or ``Request``. With ``buffered`` the body is read and the
        app's iterable closed at once; otherwise it streams and is closed once
        read to the end or by ``response.close()``. A ``multipart/form-data``
        body the client encodes is closed then too. ``follow_redirects``
        follows 301/302/303 as GET and
        307/308 with the same method and body; ``response.history`` holds the
        redirect responses.
        """
        request, encoded_body = self._request_from(args, kwargs)
        body = b""
        if follow_redirects:
            # Keep the body so a 307/308 redirect can send it again.
            body = request.environ["wsgi.input"].read()
            request.environ["wsgi.input"] = BytesIO(body)
            if encoded_body is not None:
                encoded_body.close()
                encoded_body = None
        response = self._send(request, buffered, encoded_body)
        history: t.List[TestResponse] = []
        while follow_redirects and response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            if location is None:
                break
            if not buffered:
                response.get_data()  # let the app run code after its last yield
                response.close()
            if len(history) >= self.max_redirects:
                raise ClientRedirectError(
                    f"Gave up after {self.max_redirects} redirects (the last to {location!r}); is there a loop?"
                )
            history.append(response)
            request = self._redirect_request(response, location, body)
            if response.status_code not in (307, 308):
                body = b""
            response = self._send(request, buffered)
            response.history = tuple(history)
        return response

    def _request_from(
        self, args: t.Tuple[t.Any, ...], kwargs: t.Dict[str, t.Any]
    ) -> t.Tuple[Request, t.Optional[t.IO[bytes]]]:
        """The request ``open`` sends, and the multipart body encoded for it, if any."""
        if len(args) == 1 and not kwargs:
            target = args[0]
            if isinstance(target, EnvironBuilder):
                return _build_request(target)
            if isinstance(target, dict):
                return EnvironBuilder.from_environ(target).get_request(), None
            if isinstance(target, Request):
                return target, None
        builder = EnvironBuilder(*args, **kwargs)
        try:
            return _build_request(builder)
        finally:
            builder.close()

    def _send(
        self, request: Request, buffered: bool, encoded_body: t.Optional[t.IO[bytes]] = None
    ) -> TestResponse:
        """Run the app for ``request``; ``encoded_body``, the body the client
        encoded for it, is closed once the response is done."""
        try:
            app_iter, status, headers = self.run_wsgi_app(request.environ, buffered=buffered)
        except BaseException:
            if encoded_body is not None:
                encoded_body.close()
            raise
        if encoded_body is not None:
            if buffered:
                encoded_body.close()
            else:
                # A streamed response may still read the request body.
                app_iter = _SelfClosingIterator(app_iter, encoded_body.close)
        return self.response_wrapper(app_iter, status, headers, request=request)

    def _redirect_request(self, response: TestResponse, location: str, body: bytes) -> Request:
        """The request that follows ``response`` to ``location``."""
        previous = response.request
        target = urlsplit(urljoin(previous.url, location))
        old_host = urlsplit(previous.url).hostname
        new_host = target.hostname or ""
        if new_host != old_host:
            if not new_host.endswith(f".{old_host}"):
                raise RuntimeError(f"Following external redirects is not supported (to {location!r}).")
            if not self.allow_subdomain_redirects:
                raise RuntimeError(
                    "Following subdomain redirects is not enabled; pass allow_subdomain_redirects=True."
                )
        script_root = previous.environ.get("SCRIPT_NAME", "")
        path = target.path or "/"
        if path == script_root or path.startswith(script_root + "/"):
            path = path[len(script_root) :]
        else:
            script_root = ""
        overrides: t.Dict[str, t.Any] = {
            "path": path,
            "query_string": target.query,
            "base_url": f"{target.scheme}://{target.netloc}{script_root}",
        }
        if response.status_code in (307, 308):
            overrides["input_stream"] = BytesIO(body)
        else:
            if previous.method != "HEAD":
                overrides["method"] = "GET"
            overrides.update(input_stream=None, content_type=None, content_length=None)
        builder = EnvironBuilder.from_environ(previous.environ, **overrides)
        builder.headers.remove("Cookie")  # the jar adds the cookies for the new URL
        builder.headers.remove("Transfer-Encoding")
        # As any request this client sends: a subclass adds its environ_base.
        request, _no_multipart_body = self._request_from((builder,), {})
        return request

    def get(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="GET"``."""
        return self.open(*args, method="GET", **kw)

    def post(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="POST"``."""
        return self.open(*args, method="POST", **kw)

    def put(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="PUT"``."""
        return self.open(*args, method="PUT", **kw)

    def delete(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="DELETE"``."""
        return self.open(*args, method="DELETE", **kw)

    def patch(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="PATCH"``."""
        return self.open(*args, method="PATCH", **kw)

    def options(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="OPTIONS"``."""
        return self.open(*args, method="OPTIONS", **kw)

    def head(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="HEAD"``."""
        return self.open(*args, method="HEAD", **kw)

    def trace(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """``open`` with ``method="TRACE"``."""
        return self.open(*args, method="TRACE", **kw)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r}>"
