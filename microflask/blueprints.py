"""Blueprints: parts of an application defined before the application exists.

A ``Blueprint`` uses the decorators of ``Flask`` but only records what they
ask for. ``app.register_blueprint(bp)`` replays those records onto the app
(through a ``BlueprintSetupState`` that adds the URL prefix, the subdomain
and the dotted endpoint names), and merges the blueprint's hooks into the
app's registries under its name. Nothing here runs while serving a request.
"""
from __future__ import annotations

import typing as t
import warnings
from collections import defaultdict

from .app import _refuse_bare_decorator
from .scaffold import Scaffold, _endpoint_from_view_func, setupmethod

if t.TYPE_CHECKING:  # pragma: no cover
    import os

    from .app import Flask

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])
DeferredSetupFunction = t.Callable[["BlueprintSetupState"], t.Any]

# The default of ``cli_group``: the blueprint's commands go under its name.
_sentinel = object()

# The hook registries a blueprint merges into the app, under its dotted name.
_HOOK_REGISTRIES = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "url_default_functions",
    "url_value_preprocessors",
    "template_context_processors",
)


class BlueprintSetupState:
    """What one registration of a blueprint on an app knows: the app, the
    options given to ``register_blueprint``, and the prefix, subdomain, name
    and URL defaults that follow from them. Each function the blueprint
    recorded is called with it."""

    def __init__(
        self,
        blueprint: "Blueprint",
        app: "Flask",
        options: t.Dict[str, t.Any],
        first_registration: bool,
    ) -> None:
        #: The application the blueprint is being registered on.
        self.app = app
        #: The blueprint being registered.
        self.blueprint = blueprint
        #: The keyword arguments given to ``register_blueprint``.
        self.options = options
        #: Whether this blueprint object was not registered on the app before
        #: (under any name): functions recorded with ``record_once`` run only then.
        self.first_registration = first_registration

        subdomain = options.get("subdomain")
        #: The subdomain the blueprint's routes match, or None.
        self.subdomain: t.Optional[str] = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        #: The path every route of the blueprint starts with, or None.
        self.url_prefix: t.Optional[str] = blueprint.url_prefix if url_prefix is None else url_prefix
        #: The name registered: the blueprint's own unless ``name=`` was given.
        self.name: str = options.get("name", blueprint.name)
        #: The dotted name of the parent blueprints ("" at the top level).
        self.name_prefix: str = options.get("name_prefix", "")
        #: Values for URL variables that every route of the blueprint receives.
        self.url_defaults: t.Dict[str, t.Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: t.Optional[str] = None,
        view_func: t.Optional[t.Callable[..., t.Any]] = None,
        **options: t.Any,
    ) -> None:
        """Add a rule to the app, under the URL prefix and subdomain, with the
        endpoint named after the blueprint (``"parent.child.endpoint"``)."""
        if self.url_prefix is not None:
            rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/"))) if rule else self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        defaults = dict(self.url_defaults)
        defaults.update(options.pop("defaults", None) or ())
        self.app.add_url_rule(
            rule,
            f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."),
            view_func,
            defaults=defaults or None,
            **options,
        )


class Blueprint(Scaffold):
    """A set of routes, hooks, templates and static files to register on an
    app, possibly several times: ``bp = Blueprint("admin", __name__)``.

    Endpoints are prefixed with the blueprint's name (``url_for("admin.index")``,
    or ``url_for(".index")`` from one of its views). ``static_folder`` and
    ``template_folder`` are relative to the blueprint's ``root_path``; its
    templates are searched after the app's. ``cli_group`` names the command
    group of ``bp.cli`` (default: the blueprint's name; None merges its
    commands into the app's).
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = None,
        static_url_path: t.Optional[str] = None,
        template_folder: t.Optional[t.Union[str, "os.PathLike[str]"]] = None,
        url_prefix: t.Optional[str] = None,
        subdomain: t.Optional[str] = None,
        url_defaults: t.Optional[t.Dict[str, t.Any]] = None,
        root_path: t.Optional[str] = None,
        cli_group: t.Optional[str] = _sentinel,  # type: ignore[assignment]
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        _check_name(name, "name")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        # Not ``url_defaults``: that is the decorator inherited from Scaffold.
        self.url_values_defaults: t.Dict[str, t.Any] = dict(url_defaults or {})
        self.cli_group = cli_group
        #: The functions ``register`` calls with a ``BlueprintSetupState``.
        self.deferred_functions: t.List[DeferredSetupFunction] = []
        self._blueprints: t.List[t.Tuple["Blueprint", t.Dict[str, t.Any]]] = []
        self._got_registered_once = False

    def _check_setup_finished(self, f_name: str) -> None:
        # Flask 2.2 warns (2.3 raises): the change would reach only the apps
        # this blueprint is registered on from now on.
        if self._got_registered_once:
            warnings.warn(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any"
                " changes will not be applied consistently.\n"
                "Make sure all imports, decorators, functions, etc. needed to set up"
                " the blueprint are done before registering it.",
                UserWarning,
                stacklevel=3,
            )

    # -- recording ---------------------------------------------------------------

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like ``record``, but only on the blueprint's first registration on each app."""
        self._record_once(func)

    def _record_once(self, func: DeferredSetupFunction) -> None:
        # Without the setup check: the public methods that call it made it.
        def call_on_first_registration(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.deferred_functions.append(call_on_first_registration)

    def make_setup_state(
        self, app: "Flask", options: t.Dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The state the recorded functions receive; override to use a subclass."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: "Blueprint", **options: t.Any) -> None:
        """Nest ``blueprint`` in this one: its endpoints become
        ``"this.child.endpoint"`` and its URL prefix follows this one's.
        ``options`` override the child's own, as for ``Flask.register_blueprint``."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        if any(nested is self for nested in blueprint._descendants()):
            raise ValueError(
                f"Cannot register the blueprint '{blueprint.name}' on '{self.name}':"
                f" '{self.name}' is already nested inside '{blueprint.name}'."
            )
        self._blueprints.append((blueprint, options))

    def _descendants(self) -> t.Iterator["Blueprint"]:
        for child, _ in self._blueprints:
            yield child
            yield from child._descendants()

    # -- registration on an app ----------------------------------------------------

    def register(self, app: "Flask", options: t.Dict[str, t.Any]) -> None:
        """Replay the blueprint onto ``app`` (``Flask.register_blueprint`` calls this):
        add its static route and recorded rules, merge its hooks and error
        handlers under its dotted name, add its commands, then register the
        blueprints nested in it."""
        own_name = options.get("name", self.name)
        _check_name(own_name, "name=")
        name = f"{options.get('name_prefix', '')}.{own_name}".lstrip(".")
        if name in app.blueprints:
            which = "this" if app.blueprints[name] is self else "a different"
            where = f" '{name}'" if own_name != name else ""
            raise ValueError(
                f"The name '{own_name}' is already registered for {which} blueprint{where}."
                " Use 'name=' to provide a unique name."
            )
        first_registration = not any(registered is self for registered in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>", view_func=self.send_static_file, endpoint="static"
            )
        self._merge_into(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_commands(app, name, options)
        for child, child_options in self._blueprints:
            child.register(app, _nested_options(child, child_options, state, name))

    def _merge_into(self, app: "Flask", name: str) -> None:
        """Copy the hooks, error handlers and endpoint views into the app's
        registries, keyed by the blueprint's dotted name."""
        for registry in _HOOK_REGISTRIES:
            app_funcs = getattr(app, registry)
            for key, funcs in getattr(self, registry).items():
                if funcs:  # an empty list would make the app look hooked
                    app_funcs[_scoped(name, key)].extend(funcs)
        for key, handlers_by_code in self.error_handler_spec.items():
            app.error_handler_spec[_scoped(name, key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in handlers_by_code.items()}
            )
        for endpoint, view_func in self.view_functions.items():
            app.view_functions[f"{name}.{endpoint}"] = view_func

    def _register_commands(self, app: "Flask", name: str, options: t.Dict[str, t.Any]) -> None:
        """Add ``bp.cli``'s commands to the app: as the group ``cli_group``
        (the blueprint's name by default), or directly when it is None."""
        cli_group = options.get("cli_group", self.cli_group)
        if "cli" in vars(self) and self.cli.commands:
            if cli_group is None:
                app.cli.commands.update(self.cli.commands)
            else:
                self.cli.name = name if cli_group is _sentinel else cli_group
                app.cli.add_command(self.cli)

    # -- routes ------------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: t.Optional[str] = None,
        view_func: t.Optional[t.Callable[..., t.Any]] = None,
        provide_automatic_options: t.Optional[bool] = None,
        **options: t.Any,
    ) -> None:
        """Record a rule, added to the app under the blueprint's URL prefix and
        with the endpoint ``"blueprint.endpoint"`` when registered."""
        if endpoint and "." in endpoint:
            raise ValueError(f"'endpoint' may not contain a dot '.' character: {endpoint!r}.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError(f"'view_func' name may not contain a dot '.' character: {view_func.__name__!r}.")
        self.deferred_functions.append(
            lambda state: state.add_url_rule(
                rule, endpoint, view_func, provide_automatic_options=provide_automatic_options, **options
            )
        )

    # -- hooks for every request of the app ----------------------------------------

    @setupmethod
    def before_app_request(self, f: _F) -> _F:
        """Like ``before_request``, for every request of the app."""
        self._record_once(lambda state: state.app.before_request_funcs[None].append(f))
        return f

    @setupmethod
    def before_app_first_request(self, f: _F) -> _F:
        """Deprecated (as in Flask 2.2): run ``f()`` once, before the app's first request."""
        warnings.warn(
            "'before_app_first_request' is deprecated and will be removed in Flask"
            " 2.3. Use 'record_once' instead to run setup code when registering the"
            " blueprint.",
            DeprecationWarning,
            stacklevel=3,
        )
        self._record_once(lambda state: state.app.before_first_request_funcs.append(f))
        return f

    @setupmethod
    def after_app_request(self, f: _F) -> _F:
        """Like ``after_request``, for every request of the app."""
        self._record_once(lambda state: state.app.after_request_funcs[None].append(f))
        return f

    @setupmethod
    def teardown_app_request(self, f: _F) -> _F:
        """Like ``teardown_request``, for every request of the app."""
        self._record_once(lambda state: state.app.teardown_request_funcs[None].append(f))
        return f

    @setupmethod
    def app_context_processor(self, f: _F) -> _F:
        """Like ``context_processor``, for templates rendered by any view."""
        self._record_once(lambda state: state.app.template_context_processors[None].append(f))
        return f

    @setupmethod
    def app_errorhandler(self, code: t.Union[t.Type[Exception], int]) -> t.Callable[[_F], _F]:
        """Like ``errorhandler``, for errors of every request of the app."""

        self._get_exc_class_and_code(code)  # a wrong code fails here, not at registration

        def decorator(f: _F) -> _F:
            self._record_once(lambda state: state.app.register_error_handler(code, f))
            return f

        return decorator

    @setupmethod
    def app_url_value_preprocessor(self, f: _F) -> _F:
        """Like ``url_value_preprocessor``, for every request of the app."""
        self._record_once(lambda state: state.app.url_value_preprocessors[None].append(f))
        return f

    @setupmethod
    def app_url_defaults(self, f: _F) -> _F:
        """Like ``url_defaults``, for every URL the app builds."""
        self._record_once(lambda state: state.app.url_default_functions[None].append(f))
        return f

    # -- template filters, tests and globals for the whole app ---------------------

    @setupmethod
    def app_template_filter(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as a template filter of the app."""
        _refuse_bare_decorator("app_template_filter", name, owner="bp")

        def decorator(f: _F) -> _F:
            self.add_app_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_filter(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Register ``f`` as the app's template filter ``name`` (default: its name)."""
        self._record_once(lambda state: state.app.add_template_filter(f, name=name))

    @setupmethod
    def app_template_test(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Register the decorated function as a template test of the app."""
        _refuse_bare_decorator("app_template_test", name, owner="bp")

        def decorator(f: _F) -> _F:
            self.add_app_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_test(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Register ``f`` as the app's template test ``name`` (default: its name)."""
        self._record_once(lambda state: state.app.add_template_test(f, name=name))

    @setupmethod
    def app_template_global(self, name: t.Optional[str] = None) -> t.Callable[[_F], _F]:
        """Make the decorated function a global of every template of the app."""
        _refuse_bare_decorator("app_template_global", name, owner="bp")

        def decorator(f: _F) -> _F:
            self.add_app_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_global(self, f: t.Callable[..., t.Any], name: t.Optional[str] = None) -> None:
        """Make ``f`` a global of every template of the app, as ``name`` (default: its name)."""
        self._record_once(lambda state: state.app.add_template_global(f, name=name))


def _check_name(name: t.Any, argument: str) -> None:
    """Blueprint names become the first part of dotted endpoint names."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"'{argument}' must be a non-empty string, not {name!r}.")
    if "." in name:
        raise ValueError(f"'{argument}' may not contain a dot '.' character: {name!r}.")


def _scoped(name: str, key: t.Optional[str]) -> str:
    """A blueprint registry key (None: the blueprint itself) as an app registry key."""
    return name if key is None else f"{name}.{key}"


def _nested_options(
    child: Blueprint, options: t.Dict[str, t.Any], parent: BlueprintSetupState, parent_name: str
) -> t.Dict[str, t.Any]:
    """The options a nested blueprint is registered with: its own, with the
    URL prefix appended to the parent's, the subdomain prefixed to the
    parent's, and the parent's dotted name as the name prefix."""
    options = dict(options)
    url_prefix = options.get("url_prefix")
    if url_prefix is None:
        url_prefix = child.url_prefix
    if parent.url_prefix is not None and url_prefix is not None:
        url_prefix = f"{parent.url_prefix.rstrip('/')}/{url_prefix.lstrip('/')}"
    elif parent.url_prefix is not None:
        url_prefix = parent.url_prefix
    options["url_prefix"] = url_prefix
    subdomain = options.get("subdomain")
    if subdomain is None:
        subdomain = child.subdomain
    if parent.subdomain is not None and subdomain is not None:
        subdomain = f"{subdomain}.{parent.subdomain}"
    elif parent.subdomain is not None:
        subdomain = parent.subdomain
    options["subdomain"] = subdomain
    options["name_prefix"] = parent_name
    return options

