"""Commands built from function signatures: what click does for Flask, on ``argparse``.

A ``Command`` reads its arguments and options from its function's signature and
type hints; a ``Group`` dispatches ``name [ARGS]...`` to subcommands; ``CliRunner``
runs a command line in-process for tests. Standalone, like click: it knows nothing
of apps (``microflask.cli`` builds Flask's commands on it). No shell completion.
"""
from __future__ import annotations

import argparse
import contextvars
import inspect
import io
import os
import re
import shlex
import sys
import typing as t


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
    """``func`` without its ``functools.wraps`` layers (such as ``with_appcontext``'s)."""
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


# -- the invocation in progress -------------------------------------------------------


class Invocation:
    """The command line being run: click's ``Context``, reduced to ``obj``.

    ``obj`` is what ``Group.main(obj=...)`` was given; code deep inside a
    command finds it with ``current_invocation()``, and may fill it in.
    """

    def __init__(self, obj: t.Any = None) -> None:
        self.obj = obj


_current_invocation: "contextvars.ContextVar[Invocation]" = contextvars.ContextVar("microflask.commands.invocation")


def current_invocation() -> t.Optional[Invocation]:
    """The command line ``Group.main()`` is running in this context, or None outside one."""
    return _current_invocation.get(None)


# -- groups of commands ---------------------------------------------------------------


class Group:
    """A command made of named subcommands: ``group name [ARGS]...``.

    Its function (from ``group()``) runs before the subcommand and takes no
    arguments; its docstring is the group's help.
    """

    #: The class of the groups ``group()`` makes when not given ``cls``; None: this group's own class.
    group_class: t.Optional[t.Type["Group"]] = None

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
                f"add_command() takes a microflask.commands Command or Group, not {type(cmd).__name__!r}"
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
        group_class = cls or self.group_class or type(self)

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
        obj: t.Any = None,
        standalone_mode: bool = True,
    ) -> t.Any:
        """Run the command line ``args`` (default: ``sys.argv[1:]``); ``obj`` is
        the invocation's object (see ``current_invocation()``).

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

    def _run_root(self, prog: str, args: t.List[str], obj: t.Any) -> t.Any:
        invocation = Invocation(obj)
        token = _current_invocation.set(invocation)
        try:
            return self._invoke_root(prog, args, invocation)
        finally:
            _current_invocation.reset(token)

    def _invoke_root(self, prog: str, args: t.List[str], invocation: Invocation) -> t.Any:
        """Run as the outermost command, ``invocation`` being current. A root
        with work of its own before dispatching (``FlaskGroup``) overrides this."""
        return self.invoke(prog, args, None)

    def invoke(self, prog: str, args: t.List[str], env_prefix: t.Optional[str]) -> t.Any:
        """Run the subcommand ``args[0]`` with the rest of ``args``."""
        namespace = self.make_parser(prog).parse_args(args)
        return self._dispatch(prog, namespace, env_prefix)

    def make_parser(self, prog: str) -> _Parser:
        parser, _, options = _new_parser(prog, self.help)
        self._add_options(parser, options)
        _add_subcommand_arguments(parser, options)
        return parser

    def _add_options(self, parser: argparse.ArgumentParser, options: t.Any) -> None:
        """Add the group's own options (to the ``options`` section, before ``--help``).
        None here; ``FlaskGroup`` adds ``--app``, ``--debug`` and others."""

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


# -- testing: click's CliRunner, the core of FlaskCliRunner -------------------------


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


class CliRunner:
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
        if isinstance(args, str):
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
