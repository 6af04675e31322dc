"""Helpers a view calls: ``url_for``, ``redirect``, ``abort``, ``make_response``,
``send_file``, ``stream_with_context``.

Each works on the current application and request (the context globals), so
a view can call them without passing the app around. They are thin: the
real work is in ``Flask`` or in the toolkit.
"""
from __future__ import annotations

import io
import os
import re
import time
import typing as t
import warnings
import zlib
from functools import update_wrapper
from urllib.parse import quote

from .toolkit.datastructures import Headers
from .toolkit.exceptions import NotFound
from .toolkit.exceptions import abort as _toolkit_abort
from .globals import _cv_app, _cv_request, current_app, request, request_ctx, session
from .toolkit.http import dump_options_header
from .toolkit.security import safe_join
from .signals import message_flashed
from .toolkit.utils import redirect as _toolkit_redirect
from .toolkit.wsgi import wrap_file

if t.TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from .wrappers import Response


def get_debug_flag() -> bool:
    """Whether ``FLASK_DEBUG`` asks for debug mode (or, without it, the
    deprecated ``FLASK_ENV=development``, with Flask 2.2's warning)."""
    value = os.environ.get("FLASK_DEBUG")
    if not value:
        env = os.environ.get("FLASK_ENV")
        if env:
            _warn_flask_env_deprecated()
            return env == "development"
        return False
    return value.lower() not in {"0", "false", "no"}


def get_env() -> str:
    """Deprecated (Flask 2.2): the ``FLASK_ENV`` environment variable, or
    ``"production"``. Use ``FLASK_DEBUG`` and ``app.debug`` instead."""
    warnings.warn("'get_env' is deprecated (Flask removed it in 2.3). Use 'FLASK_DEBUG' instead.", DeprecationWarning, stacklevel=2)
    return os.environ.get("FLASK_ENV") or "production"


def _warn_flask_env_deprecated() -> None:
    warnings.warn(
        "'FLASK_ENV' is deprecated (Flask removed it in 2.3). Use 'FLASK_DEBUG' instead.", DeprecationWarning, stacklevel=3
    )


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
    return _toolkit_redirect(location, code=code, Response=Response)


def abort(code: t.Union[int, "Response"], *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP error for ``code``, using ``current_app.aborter`` in an app context."""
    if _cv_app.get(None) is not None:
        current_app.aborter(code, *args, **kwargs)
    _toolkit_abort(code, *args, **kwargs)
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


def flash(message: str, category: str = "message") -> None:
    """Keep ``message`` for the next page that calls ``get_flashed_messages``.

    It is stored in the session, so it needs a secret key and survives a
    redirect. ``category`` is free text ("message", "error", "info"...)
    that templates can use to style or filter messages.
    """
    # Reassigned, not appended in place, so that the session sees the change.
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    if message_flashed.receivers:
        message_flashed.send(_cv_app.get().app, message=message, category=category)


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> t.Union[t.List[str], t.List[t.Tuple[str, str]]]:
    """The messages flashed so far, oldest first, removed from the session.

    The first call in a request takes them out of the session and keeps
    them on the request context, so later calls in the same request (a
    layout and a page, say) see the same messages, and the next request
    none. ``with_categories=True`` returns ``(category, message)`` pairs;
    ``category_filter`` keeps only those categories.
    """
    flashes = request_ctx.flashes
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        request_ctx.flashes = flashes
    if category_filter:
        flashes = [flashed for flashed in flashes if flashed[0] in category_filter]
    if not with_categories:
        return [message for _, message in flashes]
    return flashes


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """A macro or variable that the template ``template_name`` defines, to use
    from Python: ``get_template_attribute("_macros.html", "hello")("World")``."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


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
    """Send a file: a path (relative to ``app.root_path``) or a binary file object.

    The path is trusted: for a name that came from the client use
    ``send_from_directory``. The mimetype is guessed from ``download_name``,
    which defaults to the path's file name; a file object needs one or the
    other. ``conditional`` answers If-None-Match / If-Modified-Since with 304
    and a single byte Range with 206 (or 416). ``max_age`` is seconds, or a
    function of the path, ``app.get_send_file_max_age`` by default. With
    ``USE_X_SENDFILE`` a path is left for the server to send.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    path: t.Optional[str] = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.path.join(app.root_path, os.fspath(path_or_file))
        if download_name is None:
            download_name = os.path.basename(path)
    elif isinstance(path_or_file, io.TextIOBase):
        raise ValueError("send_file needs a file opened in binary mode ('rb') or a BytesIO, not a text file.")

    headers = Headers()
    if mimetype is None:
        mimetype, encoding = _guess_type(download_name)
        # Inline, the browser undoes the compression; an attachment is saved as it is.
        if encoding is not None and not as_attachment:
            headers["Content-Encoding"] = encoding
    if download_name is not None:
        headers["Content-Disposition"] = _content_disposition(download_name, as_attachment)
    elif as_attachment:
        raise TypeError("No name for the attachment: set 'download_name', or pass a path instead of a file.")
    if max_age is None:
        max_age = app.get_send_file_max_age
    if callable(max_age):
        max_age = max_age(path)

    environ = request.environ
    if path is None:
        source = _file_object_source(environ, path_or_file)  # type: ignore[arg-type]
    else:
        source = _path_source(environ, path, app.config["USE_X_SENDFILE"], headers)
    try:
        response = app.response_class(source.body, mimetype=mimetype, headers=headers, direct_passthrough=True)
        if source.length is not None:
            response.content_length = source.length
        if last_modified is not None:
            response.last_modified = last_modified
        elif source.mtime is not None:
            response.last_modified = int(source.mtime)
        _set_cache_headers(response, max_age)
        if isinstance(etag, str):
            response.set_etag(etag)
        elif etag and path is not None:
            response.set_etag(_file_etag(path, source))
        if conditional:
            response.make_conditional(
                environ, accept_ranges=source.range_length is not None, complete_length=source.range_length
            )
            if response.status_code == 304:
                # The server would send the file with the 304 otherwise.
                response.headers.pop("X-Sendfile", None)
    except BaseException:
        # The response never reaches the server (a 416 is raised, say), so
        # nothing else will close the file.
        close = getattr(source.body, "close", None)
        if close is not None:
            close()
        raise
    return response


def send_from_directory(
    directory: t.Union["os.PathLike[str]", str], path: t.Union["os.PathLike[str]", str], **kwargs: t.Any
) -> "Response":
    """Send ``path`` from inside ``directory`` (relative to ``app.root_path``).

    ``path`` may come from the client: whatever ``safe_join`` refuses, being
    able to leave ``directory``, is a 404, as is a name that is not a
    regular file. The other arguments are ``send_file``'s.
    """
    # Absolute, so that send_file does not prepend root_path a second time.
    directory = os.path.abspath(os.path.join(current_app.root_path, os.fspath(directory)))
    joined = safe_join(directory, os.fspath(path))
    if joined is None or not os.path.isfile(joined):
        raise NotFound()
    return send_file(joined, **kwargs)


class _Source(t.NamedTuple):
    """What ``send_file`` sends: the WSGI body, its Content-Length, the full
    length byte ranges are taken from (None when ranges cannot be served),
    and the file's modification time."""

    body: t.Any
    length: t.Optional[int]
    range_length: t.Optional[int]
    mtime: t.Optional[float]


def _path_source(environ: t.Dict[str, t.Any], path: str, use_x_sendfile: bool, headers: Headers) -> _Source:
    if use_x_sendfile:
        stat = os.stat(path)
        # WSGI header values carry bytes as latin-1 characters (PEP 3333), so
        # the server gets the path exactly as the file system spells it.
        headers["X-Sendfile"] = os.fsencode(path).decode("latin-1")
        return _Source(None, stat.st_size, stat.st_size, stat.st_mtime)
    file = open(path, "rb")
    stat = os.fstat(file.fileno())
    return _Source(wrap_file(environ, file), stat.st_size, stat.st_size, stat.st_mtime)


def _file_object_source(environ: t.Dict[str, t.Any], file: t.BinaryIO) -> _Source:
    span = _remaining_span(file)
    body = wrap_file(environ, file)
    if span is None:
        return _Source(body, None, None, None)
    position, end = span
    # Range offsets count from the start of the file, so a body that starts
    # further in is always sent whole.
    return _Source(body, max(0, end - position), end if position == 0 else None, None)


def _remaining_span(file: t.BinaryIO) -> t.Optional[t.Tuple[int, int]]:
    """``(position, end)`` of a seekable file: the body is the bytes between them."""
    try:
        if not file.seekable():
            return None
        position = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(position)
    except (AttributeError, OSError):
        return None
    return position, end


def _guess_type(download_name: t.Optional[str]) -> t.Tuple[str, t.Optional[str]]:
    """``(mimetype, encoding)`` from the name's extension, ``application/octet-stream`` if unknown."""
    if download_name is None:
        raise TypeError(
            "Unable to detect the MIME type because a file name is not available. Either"
            " set 'download_name', pass a path instead of a file, or set 'mimetype'."
        )
    import mimetypes  # heavy: only a file sent without a mimetype needs it

    # Without the "./", guess_type reads a name such as "data:text/html,a.png"
    # as a data: URL and returns the type it names, not the extension's.
    mimetype, encoding = mimetypes.guess_type("./" + download_name)
    return mimetype or "application/octet-stream", encoding


# Characters that end a header line or make no sense in a file name.
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]")
# RFC 5987 attr-char punctuation: what may stay unencoded in filename*.
_RFC5987_SAFE = "!#$&+-.^_`|~"


def _content_disposition(download_name: str, as_attachment: bool) -> str:
    """``attachment``/``inline`` with the name quoted; a non-ASCII name gets an
    ASCII ``filename`` fallback and the exact one as ``filename*`` (RFC 5987)."""
    disposition = "attachment" if as_attachment else "inline"
    name = _CONTROL_CHARS_RE.sub("", download_name)
    if name.isascii():
        return dump_options_header(disposition, {"filename": name})
    import unicodedata  # heavy: a C extension that only non-ASCII names need

    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    # "replace": a name read from disk can hold undecodable bytes as surrogates.
    encoded = quote(name, safe=_RFC5987_SAFE, errors="replace")
    return f"{dump_options_header(disposition, {'filename': fallback})}; filename*=UTF-8''{encoded}"


def _set_cache_headers(response: "Response", max_age: t.Optional[int]) -> None:
    """``public, max-age=N`` and ``Expires`` to cache for N seconds; without a
    max age ``no-cache``: the browser revalidates with the ETag and date."""
    if max_age is None:
        response.headers["Cache-Control"] = "no-cache"
        return
    # A negative age would mean "stale already", which 0 says correctly.
    max_age = max(0, int(max_age))
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-cache, max-age=0"
    response.expires = int(time.time()) + max_age


def _file_etag(path: str, source: _Source) -> str:
    """A cheap ETag that changes when the file is modified, resized or replaced."""
    return f"{source.mtime}-{source.length}-{zlib.adler32(os.fsencode(path))}"
