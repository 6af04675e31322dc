"""Testing a Flask app without a server: ``app.test_client()`` and
``app.test_request_context()``.

Both build a WSGI environ with the toolkit's ``EnvironBuilder``, which this
module teaches about the app (``SERVER_NAME``, ``APPLICATION_ROOT``,
``PREFERRED_URL_SCHEME``, the app's JSON provider). ``FlaskClient`` then
calls the app in-process; ``with client:`` keeps the last request's context
open so a test can inspect ``request``, ``session`` and ``g`` afterwards.
"""
from __future__ import annotations

import typing as t
from contextlib import ExitStack, contextmanager
from copy import copy
from urllib.parse import urlsplit

from .toolkit import test as _toolkit
from .globals import _cv_request
from .toolkit.test import TestResponse
from .toolkit.wrappers import Request

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .sessions import SessionMixin


class EnvironBuilder(_toolkit.EnvironBuilder):
    """An ``EnvironBuilder`` whose defaults come from the app's config.

    ``subdomain`` and ``url_scheme`` adjust the base URL; they cannot be
    combined with an explicit ``base_url``.
    """

    def __init__(
        self,
        app: "Flask",
        path: str = "/",
        base_url: t.Optional[str] = None,
        subdomain: t.Optional[str] = None,
        url_scheme: t.Optional[str] = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise ValueError('Cannot pass "subdomain" or "url_scheme" with "base_url".')
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            url = urlsplit(path)
            app_root = app.config["APPLICATION_ROOT"].lstrip("/")
            base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{app_root}"
            path = url.path + (f"?{url.query}" if url.query else "")
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:  # type: ignore[override]
        """Serialise ``json=`` bodies with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


class FlaskClient(_toolkit.Client):
    """The test client ``app.test_client()`` returns.

    Requests carry ``REMOTE_ADDR=127.0.0.1`` and a test user agent unless
    ``environ_base`` says otherwise.
    """

    application: "Flask"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: t.List[t.ContextManager[t.Any]] = []
        self._context_stack = ExitStack()
        self.environ_base = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "microflask-test-client"}

    @contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator["SessionMixin"]:
        """Read or change the session the client's cookies hold, between requests::

            with client.session_transaction() as session:
                session["user_id"] = 42

        The session is opened from the cookie jar through
        ``app.session_interface``, for a request built from the arguments
        (those of ``EnvironBuilder``: a path, ``base_url``...); on leaving
        the block it is saved, and the cookie the interface sets goes into
        the jar. The request context is not active inside the block.
        """
        if self._cookies is None:
            raise RuntimeError(
                "Session transactions only make sense with cookies enabled; create the client"
                " with use_cookies=True."
            )
        app = self.application
        interface = app.session_interface
        builder = EnvironBuilder(app, *args, **kwargs)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        self._add_cookies_to_wsgi(environ)
        outer_ctx = _cv_request.get(None)
        with app.request_context(environ) as ctx:
            session = interface.open_session(app, ctx.request)
            if session is None or interface.is_null_session(session):
                raise RuntimeError("Session backend did not open a session. Check the configuration")
            # The block runs between requests: hide this context from it, so
            # that it sees whatever was current before (usually nothing).
            token = _cv_request.set(outer_ctx)  # type: ignore[arg-type]
            try:
                yield session
            finally:
                _cv_request.reset(token)
            response = app.response_class()
            interface.save_session(app, session, response)
            host, path = _toolkit._cookie_scope(environ)
            self._update_cookies_from_response(host, path, response.headers.getlist("Set-Cookie"))

    def _copy_environ(self, other: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
        environ = {**self.environ_base, **other}
        if self.preserve_context:
            environ["werkzeug.debug.preserve_context"] = self._new_contexts.append
        return environ

    def _request_from(
        self, args: t.Tuple[t.Any, ...], kwargs: t.Dict[str, t.Any]
    ) -> t.Tuple[Request, t.Optional[t.IO[bytes]]]:
        if len(args) == 1 and not kwargs:
            target = args[0]
            if isinstance(target, _toolkit.EnvironBuilder):
                builder = copy(target)
                builder.environ_base = self._copy_environ(builder.environ_base or {})
                return _toolkit._build_request(builder)
            if isinstance(target, dict):
                builder = _toolkit.EnvironBuilder.from_environ(target, environ_base=self._copy_environ({}))
                return builder.get_request(), None
            if isinstance(target, Request):
                request = copy(target)
                request.environ = self._copy_environ(request.environ)
                return request, None
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base") or {})
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return _toolkit._build_request(builder)
        finally:
            builder.close()

    def open(  # type: ignore[override]
        self, *args: t.Any, buffered: bool = False, follow_redirects: bool = False, **kwargs: t.Any
    ) -> TestResponse:
        """Send a request (``EnvironBuilder`` arguments) and return the response.

        Inside ``with client:``, the contexts of the last request stay pushed
        until the next request or the end of the block.
        """
        self._context_stack.close()
        response = super().open(*args, buffered=buffered, follow_redirects=follow_redirects, **kwargs)
        response.json_module = self.application.json  # type: ignore[assignment]
        while self._new_contexts:
            self._context_stack.enter_context(self._new_contexts.pop())
        return response

    def __enter__(self) -> "FlaskClient":
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(self, exc_type: t.Any, exc_value: t.Any, tb: t.Any) -> None:
        self.preserve_context = False
        self._context_stack.close()


def __getattr__(name: str) -> t.Any:
    # FlaskCliRunner is built on the command line module, which imports
    # argparse: defined on first use, so test clients do not pay for it.
    if name == "FlaskCliRunner":
        from .cli import ScriptInfo  # heavy: argparse and the CLI, only for CLI tests
        from .commands import CliRunner  # heavy, as above

        class FlaskCliRunner(CliRunner):
            """Runs the app's CLI commands in tests; ``invoke()`` defaults to ``app.cli``."""

            def __init__(self, app: "Flask", **kwargs: t.Any) -> None:
                self.app = app
                super().__init__(**kwargs)

            def invoke(self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any) -> t.Any:
                if cli is None:
                    cli = self.app.cli
                kwargs.setdefault("obj", ScriptInfo(create_app=lambda: self.app))
                return super().invoke(cli, args, **kwargs)

        FlaskCliRunner.__qualname__ = "FlaskCliRunner"
        globals()["FlaskCliRunner"] = FlaskCliRunner
        return FlaskCliRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
