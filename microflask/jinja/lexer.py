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
COMMENT = "comment"

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

# Everything that can follow inside a tag, one alternative per token type,
# most frequent first. Spaces before a token are part of its match; a
# newline is a match of its own, so only it has to count lines.
_TOKENS = "|".join(
    [
        r"(?P<name>[^\W\d]\w*)",
        "(?P<operator>%s)" % "|".join(re.escape(op) for op in OPERATORS),
        r"(?P<string>'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\")",
        r"(?P<float>(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+\-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+))",
        r"(?P<integer>0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)",
        r"(?P<newline>\n)",
        r"(?P<invalid>.)",  # an unclosed quote or a character no token starts with
    ]
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACES_BEFORE_TAG = re.compile(r"(?:^|(?<=\n))[ \t]*\Z")


# A token is a plain tuple (the cheapest object to build, and the lexer builds
# one per word of every tag): its line, its type and its value.
Token = t.Tuple[int, str, t.Any]


def describe_token(type: str, value: t.Any) -> str:
    """A token as an error message names it: a name by itself, others by their type."""
    if type == "name":
        return str(value)
    return DESCRIPTIONS.get(type, type)


class Lexer:
    """Turns one template's source into tokens, with the environment's delimiters and options.

    Its regular expressions are built once here; the environment keeps one
    lexer as long as its delimiters and whitespace options do not change.
    """

    def __init__(self, environment: t.Any) -> None:
        self.trim_blocks = environment.trim_blocks
        self.lstrip_blocks = environment.lstrip_blocks
        self.keep_trailing_newline = environment.keep_trailing_newline
        self.newline_sequence = environment.newline_sequence
        block_start, block_end = environment.block_start_string, environment.block_end_string
        starts = sorted(
            [(block_start, BLOCK_BEGIN), (environment.variable_start_string, VARIABLE_BEGIN), (environment.comment_start_string, COMMENT)],
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self.kind_of_start = dict(starts)
        # The next tag: its opening delimiter, then an optional modifier.
        self.tag_start = re.compile("(%s)([-+]?)" % "|".join(re.escape(text) for text, _ in starts))
        self.raw_begin = re.compile(r"\s*raw\s*([-+]?)%s" % re.escape(block_end))
        self.raw_end = re.compile(r"%s([-+]?)\s*endraw\s*([-+]?)%s" % (re.escape(block_start), re.escape(block_end)))
        self.comment_end = re.compile(r"([-+]?)%s" % re.escape(environment.comment_end_string))
        # Tag kind -> (its token pattern, its closing token's type, its closing
        # delimiter). The pattern tries the closing delimiter first so that
        # "-%}" is not read as a minus.
        variable_end = environment.variable_end_string
        self.tag_tokens = {
            BLOCK_BEGIN: (_tag_tokens(r"(?P<modifier>[-+]?)" + re.escape(block_end)), BLOCK_END, block_end),
            VARIABLE_BEGIN: (_tag_tokens(r"(?P<modifier>-?)" + re.escape(variable_end)), VARIABLE_END, variable_end),
        }

    def tokenize(self, source: str, name: t.Optional[str] = None, filename: t.Optional[str] = None) -> t.List[Token]:
        """The tokens of ``source``, ending with an EOF token."""
        return _Run(self, source, name, filename).tokens


def _tag_tokens(end: str) -> t.Pattern[str]:
    return re.compile(f"[^\\S\\n]*(?:(?P<end>{end})|{_TOKENS})", re.S)


class _Run:
    """One pass of the lexer over one source: the position and the tokens so far."""

    def __init__(self, lexer: Lexer, source: str, name: t.Optional[str], filename: t.Optional[str]) -> None:
        self.lexer = lexer
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
        """Alternate between template data and tags up to the end of the source."""
        source, lexer = self.source, self.lexer
        find_tag = lexer.tag_start.search
        while True:
            tag = find_tag(source, self.pos)
            if tag is None:
                self.add_data(len(source), None, lstrips=False)
                break
            start, modifier = tag.groups()
            kind = lexer.kind_of_start[start]
            self.add_data(tag.start(), modifier, lstrips=kind != VARIABLE_BEGIN)
            self.pos = tag.end()
            if kind == COMMENT:
                self.skip_comment()
            else:
                self.lex_tag(kind)
        self.tokens.append((self.lineno, EOF, ""))

    def add_data(self, end: int, modifier: t.Optional[str], lstrips: bool) -> None:
        """Add the text up to ``end``, stripped as the tags around it ask.

        ``modifier`` is that of the tag starting at ``end``; ``lstrips`` says
        whether ``lstrip_blocks`` applies to that tag (block and comment tags).
        """
        data = self.source[self.pos : end]
        lineno = self.lineno
        self.lineno += data.count("\n")
        self.pos = end
        if self.strip_next is not None:
            if self.strip_next == "all":
                stripped = data.lstrip()
                lineno += data.count("\n", 0, len(data) - len(stripped))
                data = stripped
            elif data[:1] == "\n":
                data = data[1:]
                lineno += 1
            self.strip_next = None
        if modifier == "-":
            data = data.rstrip()
        elif lstrips and modifier != "+" and self.lexer.lstrip_blocks:
            spaces = _SPACES_BEFORE_TAG.search(data)
            if spaces is not None:
                data = data[: spaces.start()]
        if data:
            if self.lexer.newline_sequence != "\n":
                data = data.replace("\n", self.lexer.newline_sequence)
            self.tokens.append((lineno, DATA, data))

    def after_tag(self, modifier: str, trims: bool) -> None:
        if modifier == "-":
            self.strip_next = "all"
        elif trims and modifier != "+" and self.lexer.trim_blocks:
            self.strip_next = "newline"

    def skip_comment(self) -> None:
        close = self.lexer.comment_end.search(self.source, self.pos)
        if close is None:
            raise self.error("Missing end of comment tag")
        self.skip_to(close.end())
        self.after_tag(close.group(1), trims=True)

    def skip_to(self, pos: int) -> None:
        """Move past a tag's text that makes no tokens, counting its newlines."""
        self.lineno += self.source.count("\n", self.pos, pos)
        self.pos = pos

    def lex_raw(self, begin: t.Match[str]) -> None:
        end = self.lexer.raw_end.search(self.source, begin.end())
        if end is None:
            raise self.error("Missing end of raw directive")
        self.skip_to(begin.end())
        if begin.group(1) == "-":
            self.strip_next = "all"
        self.add_data(end.start(), end.group(1), lstrips=False)
        self.skip_to(end.end())
        self.after_tag(end.group(2), trims=True)

    def lex_tag(self, kind: str) -> None:
        """A ``{{``/``{%`` tag, from after its opening delimiter: raw, plain or any other."""
        source, pos = self.source, self.pos
        pattern, end_type, end_text = self.lexer.tag_tokens[kind]
        close = source.find(end_text, pos)
        if close != -1:
            inner = source[pos:close]
            if kind == BLOCK_BEGIN and "raw" in inner:
                raw = self.lexer.raw_begin.match(source, pos)
                if raw:
                    self.lex_raw(raw)
                    return
            if self.add_plain_tag(kind, inner, end_type):
                self.pos = close + len(end_text)
                self.after_tag("", trims=kind == BLOCK_BEGIN)
                return
        self.tokenize_tag(kind, pattern, end_type)

    def add_plain_tag(self, kind: str, inner: str, end_type: str) -> bool:
        """The tokens of a tag of plain names on one line; False (adding none) for other tags.

        Most tags are plain: ``{% endfor %}``, ``{% for user in users %}``,
        ``{{ user.name }}``. Splitting them costs far less than the regular
        expression match per token that ``tokenize_tag`` needs.
        """
        # Only letters, digits, "_", "." and spaces, on one line?
        if not inner.replace(" ", "").replace(".", "").isidentifier() or not inner.isascii():
            return False
        lineno, tokens = self.lineno, self.tokens
        start = len(tokens)
        tokens.append((lineno, kind, ""))
        for word in inner.split():
            if word.isidentifier():
                tokens.append((lineno, "name", word))
                continue
            for index, name in enumerate(word.split(".")):
                if not name.isidentifier():
                    del tokens[start:]
                    return False
                if index:
                    tokens.append((lineno, ".", "."))
                tokens.append((lineno, "name", name))
        tokens.append((lineno, end_type, ""))
        return True

    def tokenize_tag(self, kind: str, pattern: t.Pattern[str], end_type: str) -> None:
        """Tokenize from after ``{{``/``{%`` up to and including the closing delimiter."""
        source, lineno, tokens = self.source, self.lineno, self.tokens
        tokens.append((lineno, kind, ""))
        open_brackets: t.List[str] = []
        next_match = pattern.scanner(source, self.pos).match
        while True:
            match = next_match()
            if match is None:
                self.lineno = lineno
                raise self.error(f"unexpected end of template, expected '{DESCRIPTIONS[end_type]}'.")
            token_type = match.lastgroup
            text = match[token_type]
            if token_type == "name":
                tokens.append((lineno, "name", text))
            elif token_type == "operator":
                if text in "([{)]}":
                    self.lineno = lineno
                    self.track_bracket(text, open_brackets)
                tokens.append((lineno, text, text))
            elif token_type == "end":
                if not open_brackets:
                    tokens.append((lineno, end_type, ""))
                    self.pos, self.lineno = match.end(), lineno
                    self.after_tag(match["modifier"], trims=kind == BLOCK_BEGIN)
                    return
                # Inside brackets "}}" closes a dict, not the tag: read the
                # delimiter's first character as an operator and go on after it.
                self.lineno = lineno
                self.track_bracket(text[0], open_brackets)
                tokens.append((lineno, text[0], text[0]))
                next_match = pattern.scanner(source, match.start(token_type) + 1).match
            elif token_type == "string":
                self.lineno = lineno
                tokens.append((lineno, "string", self.string_value(text)))
                lineno += text.count("\n")
            elif token_type == "integer":
                tokens.append((lineno, "integer", int(text.replace("_", ""), 0)))
            elif token_type == "float":
                tokens.append((lineno, "float", float(text.replace("_", ""))))
            elif token_type == "newline":
                lineno += 1
            else:
                self.lineno = lineno
                raise self.error(f"unexpected char {text!r} at {match.start(token_type)}")

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
