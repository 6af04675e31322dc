"""The lexer through ``Environment.lex``: tokens, line numbers, whitespace control.

``lex`` returns ``(lineno, type, value)`` tuples; operators have their own
text as type. Expected token streams are what this engine's lexer defines;
the whitespace results were checked against Jinja 3.
"""
from __future__ import annotations

import pytest

from microflask.jinja import Environment, TemplateSyntaxError


def types_and_values(source: str, **options: object) -> list:
    return [(kind, value) for _, kind, value in Environment(**options).lex(source)]


def test_data_and_print_statement() -> None:
    assert types_and_values("Hi {{ user.name }}!") == [
        ("data", "Hi "),
        ("variable_begin", ""),
        ("name", "user"),
        (".", "."),
        ("name", "name"),
        ("variable_end", ""),
        ("data", "!"),
    ]


def test_literals_are_converted() -> None:
    tokens = types_and_values("{{ 'a\\nb' 1_000 0x1F 1.5e3 \"q\" }}")
    assert tokens[1:-1] == [("string", "a\nb"), ("integer", 1000), ("integer", 31), ("float", 1500.0), ("string", "q")]


def test_longest_operator_wins() -> None:
    tokens = types_and_values("{{ a // b ** c != d <= e }}")
    assert [kind for kind, _ in tokens[1:-1]] == ["name", "//", "name", "**", "name", "!=", "name", "<=", "name"]


def test_line_numbers_follow_newlines_in_data_and_tags() -> None:
    tokens = Environment().lex("a\n{% if x\n %}\n{{ y }}")
    assert [(line, kind) for line, kind, _ in tokens] == [
        (1, "data"), (2, "block_begin"), (2, "name"), (2, "name"), (3, "block_end"),
        (3, "data"), (4, "variable_begin"), (4, "name"), (4, "variable_end"),
    ]


def test_tags_of_plain_names_and_other_tags_give_the_same_kind_of_tokens() -> None:
    # Tags of plain names are split, the others matched token by token.
    assert types_and_values("{% for user in users %}")[1:-1] == [("name", "for"), ("name", "user"), ("name", "in"), ("name", "users")]
    assert types_and_values("{{ user.name }}")[1:-1] == [("name", "user"), (".", "."), ("name", "name")]
    assert types_and_values("{{ user.name|e }}")[1:-1] == [("name", "user"), (".", "."), ("name", "name"), ("|", "|"), ("name", "e")]
    assert types_and_values("{{ items.0 }}")[1:-1] == [("name", "items"), (".", "."), ("integer", 0)]
    assert types_and_values("{{ café }}")[1:-1] == [("name", "café")]
    assert types_and_values("a {% endif -%} b") == [("data", "a "), ("block_begin", ""), ("name", "endif"), ("block_end", ""), ("data", "b")]


def test_comments_are_dropped() -> None:
    assert types_and_values("a{# note {{ x }} #}b") == [("data", "a"), ("data", "b")]


def test_raw_block_is_data() -> None:
    assert types_and_values("{% raw %}{{ x }}{% endraw %}") == [("data", "{{ x }}")]


def test_dict_literal_closing_braces_do_not_end_the_tag() -> None:
    tokens = types_and_values("{{ {'a': {'b': 1}} }}")
    assert tokens[-1] == ("variable_end", "")
    assert [kind for kind, _ in tokens].count("}") == 2


def test_minus_strips_whitespace_around_tags() -> None:
    assert types_and_values("a  {%- if x -%}  b") == [
        ("data", "a"), ("block_begin", ""), ("name", "if"), ("name", "x"), ("block_end", ""), ("data", "b"),
    ]


def test_trim_blocks_removes_one_newline_after_block_tags() -> None:
    assert types_and_values("{% if x %}\n\nb", trim_blocks=True)[-1] == ("data", "\nb")
    assert types_and_values("{{ x }}\nb", trim_blocks=True)[-1] == ("data", "\nb")


def test_lstrip_blocks_removes_indentation_before_block_tags_only() -> None:
    assert types_and_values("a\n  {% if x %}", lstrip_blocks=True)[0] == ("data", "a\n")
    assert types_and_values("a\n  {{ x }}", lstrip_blocks=True)[0] == ("data", "a\n  ")
    assert types_and_values("a\n  {%+ if x %}", lstrip_blocks=True)[0] == ("data", "a\n  ")


def test_one_trailing_newline_is_removed_unless_kept() -> None:
    assert types_and_values("a\n\n") == [("data", "a\n")]
    assert types_and_values("a\n", keep_trailing_newline=True) == [("data", "a\n")]


def test_newlines_are_normalised_to_newline_sequence() -> None:
    assert types_and_values("a\r\nb\rc", newline_sequence="\r\n") == [("data", "a\r\nb\r\nc")]


def test_custom_delimiters() -> None:
    env = Environment(block_start_string="<%", block_end_string="%>", variable_start_string="${", variable_end_string="}")
    assert env.from_string("<% for i in [1, 2] %>${ i }<% endfor %>").render() == "12"


@pytest.mark.parametrize(
    "source, line, message",
    [
        ("{{ x", 1, "unexpected end of template, expected 'end of print statement'."),
        ("a\n{# x", 2, "Missing end of comment tag"),
        ("{{ x ) }}", 1, "unexpected ')'"),
        ("{{ [1, }}", 1, "unexpected '}', expected ']'"),
        ("{{ x @ }}", 1, "unexpected char '@' at 5"),
        ("a\n\n{{ 'unclosed }}", 3, "unexpected char \"'\" at 6"),
    ],
)
def test_lexing_errors_name_the_line(source: str, line: int, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        Environment().lex(source)
    assert caught.value.lineno == line
    assert caught.value.message == message
