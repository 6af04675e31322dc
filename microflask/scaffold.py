"""What applications and blueprints share: routes, hooks and error handlers.

``Scaffold`` only records. Decorators such as ``@route`` and
``@before_request`` store functions in registries keyed by blueprint name
(``None`` for the application itself); the ``Flask`` object reads those
registries while handling a request, and a blueprint replays its records onto
the application when registered.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
import warnings
from collections import defaultdict
from functools import update_wrapper

from .globals import current_app
from .helpers import send_from_directory
from .json.provider import _start_looking_for_json_classes
from .toolkit.exceptions import HTTPException, default_exceptions
from .toolkit.utils import cached_property

if t.TYPE_CHECKING:  # pragma: no cover
    from .cli import AppGroup
    from .jinja import FileSystemLoader
    from .wrappers import Response

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
ErrorHandlerSpec = t.Dict[
    t.Optional[str], t.Dict[t.Optional[int], t.Dict[t.Type[Exception], t.Callable[..., t.Any]]]
]


def setupmethod(f: _F) -> _F:
    """Mark a registration method: calling it after the first request is an error.

    A route or hook added while requests are being served would be seen by
    some workers and not others, so Flask refuses it.
    """
    name = f.__name__

    def wrapper(self: "Scaffold", *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def get_root_path(import_name: str) -> str:
    """The folder of the module or package ``import_name``; the cwd if it has none."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    if filename is None:
        try:
            spec = importlib.util.find_spec(import_name)
        except (ImportError, ValueError):
            spec = None
        filename = spec.origin if spec is not None and spec.has_location else None
    if filename is None:
        # An interactive session or a module without a file: use the cwd.
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


def _deprecated_json_class_attribute(name: str, default: t.Callable[[], t.Optional[type]]) -> property:
    """Flask 2.2's deprecated ``json_encoder`` or ``json_decoder`` attribute:
    the class kept as ``_<name>``, or ``default()`` when none was set. Reading
    or setting it warns; once one is set, ``app.json`` looks for it."""
    storage = f"_{name}"

    def warn(self: "Scaffold") -> None:
        warnings.warn(
            f"'{type(self).__name__}.{name}' is deprecated (Flask removed it in 2.3). Customize 'app.json' instead.",
            DeprecationWarning,
            stacklevel=3,
        )

    def get(self: "Scaffold") -> t.Optional[type]:
        warn(self)
        value = getattr(self, storage)
        return default() if value is None else value

    def set(self: "Scaffold", value: t.Optional[type]) -> None:
        warn(self)
        setattr(self, storage, value)
        if value is not None:
            _start_looking_for_json_classes()

    return property(get, set, doc=f"Deprecated: the JSON {name[5:]} class ``app.json`` uses; customize ``app.json``.")


def _endpoint_from_view_func(view_func: t.Callable[..., t.Any]) -> str:
    if view_func is None:
        raise TypeError("expected a view function when no endpoint name is given")
    return view_func.__name__


class Scaffold:
    """The common base of ``Flask`` and ``Blueprint``.

    The registries are public attributes, as in Flask, so extensions may read
    them; use the decorators to add to them.
    """

    name: str
    _static_folder: t.Optional[str] = None
    _static_url_path: t.Optional[str] = None

    # Flask 2.2's deprecated JSON classes, None unless set.
    _json_encoder: t.Optional[type] = None
    _json_decoder: t.Optional[type] = None
    json_encoder = _deprecated_json_class_attribute("json_encoder", lambda: None)
    json_decoder = _deprecated_json_class_attribute("json_decoder", lambda: None)

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("json_encoder", "json_decoder"):
            value = vars(cls).get(name)
            if isinstance(value, type):
                # Set as a class attribute, as Flask 2.2 also allowed: keep
                # it where app.json looks, behind the warning property.
                delattr(cls, name)
                setattr(cls, f"_{name}", value)
                _start_looking_for_json_classes()

    def __init__(
        self,
        import_name: str,
        static_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = None,
        static_url_path: t.Optional[str] = None,
        template_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = None,
        root_path: t.Optional[str] = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder  # type: ignore[assignment]
        if static_url_path is not None:  # else derived from static_folder (see static_url_path)
            self.static_url_path = static_url_path
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path

        self.view_functions: t.Dict[str, t.Callable[..., t.Any]] = {}
        self.error_handler_spec: ErrorHandlerSpec = defaultdict(lambda: defaultdict(dict))
        self.before_request_funcs: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)
        self.after_request_funcs: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)
        self.teardown_request_funcs: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)
        self.template_context_processors: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)
        self.url_value_preprocessors: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)
        self.url_default_functions: t.Dict[t.Optional[str], t.List[t.Callable[..., t.Any]]] = defaultdict(list)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- static files and resources --------------------------------------------

    @property
    def static_folder(self) -> t.Optional[str]:
        """The absolute path of the static folder, or None."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: t.Optional[t.Union[str, "os.PathLike[str]"]]) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        return self.static_folder is not None

    @property
    def static_url_path(self) -> t.Optional[str]:
        """The URL prefix of the static route: ``/static`` by default."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: t.Optional[str]) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    @cached_property
    def cli(self) -> "AppGroup":
        """The commands of this app or blueprint for the ``microflask`` command line."""
        from .cli import AppGroup  # heavy: argparse and the CLI load only when .cli is used

        return AppGroup()

    @cached_property
    def jinja_loader(self) -> t.Optional["FileSystemLoader"]:
        """The loader for this object's templates: a ``FileSystemLoader`` for
        ``template_folder`` (relative to ``root_path``), or None without one."""
        if self.template_folder is None:
            return None
        from .jinja import FileSystemLoader  # heavy: the template engine, for the first template

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def get_send_file_max_age(self, filename: t.Optional[str]) -> t.Optional[int]:
        """Cache seconds for a static file: the current app's answer (the app
        itself reads ``SEND_FILE_MAX_AGE_DEFAULT``)."""
        return current_app.get_send_file_max_age(filename)

    def send_static_file(self, filename: str) -> "Response":
        """The view of the ``static`` route: a file from ``static_folder``."""
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(self.static_folder, filename, max_age=max_age)  # type: ignore[arg-type]

    def open_resource(self, resource: str, mode: str = "rb") -> t.IO[t.Any]:
        """Open a file relative to ``root_path`` for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError(f"Resources can only be opened for reading, not with mode {mode!r}.")
        return open(os.path.join(self.root_path, resource), mode)

    # -- routes ----------------------------------------------------------------

    def _method_route(self, method: str, rule: str, options: t.Dict[str, t.Any]) -> t.Callable[[_F], _F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[_F], _F]:
        """Register the decorated function as the view for ``rule``.

        ``endpoint`` defaults to the function's name; the other options go to
        the URL rule (``methods``, ``defaults``, ``strict_slashes``...).
        """

        def decorator(f: _F) -> _F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: t.Optional[str] = None,
        view_func: t.Optional[t.Callable[..., t.Any]] = None,
        provide_automatic_options: t.Optional[bool] = None,
        **options: t.Any,
    ) -> None:
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[_F], _F]:
        """Register the decorated function as the view for ``endpoint``
        (whose rule is added separately with ``add_url_rule``)."""

        def decorator(f: _F) -> _F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- request hooks -----------------------------------------------------------

    @setupmethod
    def before_request(self, f: _F) -> _F:
        """Run ``f()`` before each request; a non-None return value is the response."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: _F) -> _F:
        """Run ``f(response)`` after each request; it must return a response."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: _F) -> _F:
        """Run ``f(exc)`` when the request context pops, even after an error."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: _F) -> _F:
        """Register ``f()`` whose returned dict is added to every template's context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: _F) -> _F:
        """Run ``f(endpoint, values)`` before ``before_request`` functions; it may
        pop values from the matched URL values."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: _F) -> _F:
        """Run ``f(endpoint, values)`` when building URLs; it may add values."""
        self.url_default_functions[None].append(f)
        return f

    # -- error handlers ----------------------------------------------------------

    @setupmethod
    def errorhandler(self, code_or_exception: t.Union[t.Type[Exception], int]) -> t.Callable[[_F], _F]:
        """Register the decorated function for an HTTP status code or an exception class."""

        def decorator(f: _F) -> _F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: t.Union[t.Type[Exception], int], f: t.Callable[..., t.Any]
    ) -> None:
        """The non-decorator form of ``errorhandler``."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: t.Union[t.Type[Exception], int]
    ) -> t.Tuple[t.Type[Exception], t.Optional[int]]:
        """The exception class and HTTP code (None if not an HTTP error) for a handler key."""
        if isinstance(exc_class_or_code, int):
            try:
                exc_class: t.Any = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code. Use a"
                    " subclass of HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only be"
                " registered for Exception classes or HTTP error codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            raise ValueError(
                f"{exc_class!r} is not a subclass of Exception. Handlers can only be"
                " registered for Exception classes or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None
