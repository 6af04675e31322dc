"""``.env`` files: what python-dotenv does for Flask, in a small subset.

``load_dotenv()`` sets environment variables from ``.env`` and ``.flaskenv``
before the command line looks for the app; ``parse_dotenv()`` reads the format.
Standalone, like the package it replaces: it imports nothing from the framework.
"""
from __future__ import annotations

import os
import re
import typing as t
import warnings

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
    warnings.warn(f"{source}, line {line_number}: cannot parse {line!r}; expected KEY=value.", stacklevel=4)
