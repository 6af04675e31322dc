"""The application and request contexts: what "current" means during a request.

``Flask.wsgi_app`` creates a ``RequestContext`` for each request and pushes
it; pushing also pushes an ``AppContext`` when this app's is not active yet.
While pushed, the proxies in ``microflask.globals`` (``request``, ``session``,
``g``, ``current_app``) resolve to them. Popping runs the teardown functions.
The contexts live in ``ContextVar``s, so threads and asyncio tasks each see
their own.
"""
from __future__ import annotations

import sys
import typing as t
from functools import update_wrapper

from .toolkit.exceptions import HTTPException
from .globals import _cv_app, _cv_request
from .sessions import SecureCookieSessionInterface
from .signals import appcontext_popped, appcontext_pushed

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .toolkit.routing import MapAdapter
    from .sessions import SessionMixin
    from .wrappers import Request, Response

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])

# "No exception was passed": pop() then takes the one being handled, if any.
_sentinel = object()
# "Not made yet": an app context's URL adapter is made on first use.
_unmade = object()


class _AppCtxGlobals:
    """``g``: a plain namespace for data during one application context.

    A good place for a database connection opened in ``before_request`` and
    closed in ``teardown_appcontext``.
    """

    def get(self, name: str, default: t.Any = None) -> t.Any:
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return f"<microflask.g of '{ctx.app.name}'>"
        return object.__repr__(self)


class AppContext:
    """Makes ``current_app`` and ``g`` available; one per request or per ``with``.

    Use ``with app.app_context():`` to work with the app outside a request,
    in a CLI command or a test.
    """

    # Defaults shared through the class, so that __init__ sets only what
    # every context has of its own (it runs once per request).
    _url_adapter: t.Any = _unmade
    _g: t.Optional[_AppCtxGlobals] = None
    # One context-variable token per push, newest last; a context may be
    # pushed more than once, and only its last pop tears down.
    _cv_tokens: t.Tuple[t.Any, ...] = ()

    def __init__(self, app: "Flask") -> None:
        self.app = app

    @property
    def g(self) -> _AppCtxGlobals:
        """This context's ``g``, made on first use: most requests never touch it."""
        if self._g is None:
            self._g = self.app.app_ctx_globals_class()
        return self._g

    @g.setter
    def g(self, value: _AppCtxGlobals) -> None:
        self._g = value

    @property
    def url_adapter(self) -> t.Optional["MapAdapter"]:
        """The adapter ``url_for`` builds with outside a request (None without
        ``SERVER_NAME``); made on first use, since most contexts never build."""
        if self._url_adapter is _unmade:
            self._url_adapter = self.app.create_url_adapter(None)
        return self._url_adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, adapter: t.Optional["MapAdapter"]) -> None:
        self._url_adapter = adapter

    def push(self) -> None:
        self._cv_tokens += (_cv_app.set(self),)
        if appcontext_pushed.receivers:
            appcontext_pushed.send(self.app)

    def pop(self, exc: t.Optional[BaseException] = _sentinel) -> None:  # type: ignore[assignment]
        """Pop the context; the last pop runs the ``teardown_appcontext`` functions."""
        try:
            if len(self._cv_tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            current = _cv_app.get(None)
            _cv_app.reset(self._cv_tokens[-1])
            self._cv_tokens = self._cv_tokens[:-1]
        if current is not self:
            raise AssertionError(f"Popped wrong app context. ({current!r} instead of {self!r})")
        if appcontext_popped.receivers:
            appcontext_popped.send(self.app)

    def __enter__(self) -> "AppContext":
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: t.Optional[BaseException], tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<AppContext of '{self.app.name}'>"


class RequestContext:
    """Everything about the request being handled: ``request``, ``session``,
    the URL adapter, functions to run after this request.

    The URL adapter is made with the context and the URL matched when it is
    pushed; a routing error is kept in ``request.routing_exception`` and
    raised later by ``dispatch_request``, so that ``before_request``
    functions still run first, as in Flask. A session from the default
    (cookie) interface is opened on first use, so requests that never touch
    it do not pay for reading the cookie; any other interface's session is
    opened on push, as Flask opens every session.
    """

    # Defaults shared through the class, so that __init__ sets only what
    # every context has of its own (it runs once per request).
    _session: t.Optional["SessionMixin"] = None
    flashes: t.Optional[t.List[t.Tuple[str, str]]] = None
    # after_this_request functions; a new list replaces the shared empty one.
    _after_request_functions: t.Sequence[t.Callable[["Response"], "Response"]] = ()
    # (token, app context this push pushed or None) per push, newest last.
    _cv_tokens: t.Tuple[t.Tuple[t.Any, t.Optional[AppContext]], ...] = ()

    def __init__(
        self,
        app: "Flask",
        environ: t.Dict[str, t.Any],
        request: t.Optional["Request"] = None,
        session: t.Optional["SessionMixin"] = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        self.request: "Request" = request
        #: The URL map bound to this request (``app.create_url_adapter``), for
        #: matching and ``url_for``; None if binding failed, and the error is
        #: then ``request.routing_exception``.
        self.url_adapter: t.Optional["MapAdapter"] = None
        try:
            self.url_adapter = app.create_url_adapter(request)
        except HTTPException as error:
            request.routing_exception = error
        if session is not None:
            self._session = session

    @property
    def session(self) -> "SessionMixin":
        """The session, opened from the request's cookie on first access."""
        if self._session is None:
            interface = self.app.session_interface
            opened = interface.open_session(self.app, self.request)
            self._session = opened if opened is not None else interface.make_null_session(self.app)
        return self._session

    @session.setter
    def session(self, value: "SessionMixin") -> None:
        self._session = value

    @property
    def session_opened(self) -> bool:
        """Whether anything has used (or set) the session in this request."""
        return self._session is not None

    def copy(self) -> "RequestContext":
        """A new context for the same request and session, for another thread or task."""
        return self.__class__(self.app, self.request.environ, self.request, self.session)

    def match_request(self) -> None:
        """Match the URL: sets ``request.url_rule`` and ``view_args``, or the routing exception."""
        try:
            self.request.url_rule, self.request.view_args = self.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
        except HTTPException as error:
            self.request.routing_exception = error

    def push(self) -> None:
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None
        self._cv_tokens += ((_cv_request.set(self), app_ctx),)
        # Flask opens the session here. The default interface only reads a
        # cookie, so its session waits for first use (see ``session``); any
        # other interface may do more (load from a store, set ``g``...), so it
        # is asked now, before the URL is matched and the hooks run.
        if self._session is None and type(self.app.session_interface) is not SecureCookieSessionInterface:
            self.session  # noqa: B018 - opened for its effects
        if self.url_adapter is not None:
            self.match_request()

    def pop(self, exc: t.Optional[BaseException] = _sentinel) -> None:  # type: ignore[assignment]
        """Pop the context; the last pop runs ``teardown_request`` functions
        and closes the request, then pops the app context it pushed."""
        clear_request = len(self._cv_tokens) == 1
        try:
            if clear_request:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_request(exc)
                self.request.close()
        finally:
            current = _cv_request.get(None)
            token, app_ctx = self._cv_tokens[-1]
            self._cv_tokens = self._cv_tokens[:-1]
            _cv_request.reset(token)
            if clear_request:
                # The request and its environ refer to each other: part them,
                # so both are freed at once instead of by the cycle collector.
                self.request.environ["werkzeug.request"] = None
            if app_ctx is not None:
                app_ctx.pop(exc)
        if current is not self:
            raise AssertionError(f"Popped wrong request context. ({current!r} instead of {self!r})")

    def __enter__(self) -> "RequestContext":
        self.push()
        return self

    def __exit__(self, exc_type: t.Any, exc_value: t.Optional[BaseException], tb: t.Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.request.url!r} [{self.request.method}] of {self.app.name}>"


def has_app_context() -> bool:
    """Whether an application context is active (``current_app`` usable)."""
    return _cv_app.get(None) is not None


def has_request_context() -> bool:
    """Whether a request context is active (``request`` and ``session`` usable)."""
    return _cv_request.get(None) is not None


def after_this_request(f: _F) -> _F:
    """Run ``f(response)`` after this request only; it must return a response."""
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request context is active,"
            " such as in a view function."
        )
    ctx._after_request_functions = [*ctx._after_request_functions, f]
    return f


def copy_current_request_context(f: _F) -> _F:
    """Decorate ``f`` so it runs inside a copy of the current request context.

    For work started in another thread or greenlet during a request, which
    would otherwise see no ``request``.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a request context is"
            " active, such as in a view function."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]
