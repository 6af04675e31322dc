"""``.env`` files (python-dotenv's role): which files are loaded and which
value wins, the syntax ``parse_dotenv`` reads, and the lines it refuses."""
from __future__ import annotations

import os
import pathlib
import time

import pytest

from microflask.dotenv import load_dotenv, parse_dotenv


def test_dotenv_precedence(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".flaskenv").write_text("FROM_FLASKENV=flaskenv\nSHARED=flaskenv\nREAL=flaskenv\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".env").write_text("SHARED=env\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub")  # files are searched from here upwards
    for key in ("FROM_FLASKENV", "SHARED"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("REAL", "real")
    assert load_dotenv() is True
    assert (os.environ["FROM_FLASKENV"], os.environ["SHARED"], os.environ["REAL"]) == ("flaskenv", "env", "real")
    assert load_dotenv("missing.env") is False


def test_dotenv_syntax(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME_DIR", "/home/ada")
    text = (
        "# a comment\n"
        "\n"
        "PLAIN=value  # trailing comment\n"
        "export EXPORTED = spaced\n"
        "HASH=a#b\n"
        "SINGLE='literal ${HOME_DIR} \\n'\n"
        'DOUBLE="line\\none \\"quoted\\"" # comment\n'
        'MULTI="first\nsecond"\n'
        "EXPANDED=${HOME_DIR}/app and ${UNSET:-fallback}\n"
        "EMPTY=\n"
    )
    assert dict(parse_dotenv(text)) == {
        "PLAIN": "value",
        "EXPORTED": "spaced",
        "HASH": "a#b",
        "SINGLE": "literal ${HOME_DIR} \\n",
        "DOUBLE": 'line\none "quoted"',
        "MULTI": "first\nsecond",
        "EXPANDED": "/home/ada/app and fallback",
        "EMPTY": "",
    }


def test_dotenv_warns_about_a_line_it_cannot_read() -> None:
    with pytest.warns(UserWarning, match="settings.env, line 2: cannot parse 'not an assignment'"):
        pairs = list(parse_dotenv("A=1\nnot an assignment\nB=2\n", "settings.env"))
    assert pairs == [("A", "1"), ("B", "2")]


def test_dotenv_unquoted_values_parse_in_linear_time() -> None:
    assert list(parse_dotenv("A=x  y  # note\nB=#not a comment\nC=z")) == [("A", "x  y"), ("B", "#not a comment"), ("C", "z")]
    started = time.process_time()
    assert list(parse_dotenv("A=x" + " " * 200_000 + "y\n")) == [("A", "x" + " " * 200_000 + "y")]
    assert time.process_time() - started < 1.0


def test_a_nul_byte_in_dotenv_is_skipped_with_a_warning(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUL_PROBE", raising=False)
    path = tmp_path / ".env"
    path.write_text("NUL_PROBE=a\x00b\n")
    with pytest.warns(UserWarning, match="NUL byte"):
        load_dotenv(str(path))
    assert "NUL_PROBE" not in os.environ
