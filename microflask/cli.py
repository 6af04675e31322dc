"""The ``microflask`` command line (Flask's ``flask.cli``): finds the app, then
runs ``run``, ``routes``, ``shell`` or one of the app's own commands.

It sits before any request: it imports the app (``--app``, ``FLASK_APP``, or
``wsgi.py``/``app.py``) and hands it to the development server or to a command.
Commands come from ``microflask.commands`` (click's role), ``.env`` files from
``microflask.dotenv`` (python-dotenv's). No adhoc certificates.
"""
from __future__ import annotations

import argparse
import ast
import functools
import inspect
import os
import re
import sys
import typing as t

from . import __version__
from .app import Flask
from .commands import Command, Group, Invocation, UsageError, current_invocation
from .dotenv import load_dotenv
from .globals import current_app
from .helpers import get_debug_flag, get_load_dotenv

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


class NoAppException(UsageError):
    """The application could not be found, imported or created."""


# -- finding the application ----------------------------------------------------------


def find_best_app(module: t.Any) -> Flask:
    """The app in ``module``: ``app``/``application``, the only ``Flask``
    instance, or what a ``create_app``/``make_app`` factory returns."""
    for attr_name in ("app", "application"):
        app = getattr(module, attr_name, None)
        if isinstance(app, Flask):
            return app

    matches = [value for value in vars(module).values() if isinstance(value, Flask)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NoAppException(
            f"Detected multiple Flask applications in module {module.__name__!r}."
            f" Use '{module.__name__}:name' to specify the correct one."
        )

    for attr_name in ("create_app", "make_app"):
        factory = getattr(module, attr_name, None)
        if inspect.isfunction(factory):
            try:
                app = factory()
            except TypeError as error:
                if not _called_with_wrong_args(factory, error):
                    raise
                raise NoAppException(
                    f"Detected factory {attr_name!r} in module {module.__name__!r}, but could not call it"
                    f" without arguments. Use '{module.__name__}:{attr_name}(args)' to specify arguments."
                ) from error
            if isinstance(app, Flask):
                return app

    raise NoAppException(
        f"Failed to find Flask application or factory in module {module.__name__!r}."
        f" Use '{module.__name__}:name' to specify one."
    )


def _called_with_wrong_args(function: t.Callable[..., t.Any], error: TypeError) -> bool:
    """Whether ``error`` came from calling ``function`` (bad arguments) rather
    than from inside its body, judged by whether its frame is in the traceback."""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is function.__code__:  # type: ignore[attr-defined]
            return False
        tb = tb.tb_next
    return True


def find_app_by_string(module: t.Any, app_name: str) -> Flask:
    """The app named by ``app_name`` in ``module``: an attribute (``app``) or a
    factory call with literal arguments (``create_app('dev', debug=True)``)."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.") from None

    if isinstance(expr, ast.Name):
        name, args, kwargs = expr.id, [], {}
    elif isinstance(expr, ast.Call):
        if not isinstance(expr.func, ast.Name):
            raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
        name = expr.func.id
        try:
            # literal_eval: the arguments are data, never code to run.
            args = [ast.literal_eval(arg) for arg in expr.args]
            kwargs = {keyword.arg: ast.literal_eval(keyword.value) for keyword in expr.keywords}
        except ValueError:
            raise NoAppException(f"Failed to parse arguments as literal values: {app_name!r}.") from None
        if None in kwargs:  # a ``**mapping`` argument
            raise NoAppException(f"Failed to parse arguments as literal values: {app_name!r}.")
    else:
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")

    try:
        attr = getattr(module, name)
    except AttributeError as error:
        raise NoAppException(f"Failed to find attribute {name!r} in {module.__name__!r}.") from error

    if inspect.isfunction(attr):
        try:
            app = attr(*args, **kwargs)
        except TypeError as error:
            if not _called_with_wrong_args(attr, error):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r}"
                " could not be called with the specified arguments."
            ) from error
    else:
        app = attr

    if isinstance(app, Flask):
        return app
    raise NoAppException(f"A valid Flask application was not obtained from '{module.__name__}:{app_name}'.")


def prepare_import(path: str) -> str:
    """The module name to import for ``path`` (a file, a package folder or a
    dotted name), after putting the folder it is importable from on ``sys.path``."""
    path = os.path.realpath(path)
    stem, extension = os.path.splitext(path)
    if extension == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    # Climb while the folder is a package: "src/pkg/mod.py" -> "pkg.mod" from "src".
    names = []
    while True:
        path, name = os.path.split(path)
        names.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break

    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(names))


def locate_app(module_name: str, app_name: t.Optional[str], raise_if_not_found: bool = True) -> t.Optional[Flask]:
    """Import ``module_name`` and find the app in it (by ``app_name`` if given)."""
    try:
        __import__(module_name)
    except ImportError as error:
        # A traceback deeper than this frame: the module exists, but something
        # it imports does not. That is the user's bug to see, not "not found".
        if error.__traceback__ is not None and error.__traceback__.tb_next is not None:
            import traceback  # only to show this error

            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:\n\n{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


class ScriptInfo:
    """What a command needs to find the app: the import path or a factory.

    ``load_app()`` loads it once; ``data`` is free for commands to share values.
    """

    def __init__(
        self,
        app_import_path: t.Optional[str] = None,
        create_app: t.Optional[t.Callable[..., Flask]] = None,
        set_debug_flag: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.set_debug_flag = set_debug_flag
        self.data: t.Dict[t.Any, t.Any] = {}
        self._loaded_app: t.Optional[Flask] = None

    def load_app(self) -> Flask:
        """The app (loaded on the first call); ``NoAppException`` says what was tried."""
        if self._loaded_app is not None:
            return self._loaded_app

        app: t.Optional[Flask] = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            # "C:\\app.py" is a path, not module "C" and attribute "\\app.py".
            path, name = (re.split(r":(?![\\/])", self.app_import_path, maxsplit=1) + [None])[:2]  # type: ignore[list-item]
            app = locate_app(prepare_import(path), name)
        else:
            for path in ("wsgi.py", "app.py"):
                app = locate_app(prepare_import(path), None, raise_if_not_found=False)
                if app is not None:
                    break

        if app is None:
            raise NoAppException(
                "Could not locate a Flask application. Use the 'microflask --app' option,"
                " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the current directory."
            )
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


# -- the invocation in progress -------------------------------------------------------


def _script_info() -> ScriptInfo:
    """The ScriptInfo of the command line being run: the invocation's ``obj``
    (made on first use if ``main()`` was given none, as click's ``ensure_object``)."""
    invocation = current_invocation()
    if invocation is None:
        raise RuntimeError(
            "There is no command line invocation in progress: a command decorated with"
            " 'with_appcontext' or 'pass_script_info' must be run through the command line"
            " (or 'app.test_cli_runner().invoke()'), not called directly."
        )
    if invocation.obj is None:
        invocation.obj = ScriptInfo()
    return invocation.obj  # type: ignore[no-any-return]


def pass_script_info(f: _F) -> _F:
    """Call the command with the ``ScriptInfo`` as its first argument."""

    @functools.wraps(f)
    def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return f(_script_info(), *args, **kwargs)

    # The first parameter is ours to fill: it is not a command line argument.
    signature = inspect.signature(f)
    decorator.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return t.cast(_F, decorator)


def with_appcontext(f: _F) -> _F:
    """Run the command inside the loaded app's application context."""

    @functools.wraps(f)
    def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with _script_info().load_app().app_context():
            return f(*args, **kwargs)

    return t.cast(_F, decorator)


# -- groups whose commands run in the app's context -----------------------------------


class AppGroup(Group):
    """A group whose commands run in the app's context by default.

    ``@app.cli.command()`` wraps the function with ``with_appcontext`` unless
    given ``with_appcontext=False``; ``group()`` makes nested ``AppGroup``s.
    """

    def command(self, name: t.Any = None, **kwargs: t.Any) -> t.Any:
        if callable(name):
            return self.command()(name)
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> Command:
            return Group.command(self, name, **kwargs)(with_appcontext(f) if wrap else f)  # type: ignore[no-any-return]

        return decorator


# -- the root: microflask [OPTIONS] COMMAND -------------------------------------------


class FlaskGroup(AppGroup):
    """The ``microflask`` command: the built-in ``run``, ``routes`` and ``shell``
    plus the commands of the app (``app.cli``, blueprints' included).

    Before parsing, ``.env`` and ``.flaskenv`` are loaded (unless
    ``load_dotenv=False`` or ``FLASK_SKIP_DOTENV=1``). ``create_app`` replaces
    app discovery with a factory.
    """

    group_class = AppGroup

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Optional[t.Callable[..., Flask]] = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        extra.setdefault("help", _ROOT_HELP)
        super().__init__(**extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self.add_version_option = add_version_option
        if add_default_commands:
            for cmd in (run_command, shell_command, routes_command):
                self.add_command(cmd)

    def _invoke_root(self, prog: str, args: t.List[str], invocation: Invocation) -> t.Any:
        if get_load_dotenv(self.load_dotenv):
            load_dotenv()
        namespace = self.make_parser(prog).parse_args(args)
        if namespace.env_file is not None:
            if not os.path.isfile(namespace.env_file):
                raise UsageError(f"Invalid value for '-e' / '--env-file': File {namespace.env_file!r} does not exist.")
            load_dotenv(namespace.env_file)
        if invocation.obj is None:
            invocation.obj = ScriptInfo(create_app=self.create_app, set_debug_flag=self.set_debug_flag)
        info = invocation.obj
        app_path = namespace.app or os.environ.get("FLASK_APP")
        if app_path:
            info.app_import_path = app_path
        if namespace.debug is not None:
            os.environ["FLASK_DEBUG"] = "1" if namespace.debug else "0"
        # Tells app.run() in the app's module not to start a second server.
        os.environ["FLASK_RUN_FROM_CLI"] = "true"
        if namespace.version:
            _print_version()
            return None
        # As click's auto_envvar_prefix: FLASK_RUN_PORT is the default of `run --port`.
        return self._dispatch(prog, namespace, "FLASK")

    def invoke(self, prog: str, args: t.List[str], env_prefix: t.Optional[str]) -> t.Any:
        raise TypeError("A FlaskGroup is the root command: run it with main(), not inside another group.")

    def _add_options(self, parser: argparse.ArgumentParser, options: t.Any) -> None:
        options.add_argument(
            "-e", "--env-file", metavar="FILE",
            help="Load environment variables from this file, below the real environment, '.env' and '.flaskenv'.",
        )
        options.add_argument(
            "-A", "--app", metavar="IMPORT",
            help="The application or factory to load, as 'module:name'. The module may be a dotted import"
            " or a file path. The name may be left out if it is 'app', 'application', 'create_app' or"
            " 'make_app', and may be 'name(args)' to pass literal arguments. Default: $FLASK_APP.",
        )
        options.add_argument("--debug", dest="debug", action="store_true", default=None, help="Set debug mode (off: --no-debug).")
        options.add_argument("--no-debug", dest="debug", action="store_false", help=argparse.SUPPRESS)
        if self.add_version_option:
            options.add_argument("--version", action="store_true", help="Show the Python and microflask versions.")
        else:
            parser.set_defaults(version=False)

    def _loaded_app_cli(self) -> t.Optional[Group]:
        """The app's own commands, or None (after saying why) if it does not load."""
        try:
            return _script_info().load_app().cli  # type: ignore[attr-defined,no-any-return]
        except NoAppException as error:
            sys.stderr.write(f"Error: {error.message}\n\n")
            return None

    def get_command(self, name: str) -> "t.Optional[t.Union[Command, Group]]":
        builtin = super().get_command(name)
        if builtin is not None:
            return builtin
        app_cli = self._loaded_app_cli()
        return app_cli.get_command(name) if app_cli is not None else None

    def list_commands(self) -> t.List[str]:
        names = set(super().list_commands())
        app_cli = self._loaded_app_cli()
        if app_cli is not None:
            names.update(app_cli.list_commands())
        return sorted(names)


_ROOT_HELP = """A general utility script for microflask applications.

The application to load is given with the '--app' option, the 'FLASK_APP'
environment variable, or a 'wsgi.py' or 'app.py' file in the current directory."""


def _print_version() -> None:
    import platform  # only for --version

    print(f"Python {platform.python_version()}\nmicroflask {__version__}")



# -- the built-in commands ------------------------------------------------------------


@pass_script_info
def _run(
    info: ScriptInfo,
    host: str = "127.0.0.1",
    port: int = 5000,
    debug: t.Optional[bool] = None,
    reload: t.Optional[bool] = None,
    debugger: t.Optional[bool] = None,
    with_threads: bool = True,
    cert: t.Optional[str] = None,
    key: t.Optional[str] = None,
    extra_files: t.Optional[str] = None,
    exclude_patterns: t.Optional[str] = None,
) -> None:
    """Run a local development server.

    This server is for development only. It restarts when the code changes
    with --reload, and shows tracebacks in the browser with --debugger; both
    are on in debug mode.

    :param host: The interface to bind to.
    :param port: The port to bind to.
    :param debug: Set debug mode (FLASK_DEBUG).
    :param reload: Restart the server when a source file changes. Default: debug mode.
    :param debugger: Show tracebacks in the browser. Default: debug mode.
    :param with_threads: Handle each request in its own thread.
    :param cert: A certificate file (PEM) to serve HTTPS with.
    :param key: The private key file for --cert.
    :param extra_files: More files the reloader watches, separated by the OS path separator.
    :param exclude_patterns: Glob patterns of files the reloader ignores, separated by the OS path separator.
    """
    from .toolkit import serving  # the development server: only run needs it

    ssl_context = _ssl_context(cert, key)
    if debug is not None:
        os.environ["FLASK_DEBUG"] = "1" if debug else "0"
    app = _load_app_for_server(info)
    debug = get_debug_flag()
    if not serving.is_running_from_reloader():  # the reloader's child would repeat it
        if info.app_import_path is not None:
            print(f" * Serving microflask app '{info.app_import_path}'")
        print(f" * Debug mode: {'on' if debug else 'off'}")
    serving.run_simple(
        host, port, app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        extra_files=_split_paths(extra_files),
        exclude_patterns=_split_paths(exclude_patterns),
        ssl_context=ssl_context,
    )


def _load_app_for_server(info: ScriptInfo) -> t.Callable[..., t.Any]:
    """The app; in the reloader's child, an app that fails to load becomes one
    that raises the error, so that fixing the file reloads instead of exiting."""
    from .toolkit.serving import is_running_from_reloader  # the development server: only run needs it

    try:
        return info.load_app()
    except Exception as error:
        if not is_running_from_reloader():
            raise
        import traceback  # only to show this error

        traceback.print_exc()
        failure = error  # ``error`` itself is unbound when the except block ends

        def failed_app(environ: t.Any, start_response: t.Any) -> t.Any:
            raise failure from None

        return failed_app


def _split_paths(value: t.Optional[str]) -> t.Optional[t.List[str]]:
    if not value:
        return None
    return [path for path in value.split(os.pathsep) if path]


def _ssl_context(cert: t.Optional[str], key: t.Optional[str]) -> t.Any:
    """An ``ssl.SSLContext`` for ``--cert``/``--key`` files, or None for plain HTTP."""
    if cert is None:
        if key is not None:
            raise UsageError("Invalid value for '--key': '--cert' must also be specified.")
        return None
    if cert == "adhoc":
        raise UsageError(
            "Invalid value for '--cert': adhoc certificates are not supported (they need a third-party"
            " library). Create a certificate and key, e.g. with openssl, and pass '--cert' and '--key'."
        )
    for option, path in (("--cert", cert), ("--key", key)):
        if path is not None and not os.path.isfile(path):
            raise UsageError(f"Invalid value for '{option}': File {path!r} does not exist.")
    if key is None:
        raise UsageError("Invalid value for '--key': required when using '--cert'.")
    from .toolkit.serving import load_ssl_context  # the development server: only run needs it

    try:
        return load_ssl_context(cert, key)
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


@with_appcontext
def _routes(sort: t.Literal["endpoint", "methods", "rule", "match"] = "endpoint", all_methods: bool = False) -> None:
    """Show all registered routes with endpoints and methods.

    :param sort: The order of the routes; 'match' is the order in which they are tried.
    :param all_methods: Show HEAD and OPTIONS methods too.
    """
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        print("No routes were registered.")
        return
    if sort in ("endpoint", "rule"):
        rules.sort(key=lambda rule: getattr(rule, sort))
    elif sort == "methods":
        rules.sort(key=lambda rule: sorted(rule.methods or ()))
    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    methods = [", ".join(sorted(set(rule.methods or ()) - ignored)) for rule in rules]
    rows = [(rule.endpoint, method_list, rule.rule) for rule, method_list in zip(rules, methods)]
    headers = ("Endpoint", "Methods", "Rule")
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(3)]

    def line(cells: t.Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    print(line(headers))
    print(line(["-" * width for width in widths]))
    for row in rows:
        print(line(row))


@with_appcontext
def _shell() -> None:
    """Run an interactive Python shell in the context of the app.

    The app context is pushed; the namespace holds 'app', 'g' and the names
    the app's shell context processors return. PYTHONSTARTUP is run first.
    """
    import code  # only the shell needs it

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = f"Python {sys.version} on {sys.platform}\nApp: {app.import_name}\nInstance: {app.instance_path}"
    namespace: t.Dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        # What the plain interpreter does with the user's own startup file.
        with open(startup, encoding="utf-8") as file:
            exec(compile(file.read(), startup, "exec"), namespace)  # noqa: S102
    namespace.update(app.make_shell_context())
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None and sys.stdin.isatty():  # readline, completion, history
        hook()
        _complete_from(namespace)
    code.interact(banner=banner, local=namespace)


def _complete_from(namespace: t.Dict[str, t.Any]) -> None:
    try:
        import readline  # optional: not every platform has it
        from rlcompleter import Completer  # only useful with readline
    except ImportError:
        return
    readline.set_completer(Completer(namespace).complete)


run_command = Command(
    "run", _run, flags={"host": ("-h", "--host"), "port": ("-p", "--port"), "with_threads": ("--with-threads/--without-threads",)}
)
routes_command = Command("routes", _routes, flags={"sort": ("-s", "--sort")})
shell_command = Command("shell", _shell)


#: The ``microflask`` command (``python -m microflask``).
cli = FlaskGroup(name="microflask")


def main() -> None:
    """The console script's entry point."""
    cli.main()