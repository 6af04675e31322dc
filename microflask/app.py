"""The application object: ``Flask``, the WSGI application users create.

A request's life, in the order of the methods below: ``__call__`` ->
``wsgi_app`` (push the contexts) -> ``full_dispatch_request`` ->
``preprocess_request`` (url value preprocessors, ``before_request``) ->
``dispatch_request`` (the view) -> ``finalize_request`` (``make_response``,
``process_response``: ``after_request``, save the session) -> back in
``wsgi_app``, the response is sent and the contexts popped (teardown
functions). Errors take the ``handle_user_exception`` /
``handle_http_exception`` / ``handle_exception`` path to an error handler.
Every request takes these steps, the first and the hundredth alike, so a
subclass may override any of them (docs/architecture.md follows one request).
"""
from __future__ import annotations

import functools
import importlib.util
import os
import sys
import typing as t
import warnings
import weakref
from datetime import timedelta
from threading import Lock

from . import json as _app_json
from .config import Config, ConfigAttribute
from .ctx import AppContext, RequestContext, _AppCtxGlobals, _sentinel
from .debughelpers import FormDataRoutingRedirect
from .toolkit.datastructures import Headers, ImmutableDict
from .toolkit.exceptions import Aborter, BadRequest, BadRequestKeyError, HTTPException, InternalServerError
from .dotenv import load_dotenv as _load_dotenv_files
from .globals import _cv_app, _cv_request, g, request, request_ctx, session
from .helpers import get_debug_flag, get_flashed_messages, get_load_dotenv
from .json.provider import DefaultJSONProvider, JSONProvider
from .toolkit.routing import BuildError, Map, MapAdapter, RequestRedirect, RoutingException, Rule
from .scaffold import Scaffold, _deprecated_json_class_attribute, _endpoint_from_view_func, setupmethod
from .sessions import SecureCookieSessionInterface, SessionInterface
from .signals import (
    appcontext_tearing_down,
    got_request_exception,
    request_finished,
    request_started,
    request_tearing_down,
)
from .toolkit.urls import url_quote
from .toolkit.utils import cached_property
from .toolkit.utils import redirect as _toolkit_redirect
from .toolkit.wrappers import Response as _ToolkitResponse
from .wrappers import Request, Response

if t.TYPE_CHECKING:  # pragma: no cover
    import logging

    from .blueprints import Blueprint
    from .templating import DispatchingJinjaLoader, Environment
    from .cli import AppGroup
    from .testing import FlaskCliRunner, FlaskClient

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])

# The flag the compiler sets on ``async def`` functions. ensure_sync runs for
# every view call; testing the flag costs a seventh of
# inspect.iscoroutinefunction (docs/performance.md).
_CO_COROUTINE = 0x80


def _find_package(import_name: str) -> t.Tuple[t.Optional[str], str]:
    """``(install prefix or None, folder holding the top-level package or
    module)`` for ``import_name``; the cwd when it cannot be found (``__main__``,
    an interactive session, a name that is not importable)."""
    root_name = import_name.partition(".")[0]
    try:
        spec = importlib.util.find_spec(root_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.has_location or spec.origin is None:
        return None, os.getcwd()
    if spec.submodule_search_locations:  # a package: the folder around it
        package_path = os.path.dirname(os.path.dirname(os.path.abspath(spec.origin)))
    else:
        package_path = os.path.dirname(os.path.abspath(spec.origin))
    prefix = os.path.abspath(sys.prefix)
    if os.path.commonpath([prefix, package_path]) == prefix:
        return prefix, package_path
    return None, package_path


def _make_timedelta(value: t.Union[timedelta, int, None]) -> t.Optional[timedelta]:
    """Durations in config may be given in seconds, as in Flask."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


def _blueprint_scopes(blueprints: t.List[str]) -> t.Tuple[t.Optional[str], ...]:
    """The registry keys for a request: its blueprints innermost first, then the app."""
    return (*blueprints, None)


# Extensions whose templates are autoescaped (Flask 2.2's list).
_AUTOESCAPED_EXTENSIONS = (".html", ".htm", ".xml", ".xhtml", ".svg")

# Held while the first thread to need ``jinja_env`` creates it.
_jinja_env_lock = Lock()

def _warn_env_deprecated() -> None:
    warnings.warn("'app.env' is deprecated (Flask removed it in 2.3). Use 'app.debug' instead.", DeprecationWarning, stacklevel=3)


def _default_template_ctx_processor() -> t.Dict[str, t.Any]:
    """The app's first context processor: ``g``, and in a request ``request``
    and ``session``, so templates see the current objects. Processors
    registered later may override these names.

    It lives here rather than in ``microflask.templating`` so that creating
    an app registers it without loading the template engine.
    """
    app_ctx = _cv_app.get(None)
    req_ctx = _cv_request.get(None)
    values: t.Dict[str, t.Any] = {}
    if app_ctx is not None:
        values["g"] = app_ctx.g
    if req_ctx is not None:
        values["request"] = req_ctx.request
        # The session opens on first use: until then, pass the proxy, which
        # opens it only if the template reads it.
        values["session"] = req_ctx._session if req_ctx._session is not None else session
    return values


class _DefaultJinjaEnvironment:
    """``Flask.jinja_environment``: ``microflask.templating.Environment``, imported
    on first access so that defining or creating an app does not load the
    template engine. A subclass that sets the attribute replaces this descriptor."""

    def __get__(self, instance: t.Any, owner: t.Optional[type] = None) -> t.Type["Environment"]:
        from .templating import Environment  # heavy: the template engine, loaded for the first template

        return Environment


class Flask(Scaffold):
    """The WSGI application: ``app = Flask(__name__)``.

    ``import_name`` locates the app's files: its folder is ``root_path``,
    with ``static/`` served at ``/static`` and ``templates/`` for templates.
    """

    request_class: t.Type[Request] = Request
    response_class: t.Type[Response] = Response
    aborter_class = Aborter
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    json_provider_class: t.Type[JSONProvider] = DefaultJSONProvider
    url_rule_class = Rule
    url_map_class = Map
    test_client_class: t.Optional[t.Type["FlaskClient"]] = None
    test_cli_runner_class: t.Optional[type] = None
    session_interface: SessionInterface = SecureCookieSessionInterface()
    json_encoder = _deprecated_json_class_attribute("json_encoder", lambda: _app_json.JSONEncoder)
    json_decoder = _deprecated_json_class_attribute("json_decoder", lambda: _app_json.JSONDecoder)
    # Set on first use (see jinja_env).
    _jinja_env: t.Optional["Environment"] = None
    #: The Environment class ``create_jinja_environment`` instantiates.
    jinja_environment: t.Type["Environment"] = _DefaultJinjaEnvironment()  # type: ignore[assignment]
    #: Options for the Environment, read once when ``jinja_env`` is created.
    jinja_options: t.Dict[str, t.Any] = {}

    testing = ConfigAttribute("TESTING")
    secret_key = ConfigAttribute("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute("PERMANENT_SESSION_LIFETIME", get_converter=_make_timedelta)
    use_x_sendfile = ConfigAttribute("USE_X_SENDFILE")

    default_config = ImmutableDict(
        {
            "ENV": None,
            "DEBUG": None,
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": None,
            "SECRET_KEY": None,
            "SECRET_KEY_FALLBACKS": [],
            "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
            "USE_X_SENDFILE": False,
            "SERVER_NAME": None,
            "APPLICATION_ROOT": "/",
            "SESSION_COOKIE_NAME": "session",
            "SESSION_COOKIE_DOMAIN": None,
            "SESSION_COOKIE_PATH": None,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": False,
            "SESSION_COOKIE_SAMESITE": None,
            "SESSION_REFRESH_EACH_REQUEST": True,
            "MAX_CONTENT_LENGTH": None,
            "SEND_FILE_MAX_AGE_DEFAULT": None,
            "TRAP_BAD_REQUEST_ERRORS": None,
            "TRAP_HTTP_EXCEPTIONS": False,
            "EXPLAIN_TEMPLATE_LOADING": False,
            "PREFERRED_URL_SCHEME": "http",
            "JSON_AS_ASCII": None,
            "JSON_SORT_KEYS": None,
            "JSONIFY_PRETTYPRINT_REGULAR": None,
            "JSONIFY_MIMETYPE": None,
            "TEMPLATES_AUTO_RELOAD": None,
            "MAX_COOKIE_SIZE": 4093,
        }
    )

    def __init__(
        self,
        import_name: str,
        static_url_path: t.Optional[str] = None,
        static_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = "static",
        static_host: t.Optional[str] = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = "templates",
        instance_path: t.Optional[str] = None,
        instance_relative_config: bool = False,
        root_path: t.Optional[str] = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(f"If an instance path is provided it must be absolute, not {instance_path!r}.")
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)
        self.before_first_request_funcs: t.List[t.Callable[[], None]] = []
        self.teardown_appcontext_funcs: t.List[t.Callable[[t.Optional[BaseException]], None]] = []
        self.template_context_processors[None].append(_default_template_ctx_processor)
        #: The registered blueprints by dotted name (``"parent.child"`` when nested).
        self.blueprints: t.Dict[str, "Blueprint"] = {}
        self.extensions: t.Dict[str, t.Any] = {}
        self.url_map = self.url_map_class()
        self.url_map.host_matching = host_matching
        #: Whether URLs are matched by subdomain (the constructor's argument).
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        # Held while the first request runs the before_first_request functions.
        self._before_request_lock = Lock()

        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise ValueError("'static_host' must be set if and only if 'host_matching' is enabled.")
            # A weak reference, so the app and its static view do not keep
            # each other alive.
            self_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: self_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )

    # Registries most apps never use, made on first use.

    @cached_property
    def url_build_error_handlers(self) -> t.List[t.Callable[[Exception, str, t.Dict[str, t.Any]], str]]:
        """Functions ``url_for`` calls with ``(error, endpoint, values)`` when it
        cannot build a URL; the first to return a URL supplies it."""
        return []

    @cached_property
    def shell_context_processors(self) -> t.List[t.Callable[[], t.Dict[str, t.Any]]]:
        """Functions whose dicts ``microflask shell`` adds to its namespace."""
        return []

    # -- identity and configuration ----------------------------------------------

    @property
    def name(self) -> str:  # type: ignore[override]
        """The import name, or the script's name when the app lives in ``__main__``."""
        if self.import_name == "__main__":
            filename = getattr(sys.modules["__main__"], "__file__", None)
            if filename is None:
                return "__main__"
            return os.path.splitext(os.path.basename(filename))[0]
        return self.import_name

    @property
    def env(self) -> str:
        """Deprecated (Flask 2.2): ``ENV`` in config, ``"production"`` unless
        ``FLASK_ENV`` said otherwise. Use ``debug`` instead."""
        _warn_env_deprecated()
        return self.config["ENV"]  # type: ignore[no-any-return]

    @env.setter
    def env(self, value: str) -> None:
        _warn_env_deprecated()
        self.config["ENV"] = value

    @property
    def debug(self) -> bool:
        """Debug mode (``DEBUG`` in config): tracebacks in the browser, reloader, no caching."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        # Templates reload in debug mode unless TEMPLATES_AUTO_RELOAD says
        # otherwise. (No environment yet: it will read DEBUG when created.)
        if self.config["TEMPLATES_AUTO_RELOAD"] is None and self._jinja_env is not None:
            self._jinja_env.auto_reload = value

    @property
    def propagate_exceptions(self) -> bool:
        """``PROPAGATE_EXCEPTIONS``, else true in testing or debug mode."""
        value = self.config["PROPAGATE_EXCEPTIONS"]
        if value is not None:
            return bool(value)
        return bool(self.testing or self.debug)

    @property
    def got_first_request(self) -> bool:
        return self._got_first_request

    def make_config(self, instance_relative: bool = False) -> Config:
        """The ``Config``, filled with ``default_config``; relative to the instance
        folder when ``instance_relative``."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["ENV"] = os.environ.get("FLASK_ENV") or "production"
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """The ``instance`` folder beside the app's top-level package or
        module, or ``<prefix>/var/<name>-instance`` when it is installed."""
        prefix, package_path = _find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(self, resource: str, mode: str = "rb") -> t.IO[t.Any]:
        """Open a file in the instance folder (which may be written to)."""
        return open(os.path.join(self.instance_path, resource), mode)

    @cached_property
    def logger(self) -> "logging.Logger":
        """The ``logging`` logger named after the app; writes to the request's ``wsgi.errors``."""
        from .logging import create_logger  # heavy: the logging package, loaded for the first log

        return create_logger(self)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the application."
                " It has already handled its first request, any changes will not be"
                " applied consistently. Make sure all imports, decorators, functions,"
                " etc. needed to set up the application are done before running it."
            )

    # -- registration ------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: t.Optional[str] = None,
        view_func: t.Optional[t.Callable[..., t.Any]] = None,
        provide_automatic_options: t.Optional[bool] = None,
        **options: t.Any,
    ) -> None:
        """Connect a URL rule to an endpoint and (optionally) its view function.

        ``methods`` default to the view's ``methods`` attribute or ``GET``;
        ``OPTIONS`` is answered automatically unless the view handles it.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        methods |= set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in methods
        if provide_automatic_options:
            methods.add("OPTIONS")

        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        self.url_map.add(rule_obj)
        if view_func is not None:
            existing = self.view_functions.get(endpoint)
            if existing is not None and existing is not view_func:
                raise AssertionError(
                    f"View function mapping is overwriting an existing endpoint function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def register_blueprint(self, blueprint: "Blueprint", **options: t.Any) -> None:
        """Add a blueprint's routes, hooks, templates and static files to the app.

        ``options`` override the blueprint's own: ``url_prefix``,
        ``subdomain``, ``url_defaults``, ``name`` (to register the same
        blueprint twice under two names) and ``cli_group``; the recorded
        functions see them all in ``BlueprintSetupState.options``.
        """
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView["Blueprint"]:
        """The registered blueprints, nested ones included, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def teardown_appcontext(self, f: _F) -> _F:
        """Run ``f(exc)`` when the application context pops, even after an error."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def before_first_request(self, f: _F) -> _F:
        """Deprecated (as in Flask 2.2): run ``f()`` once, before the first request."""
        warnings.warn(
            "'before_first_request' is deprecated and will be removed. Run setup code"
            " while creating the application instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.before_first_request_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: _F) -> _F:
        """Register ``f()`` whose dict is added to the ``flask shell`` namespace."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> t.Dict[str, t.Any]:
        """The names the interactive shell starts with: ``app``, ``g`` and processors' names."""
        context = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            context.update(processor())
        return context

    # -- contexts ----------------------------------------------------------------

    def app_context(self) -> AppContext:
        """A new application context: ``with app.app_context(): ...``."""
        return AppContext(self)

    def request_context(self, environ: t.Dict[str, t.Any]) -> RequestContext:
        """A new request context for a WSGI environ."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for a request built from ``EnvironBuilder`` arguments,
        for tests: ``with app.test_request_context('/?q=1'): ...``."""
        from .testing import EnvironBuilder  # test-only: the test client's module

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def create_url_adapter(self, request: t.Optional[Request]) -> t.Optional[MapAdapter]:
        """The URL adapter for a request, or for building URLs outside one
        (then only if ``SERVER_NAME`` is set)."""
        if request is not None:
            # Without subdomain matching, rules all live on the default
            # subdomain. As in Flask 2.2, that default is "" and so falls back
            # to None: with SERVER_NAME set, the subdomain is still read from
            # Host, and a request for another subdomain finds no rule (404).
            subdomain = None if self.subdomain_matching else (self.url_map.default_subdomain or None)
            return self.url_map.bind_to_environ(
                request.environ, server_name=self.config["SERVER_NAME"], subdomain=subdomain
            )
        server_name = self.config["SERVER_NAME"]
        if server_name is not None:
            return self.url_map.bind(
                server_name,
                script_name=self.config["APPLICATION_ROOT"],
                url_scheme=self.config["PREFERRED_URL_SCHEME"],
            )
        return None

    # -- the request's life ------------------------------------------------------

    def __call__(self, environ: t.Dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        """The WSGI entry point; wrap ``app.wsgi_app`` (not ``app``) with middleware."""
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ: t.Dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        """Handle one request: push the contexts, dispatch, send the response, pop."""
        ctx = self.request_context(environ)
        error: t.Optional[BaseException] = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException as e:
                error = e
                raise
            return response(environ, start_response)
        finally:
            preserve = environ.get("werkzeug.debug.preserve_context")
            if preserve is not None:
                preserve(_cv_app.get())
                preserve(_cv_request.get())
            if error is not None and self.should_ignore_error(error):
                error = None
            ctx.pop(error)

    def full_dispatch_request(self) -> Response:
        """Preprocess, dispatch and finalize, turning exceptions into responses."""
        if not self._got_first_request:
            self._run_before_first_request()
        try:
            if request_started.receivers:
                request_started.send(self)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def _run_before_first_request(self) -> None:
        with self._before_request_lock:
            if self._got_first_request:
                return
            for func in self.before_first_request_funcs:
                self.ensure_sync(func)()
            self._got_first_request = True

    def preprocess_request(self) -> t.Optional[t.Any]:
        """Run URL value preprocessors, then ``before_request`` functions, app first.

        A ``before_request`` function that returns a value stops the request:
        that value is the response, and the view is not called.
        """
        if not (self.url_value_preprocessors or self.before_request_funcs):
            return None
        req = _cv_request.get().request
        scopes = _blueprint_scopes(req.blueprints)[::-1]
        for name in scopes:
            for url_func in self.url_value_preprocessors.get(name, ()):
                url_func(req.endpoint, req.view_args)
        for name in scopes:
            for before_func in self.before_request_funcs.get(name, ()):
                rv = self.ensure_sync(before_func)()
                if rv is not None:
                    return rv
        return None

    def dispatch_request(self) -> t.Any:
        """Call the view for the matched rule; answer OPTIONS automatically."""
        req = _cv_request.get().request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule = req.url_rule
        if req.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        view = self.view_functions[rule.endpoint]  # type: ignore[union-attr]
        return self.ensure_sync(view)(**req.view_args)  # type: ignore[arg-type]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the exception URL matching produced (404, 405, a redirect).

        In debug mode, a redirect that browsers follow as a bodiless GET (any
        code but 307 and 308) of a request with a body, such as a POST, raises
        ``FormDataRoutingRedirect`` instead. Routing's own redirects are 308s.
        """
        error = request.routing_exception
        if self.debug and request.method not in ("GET", "HEAD", "OPTIONS"):
            if isinstance(error, RequestRedirect) and error.code not in (307, 308):
                raise FormDataRoutingRedirect(request)
        raise error  # type: ignore[misc]

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn the view's return value into a response and run ``process_response``.

        When handling an error (``from_error_handler``), a failure here is
        logged instead of raised, so the error response still goes out.
        """
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if request_finished.receivers:
                request_finished.send(self, response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` and ``after_request`` functions (innermost
        blueprint first, app last), then save the session."""
        ctx = _cv_request.get()
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        if self.after_request_funcs:
            for name in _blueprint_scopes(ctx.request.blueprints):
                for func in reversed(self.after_request_funcs.get(name, ())):
                    response = self.ensure_sync(func)(response)
        session = ctx._session
        if session is None and self._session_needs_saving(ctx):
            session = ctx.session  # opened now, only to be saved
        if session is not None and not self.session_interface.is_null_session(session):
            self.session_interface.save_session(self, session, response)
        return response

    def _session_needs_saving(self, ctx: RequestContext) -> bool:
        """Whether a cookie session nothing used in this request must still be
        opened and saved, as Flask (which opens it for every request) would:
        when the request brought a session cookie that
        ``SESSION_REFRESH_EACH_REQUEST`` re-sends, so that a permanent session
        stays alive while the user browses. (Other interfaces' sessions were
        opened when the context was pushed.)
        """
        return (
            "HTTP_COOKIE" in ctx.request.environ
            and self.config["SESSION_REFRESH_EACH_REQUEST"]
            and self.session_interface.get_cookie_name(self) in ctx.request.cookies
        )

    def do_teardown_request(self, exc: t.Optional[BaseException] = _sentinel) -> None:  # type: ignore[assignment]
        """Run the ``teardown_request`` functions, innermost blueprint first.

        Every function runs even if one fails; the first failure is raised
        once all have run.
        """
        if not (self.teardown_request_funcs or request_tearing_down.receivers):
            return  # the common case: nothing to run
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        if self.teardown_request_funcs:
            blueprints = _cv_request.get().request.blueprints
            funcs = [
                func
                for name in _blueprint_scopes(blueprints)
                for func in reversed(self.teardown_request_funcs.get(name, ()))
            ]
            self._run_teardowns(funcs, exc)
        request_tearing_down.send(self, exc=exc)

    def do_teardown_appcontext(self, exc: t.Optional[BaseException] = _sentinel) -> None:  # type: ignore[assignment]
        """Run the ``teardown_appcontext`` functions, last registered first."""
        if not (self.teardown_appcontext_funcs or appcontext_tearing_down.receivers):
            return  # the common case: nothing to run
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        self._run_teardowns(list(reversed(self.teardown_appcontext_funcs)), exc)
        appcontext_tearing_down.send(self, exc=exc)

    def _run_teardowns(self, funcs: t.List[t.Callable[..., t.Any]], exc: t.Optional[BaseException]) -> None:
        first_failure: t.Optional[BaseException] = None
        for func in funcs:
            try:
                self.ensure_sync(func)(exc)
            except Exception as failure:
                if first_failure is None:
                    first_failure = failure
        if first_failure is not None:
            raise first_failure

    # -- responses ---------------------------------------------------------------

    def make_response(self, rv: t.Any) -> Response:
        """Convert a view's return value into a ``response_class`` instance.

        ``str``/``bytes`` and iterators become the body; ``dict``/``list`` are
        sent as JSON; a tuple adds a status and/or headers:
        ``(body, status)``, ``(body, headers)``, ``(body, status, headers)``;
        a response object or any WSGI callable is used as is.
        """
        if type(rv) is str:  # the common case, first
            return self.response_class(rv)
        status = headers = None
        if isinstance(rv, tuple):
            if len(rv) == 3:
                rv, status, headers = rv
            elif len(rv) == 2:
                if isinstance(rv[1], (Headers, dict, tuple, list)):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError(
                    "The view function did not return a valid response tuple. The tuple"
                    " must have the form (body, status, headers), (body, status), or"
                    " (body, headers)."
                )
        if rv is None:
            raise TypeError(
                f"The view function for {request_ctx.request.endpoint!r} did not return a"
                " valid response. The function either returned None or ended without a"
                " return statement."
            )
        if isinstance(status, (bytes, bytearray)):
            status = status.decode("latin-1")
        if not isinstance(rv, self.response_class):
            if isinstance(rv, (dict, list)):  # before the iterator test, whose failed lookups cost more
                rv = self.json.response(rv)
            elif isinstance(rv, (str, bytes, bytearray)) or _is_iterator(rv):
                # The response class gets the status and headers itself, as in
                # Flask: a list keeps repeated names, a Content-Type replaces the default.
                rv = self.response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, _ToolkitResponse) or callable(rv):
                # Another response class, or a WSGI application (an HTTP error is
                # one): run it and take what it sends.
                try:
                    rv = self.response_class.force_type(rv, _cv_request.get().request.environ)
                except TypeError as error:
                    raise TypeError(
                        f"{error}\nThe view function did not return a valid response. The return"
                        " type must be a string, dict, list, tuple with headers or status,"
                        f" Response instance, or WSGI callable, but it was a {type(rv).__name__}."
                    ).with_traceback(sys.exc_info()[2]) from None
            else:
                raise TypeError(
                    "The view function did not return a valid response. The return type must be"
                    " a string, dict, list, tuple with headers or status, Response instance, or"
                    f" WSGI callable, but it was a {type(rv).__name__}."
                )
        if status is not None:
            if isinstance(status, str):
                rv.status = status
            else:
                rv.status_code = status
        if headers:
            rv.headers.update(headers)
        return rv

    def make_default_options_response(self) -> Response:
        """The automatic answer to OPTIONS: an empty 200 with ``Allow``."""
        adapter = _cv_request.get().url_adapter
        response = self.response_class()
        response.allow.update(adapter.allowed_methods())  # type: ignore[union-attr]
        return response

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response (``microflask.redirect`` calls this on ``current_app``)."""
        return _toolkit_redirect(location, code=code, Response=self.response_class)

    # -- errors ------------------------------------------------------------------

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Find the handler for an exception raised while dispatching.

        HTTP errors go to ``handle_http_exception``; other exceptions to their
        registered handler, or are re-raised for ``handle_exception``.
        """
        if isinstance(e, BadRequestKeyError) and (self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]):
            e.show_exception = True  # type: ignore[attr-defined]
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, _cv_request.get().request.blueprints)
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """The registered handler's result for an HTTP error, or the error itself
        (which is a response). Redirects from routing are never handled."""
        if e.code is None or isinstance(e, RoutingException):
            return e
        if not self.error_handler_spec:  # no handlers at all: skip the search
            return e
        handler = self._find_error_handler(e, _cv_request.get().request.blueprints)
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP error should propagate like any other exception
        (``TRAP_HTTP_EXCEPTIONS``, ``TRAP_BAD_REQUEST_ERRORS``) instead of
        becoming a response, to see a traceback while debugging."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and isinstance(e, BadRequestKeyError) and self.debug:
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_exception(self, e: Exception) -> Response:
        """An exception nothing handled: re-raise it when propagating (testing,
        debug), else log it and answer 500, through a 500 handler if any."""
        exc_info = sys.exc_info()
        if got_request_exception.receivers:
            got_request_exception.send(self, exception=e)
        if self.propagate_exceptions:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: t.Any = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error, request_ctx.request.blueprints)
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled exception with the request's path and method."""
        req = request_ctx.request
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=exc_info)

    def should_ignore_error(self, error: t.Optional[BaseException]) -> bool:
        """Whether teardown functions should see ``None`` instead of ``error``."""
        return False

    def _find_error_handler(
        self, e: Exception, blueprints: t.List[str]
    ) -> t.Optional[t.Callable[[Exception], t.Any]]:
        """The handler for ``e``: by status code before class, blueprint before
        app, and the closest class in the exception's MRO."""
        exc_class, code = self._get_exc_class_and_code(type(e))
        codes = (code, None) if code is not None else (None,)
        for handler_code in codes:
            for name in _blueprint_scopes(blueprints):
                handler_map = self.error_handler_spec.get(name, {}).get(handler_code)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    # -- URL building -------------------------------------------------------------

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: t.Optional[str] = None,
        _method: t.Optional[str] = None,
        _scheme: t.Optional[str] = None,
        _external: t.Optional[bool] = None,
        **values: t.Any,
    ) -> str:
        """The URL for ``endpoint`` with ``values`` (unknown ones become the query
        string). In a request the URL is relative; outside one it needs
        ``SERVER_NAME`` and is absolute. ``.name`` means "in the current blueprint"."""
        req_ctx = _cv_request.get(None)
        if req_ctx is not None:
            url_adapter = req_ctx.url_adapter
            blueprint_name = req_ctx.request.blueprint
            if endpoint[:1] == ".":
                endpoint = f"{blueprint_name}{endpoint}" if blueprint_name is not None else endpoint[1:]
            if _external is None:
                _external = _scheme is not None
        else:
            app_ctx = _cv_app.get(None)
            url_adapter = app_ctx.url_adapter if app_ctx is not None else self.create_url_adapter(None)
            if url_adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request without 'SERVER_NAME'"
                    " configured. Also configure 'APPLICATION_ROOT' and"
                    " 'PREFERRED_URL_SCHEME' as needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            rv = url_adapter.build(  # type: ignore[union-attr]
                endpoint, values, method=_method, url_scheme=_scheme, force_external=_external
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            rv = f"{rv}#{url_quote(_anchor, safe='%!#$&()*+,/:;=?@')}"
        return rv

    def inject_url_defaults(self, endpoint: str, values: t.Dict[str, t.Any]) -> None:
        """Let ``url_defaults`` functions (app, then the endpoint's blueprints) add values."""
        if not self.url_default_functions:
            return
        names: t.List[t.Optional[str]] = [None]
        if "." in endpoint:
            blueprint = endpoint.rpartition(".")[0]
            parts = blueprint.split(".")
            names.extend(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        for name in names:
            for func in self.url_default_functions.get(name, ()):
                func(endpoint, values)

    def handle_url_build_error(self, error: BuildError, endpoint: str, values: t.Dict[str, t.Any]) -> str:
        """Give ``url_build_error_handlers`` a chance to supply a URL, else re-raise."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    # -- templates ---------------------------------------------------------------

    @property
    def jinja_env(self) -> "Environment":
        """The template Environment, created (by ``create_jinja_environment``) on
        first use; changing ``jinja_options`` afterwards has no effect."""
        env = self._jinja_env
        if env is None:
            with _jinja_env_lock:  # so that concurrent first renders share one
                env = self._jinja_env
                if env is None:
                    env = self._jinja_env = self.create_jinja_environment()
        return env

    @jinja_env.setter
    def jinja_env(self, env: "Environment") -> None:
        self._jinja_env = env

    def create_jinja_environment(self) -> "Environment":
        """A new ``jinja_environment`` from ``jinja_options``, with Flask's additions:
        autoescape by ``select_jinja_autoescape``, auto-reload from
        ``TEMPLATES_AUTO_RELOAD`` (default: debug mode), the globals ``url_for``,
        ``get_flashed_messages``, ``config``, ``request``, ``session`` and ``g``,
        and ``tojson`` serialising with ``app.json``."""
        options = dict(self.jinja_options)
        options.setdefault("autoescape", self.select_jinja_autoescape)
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            options["auto_reload"] = self.debug if auto_reload is None else auto_reload
        env = self.jinja_environment(self, **options)
        env.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        # The engine's tojson filter escapes the output for HTML; the JSON
        # itself is the app's, so it knows dates, UUIDs, dataclasses...
        env.policies["json.dumps_function"] = self.json.dumps
        return env

    def create_global_jinja_loader(self) -> "DispatchingJinjaLoader":
        """The Environment's loader: the app's templates, then each blueprint's.
        To change where the app's own templates come from, override ``jinja_loader``."""
        from .templating import DispatchingJinjaLoader  # heavy: the template engine

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: t.Optional[str]) -> bool:
        """Whether the template ``filename`` is autoescaped: yes for ``.html``,
        ``.htm``, ``.xml``, ``.xhtml`` and ``.svg``, and for templates from strings."""
        if filename is None:
            return True
        return filename.endswith(_AUTOESCAPED_EXTENSIONS)

    @property
    def templates_auto_reload(self) -> bool:
        """Deprecated (as in Flask 2.2): read ``app.config["TEMPLATES_AUTO_RELOAD"]``."""
        _warn_templates_auto_reload()
        value = self.config["TEMPLATES_AUTO_RELOAD"]
        return self.debug if value is None else bool(value)

    @templates_auto_reload.setter
    def templates_auto_reload(self, value: bool) -> None:
        _warn_templates_auto_reload()
        self.config["TEMPLATES_AUTO_RELOAD"] = value

    def update_template_context(self, context: t.Dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context``, in place.

        The app's processors run first, then those of the request's
        blueprints from the outermost to the innermost, so a later one
        overrides an earlier one's names. Values already in ``context`` (those
        passed to ``render_template``) win over every processor.
        """
        processors = self.template_context_processors
        passed = context.copy()
        for processor in processors.get(None, ()):
            context.update(processor())
        # With only the app's key there are no blueprint processors to look for.
        if len(processors) > 1:
            req_ctx = _cv_request.get(None)
            if req_ctx is not None:
                for name in reversed(req_ctx.request.blueprints):
                    for processor in processors.get(name, ()):
                        context.update(processor())
        context.update(passed)

    @setupmethod
    def template_filter(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as the template filter ``name`` (default:
        the function's name): ``@app.template_filter()``, with the parentheses."""
        _refuse_bare_decorator("template_filter", name)

        def decorator(f: _F) -> _F:
            self.add_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_filter(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Register ``f`` as the template filter ``name`` (default: its name)."""
        self.jinja_env.filters[name or f.__name__] = f

    @setupmethod
    def template_test(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as the template test ``name`` (default:
        the function's name), used as ``{% if n is prime %}``."""
        _refuse_bare_decorator("template_test", name)

        def decorator(f: _F) -> _F:
            self.add_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_test(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Register ``f`` as the template test ``name`` (default: its name)."""
        self.jinja_env.tests[name or f.__name__] = f

    @setupmethod
    def template_global(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Make the decorated function available in every template as ``name``
        (default: the function's name)."""
        _refuse_bare_decorator("template_global", name)

        def decorator(f: _F) -> _F:
            self.add_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_global(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Make ``f`` available in every template as ``name`` (default: its name)."""
        self.jinja_env.globals[name or f.__name__] = f

    # -- async support -----------------------------------------------------------

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """``func`` itself, or a sync wrapper when it is an ``async def`` function."""
        try:
            is_async = func.__code__.co_flags & _CO_COROUTINE
        except AttributeError:  # not a plain function: a callable object, a partial...
            import inspect  # heavy, and only for callables that are not plain functions

            is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
                getattr(func, "__call__", None)
            )
        if is_async:
            return self.async_to_sync(func)
        return func

    def async_to_sync(self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]) -> t.Callable[..., t.Any]:
        """Run a coroutine function to completion on a fresh asyncio event loop.

        The request's context variables are copied into the loop's task, so
        ``request`` and ``g`` work inside the coroutine.
        """
        import asyncio  # heavy: only async views need it

        @functools.wraps(func)
        def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return asyncio.run(func(*args, **kwargs))

        return run

    # -- the development server --------------------------------------------------

    def run(
        self,
        host: t.Optional[str] = None,
        port: t.Optional[int] = None,
        debug: t.Optional[bool] = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with the development server (127.0.0.1:5000 by default).

        ``debug`` turns on the reloader and the traceback page; options go to
        ``microflask.toolkit.serving.run_simple``. Not for production.
        """
        from .toolkit.serving import is_running_from_reloader, run_simple  # the development server: only run() needs it

        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            # "microflask run" imported the module that calls app.run(): its
            # server is already starting, a second one would block it.
            if not is_running_from_reloader():
                sys.stderr.write(
                    " * Ignoring a call to 'app.run()' that would block the current 'microflask' command.\n"
                    "   Only call 'app.run()' in an 'if __name__ == \"__main__\"' guard.\n"
                )
            return
        if get_load_dotenv(load_dotenv):
            _load_dotenv_files()
            if "FLASK_DEBUG" in os.environ:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)
        server_name = self.config.get("SERVER_NAME")
        sn_host, _, sn_port = (server_name or "").partition(":")
        host = host or sn_host or "127.0.0.1"
        port = int(port) if port or port == 0 else int(sn_port or 5000)
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        options.setdefault("threaded", True)
        if not is_running_from_reloader():  # the reloader's child would repeat it
            sys.stderr.write(f" * Serving microflask app '{self.name}'\n * Debug mode: {'on' if self.debug else 'off'}\n")
        try:
            run_simple(host, port, self, **options)
        finally:
            self._got_first_request = False

    @cached_property
    def cli(self) -> "AppGroup":  # type: ignore[override]
        """The app's commands: ``@app.cli.command()``; ``microflask`` lists them."""
        from .cli import AppGroup  # heavy: argparse and the CLI load only when app.cli is used

        return AppGroup(self.name)

    def test_cli_runner(self, **kwargs: t.Any) -> "FlaskCliRunner":
        """A runner for the app's commands: ``app.test_cli_runner().invoke(args=["cmd"])``."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import FlaskCliRunner as cls  # type: ignore[no-redef]  # test-only
        return cls(self, **kwargs)  # type: ignore[no-any-return]

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> "FlaskClient":
        """A test client: ``app.test_client().get('/')`` runs a request in-process."""
        cls = self.test_client_class
        if cls is None:
            from .testing import FlaskClient as cls  # type: ignore[no-redef]  # test-only
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)  # type: ignore[misc]

    # -- static files ----------------------------------------------------------

    def get_send_file_max_age(self, filename: t.Optional[str]) -> t.Optional[int]:
        """Cache seconds for a static file: ``SEND_FILE_MAX_AGE_DEFAULT`` (None: browser decides)."""
        value = self.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)


def _warn_templates_auto_reload() -> None:
    warnings.warn(
        "'templates_auto_reload' is deprecated and will be removed in Flask 2.3."
        " Use 'TEMPLATES_AUTO_RELOAD' in 'app.config' instead.",
        DeprecationWarning,
        stacklevel=3,  # the line that used the property
    )


def _refuse_bare_decorator(decorator: str, name: t.Any, owner: str = "app") -> None:
    """``@app.template_filter`` without parentheses would register nothing and
    replace the function with the decorator: say so instead."""
    if callable(name):
        raise TypeError(
            f"'{decorator}' was given the function {getattr(name, '__name__', name)!r} as the name."
            f" Call it with parentheses: @{owner}.{decorator}() or @{owner}.{decorator}('name')."
        )


def _is_iterator(value: t.Any) -> bool:
    return hasattr(value, "__next__") and hasattr(value, "__iter__")
