"""The parser through ``Environment.parse``: the tree it builds, and syntax
errors that name the template, the line and what was expected.

Error messages and line numbers were observed from Jinja 3 and hard-coded.
"""
from __future__ import annotations

import pytest

from microflask.jinja import DictLoader, Environment, TemplateAssertionError, TemplateSyntaxError
from microflask.jinja import nodes


def parse_expression(source: str) -> nodes.Node:
    output = Environment().parse("{{ " + source + " }}").body[0]
    return output.nodes[0]


def test_template_body_groups_text_and_prints_into_output_nodes() -> None:
    tree = Environment().parse("a{{ b }}c{% if d %}e{% endif %}")
    assert [type(node).__name__ for node in tree.body] == ["Output", "If"]
    assert [type(node).__name__ for node in tree.body[0].nodes] == ["TemplateData", "Name", "TemplateData"]


def test_operator_precedence() -> None:
    # "~" binds tighter than "+", "**" is left-associative, unary minus binds tightest.
    assert parse_expression("1 ~ 2 + 3") == nodes.BinOp(
        "+", nodes.Concat([nodes.Const(1), nodes.Const(2)]), nodes.Const(3)
    )
    assert parse_expression("2 ** 3 ** 2") == nodes.BinOp(
        "**", nodes.BinOp("**", nodes.Const(2), nodes.Const(3)), nodes.Const(2)
    )
    assert parse_expression("-1 ** 2") == nodes.BinOp("**", nodes.UnaryOp("-", nodes.Const(1)), nodes.Const(2))


def test_filters_and_tests() -> None:
    node = parse_expression("x|default('d')|upper is not none")
    assert isinstance(node, nodes.UnaryOp) and node.op == "not"
    test = node.node
    assert isinstance(test, nodes.Test) and test.name == "none"
    assert isinstance(test.node, nodes.Filter) and test.node.name == "upper"
    assert test.node.node.args == [nodes.Const("d")]


def test_test_with_argument_without_parentheses() -> None:
    node = parse_expression("n is divisibleby 3 and ok")
    assert isinstance(node, nodes.And)
    assert node.left.args == [nodes.Const(3)]


def test_chained_comparison_and_not_in() -> None:
    node = parse_expression("1 < x <= 3 not in y")
    assert [operand.op for operand in node.ops] == ["<", "<=", "not in"]


def test_call_arguments() -> None:
    node = parse_expression("f(1, *rest, key=2, **more)")
    assert node.args == [nodes.Const(1)]
    assert [keyword.key for keyword in node.kwargs] == ["key"]
    assert node.dyn_args == nodes.Name("rest", "load")
    assert node.dyn_kwargs == nodes.Name("more", "load")


def test_subscripts_and_slices() -> None:
    assert parse_expression("a.0") == nodes.Getitem(nodes.Name("a", "load"), nodes.Const(0))
    assert parse_expression("a[1:]") == nodes.Getitem(nodes.Name("a", "load"), nodes.Slice(nodes.Const(1), None, None))


def test_implicit_string_concatenation_and_constants() -> None:
    assert parse_expression("'a' 'b'") == nodes.Const("ab")
    assert parse_expression("none") == nodes.Const(None)
    assert parse_expression("True") == nodes.Const(True)


def test_for_loop_parts() -> None:
    loop = Environment().parse("{% for k, v in d if v recursive %}x{% else %}y{% endfor %}").body[0]
    assert isinstance(loop.target, nodes.Tuple) and loop.target.ctx == "store"
    assert loop.test == nodes.Name("v", "load")
    assert loop.recursive is True
    assert len(loop.else_) == 1


def test_include_and_import_options() -> None:
    body = Environment().parse(
        "{% include ['a', 'b'] ignore missing without context %}"
        "{% from 'm' import x as y, z with context %}"
    ).body
    assert (body[0].ignore_missing, body[0].with_context) == (True, False)
    assert (body[1].names, body[1].with_context) == ([("x", "y"), ("z", "z")], True)


# (source, exception type, line, message) as Jinja 3 reports them.
ERRORS = [
    ("x{% if true %}", TemplateSyntaxError, 1, "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
    ("line1\nx{% for i in x %}{% endfro %}", TemplateSyntaxError, 2, "Encountered unknown tag 'endfro'. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'."),
    ("{{ 1 + }}", TemplateSyntaxError, 1, "unexpected 'end of print statement'"),
    ("{% foo %}", TemplateSyntaxError, 1, "Encountered unknown tag 'foo'."),
    ("{% endfor %}", TemplateSyntaxError, 1, "Encountered unknown tag 'endfor'."),
    ("{% if %}{% endif %}", TemplateSyntaxError, 1, "Expected an expression, got 'end of statement block'"),
    ("{{ }}", TemplateSyntaxError, 1, "Expected an expression, got 'end of print statement'"),
    ("{% set 1 = 2 %}", TemplateSyntaxError, 1, "can't assign to 'const'"),
    ("{% macro m(a=1, b) %}{% endmacro %}", TemplateSyntaxError, 1, "non-default argument follows default argument"),
    ("{{ f(a=1, 2) }}", TemplateSyntaxError, 1, "invalid syntax for function call expression"),
    ("\n{{ x|nofilter }}", TemplateAssertionError, 2, "No filter named 'nofilter'."),
    ("{{ x is notest }}", TemplateAssertionError, 1, "No test named 'notest'."),
    ("{% block a %}{% endblock %}\n{% block a %}{% endblock %}", TemplateAssertionError, 2, "block 'a' defined twice"),
]


@pytest.mark.parametrize("source, error_type, line, message", ERRORS)
def test_syntax_errors_like_jinja(source: str, error_type: type, line: int, message: str) -> None:
    with pytest.raises(error_type) as caught:
        Environment().from_string(source)
    assert caught.value.lineno == line
    assert caught.value.message == message


def test_syntax_error_names_the_template_and_quotes_the_line() -> None:
    env = Environment(loader=DictLoader({"page.html": "<p>\n{% for x in y %}\n{% endif %}"}))
    with pytest.raises(TemplateSyntaxError) as caught:
        env.get_template("page.html")
    error = caught.value
    assert (error.name, error.lineno) == ("page.html", 3)
    assert "Encountered unknown tag 'endif'" in str(error)
    assert 'File "page.html", line 3' in str(error)
    assert "{% endif %}" in str(error)


def test_block_end_name_must_match() -> None:
    with pytest.raises(TemplateSyntaxError, match="Block name mismatch"):
        Environment().from_string("{% block a %}{% endblock b %}")


def test_required_block_may_only_hold_whitespace() -> None:
    with pytest.raises(TemplateSyntaxError, match="Required blocks can only contain comments or whitespace"):
        Environment().from_string("{% block a required %}x{% endblock %}")
