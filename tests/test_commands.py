"""The command toolkit (click's role): commands built from function signatures,
groups of commands, usage errors and help, and the in-process test runner."""
from __future__ import annotations

import os
import pathlib
import sys
import typing as t

import pytest

from microflask.commands import Group, Result, CliRunner, current_invocation


def invoke(cli: Group, args: t.List[str], **kwargs: t.Any) -> Result:
    """Run ``cli`` in-process, as a test of a command line would."""
    return CliRunner().invoke(cli, args, **kwargs)


# -- commands from function signatures ---------------------------------------------------


def make_user_group() -> Group:
    users = Group("users")

    @users.command()
    def create_user(name: str, age: int, nickname: t.Optional[str] = None, admin: bool = False) -> t.Dict[str, t.Any]:
        """Create a user.

        :param name: The user's name.
        :param admin: Give them every permission.
        """
        print(f"created {name} ({age})")
        return {"name": name, "age": age, "nickname": nickname, "admin": admin}

    return users


def test_positional_parameters_become_arguments_and_keywords_options() -> None:
    result = invoke(make_user_group(), ["create-user", "ada", "36", "--nickname", "countess", "--admin"])
    assert result.exit_code == 0, result.output
    assert result.output == "created ada (36)\n"
    assert result.return_value == {"name": "ada", "age": 36, "nickname": "countess", "admin": True}
    assert invoke(make_user_group(), ["create-user", "bob", "7"]).return_value == {
        "name": "bob", "age": 7, "nickname": None, "admin": False,
    }


def test_a_word_that_does_not_convert_is_a_usage_error() -> None:
    result = invoke(make_user_group(), ["create-user", "ada", "old"])
    assert result.exit_code == 2
    assert "Usage: users create-user" in result.output
    assert "Error: argument AGE: invalid int value: 'old'" in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_missing_argument_is_a_usage_error() -> None:
    result = invoke(make_user_group(), ["create-user"])
    assert result.exit_code == 2
    assert "Error: the following arguments are required: NAME, AGE" in result.output


def test_help_shows_the_docstring_and_the_parameters() -> None:
    result = invoke(make_user_group(), ["create-user", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: users create-user")
    assert "Create a user." in result.output
    assert ":param" not in result.output
    assert "The user's name." in result.output and "Give them every permission." in result.output
    assert "--nickname NICKNAME" in result.output


def test_group_help_lists_commands_with_their_first_line() -> None:
    result = invoke(make_user_group(), ["--help"])
    assert result.exit_code == 0
    assert "Commands:\n  create-user  Create a user.\n" in result.output + "\n"


def test_an_unknown_command_is_a_usage_error() -> None:
    result = invoke(make_user_group(), ["delete-user"])
    assert result.exit_code == 2
    assert "Error: No such command 'delete-user'." in result.output


def test_types_lists_choices_and_switches() -> None:
    group = Group("tool")

    @group.command(flags={"verbose": ("-v", "--verbose")})
    def convert(
        *paths: pathlib.Path,
        ratio: float = 1.0,
        tag: t.List[str] = [],  # noqa: B006 - never mutated
        mode: t.Literal["fast", "slow"] = "fast",
        color: bool = True,
        verbose: bool = False,
    ) -> t.Tuple[t.Any, ...]:
        return paths, ratio, tag, mode, color, verbose

    result = invoke(group, ["convert", "a.txt", "b.txt", "--ratio", "0.5", "--tag", "x", "--tag", "y", "--mode", "slow", "--no-color", "-v"])
    assert result.return_value == ((pathlib.Path("a.txt"), pathlib.Path("b.txt")), 0.5, ["x", "y"], "slow", False, True)
    assert invoke(group, ["convert"]).return_value == ((), 1.0, [], "fast", True, False)
    bad_choice = invoke(group, ["convert", "--mode", "medium"])
    assert bad_choice.exit_code == 2 and "invalid choice: 'medium'" in bad_choice.output


def test_command_names_use_dashes_and_can_be_given() -> None:
    group = Group("tool")

    @group.command
    def init_db() -> str:
        return "init"

    @group.command("wipe")
    def wipe_the_database() -> str:
        return "wiped"

    assert sorted(group.commands) == ["init-db", "wipe"]
    assert invoke(group, ["init-db"]).return_value == "init"
    assert invoke(group, ["wipe"]).return_value == "wiped"



def test_a_nested_group_runs_its_function_first_and_has_its_parents_class() -> None:
    class ToolGroup(Group):
        pass

    root = ToolGroup("root")

    @root.group()
    def db() -> None:
        """Database commands."""
        print("connected")

    @db.command()
    def migrate(steps: int = 1) -> int:
        return steps

    assert isinstance(db, ToolGroup)
    result = invoke(root, ["db", "migrate", "--steps", "3"])
    assert (result.output, result.return_value) == ("connected\n", 3)
    assert "db  Database commands." in invoke(root, ["--help"]).output


def test_a_command_finds_the_object_main_was_given() -> None:
    group = Group("tool")

    @group.command()
    def whose() -> t.Any:
        return current_invocation().obj  # type: ignore[union-attr]

    settings = {"verbose": True}
    assert invoke(group, ["whose"], obj=settings).return_value is settings
    assert invoke(group, ["whose"]).return_value is None
    assert current_invocation() is None  # only while main() runs


def test_unsupported_parameters_are_reported_with_the_command_name() -> None:
    group = Group("tool")

    @group.command()
    def configure(**settings: str) -> None:
        pass

    result = invoke(group, ["configure"])
    assert result.exit_code == 1
    assert isinstance(result.exception, TypeError)
    assert "Command 'configure', parameter 'settings'" in str(result.exception)


def test_add_command_refuses_what_is_not_a_command() -> None:
    with pytest.raises(TypeError, match="click commands are not supported"):
        Group("tool").add_command(print)  # type: ignore[arg-type]



# -- the runner ----------------------------------------------------------------------------


def test_runner_reports_exceptions_exit_codes_and_separate_streams() -> None:
    group = Group("tool")

    @group.command()
    def fail() -> None:
        raise ValueError("boom")

    @group.command()
    def leave(code: int) -> None:
        print("to stdout")
        print("to stderr", file=sys.stderr)
        sys.exit(code)

    failed = invoke(group, ["fail"])
    assert failed.exit_code == 1 and isinstance(failed.exception, ValueError) and failed.exc_info is not None
    with pytest.raises(ValueError, match="boom"):
        invoke(group, ["fail"], catch_exceptions=False)

    left = CliRunner(mix_stderr=False).invoke(group, "leave 3")
    assert (left.exit_code, left.stdout, left.stderr) == (3, "to stdout\n", "to stderr\n")
    assert isinstance(left.exception, SystemExit)
    assert invoke(group, ["leave", "0"]).exception is None
    with pytest.raises(ValueError, match="mix_stderr=False"):
        invoke(group, ["leave", "0"]).stderr


def test_runner_restores_the_environment() -> None:
    group = Group("tool")

    @group.command()
    def read_env() -> t.Optional[str]:
        os.environ["LEFT_BEHIND"] = "1"
        return os.environ.get("GREETING")

    assert invoke(group, ["read-env"], env={"GREETING": "hi"}).return_value == "hi"
    assert "GREETING" not in os.environ and "LEFT_BEHIND" not in os.environ
