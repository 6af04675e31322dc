"""Helpers a view calls: ``url_for``, ``redirect``, ``abort``, ``make_response``,
``send_file``, ``stream_with_context``.

Each works on the current application and request (the context globals), so
a view can call them without passing the app around. They are thin: the
real work is in ``Flask`` or in the toolkit.
"""
from __future__ import annotations

import os
import typing as t
from functools import update_wrapper

from .datastructures import Headers
from .exceptions import NotFound, RequestedRangeNotSatisfiable
from .globals import _cv_app, _cv_request, current_app, request, request_ctx
from .security import safe_join

if t.TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from .wrappers import Response


def get_debug_flag() -> bool:
    """Whether ``FLASK_DEBUG`` asks for debug mode."""
    value = os.environ.get("FLASK_DEBUG")
    return bool(value) and value.lower() not in {"0", "false", "no"}


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load ``.env`` files: false when ``FLASK_SKIP_DOTENV`` says so."""
    value = os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in {"0", "false", "no"}


def url_for(
    endpoint: str,
    *,
    _anchor: t.Optional[str] = None,
    _method: t.Optional[str] = None,
    _scheme: t.Optional[str] = None,
    _external: t.Optional[bool] = None,
    **values: t.Any,
) -> str:
    """The URL for ``endpoint``; see ``Flask.url_for``."""
    return current_app.url_for(
        endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
    )


def redirect(location: str, code: int = 302, Response: t.Optional[t.Type["Response"]] = None) -> "Response":
    """A response redirecting to ``location``; uses ``current_app.redirect`` in an app context."""
    if _cv_app.get(None) is not None:
        return current_app.redirect(location, code=code)
    from .utils import redirect as toolkit_redirect

    return toolkit_redirect(location, code=code, Response=Response)


def abort(code: t.Union[int, "Response"], *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP error for ``code``, using ``current_app.aborter`` in an app context."""
    if _cv_app.get(None) is not None:
        current_app.aborter(code, *args, **kwargs)
    from .exceptions import abort as toolkit_abort

    toolkit_abort(code, *args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


def make_response(*args: t.Any) -> "Response":
    """A response from a view-style return value, to set headers before returning it.

    No arguments: an empty response; one: that value; several: a tuple.
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        args = args[0]
    return current_app.make_response(args)


def stream_with_context(generator_or_function: t.Any) -> t.Iterator[t.Any]:
    """Keep the request context alive while a streamed response is generated.

    The response body is iterated after the view has returned. Wrapping the
    generator pushes the request context once more, from inside the view:
    ``wsgi_app``'s pop then only undoes that extra push, and the context
    stays active until the generator finishes, when the teardown functions
    run. (A copy would not do: it would be popped out of order.)
    """
    try:
        generator = iter(generator_or_function)
    except TypeError:

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(generator_or_function(*args, **kwargs))

        return update_wrapper(decorator, generator_or_function)  # type: ignore[return-value]

    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'stream_with_context' can only be used when a request context is active,"
            " such as in a view function."
        )

    def generate() -> t.Iterator[t.Any]:
        with ctx:
            yield None  # primed below, so the context is pushed while the view runs
            try:
                yield from generator
            finally:
                close = getattr(generator, "close", None)
                if close is not None:
                    close()

    wrapped = generate()
    next(wrapped)
    return wrapped


def send_file(
    path_or_file: t.Union["os.PathLike[str]", str, t.BinaryIO],
    mimetype: t.Optional[str] = None,
    as_attachment: bool = False,
    download_name: t.Optional[str] = None,
    conditional: bool = True,
    etag: t.Union[bool, str] = True,
    last_modified: t.Optional[t.Union["datetime", int, float]] = None,
    max_age: t.Optional[t.Union[int, t.Callable[[t.Optional[str]], t.Optional[int]]]] = None,
) -> "Response":
    """Send a file (a path relative to the app's root, or a binary file object).

    The mimetype is guessed from the name; ``conditional`` answers
    If-None-Match / If-Modified-Since with 304 and Range with 206.
    """
    from .wsgi import wrap_file

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environ = request.environ
    if max_age is None:
        max_age = app.get_send_file_max_age
    path: t.Optional[str] = None
    file: t.Optional[t.BinaryIO] = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.path.join(app.root_path, os.fspath(path_or_file))
        if download_name is None:
            download_name = os.path.basename(path)
    else:
        file = path_or_file
        if download_name is None and isinstance(getattr(file, "name", None), str):
            download_name = os.path.basename(file.name)  # type: ignore[union-attr]
    if mimetype is None:
        mimetype = _guess_mimetype(download_name)
    if callable(max_age):
        max_age = max_age(path)

    headers = Headers()
    if download_name is not None:
        _set_content_disposition(headers, download_name, as_attachment)

    size: t.Optional[int] = None
    mtime: t.Optional[float] = None
    if path is not None and app.use_x_sendfile:
        headers["X-Sendfile"] = path
        data: t.Any = None
        stat = os.stat(path)
        size, mtime = stat.st_size, stat.st_mtime
    else:
        if file is None:
            file = open(path, "rb")  # type: ignore[arg-type]
            stat = os.fstat(file.fileno())
            size, mtime = stat.st_size, stat.st_mtime
        else:
            size = _stream_size(file)
        data = wrap_file(environ, file)

    response = app.response_class(data, mimetype=mimetype, headers=headers, direct_passthrough=True)
    if size is not None:
        response.content_length = size
    if last_modified is not None:
        response.last_modified = last_modified
    elif mtime is not None:
        response.last_modified = int(mtime)
    response.cache_control.no_cache = True
    if max_age is not None and max_age > 0:
        import time

        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response.expires = int(time.time() + max_age)
    if isinstance(etag, str):
        response.set_etag(etag)
    elif etag and path is not None and mtime is not None:
        import zlib

        check = zlib.adler32(path.encode("utf-8", "surrogateescape")) & 0xFFFFFFFF
        response.set_etag(f"{mtime}-{size}-{check}")
    if conditional:
        try:
            response = response.make_conditional(environ, accept_ranges=True, complete_length=size)
        except RequestedRangeNotSatisfiable:
            if file is not None:
                file.close()
            raise
        if response.status_code == 304:
            response.headers.pop("X-Sendfile", None)
    return response


def send_from_directory(directory: t.Union["os.PathLike[str]", str], path: t.Union["os.PathLike[str]", str], **kwargs: t.Any) -> "Response":
    """Send ``path`` from inside ``directory``; anything outside it, or missing, is a 404."""
    directory = os.path.join(current_app.root_path, os.fspath(directory))
    joined = safe_join(directory, os.fspath(path))
    if joined is None or not os.path.isfile(joined):
        raise NotFound()
    return send_file(joined, **kwargs)


def _guess_mimetype(name: t.Optional[str]) -> str:
    if name is None:
        raise TypeError(
            "Unable to detect the MIME type because a file name is not available. Either"
            " set 'download_name', pass a path instead of a file, or set 'mimetype'."
        )
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _stream_size(file: t.BinaryIO) -> t.Optional[int]:
    import io

    if isinstance(file, io.TextIOBase):
        raise ValueError("Files must be opened in binary mode or use BytesIO.")
    if isinstance(file, io.BytesIO):
        return file.getbuffer().nbytes
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def _set_content_disposition(headers: Headers, download_name: str, as_attachment: bool) -> None:
    """``attachment``/``inline`` with the name, plus ``filename*`` (RFC 5987) when not ASCII."""
    from .http import dump_options_header

    disposition = "attachment" if as_attachment else "inline"
    if download_name.isascii():
        headers["Content-Disposition"] = dump_options_header(disposition, {"filename": download_name})
        return
    import unicodedata
    from urllib.parse import quote

    fallback = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode("ascii")
    value = dump_options_header(disposition, {"filename": fallback})
    headers["Content-Disposition"] = f"{value}; filename*=UTF-8''{quote(download_name, safe='')}"
