"""The ``microflask`` command line: finds the app, then runs ``run``, ``routes``,
``shell`` or one of the app's own commands.

It sits before any request: it imports the app (``--app``, ``FLASK_APP``, or
``wsgi.py``/``app.py``) and hands it to the development server or to a command.
Built on ``argparse`` instead of click: a command's arguments and options are
read from its function's signature and type hints. No shell completion, no
adhoc certificates, no click decorators.
"""
from __future__ import annotations

import argparse
import ast
import contextvars
import functools
import inspect
import os
import re
import sys
import typing as t

from .app import Flask
from .helpers import get_debug_flag, get_load_dotenv

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


# -- errors ---------------------------------------------------------------------


class CliError(Exception):
    """A failure the command line reports as ``Error: <message>``, exiting with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str, usage: t.Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        #: The usage line and help hint of the command that was misused, if known.
        self.usage = usage

    def show(self) -> None:
        if self.usage:
            sys.stderr.write(self.usage + "\n")
        sys.stderr.write(f"Error: {self.message}\n")


class UsageError(CliError):
    """The command line was wrong: an unknown command, a bad option, a missing argument."""

    exit_code = 2


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
            import traceback

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


# The ScriptInfo of the command line being run, for ``with_appcontext`` and ``pass_script_info``.
_current_info: "contextvars.ContextVar[ScriptInfo]" = contextvars.ContextVar("microflask.cli.script_info")


def _script_info() -> ScriptInfo:
    try:
        return _current_info.get()
    except LookupError:
        raise RuntimeError(
            "There is no command line invocation in progress: a command decorated with"
            " 'with_appcontext' or 'pass_script_info' must be run through the command line"
            " (or 'app.test_cli_runner().invoke()'), not called directly."
        ) from None


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


# -- commands built from function signatures ------------------------------------------


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: t.Any, actions: t.Any, groups: t.Any, prefix: t.Optional[str] = None) -> None:
        super().add_usage(usage, actions, groups, "Usage: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises ``UsageError`` instead of exiting on bad input."""

    def error(self, message: str) -> t.NoReturn:  # type: ignore[override]
        raise UsageError(message, usage=f"{self.format_usage().rstrip()}\nTry '{self.prog} --help' for help.\n")


def _new_parser(prog: str, description: t.Optional[str]) -> "t.Tuple[_Parser, t.Any, t.Any]":
    """A parser with click's look: "Usage:", an "Arguments" and an "Options" section, ``--help`` only
    (``-h`` stays free: ``run -h`` is the host)."""
    parser = _Parser(
        prog=prog, description=description, formatter_class=_HelpFormatter, add_help=False, allow_abbrev=False
    )
    arguments = parser.add_argument_group("Arguments")
    options = parser.add_argument_group("Options")
    return parser, arguments, options


def _add_help_option(options: t.Any) -> None:
    options.add_argument("--help", action="help", help="Show this message and exit.")


def boolean(value: str) -> bool:
    """A command line word as a bool: 1/true/yes/on/y/t or 0/false/no/off/n/f."""
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on", "y", "t"}:
        return True
    if word in {"0", "false", "no", "off", "n", "f", ""}:
        return False
    raise ValueError(f"{value!r} is not a valid boolean")


class _ParamSpec(t.NamedTuple):
    """How one function parameter is read from the command line."""

    name: str
    kind: t.Any  # inspect.Parameter kind
    converter: t.Callable[[str], t.Any]
    choices: t.Optional[t.Tuple[t.Any, ...]]
    many: bool  # a list, or *args
    is_bool: bool
    default: t.Any  # inspect.Parameter.empty when required
    flags: t.Tuple[str, ...]
    help: t.Optional[str]

    @property
    def is_argument(self) -> bool:
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        return self.kind is inspect.Parameter.VAR_POSITIONAL or (
            self.kind in positional and self.default is inspect.Parameter.empty
        )


_NONE_TYPE = type(None)


def _read_hint(hint: t.Any, default: t.Any, where: str) -> "t.Tuple[t.Callable[[str], t.Any], t.Optional[tuple], bool]":
    """(converter, choices, many) for a type hint; without a hint, the default's type."""
    if hint is inspect.Parameter.empty:
        hint = str if default in (inspect.Parameter.empty, None) else type(default)
    origin, args = t.get_origin(hint), t.get_args(hint)
    if origin is t.Union or type(hint).__name__ == "UnionType":  # Optional[X], X | None
        others = [arg for arg in args if arg is not _NONE_TYPE]
        if len(others) != 1:
            raise TypeError(f"{where}: the type {hint!r} is a union of several types; use a single type.")
        return _read_hint(others[0], default, where)
    if origin is t.Literal:
        return type(args[0]), args, False
    if origin in (list, tuple, set, frozenset) or (origin is not None and getattr(origin, "__name__", "") == "Sequence"):
        item = args[0] if args else str
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise TypeError(f"{where}: only variable-length tuples such as Tuple[int, ...] can be read from the command line.")
        converter, choices, _ = _read_hint(item, inspect.Parameter.empty, where)
        return converter, choices, True
    if hint is bool:
        return boolean, None, False
    if origin is None and callable(hint):
        return hint, None, False
    raise TypeError(f"{where}: cannot read a value of type {hint!r} from the command line.")


def _docstring_parts(doc: t.Optional[str]) -> "t.Tuple[t.Optional[str], t.Dict[str, str]]":
    """A docstring split into the description and the ``:param name: help`` lines."""
    if not doc:
        return None, {}
    description: t.List[str] = []
    params: t.Dict[str, str] = {}
    current: t.Optional[str] = None
    for line in inspect.cleandoc(doc).splitlines():
        match = re.match(r":param\s+(\w+):\s*(.*)", line)
        if match:
            current = match.group(1)
            params[current] = match.group(2)
        elif current is not None and line.startswith((" ", "\t")):
            params[current] += " " + line.strip()
        else:
            current = None
            description.append(line)
    return "\n".join(description).strip() or None, params


def _unwrapped(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """``func`` without the ``functools.wraps`` layers (``with_appcontext``'s)."""
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__  # type: ignore[attr-defined]
    return func


class Command:
    """A command: a function whose parameters are its arguments and options.

    Parameters without a default are positional arguments, the others are
    ``--options`` (underscores become dashes); ``bool`` ones are flags, with a
    ``--no-...`` twin when they default to true. Type hints convert the
    words (``int``, ``float``, ``Path``, ``Optional[...]``, ``List[...]``,
    ``Literal[...]`` for choices). The docstring is the help, and its
    ``:param name: text`` lines describe the parameters. ``flags`` renames
    options: ``{"port": ("-p", "--port"), "color": ("--color/--plain",)}``.
    """

    def __init__(
        self,
        name: t.Optional[str],
        callback: t.Callable[..., t.Any],
        help: t.Optional[str] = None,  # noqa: A002 - click's name for it
        short_help: t.Optional[str] = None,
        flags: t.Optional[t.Mapping[str, t.Sequence[str]]] = None,
    ) -> None:
        if hasattr(_unwrapped(callback), "__click_params__"):
            raise TypeError(
                f"The command {callback.__name__!r} has click decorators (@click.argument,"
                " @click.option), which microflask does not read: its arguments and options come"
                " from the function's signature and type hints (see docs/cli.md)."
            )
        self.name = name or _command_name(callback)
        self.callback = callback
        description, self._param_help = _docstring_parts(help if help is not None else inspect.getdoc(callback))
        self.help = description
        self.short_help = short_help or _first_line(description)
        self._flags = dict(flags or {})
        self._specs: t.Optional[t.List[_ParamSpec]] = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def params(self) -> t.List[_ParamSpec]:
        """The parameters, read from the signature on first use (so hints may
        name classes defined after the command)."""
        if self._specs is None:
            self._specs = self._read_signature()
        return self._specs

    def _read_signature(self) -> t.List[_ParamSpec]:
        signature = inspect.signature(self.callback)
        hints = _type_hints(self.callback, self.name)
        unknown = set(self._flags) - set(signature.parameters)
        if unknown:
            raise TypeError(f"Command {self.name!r}: 'flags' names {sorted(unknown)}, which are not parameters of the function.")
        specs = []
        for param in signature.parameters.values():
            where = f"Command {self.name!r}, parameter {param.name!r}"
            if param.kind is inspect.Parameter.VAR_KEYWORD:
                raise TypeError(f"{where}: **{param.name} cannot be filled from the command line.")
            hint = hints.get(param.name, inspect.Parameter.empty)
            converter, choices, many = _read_hint(hint, param.default, where)
            is_bool = converter is boolean and not many
            option = param.name.replace("_", "-")
            default_flags = (f"--{option}/--no-{option}" if is_bool and param.default is not False else f"--{option}",)
            specs.append(
                _ParamSpec(
                    param.name, param.kind, converter, choices,
                    many or param.kind is inspect.Parameter.VAR_POSITIONAL, is_bool, param.default,
                    tuple(self._flags.get(param.name, default_flags)), self._param_help.get(param.name),
                )
            )
        return specs

    def make_parser(self, prog: str, env_prefix: t.Optional[str] = None) -> _Parser:
        """The argparse parser for this command; option defaults come from
        ``<env_prefix>_<OPTION>`` environment variables when a prefix is given."""
        parser, arguments, options = _new_parser(prog, self.help)
        for spec in self.params():
            if spec.is_argument:
                _add_argument(arguments, spec)
            else:
                env_name = f"{env_prefix}_{spec.name.upper()}" if env_prefix else None
                _add_option(options, spec, env_name)
        _add_help_option(options)
        return parser

    def invoke(self, prog: str, args: t.List[str], env_prefix: t.Optional[str]) -> t.Any:
        """Parse ``args`` and call the function with them; its return value."""
        namespace = vars(self.make_parser(prog, env_prefix).parse_args(args))
        positional: t.List[t.Any] = []
        keywords: t.Dict[str, t.Any] = {}
        for spec in self.params():
            value = namespace[spec.name]
            if spec.many and value is None:
                value = spec.default if spec.default is not inspect.Parameter.empty else []
            if spec.kind is inspect.Parameter.VAR_POSITIONAL:
                positional.extend(value)
            elif spec.kind is inspect.Parameter.KEYWORD_ONLY:
                keywords[spec.name] = value
            else:
                positional.append(value)
        return self.callback(*positional, **keywords)


def _type_hints(callback: t.Callable[..., t.Any], command: str) -> t.Dict[str, t.Any]:
    try:
        return t.get_type_hints(callback)
    except Exception as error:  # a string annotation this Python cannot evaluate
        raise TypeError(f"Command {command!r}: cannot evaluate the type hints of {callback.__name__!r}: {error}") from error


def _add_argument(group: t.Any, spec: _ParamSpec) -> None:
    if spec.kind is inspect.Parameter.VAR_POSITIONAL:
        nargs: t.Any = "*"
    else:
        nargs = "+" if spec.many else None
    group.add_argument(
        spec.name, metavar=spec.name.upper(), type=spec.converter, choices=spec.choices, nargs=nargs, help=spec.help
    )


def _add_option(group: t.Any, spec: _ParamSpec, env_name: t.Optional[str]) -> None:
    required = spec.default is inspect.Parameter.empty
    default = None if required else spec.default
    if env_name and env_name in os.environ:
        default = _from_environment(spec, env_name)
        required = False
    help_text = spec.help or ""
    if spec.is_bool:
        _add_flag(group, spec, False if default is None and required else default, help_text)
        return
    if default not in (None, False) and not spec.many:
        help_text = f"{help_text} [default: {default}]".strip()
    group.add_argument(
        *spec.flags, dest=spec.name, type=spec.converter, choices=spec.choices, required=required,
        default=None if spec.many else default, action="append" if spec.many else "store",
        metavar=spec.name.upper() if spec.choices is None else None, help=help_text or None,
    )


def _add_flag(group: t.Any, spec: _ParamSpec, default: t.Optional[bool], help_text: str) -> None:
    """A bool option: ``--flag``, or ``--flag/--no-flag`` (click's notation) for an on and an off switch."""
    on_flags: t.List[str] = []
    off_flags: t.List[str] = []
    for flag in spec.flags:
        on, _, off = flag.partition("/")
        on_flags.append(on)
        if off:
            off_flags.append(off)
    if off_flags:
        help_text = f"{help_text} (off: {', '.join(off_flags)})".strip()
    group.add_argument(*on_flags, dest=spec.name, action="store_true", default=default, help=help_text or None)
    if off_flags:
        group.add_argument(*off_flags, dest=spec.name, action="store_false", default=default, help=argparse.SUPPRESS)


def _from_environment(spec: _ParamSpec, env_name: str) -> t.Any:
    raw = os.environ[env_name]
    try:
        if spec.many:
            return [spec.converter(word) for word in raw.split()]
        value = spec.converter(raw)
    except (TypeError, ValueError) as error:
        raise UsageError(f"Invalid value for {env_name} ({raw!r}): {error}") from None
    if spec.choices is not None and value not in spec.choices:
        raise UsageError(f"Invalid value for {env_name} ({raw!r}): choose from {', '.join(map(str, spec.choices))}.")
    return value


def _command_name(callback: t.Callable[..., t.Any]) -> str:
    """``create_user`` -> ``create-user``, as click names commands."""
    return callback.__name__.lower().replace("_", "-")


def _env_name(prefix: str, command_name: str) -> str:
    return f"{prefix}_{command_name.upper().replace('-', '_')}"


def _first_line(text: t.Optional[str]) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", " ") if text else ""


# -- groups of commands ---------------------------------------------------------------


class Group:
    """A command made of named subcommands: ``group name [ARGS]...``.

    Its function (from ``group()``) runs before the subcommand and takes no
    arguments; its docstring is the group's help.
    """

    def __init__(
        self,
        name: t.Optional[str] = None,
        commands: t.Optional[t.Mapping[str, "t.Union[Command, Group]"]] = None,
        help: t.Optional[str] = None,  # noqa: A002 - click's name for it
        callback: t.Optional[t.Callable[[], t.Any]] = None,
    ) -> None:
        self.name = name
        self.commands: t.Dict[str, t.Union[Command, Group]] = dict(commands or {})
        self.callback = callback
        self.help = help if help is not None else (inspect.getdoc(callback) if callback else None)
        self.short_help = _first_line(self.help)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def add_command(self, cmd: "t.Union[Command, Group]", name: t.Optional[str] = None) -> None:
        """Register ``cmd`` under ``name`` (default: its own name)."""
        if not isinstance(cmd, (Command, Group)):
            raise TypeError(
                f"add_command() takes a microflask.cli Command or Group, not {type(cmd).__name__!r}"
                " (click commands are not supported: write the command as a function and use .command())."
            )
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self.commands[name] = cmd

    def command(self, name: t.Any = None, **kwargs: t.Any) -> t.Any:
        """Decorator: ``@group.command()`` or ``@group.command("name", flags=...)``
        registers the function as a ``Command`` (keywords as ``Command``'s)."""
        if callable(name):  # a bare @group.command
            return self.command()(name)

        def decorator(f: t.Callable[..., t.Any]) -> Command:
            cmd = Command(name, f, **kwargs)
            self.add_command(cmd)
            return cmd

        return decorator

    def group(self, name: t.Any = None, cls: t.Optional[t.Type["Group"]] = None, **kwargs: t.Any) -> t.Any:
        """Decorator: registers the function as a nested group (of this group's class unless ``cls``)."""
        if callable(name):
            return self.group()(name)
        group_class = cls or (AppGroup if isinstance(self, FlaskGroup) else type(self))

        def decorator(f: t.Callable[[], t.Any]) -> Group:
            group = group_class(name or _command_name(f), callback=f, **kwargs)
            self.add_command(group)
            return group

        return decorator

    def get_command(self, name: str) -> "t.Optional[t.Union[Command, Group]]":
        return self.commands.get(name)

    def list_commands(self) -> t.List[str]:
        return sorted(self.commands)

    # -- running --

    def main(
        self,
        args: t.Optional[t.Sequence[str]] = None,
        prog_name: t.Optional[str] = None,
        obj: t.Optional[ScriptInfo] = None,
        standalone_mode: bool = True,
    ) -> t.Any:
        """Run the command line ``args`` (default: ``sys.argv[1:]``).

        Standalone (the default), errors are printed as ``Error: ...`` and end
        the process with their exit code. Otherwise the command's return value
        is returned and errors are raised.
        """
        args = list(sys.argv[1:] if args is None else args)
        prog = prog_name or _default_prog_name()
        if not standalone_mode:
            return self._run_root(prog, args, obj)
        try:
            self._run_root(prog, args, obj)
        except CliError as error:
            error.show()
            sys.exit(error.exit_code)
        except (KeyboardInterrupt, EOFError):
            sys.stderr.write("\nAborted!\n")
            sys.exit(1)
        return None

    __call__ = main

    def _run_root(self, prog: str, args: t.List[str], obj: t.Optional[ScriptInfo]) -> t.Any:
        token = _current_info.set(obj if obj is not None else ScriptInfo())
        try:
            return self.invoke(prog, args, None)
        finally:
            _current_info.reset(token)

    def invoke(self, prog: str, args: t.List[str], env_prefix: t.Optional[str]) -> t.Any:
        """Run the subcommand ``args[0]`` with the rest of ``args``."""
        namespace = self.make_parser(prog).parse_args(args)
        return self._dispatch(prog, namespace, env_prefix)

    def make_parser(self, prog: str) -> _Parser:
        parser, _, options = _new_parser(prog, self.help)
        _add_subcommand_arguments(parser, options)
        return parser

    def _dispatch(self, prog: str, namespace: argparse.Namespace, env_prefix: t.Optional[str]) -> t.Any:
        if namespace.help or namespace.command is None:
            self.print_help(prog)
            return None
        cmd = self.get_command(namespace.command)
        if cmd is None:
            raise UsageError(
                f"No such command {namespace.command!r}.",
                usage=f"{self.make_parser(prog).format_usage().rstrip()}\nTry '{prog} --help' for help.\n",
            )
        if self.callback is not None:
            self.callback()
        sub_prefix = _env_name(env_prefix, namespace.command) if env_prefix else None
        return cmd.invoke(f"{prog} {namespace.command}", namespace.args, sub_prefix)

    def print_help(self, prog: str) -> None:
        """The usage, description, options and the list of commands."""
        text = self.make_parser(prog).format_help().rstrip("\n")
        names = self.list_commands()
        if names:
            width = max(len(name) for name in names)
            lines = [f"  {name.ljust(width)}  {self._short_help(name)}".rstrip() for name in names]
            text += "\n\nCommands:\n" + "\n".join(lines)
        print(text)

    def _short_help(self, name: str) -> str:
        cmd = self.get_command(name)
        return cmd.short_help if cmd is not None else ""


def _add_subcommand_arguments(parser: _Parser, options: t.Any) -> None:
    # Not argparse's help action: a group's help also lists its commands.
    options.add_argument("--help", action="store_true", help="Show this message and exit.")
    parser.add_argument("command", nargs="?", metavar="COMMAND", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help=argparse.SUPPRESS)


def _default_prog_name() -> str:
    """The name the user typed: ``microflask``, or ``python -m pkg`` for ``python -m``."""
    program = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "microflask"
    if program == "__main__.py":
        package = os.path.basename(os.path.dirname(sys.argv[0]))
        return f"python -m {package}"
    return program


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

    def _run_root(self, prog: str, args: t.List[str], obj: t.Optional[ScriptInfo]) -> t.Any:
        if get_load_dotenv(self.load_dotenv):
            load_dotenv()
        namespace = self.make_parser(prog).parse_args(args)
        if namespace.env_file is not None:
            if not os.path.isfile(namespace.env_file):
                raise UsageError(f"Invalid value for '-e' / '--env-file': File {namespace.env_file!r} does not exist.")
            load_dotenv(namespace.env_file)
        info = obj if obj is not None else ScriptInfo(create_app=self.create_app, set_debug_flag=self.set_debug_flag)
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

        token = _current_info.set(info)
        try:
            # As click's auto_envvar_prefix: FLASK_RUN_PORT is the default of `run --port`.
            return self._dispatch(prog, namespace, "FLASK")
        finally:
            _current_info.reset(token)

    def invoke(self, prog: str, args: t.List[str], env_prefix: t.Optional[str]) -> t.Any:
        raise TypeError("A FlaskGroup is the root command: run it with main(), not inside another group.")

    def make_parser(self, prog: str) -> _Parser:
        parser, _, options = _new_parser(prog, self.help)
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
        _add_subcommand_arguments(parser, options)
        return parser

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
    import platform

    from . import __version__

    print(f"Python {platform.python_version()}\nmicroflask {__version__}")


# -- .env files ---------------------------------------------------------------------


_DOTENV_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*=[ \t]*")
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
# Where an unquoted value's inline comment starts (a "#" after whitespace).
_INLINE_COMMENT = re.compile(r"[ \t]#")
_LINE_END = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\n|$)")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_VARIABLE = re.compile(r"\$\{([A-Za-z_]\w*)(?::-([^}]*))?\}")


def load_dotenv(path: t.Optional[t.Union[str, "os.PathLike[str]"]] = None) -> bool:
    """Set environment variables from ``.env`` and ``.flaskenv`` (searched from
    the current folder upwards), or from the one file ``path``.

    Variables already set win, and ``.env`` wins over ``.flaskenv``. Returns
    whether a file was loaded.
    """
    if path is not None:
        if not os.path.isfile(path):
            return False
        _load_dotenv_file(os.fspath(path))
        return True
    loaded = False
    for name in (".env", ".flaskenv"):
        found = _find_upwards(name)
        if found is not None:
            _load_dotenv_file(found)
            loaded = True
    return loaded


def _find_upwards(name: str) -> t.Optional[str]:
    folder = os.getcwd()
    while True:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _load_dotenv_file(path: str) -> None:
    with open(path, encoding="utf-8") as file:
        text = file.read()
    for key, value in parse_dotenv(text, path):
        if "\x00" in value:
            import warnings

            warnings.warn(f"{path}: the value of {key} holds a NUL byte, which no environment variable can; skipped")
            continue
        os.environ.setdefault(key, value)


def parse_dotenv(text: str, source: str = "<string>") -> t.Iterator[t.Tuple[str, str]]:
    """The ``(key, value)`` pairs of a ``.env`` text, in order.

    ``KEY=value`` lines, optionally ``export KEY=value``; ``#`` comments;
    values 'single-quoted' (literal) or "double-quoted" (``\\n`` escapes, may
    span lines); ``${NAME}`` and ``${NAME:-default}`` expand from the
    environment unless single-quoted. A line that is none of these is skipped
    with a warning naming it.
    """
    position, line_number = 0, 1
    while position < len(text):
        start_line = line_number
        line_end = text.find("\n", position)
        line_end = len(text) if line_end == -1 else line_end
        line = text[position:line_end].strip()
        pair = None
        if line and not line.startswith("#"):
            pair, end = _parse_assignment(text, position)
            if pair is None:
                _warn_dotenv(source, start_line, line)
                end = line_end + 1
        else:
            end = line_end + 1
        line_number += text.count("\n", position, end)
        position = end
        if pair is not None:
            yield pair


def _parse_assignment(text: str, position: int) -> "t.Tuple[t.Optional[t.Tuple[str, str]], int]":
    """(``(key, value)`` or None if malformed, where the next statement starts)."""
    head = _DOTENV_KEY.match(text, position)
    if head is None:
        return None, position
    key, start = head.group(1), head.end()
    quote = text[start:start + 1]
    if quote == "'":
        value_match = _SINGLE_QUOTED.match(text, start)
    elif quote == '"':
        value_match = _DOUBLE_QUOTED.match(text, start)
    else:
        # Cut at the line's end, then at a comment: string searches, linear
        # whatever the line holds.
        line_end = text.find("\n", start)
        line_end = len(text) if line_end == -1 else line_end
        bare = text[start:line_end]
        comment = _INLINE_COMMENT.search(bare)
        if comment is not None:
            bare = bare[: comment.start()]
        return (key, _expand(bare.strip())), line_end + 1
    if value_match is None:
        return None, position
    rest = _LINE_END.match(text, value_match.end())
    if rest is None:
        return None, position
    value = value_match.group(1)
    if quote == '"':
        value = _expand(_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), value))
    return (key, value), rest.end()


def _expand(value: str) -> str:
    return _VARIABLE.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)


def _warn_dotenv(source: str, line_number: int, line: str) -> None:
    import warnings

    warnings.warn(f"{source}, line {line_number}: cannot parse {line!r}; expected KEY=value.", stacklevel=4)


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
    from .toolkit import serving

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
    from .toolkit.serving import is_running_from_reloader

    try:
        return info.load_app()
    except Exception as error:
        if not is_running_from_reloader():
            raise
        import traceback

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
    from .toolkit.serving import load_ssl_context

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
    from .globals import current_app

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
    import code

    from .globals import current_app

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
        import readline
        from rlcompleter import Completer
    except ImportError:
        return
    readline.set_completer(Completer(namespace).complete)


run_command = Command(
    "run", _run, flags={"host": ("-h", "--host"), "port": ("-p", "--port"), "with_threads": ("--with-threads/--without-threads",)}
)
routes_command = Command("routes", _routes, flags={"sort": ("-s", "--sort")})
shell_command = Command("shell", _shell)

# -- testing: the core of FlaskCliRunner ----------------------------------------------


class Result:
    """What an ``invoke()`` of the CLI runner produced."""

    def __init__(
        self,
        stdout: str,
        stderr: t.Optional[str],
        exit_code: int,
        exception: t.Optional[BaseException],
        exc_info: t.Optional[t.Tuple[t.Any, t.Any, t.Any]] = None,
        return_value: t.Any = None,
    ) -> None:
        self.stdout = stdout
        self._stderr = stderr
        self.exit_code = exit_code
        #: The uncaught exception, or the ``SystemExit`` of a non-zero exit; None on success.
        self.exception = exception
        self.exc_info = exc_info
        #: What the command's function returned.
        self.return_value = return_value

    @property
    def output(self) -> str:
        """What the command printed (stdout, with stderr mixed in unless the runner separates them)."""
        return self.stdout

    @property
    def stderr(self) -> str:
        if self._stderr is None:
            raise ValueError("stderr is mixed into output: create the runner with mix_stderr=False to read it apart.")
        return self._stderr

    def __repr__(self) -> str:
        state = repr(self.exception) if self.exception is not None else "okay"
        return f"<Result {state}>"


class _CliRunner:
    """Runs a command line in-process and captures what it prints (click's
    ``CliRunner``; ``microflask.testing.FlaskCliRunner`` adds the app).

    ``invoke(cli, args, input=None, env=None, catch_exceptions=True)`` runs the
    group ``cli``; ``input`` is its stdin; ``env`` sets (or, with None,
    removes) environment variables. Streams and environment are restored after.
    """

    def __init__(self, mix_stderr: bool = True) -> None:
        self.mix_stderr = mix_stderr

    def invoke(
        self,
        cli: Group,
        args: t.Optional[t.Union[str, t.Sequence[str]]] = None,
        input: t.Optional[str] = None,  # noqa: A002 - click's name for it
        env: t.Optional[t.Mapping[str, t.Optional[str]]] = None,
        catch_exceptions: bool = True,
        **extra: t.Any,
    ) -> Result:
        import io

        if isinstance(args, str):
            import shlex

            args = shlex.split(args)
        extra.setdefault("prog_name", cli.name or "root")
        stdout = io.StringIO()
        stderr = stdout if self.mix_stderr else io.StringIO()
        saved_streams = sys.stdin, sys.stdout, sys.stderr
        saved_environ = dict(os.environ)
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), stdout, stderr
        for key, value in (env or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        exit_code, exception, exc_info, return_value = 0, None, None, None
        try:
            return_value = cli.main(args or [], standalone_mode=False, **extra)
        except CliError as error:
            error.show()
            exit_code, exception = error.exit_code, SystemExit(error.exit_code)
        except SystemExit as error:
            exit_code = _exit_code(error)
            exception = error if exit_code else None
        except Exception as error:
            if not catch_exceptions:
                raise
            exit_code, exception, exc_info = 1, error, sys.exc_info()
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.environ.clear()
            os.environ.update(saved_environ)
        return Result(
            stdout.getvalue(), None if self.mix_stderr else stderr.getvalue(), exit_code, exception, exc_info, return_value
        )


def _exit_code(error: SystemExit) -> int:
    if error.code is None:
        return 0
    if isinstance(error.code, int):
        return error.code
    print(error.code)  # sys.exit("message") prints the message and fails
    return 1


#: The ``microflask`` command (``python -m microflask``).
cli = FlaskGroup(name="microflask")


def main() -> None:
    """The console script's entry point."""
    cli.main()
