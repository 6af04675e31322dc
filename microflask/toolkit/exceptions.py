"""HTTP errors as Python exceptions.

Anything in a request's life may ``raise NotFound()``; the framework catches
an ``HTTPException`` and turns it into a response with ``get_response()``.
Each exception is also a tiny WSGI application, so the toolkit can use one
without any framework at all. ``abort(404)`` is the short way to raise one.
"""
from __future__ import annotations

import typing as t
from functools import lru_cache

from ._http_base import HTTP_STATUS_CODES, http_date

if t.TYPE_CHECKING:  # pragma: no cover
    from .datastructures import WWWAuthenticate
    from .wrappers import Response

WSGIEnvironment = t.Dict[str, t.Any]


@lru_cache(maxsize=None)
def _response_class() -> t.Type["Response"]:
    """A late import, on purpose: ``wrappers.Response``.

    Werkzeug's API puts HTTPException below Response: Headers and MultiDict,
    which a Response is made of, raise BadRequestKeyError, an HTTPException.
    Yet ``get_response`` returns a Response. The import waits for the first
    error page, when the wrappers are loaded; the cache makes later calls a lookup.
    """
    from .wrappers.response import Response  # late on purpose: see the docstring

    return Response


# Error pages repeat the same few texts (reason phrases, class descriptions),
# so their HTML is remembered; the bound keeps per-error texts from piling up.
@lru_cache(maxsize=256)
def _escape(text: str) -> str:
    """``text`` safe in HTML, with the entities Werkzeug's pages use (``'`` as
    ``&#39;``, ``"`` as ``&#34;``), so error bodies are byte-identical to its.
    Written here, as the toolkit does not import the template layer."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


@lru_cache(maxsize=256)
def _description_html(text: str) -> str:
    """A description as an HTML paragraph: escaped, with newlines as ``<br>``."""
    paragraph = _escape(text).replace("\n", "<br>")
    return f"<p>{paragraph}</p>"


class HTTPException(Exception):
    """Base of every HTTP error: a status ``code`` and a ``description``.

    Pass ``response`` to send a ready-made response instead of the small
    generated HTML page.
    """

    code: t.Optional[int] = None
    description: t.Optional[str] = None

    def __init__(self, description: t.Optional[str] = None, response: t.Optional["Response"] = None) -> None:
        super().__init__()
        if description is not None:
            self.description = description
        self.response = response

    @property
    def name(self) -> str:
        """The reason phrase of the status code, such as ``"Not Found"``."""
        return HTTP_STATUS_CODES.get(self.code, "Unknown Error")  # type: ignore[arg-type]

    def get_description(self, environ: t.Optional[WSGIEnvironment] = None, scope: t.Optional[dict] = None) -> str:
        """The description as HTML: escaped, with newlines as ``<br>``."""
        return _description_html(self.description or "")

    def get_body(self, environ: t.Optional[WSGIEnvironment] = None, scope: t.Optional[dict] = None) -> str:
        name = _escape(self.name)
        return (
            "<!doctype html>\n"
            "<html lang=en>\n"
            f"<title>{self.code} {name}</title>\n"
            f"<h1>{name}</h1>\n"
            f"{self.get_description(environ)}\n"
        )

    def get_headers(
        self, environ: t.Optional[WSGIEnvironment] = None, scope: t.Optional[dict] = None
    ) -> t.List[t.Tuple[str, str]]:
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_response(
        self, environ: t.Optional[t.Any] = None, scope: t.Optional[dict] = None
    ) -> "Response":
        """The response to send: ``self.response`` if given, else an HTML page.

        ``environ`` may be a WSGI environ or a request object.
        """
        if self.response is not None:
            return self.response
        if environ is not None and not isinstance(environ, dict):
            environ = environ.environ
        headers = self.get_headers(environ, scope)
        return _response_class()(self.get_body(environ, scope), self.code, headers)

    def __call__(self, environ: WSGIEnvironment, start_response: t.Callable) -> t.Iterable[bytes]:
        return self.get_response(environ)(environ, start_response)

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


# -- 4xx ---------------------------------------------------------------------


class BadRequest(HTTPException):
    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class BadRequestKeyError(BadRequest, KeyError):
    """A missing key in ``request.form``/``args``: a ``KeyError`` that answers 400.

    The framework sets ``show_exception`` in debug mode so the error page
    names the missing key; in production the page does not reveal it.
    """

    show_exception = False

    def get_description(self, environ: t.Optional[WSGIEnvironment] = None, scope: t.Optional[dict] = None) -> str:
        if not self.show_exception:
            return super().get_description(environ)
        # The key on a line of its own, as ``KeyError`` prints it: its repr.
        return _description_html(f"{self.description or ''}\nKeyError: {KeyError.__str__(self)}")

    def __init__(self, arg: t.Optional[str] = None, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.args = () if arg is None else (arg,)

    def __str__(self) -> str:
        if self.args:
            return f"{super().__str__()} (missing key: {self.args[0]!r})"
        return super().__str__()


class ClientDisconnected(BadRequest):
    """The client went away before the whole body arrived."""


class SecurityError(BadRequest):
    """Input that would be unsafe to act on, such as a path outside a folder."""


class BadHost(BadRequest):
    """The ``Host`` header is not among the trusted hosts."""


class Unauthorized(HTTPException):
    """401: credentials missing or wrong. ``www_authenticate`` sets the challenge header(s)."""

    code = 401
    description = (
        "The server could not verify that you are authorized to access the URL requested."
        " You either supplied the wrong credentials (e.g. a bad password), or your browser"
        " doesn't understand how to supply the credentials required."
    )

    def __init__(
        self,
        description: t.Optional[str] = None,
        response: t.Optional["Response"] = None,
        www_authenticate: t.Union["WWWAuthenticate", t.Iterable["WWWAuthenticate"], str, None] = None,
    ) -> None:
        super().__init__(description, response)
        if www_authenticate is not None and not isinstance(www_authenticate, (list, tuple)):
            www_authenticate = (www_authenticate,)
        self.www_authenticate = www_authenticate

    def get_headers(self, environ=None, scope=None):  # type: ignore[no-untyped-def]
        headers = super().get_headers(environ)
        for challenge in self.www_authenticate or ():
            headers.append(("WWW-Authenticate", str(challenge)))
        return headers


class Forbidden(HTTPException):
    code = 403
    description = (
        "You don't have the permission to access the requested resource."
        " It is either read-protected or not readable by the server."
    )


class NotFound(HTTPException):
    code = 404
    description = (
        "The requested URL was not found on the server. If you entered the URL manually"
        " please check your spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    """405: the URL exists but not for this method; ``valid_methods`` fills ``Allow``."""

    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: t.Optional[t.Iterable[str]] = None,
        description: t.Optional[str] = None,
        response: t.Optional["Response"] = None,
    ) -> None:
        super().__init__(description, response)
        self.valid_methods = valid_methods

    def get_headers(self, environ=None, scope=None):  # type: ignore[no-untyped-def]
        headers = super().get_headers(environ)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    code = 406
    description = (
        "The resource identified by the request is only capable of generating response"
        " entities which have content characteristics not acceptable according to the"
        " accept headers sent in the request."
    )


class RequestTimeout(HTTPException):
    code = 408
    description = (
        "The server closed the network connection because the browser didn't finish the"
        " request within the specified time."
    )


class Conflict(HTTPException):
    code = 409
    description = (
        "A conflict happened while processing the request. The resource might have been"
        " modified while the request was being processed."
    )


class Gone(HTTPException):
    code = 410
    description = (
        "The requested URL is no longer available on this server and there is no"
        " forwarding address. If you followed a link from a foreign page, please contact"
        " the author of this page."
    )


class LengthRequired(HTTPException):
    code = 411
    description = "A request with this method requires a valid <code>Content-Length</code> header."


class PreconditionFailed(HTTPException):
    code = 412
    description = "The precondition on the request for the URL failed positive evaluation."


class RequestEntityTooLarge(HTTPException):
    code = 413
    description = "The data value transmitted exceeds the capacity limit."


class RequestURITooLarge(HTTPException):
    code = 414
    description = "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed."


class UnsupportedMediaType(HTTPException):
    code = 415
    description = "The server does not support the media type transmitted in the request."


class RequestedRangeNotSatisfiable(HTTPException):
    """416: the ``Range`` asked for lies outside the resource of ``length`` bytes."""

    code = 416
    description = "The server cannot provide the requested range."

    def __init__(
        self,
        length: t.Optional[int] = None,
        units: str = "bytes",
        description: t.Optional[str] = None,
        response: t.Optional["Response"] = None,
    ) -> None:
        super().__init__(description, response)
        self.length = length
        self.units = units

    def get_headers(self, environ=None, scope=None):  # type: ignore[no-untyped-def]
        headers = super().get_headers(environ)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    code = 417
    description = "The server could not meet the requirements of the Expect header"


class ImATeapot(HTTPException):
    code = 418
    description = "This server is a teapot, not a coffee machine"


class UnprocessableEntity(HTTPException):
    code = 422
    description = "The request was well-formed but was unable to be followed due to semantic errors."


class Locked(HTTPException):
    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    code = 424
    description = (
        "The method could not be performed on the resource because the requested action"
        " depended on another action and that action failed."
    )


class PreconditionRequired(HTTPException):
    code = 428
    description = (
        "This request is required to be conditional; try using \"If-Match\" or"
        " \"If-Unmodified-Since\"."
    )


class _RetryAfter(HTTPException):
    """Adds ``Retry-After`` (seconds or a datetime) when ``retry_after`` is given."""

    def __init__(
        self,
        description: t.Optional[str] = None,
        response: t.Optional["Response"] = None,
        retry_after: t.Any = None,
    ) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(self, environ=None, scope=None):  # type: ignore[no-untyped-def]
        headers = super().get_headers(environ)
        if self.retry_after is not None:
            if isinstance(self.retry_after, int):
                value = str(self.retry_after)
            else:
                value = http_date(self.retry_after)
            headers.append(("Retry-After", value))
        return headers


class TooManyRequests(_RetryAfter):
    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    code = 431
    description = "One or more header fields exceeds the maximum size."


class UnavailableForLegalReasons(HTTPException):
    code = 451
    description = "Unavailable for legal reasons."


# -- 5xx ---------------------------------------------------------------------


class InternalServerError(HTTPException):
    """500. ``original_exception`` holds the unhandled error that caused it, if any."""

    code = 500
    description = (
        "The server encountered an internal error and was unable to complete your request."
        " Either the server is overloaded or there is an error in the application."
    )

    def __init__(
        self,
        description: t.Optional[str] = None,
        response: t.Optional["Response"] = None,
        original_exception: t.Optional[BaseException] = None,
    ) -> None:
        self.original_exception = original_exception
        super().__init__(description, response)


class NotImplemented(HTTPException):  # noqa: A001 - the name users import
    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    code = 502
    description = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfter):
    code = 503
    description = (
        "The server is temporarily unable to service your request due to maintenance"
        " downtime or capacity problems. Please try again later."
    )


class GatewayTimeout(HTTPException):
    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    code = 505
    description = "The server does not support the HTTP protocol version used in the request."


def _collect_default_exceptions() -> t.Dict[int, t.Type[HTTPException]]:
    found: t.Dict[int, t.Type[HTTPException]] = {}
    for obj in list(globals().values()):
        if isinstance(obj, type) and issubclass(obj, HTTPException) and obj.code is not None:
            found.setdefault(obj.code, obj)
    return found


#: Status code -> the exception class ``abort`` raises for it.
default_exceptions: t.Dict[int, t.Type[HTTPException]] = _collect_default_exceptions()


class Aborter:
    """Raises the exception registered for a status code.

    ``Aborter()(404)`` raises ``NotFound``; ``Aborter()(response)`` raises an
    ``HTTPException`` that sends that response. ``extra`` adds or overrides codes.
    """

    def __init__(
        self,
        mapping: t.Optional[t.Dict[int, t.Type[HTTPException]]] = None,
        extra: t.Optional[t.Dict[int, t.Type[HTTPException]]] = None,
    ) -> None:
        self.mapping = dict(default_exceptions if mapping is None else mapping)
        if extra:
            self.mapping.update(extra)

    def __call__(self, code: t.Union[int, "Response"], *args: t.Any, **kwargs: t.Any) -> "t.NoReturn":
        if not isinstance(code, int):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for status code {code!r}; expected one of {sorted(self.mapping)}")
        raise self.mapping[code](*args, **kwargs)


_aborter = Aborter()


def abort(status: t.Union[int, "Response"], *args: t.Any, **kwargs: t.Any) -> "t.NoReturn":
    """Raise the HTTP error for ``status`` (a code, or a response to send as is)."""
    _aborter(status, *args, **kwargs)
