"""The lexer: template source -> a flat list of tokens with line numbers.

First stage of the pipeline (lexer -> parser -> compiler). It splits the
source into template data and tags, applies whitespace control (``-``/``+``,
``trim_blocks``, ``lstrip_blocks``), drops comments, passes ``{% raw %}``
through as data and tokenizes what is inside tags. It knows no grammar.
"""
from __future__ import annotations

import re
import typing as t

from .exceptions import TemplateSyntaxError

# Token types of the tag delimiters. Names, literals and operators have the
# types "name", "string", "integer", "float" and the operator text itself.
DATA = "data"
VARIABLE_BEGIN = "variable_begin"
VARIABLE_END = "variable_end"
BLOCK_BEGIN = "block_begin"
BLOCK_END = "block_end"
EOF = "eof"

# What each token type is called in error messages, as Jinja words them.
DESCRIPTIONS = {
    VARIABLE_BEGIN: "begin of print statement",
    VARIABLE_END: "end of print statement",
    BLOCK_BEGIN: "begin of statement block",
    BLOCK_END: "end of statement block",
    EOF: "end of template",
    "name": "name",
    "string": "string",
    "integer": "integer",
    "float": "float",
    DATA: "template data / text",
}

OPERATORS = sorted(
    "+ - / // * % ** ~ [ ] ( ) { } == != > >= < <= = . : | , ;".split(),
    key=len,
    reverse=True,
)
CLOSING = {"(": ")", "[": "]", "{": "}"}

_TOKENS = "|".join(
    [
        r"(?P<name>[^\W\d]\w*)",
        r"(?P<string>'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\")",
        r"(?P<float>(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+\-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+))",
        r"(?P<integer>0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)",
        "(?P<operator>%s)" % "|".join(re.escape(op) for op in OPERATORS),
        r"(?P<unclosed_string>['\"])",
    ]
)


def _tag_pattern(end: str) -> t.Pattern[str]:
    # Leading whitespace is part of each match: one match per token.
    return re.compile(f"\\s*(?:(?P<end>{end})|{_TOKENS})", re.S)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACES_BEFORE_TAG = re.compile(r"(?:^|(?<=\n))[ \t]*\Z")


class Token:
    """One token: its line, its type and its value."""

    __slots__ = ("lineno", "type", "value")

    def __init__(self, lineno: int, type: str, value: t.Any) -> None:
        self.lineno = lineno
        self.type = type
        self.value = value

    def describe(self) -> str:
        """The token as an error message names it."""
        if self.type == "name":
            return str(self.value)
        return DESCRIPTIONS.get(self.type, self.type)

    def __repr__(self) -> str:
        return f"Token({self.lineno}, {self.type!r}, {self.value!r})"


class Delimiters:
    """The regular expressions built once per environment from its delimiters."""

    def __init__(self, environment: t.Any) -> None:
        self.block_start = environment.block_start_string
        self.block_end = environment.block_end_string
        self.variable_start = environment.variable_start_string
        self.variable_end = environment.variable_end_string
        self.comment_start = environment.comment_start_string
        self.comment_end = environment.comment_end_string
        starts = sorted(
            [(self.block_start, BLOCK_BEGIN), (self.variable_start, VARIABLE_BEGIN), (self.comment_start, "comment")],
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self.kind_of_start = dict(starts)
        self.start = re.compile(
            "(%s)([-+]?)" % "|".join(re.escape(text) for text, _ in starts)
        )
        self.raw_begin = re.compile(r"\s*raw\s*([-+]?)%s" % re.escape(self.block_end))
        self.raw_end = re.compile(
            r"%s([-+]?)\s*endraw\s*([-+]?)%s" % (re.escape(self.block_start), re.escape(self.block_end))
        )
        self.comment_close = re.compile(r"([-+]?)%s" % re.escape(self.comment_end))
        # One pattern for everything inside a tag; the closing delimiter is
        # tried first so that "-%}" is not read as a minus.
        self.tag_patterns = {
            BLOCK_BEGIN: (_tag_pattern(r"(?P<modifier>[-+]?)" + re.escape(self.block_end)), BLOCK_END),
            VARIABLE_BEGIN: (_tag_pattern(r"(?P<modifier>-?)" + re.escape(self.variable_end)), VARIABLE_END),
        }


class Lexer:
    """Turns one template's source into tokens, with the environment's options."""

    def __init__(self, environment: t.Any) -> None:
        self.delimiters = Delimiters(environment)
        self.trim_blocks = environment.trim_blocks
        self.lstrip_blocks = environment.lstrip_blocks
        self.keep_trailing_newline = environment.keep_trailing_newline
        self.newline_sequence = environment.newline_sequence

    def tokenize(self, source: str, name: t.Optional[str] = None, filename: t.Optional[str] = None) -> t.List[Token]:
        return _Run(self, source, name, filename).tokens


class _Run:
    """One pass of the lexer over one source: the position and the tokens so far."""

    def __init__(self, lexer: Lexer, source: str, name: t.Optional[str], filename: t.Optional[str]) -> None:
        self.lexer = lexer
        self.d = lexer.delimiters
        self.name = name
        self.filename = filename
        if "\r" in source:
            source = _NEWLINE.sub("\n", source)
        if not lexer.keep_trailing_newline and source.endswith("\n"):
            source = source[:-1]
        self.source = source
        self.pos = 0
        self.lineno = 1
        self.tokens: t.List[Token] = []
        # How to strip the data after the previous tag: "all" whitespace for a
        # "-" modifier, one "newline" for trim_blocks, or nothing.
        self.strip_next: t.Optional[str] = None
        self.run()

    def error(self, message: str, lineno: t.Optional[int] = None) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, lineno or self.lineno, self.name, self.filename)

    def run(self) -> None:
        source = self.source
        while self.pos < len(source):
            match = self.d.start.search(source, self.pos)
            if match is None:
                self.add_data(source[self.pos :], None, None)
                self.advance_to(len(source))
                break
            kind = self.d.kind_of_start[match.group(1)]
            modifier = match.group(2)
            raw = kind == BLOCK_BEGIN and self.d.raw_begin.match(source, match.end())
            stripped_kind = "comment" if kind == "comment" else (BLOCK_BEGIN if kind == BLOCK_BEGIN else None)
            self.add_data(source[self.pos : match.start()], modifier, stripped_kind)
            self.advance_to(match.end())
            if raw:
                self.lex_raw(raw)
            elif kind == "comment":
                self.skip_comment()
            else:
                self.lex_tag(kind)
        self.tokens.append(Token(self.lineno, EOF, ""))

    def add_data(self, data: str, modifier: t.Optional[str], tag_kind: t.Optional[str]) -> None:
        """Add the text before a tag, stripped as the tags around it ask."""
        lineno = self.lineno
        if self.strip_next == "all":
            stripped = data.lstrip()
            lineno += data.count("\n", 0, len(data) - len(stripped))
            data = stripped
        elif self.strip_next == "newline":
            if data.startswith("\n"):
                data = data[1:]
                lineno += 1
        self.strip_next = None
        if modifier == "-":
            data = data.rstrip()
        elif tag_kind is not None and modifier != "+" and self.lexer.lstrip_blocks:
            spaces = _SPACES_BEFORE_TAG.search(data)
            if spaces is not None:
                data = data[: spaces.start()]
        self.emit_data(data, lineno)

    def emit_data(self, data: str, lineno: int) -> None:
        if data:
            if self.lexer.newline_sequence != "\n":
                data = data.replace("\n", self.lexer.newline_sequence)
            self.tokens.append(Token(lineno, DATA, data))

    def advance_to(self, pos: int) -> None:
        """Move to ``pos``, counting the newlines passed."""
        self.lineno += self.source.count("\n", self.pos, pos)
        self.pos = pos

    def after_tag(self, modifier: str, trims: bool) -> None:
        if modifier == "-":
            self.strip_next = "all"
        elif trims and modifier != "+" and self.lexer.trim_blocks:
            self.strip_next = "newline"

    def skip_comment(self) -> None:
        start_line = self.lineno
        close = self.d.comment_close.search(self.source, self.pos)
        if close is None:
            raise self.error("Missing end of comment tag", start_line)
        self.advance_to(close.end())
        self.after_tag(close.group(1), trims=True)

    def lex_raw(self, begin: t.Match[str]) -> None:
        start_line = self.lineno
        self.advance_to(begin.end())
        end = self.d.raw_end.search(self.source, self.pos)
        if end is None:
            raise self.error("Missing end of raw directive", start_line)
        if begin.group(1) == "-":
            self.strip_next = "all"
        data = self.source[self.pos : end.start()]
        self.add_data(data, end.group(1), None)
        self.advance_to(end.end())
        self.after_tag(end.group(2), trims=True)

    def lex_tag(self, kind: str) -> None:
        """Tokenize from after ``{{``/``{%`` up to and including the closing delimiter."""
        source, pos, lineno = self.source, self.pos, self.lineno
        pattern, end_type = self.d.tag_patterns[kind]
        tokens = self.tokens
        tokens.append(Token(lineno, kind, ""))
        open_brackets: t.List[str] = []
        match_at = pattern.match
        while True:
            match = match_at(source, pos)
            if match is None:
                self.lineno = lineno + source.count("\n", pos)
                rest = source[pos:].lstrip()
                if not rest:
                    raise self.error(f"unexpected end of template, expected '{DESCRIPTIONS[end_type]}'.")
                raise self.error(f"unexpected char {rest[0]!r} at {len(source) - len(rest)}")
            group = match.lastgroup
            text = match.group(group)
            start = match.start(group)
            if start != pos:
                lineno += source.count("\n", pos, start)
                pos = start
            if group == "end":
                if not open_brackets:
                    tokens.append(Token(lineno, end_type, ""))
                    self.pos, self.lineno = match.end(), lineno
                    self.after_tag(match.group("modifier"), trims=kind == BLOCK_BEGIN)
                    return
                # Inside brackets "}}" closes a dict, not the tag: read the
                # delimiter's first character as an operator and go on.
                group, text = "operator", text[0]
            if group == "name":
                tokens.append(Token(lineno, "name", text))
            elif group == "operator":
                if text in "([{)]}":
                    self.lineno = lineno
                    self.track_bracket(text, open_brackets)
                tokens.append(Token(lineno, text, text))
            elif group == "string":
                self.lineno = lineno
                tokens.append(Token(lineno, "string", self.string_value(text)))
                lineno += text.count("\n")
            elif group == "integer":
                tokens.append(Token(lineno, "integer", int(text.replace("_", ""), 0)))
            elif group == "float":
                tokens.append(Token(lineno, "float", float(text.replace("_", ""))))
            else:
                self.lineno = lineno
                raise self.error(f"unexpected char {text!r} at {pos}")
            pos += len(text)

    def track_bracket(self, operator: str, open_brackets: t.List[str]) -> None:
        if operator in CLOSING:
            open_brackets.append(CLOSING[operator])
        elif operator in ")]}":
            if not open_brackets:
                raise self.error(f"unexpected '{operator}'")
            expected = open_brackets.pop()
            if operator != expected:
                raise self.error(f"unexpected '{operator}', expected '{expected}'")

    def string_value(self, literal: str) -> str:
        body = literal[1:-1]
        if self.lexer.newline_sequence != "\n":
            body = body.replace("\n", self.lexer.newline_sequence)
        if "\\" not in body:
            return body
        try:
            return body.encode("ascii", "backslashreplace").decode("unicode-escape")
        except UnicodeDecodeError as error:
            raise self.error(f"invalid escape in string: {error}") from None
