"""Rendering through the public API: every tag, expression, the loop object,
inheritance, include, import, macros, call blocks and whitespace control.

Each expected output was observed from Jinja 3 on the same template and
context, and is hard-coded here: the engine must give the same text.
"""
from __future__ import annotations

import typing as t

import pytest

from microflask.jinja import DictLoader, Environment, TemplateRuntimeError

# fmt: off
CONTEXT: t.Dict[str, t.Any] = dict(items=[1, 2, 3], user={'name': 'Ann', 'tags': ['a', 'b']}, html='<b>&</b>', n=7, none=None)
CASES: t.List[t.Tuple[str, str, t.Dict[str, t.Any], str]] = [
    ('print-variable', 'Hello {{ user.name }}!', {}, 'Hello Ann!'),
    ('attribute-then-item', "{{ user.name }} {{ user['name'] }} {{ items.0 }} {{ user.items is defined }}", {}, 'Ann Ann 1 True'),
    ('undefined-prints-nothing', "[{{ missing }}][{{ missing|default('d') }}]", {}, '[][d]'),
    ('literals', '{{ \'a\' \'b\' }} {{ "q\\"" }} {{ 1_000 }} {{ 1.5e-2 }} {{ 0x1F }} {{ [1, \'x\'] }} {{ {\'k\': 2} }} {{ (1,) }} {{ () }}', {}, 'ab q" 1000 0.015 31 [1, \'x\'] {\'k\': 2} (1,) ()'),
    ('constants', '{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}', {}, 'True True False None None'),
    ('string-escapes', "{{ 'a\\tb\\n' }}{{ '\\u00e9' }}", {}, 'a\tb\né'),
    ('arithmetic', '{{ 7 // 2 }} {{ 7 % 3 }} {{ 10 / 4 }} {{ 2 ** 3 ** 2 }} {{ -1 ** 2 }} {{ -3 // 2 }} {{ 2 * 3 + 1 }}', {}, '3 1 2.5 64 1 -2 7'),
    ('concat-tilde', "{{ 'a' ~ 1 ~ none }} {{ n ~ '' }}", {}, 'a1None 7'),
    ('comparisons', '{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1 == 1 }} {{ 2 in items }} {{ 5 not in items }} {{ not 1 in [2] }}', {}, 'True False True True True True'),
    ('logic', "{{ none or 'y' }} {{ n and 'z' }} {{ not n }} {{ 'yes' if n > 5 else 'no' }} [{{ 'x' if false }}]", {}, 'y z False yes []'),
    ('tests', '{{ n is odd }} {{ n is not even }} {{ n is divisibleby 7 }} {{ 8 is divisibleby(4) }} {{ missing is undefined }} {{ none is none }}', {}, 'True True True True True True'),
    ('slices', "{{ items[1:] }} {{ items[:-1] }} {{ 'abc'[::-1] }} {{ items[0] }}", {}, '[2, 3] [1, 2] cba 1'),
    ('calls', "{{ range(3)|list }} {{ dict(a=1) }} {{ 'a,b'.split(',') }} {{ '%s-%s'|format(1, 2) }} {{ '%s' % n }}", {}, "[0, 1, 2] {'a': 1} ['a', 'b'] 1-2 7"),
    ('star-args', "{{ '{}{}{c}'.format(*[1, 2], **{'c': 3}) }}", {}, '123'),
    ('filter-chain', "{{ user.name|upper|replace('A', '4') }} {{ items|join(', ') }} {{ items|map('string')|join }}", {}, '4NN 1, 2, 3 123'),
    ('tuple-output', '{{ 1, 2 }}', {}, '(1, 2)'),
    ('if-elif-else', '{% for v in [0, 1, 2] %}{% if v == 0 %}zero{% elif v == 1 %}one{% else %}many{% endif %} {% endfor %}', {}, 'zero one many '),
    ('for-unpacking', "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", {}, 'a=1;b=2;'),
    ('for-else', '{% for i in [] %}x{% else %}empty{% endfor %}', {}, 'empty'),
    ('for-filter-counts-filtered', '{% for i in range(5) if i is odd %}{{ loop.index }}/{{ loop.length }}{{ loop.last }} {% endfor %}', {}, '1/2False 2/2True '),
    ('loop-object', '{% for i in items %}{{ loop.index0 }}{{ loop.index }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.depth }}{{ loop.depth0 }}|{% endfor %}', {}, '0132TrueFalse310|1221FalseFalse310|2310FalseTrue310|'),
    ('loop-prev-next-cycle-changed', "{% for i in [1, 1, 2] %}{{ loop.previtem }}-{{ loop.nextitem }} {{ loop.cycle('odd', 'even') }} {{ loop.changed(i) }}|{% endfor %}", {}, '-1 odd True|1-2 even False|1- odd True|'),
    ('loop-over-generator-length', '{% for c in user.name|list|reverse %}{{ c }}{{ loop.length }}{{ loop.revindex }}{% endfor %}', {}, 'n33n32A31'),
    ('read-after-set-in-a-branch', '{% block b %}{% if n %}{% set user = 1 %}{% endif %}{{ user }}{% endblock %}', {}, '1'),
    ('read-after-set-in-a-branch-not-taken', '{% block b %}{% if none %}{% set user = 1 %}{% endif %}{{ user.name }}{% endblock %}', {}, 'Ann'),
    ('read-then-set', '{{ n }}{% set n = n + 1 %}{{ n }}', {}, '78'),
    ('read-once-in-a-loop', '{% for i in items %}{{ n }}{% endfor %}{{ n }}', {}, '7777'),
    ('set-in-a-loop-starts-from-outer', '{% for i in items %}{% set n = n + i %}{{ n }} {% endfor %}{{ n }}', {}, '8 9 10 7'),
    ('recursive-loop', '{% for i in [[1, [2]], [3]] recursive %}<{{ loop.depth }}{% if i is iterable %}{{ loop(i) }}{% else %}{{ i }}{% endif %}>{% endfor %}', {}, '<1<21><2<32>>><1<23>>'),
    ('nested-loops-own-loop', "{% for i in [1, 2] %}{% set outer = loop %}{% for j in 'ab' %}{{ outer.index }}{{ loop.index }}{{ j }} {% endfor %}{% endfor %}", {}, '11a 12b 21a 22b '),
    ('set-in-loop-does-not-leak', '{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}', {}, '12121'),
    ('loop-variable-does-not-leak', '{% for i in [1] %}{% endfor %}[{{ i }}]', {}, '[]'),
    ('set-in-if-leaks', '{% if true %}{% set y = 1 %}{% endif %}{{ y }}', {}, '1'),
    ('namespace-escapes-loop', '{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}', {}, '6'),
    ('set-tuple', '{% set a, b = 1, 2 %}{{ a }}{{ b }}', {}, '12'),
    ('set-block', '{% set body %}<p>{{ n }}</p>{% endset %}{{ body }}', {}, '<p>7</p>'),
    ('set-block-filtered', '{% set shout | upper %}hey {{ user.name }}{% endset %}{{ shout }}', {}, 'HEY ANN'),
    ('with-block', '{% set a = 5 %}{% with a = 1, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}', {}, '155'),
    ('with-scope', '{% with %}{% set y = 1 %}{% endwith %}[{{ y }}]', {}, '[]'),
    ('filter-block', '{% filter upper %}hello {{ user.name }}{% endfilter %}', {}, 'HELLO ANN'),
    ('macro-defaults-and-args', '{% macro m(a, b=a * 2, c=none) %}{{ a }}{{ b }}{{ c }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }}|{{ m(1, 3, 4, 5, z=1) }}', {}, "12None(){}|134(5,){'z': 1}"),
    ('macro-missing-argument', '{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }}', {}, '[]'),
    ('macro-attributes', '{% macro m(a, b) %}{{ caller() }}{{ kwargs }}{% endmacro %}{{ m.name }} {{ m.arguments }} {{ m.catch_kwargs }} {{ m.catch_varargs }} {{ m.caller }}', {}, "m ('a', 'b') True False True"),
    ('call-block-with-args', '{% macro list(xs) %}<ul>{% for x in xs %}{{ caller(x) }}{% endfor %}</ul>{% endmacro %}{% call(x) list(items) %}<li>{{ x }}</li>{% endcall %}', {}, '<ul><li>1</li><li>2</li><li>3</li></ul>'),
    ('caller-undefined', '{% macro m() %}[{{ caller }}]{% endmacro %}{{ m() }}', {}, '[]'),
    ('macro-sees-later-set', '{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}{% set x = 2 %}{{ m() }}', {}, '12'),
    ('raw', '{% raw %}{{ not parsed }}{% endraw %}', {}, '{{ not parsed }}'),
    ('comments', '{# c #}a{#- c -#} b', {}, 'ab'),
    ('whitespace-minus', "  {%- if true -%}  x  {%- endif -%}  |{{- ' y ' -}}  |", {}, 'x| y |'),
    ('default-whitespace', 'a\n{% if true %}\nb\n{% endif %}\nc\n', {}, 'a\n\nb\n\nc'),
    ('trim-blocks', '<ul>\n{% for i in items %}\n  <li>{{ i }}</li>\n{% endfor %}\n</ul>', {'trim_blocks': True}, '<ul>\n  <li>1</li>\n  <li>2</li>\n  <li>3</li>\n</ul>'),
    ('lstrip-blocks', '<ul>\n  {% for i in items %}\n  <li>{{ i }}</li>\n  {% endfor %}\n</ul>', {'lstrip_blocks': True}, '<ul>\n\n  <li>1</li>\n\n  <li>2</li>\n\n  <li>3</li>\n\n</ul>'),
    ('trim-and-lstrip', '<ul>\n  {% for i in items %}\n  <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n', {'trim_blocks': True, 'lstrip_blocks': True}, '<ul>\n  <li>1</li>\n  <li>2</li>\n  <li>3</li>\n</ul>'),
    ('plus-disables-lstrip', 'a\n  {%+ if true %}x{% endif %}', {'lstrip_blocks': True}, 'a\n  x'),
    ('plus-disables-trim', '{% if true %}\nx{% endif +%}\ny', {'trim_blocks': True}, 'x\ny'),
    ('trailing-newline-removed', 'a\n', {}, 'a'),
    ('keep-trailing-newline', 'a\n', {'keep_trailing_newline': True}, 'a\n'),
    ('newline-sequence', 'a\nb\r\nc\n', {'newline_sequence': '\r\n', 'keep_trailing_newline': True}, 'a\r\nb\r\nc\r\n'),
    ('autoescape', "{{ html }} {{ html|safe }} {{ '<i>' }} {{ html|e }}", {'autoescape': True}, '&lt;b&gt;&amp;&lt;/b&gt; <b>&</b> &lt;i&gt; &lt;b&gt;&amp;&lt;/b&gt;'),
    ('autoescape-block', '{% autoescape false %}{{ html }}{% endautoescape %} {{ html }}', {'autoescape': True}, '<b>&</b> &lt;b&gt;&amp;&lt;/b&gt;'),
    ('autoescape-concat-and-join', "{{ html ~ '<' }} {{ [html, '<'|safe]|join }}", {'autoescape': True}, '&lt;b&gt;&amp;&lt;/b&gt;&lt; &lt;b&gt;&amp;&lt;/b&gt;<'),
    ('autoescape-macro-output-not-double-escaped', '{% macro m(v) %}<p>{{ v }}</p>{% endmacro %}{{ m(html) }}', {'autoescape': True}, '<p>&lt;b&gt;&amp;&lt;/b&gt;</p>'),
    ('autoescape-set-block', '{% set v %}<i>{{ html }}</i>{% endset %}{{ v }}', {'autoescape': True}, '<i>&lt;b&gt;&amp;&lt;/b&gt;</i>'),
    ('no-autoescape', '{{ html }}', {}, '<b>&</b>'),
    ('self-block', '{% block title %}T{% endblock %}|{{ self.title() }}', {}, 'T|T'),
]

TEMPLATES: t.Dict[str, str] = {
    'base.html': '<title>{% block title %}Base{% endblock %}</title>|{% block body %}{% endblock %}|{{ foo }}',
    'child.html': "{% extends 'base.html' %}{% set foo = 'F' %}{% block title %}Child-{{ super() }}{% endblock %}ignored{% block body %}{% for i in [1, 2] %}{{ i }}{% endfor %}{{ self.title() }}{% endblock %}",
    'grandchild.html': "{% extends 'child.html' %}{% block title %}G/{{ super() }}{% endblock %}",
    'dynamic.html': '{% extends layout %}{% block title %}D{% endblock %}',
    'conditional.html': "{% if use_base %}{% extends 'base.html' %}{% endif %}{% block title %}C{% endblock %}X",
    'scoped.html': '{% for i in [1, 2] %}{% block s scoped %}{{ i }}{% endblock %}{% endfor %}',
    'unscoped.html': '{% for i in [1, 2] %}{% block s %}[{{ i }}]{% endblock %}{% endfor %}',
    'required_base.html': '<{% block r required %}{% endblock %}>',
    'required_child.html': "{% extends 'required_base.html' %}{% block r %}R{% endblock %}",
    'nested_blocks.html': '{% block outer %}O[{% block inner %}I{% endblock %}]{% endblock %}',
    'nested_child.html': "{% extends 'nested_blocks.html' %}{% block inner %}i{{ super() }}{% endblock %}",
    'block_uses_macro.html': "{% extends 'base.html' %}{% macro m() %}M{% endmacro %}{% block body %}{{ m() }}{% endblock %}",
    'part.html': '[{{ name }}{{ i }}]',
    'includes.html': "{% set name = 'N' %}{% for i in [1] %}{% include 'part.html' %}{% endfor %}{% include 'part.html' without context %}{% include 'missing.html' ignore missing %}{% include ['nope.html', 'part.html'] %}",
    'macros.html': '{% macro hello(who) %}Hello {{ who }}{{ punctuation }}{% endmacro %}{% set _private = 1 %}{% set public = 2 %}body',
    'import.html': "{% import 'macros.html' as m %}{{ m.hello('x') }} {{ m.public }} [{{ m._private }}] {{ m }}",
    'from_import.html': "{% from 'macros.html' import hello, public as p %}{{ hello('y') }}{{ p }}",
    'from_import_with_context.html': "{% from 'macros.html' import hello with context %}{{ hello('y') }}",
    'from_import_missing.html': "{% from 'macros.html' import nothing %}[{{ nothing }}]",
}
LOADER_CONTEXT = {'layout': 'base.html', 'use_base': True, 'punctuation': '!'}
LOADED = [
    ('child.html', '<title>Child-Base</title>|12Child-Base|F'),
    ('grandchild.html', '<title>G/Child-Base</title>|12G/Child-Base|F'),
    ('dynamic.html', '<title>D</title>||'),
    ('conditional.html', '<title>C</title>||'),
    ('scoped.html', '12'),
    ('unscoped.html', '[][]'),
    ('required_child.html', '<R>'),
    ('nested_child.html', 'O[iI]'),
    ('block_uses_macro.html', '<title>Base</title>|M|'),
    ('includes.html', '[N1][][N]'),
    ('import.html', 'Hello x 2 [] body'),
    ('from_import.html', 'Hello y2'),
    ('from_import_with_context.html', 'Hello y!'),
    ('from_import_missing.html', '[]'),
]
# fmt: on


@pytest.mark.parametrize("source, options, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_renders_like_jinja(source: str, options: t.Dict[str, t.Any], expected: str) -> None:
    assert Environment(**options).from_string(source).render(**CONTEXT) == expected


@pytest.fixture
def env() -> Environment:
    return Environment(loader=DictLoader(TEMPLATES))


@pytest.mark.parametrize("name, expected", LOADED, ids=[name for name, _ in LOADED])
def test_inheritance_include_import_like_jinja(env: Environment, name: str, expected: str) -> None:
    assert env.get_template(name).render(**LOADER_CONTEXT) == expected


def test_conditional_extends_renders_own_output_when_not_extending(env: Environment) -> None:
    assert env.get_template("conditional.html").render(use_base=False) == "CX"


def test_required_block_not_overridden_raises(env: Environment) -> None:
    with pytest.raises(TemplateRuntimeError, match="Required block 'r' not found"):
        env.get_template("required_base.html").render()


def test_extending_twice_raises() -> None:
    env = Environment(loader=DictLoader({"a": "A", "b": "{% extends 'a' %}{% extends 'a' %}"}))
    with pytest.raises(TemplateRuntimeError, match="extended multiple times"):
        env.get_template("b").render()


def test_super_without_parent_block_is_undefined() -> None:
    template = Environment().from_string("{% block x %}[{{ super() }}]{% endblock %}")
    with pytest.raises(Exception, match="no parent block called 'x'"):
        template.render()


def test_macro_call_errors_name_the_macro() -> None:
    env = Environment()
    with pytest.raises(TypeError, match="macro 'm' takes not more than 0 argument"):
        env.from_string("{% macro m() %}{% endmacro %}{{ m(1) }}").render()
    with pytest.raises(TypeError, match="macro 'm' takes no keyword argument 'x'"):
        env.from_string("{% macro m() %}{% endmacro %}{{ m(x=1) }}").render()


def test_namespace_is_the_only_assignable_object() -> None:
    template = Environment().from_string("{% set d = {} %}{% set d.x = 1 %}")
    with pytest.raises(TemplateRuntimeError, match="non-namespace"):
        template.render()


def test_filter_guarded_by_is_filter_compiles() -> None:
    source = "{% if 'nope' is filter %}{{ 1|nope }}{% else %}no such filter{% endif %}"
    assert Environment().from_string(source).render() == "no such filter"


def test_finalize_applies_to_expressions_only() -> None:
    env = Environment(finalize=lambda value: "" if value is None else value)
    assert env.from_string("a{{ none }}b{{ 1 }}").render() == "ab1"


def test_loop_object_is_only_created_when_the_body_needs_it() -> None:
    env = Environment()
    plain = env.compile("{% for i in items %}{{ i }}{% endfor %}", raw=True)
    counting = env.compile("{% for i in items %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}", raw=True)
    full = env.compile("{% for i in items %}{{ loop.length }}{% endfor %}", raw=True)
    assert "LoopContext" not in plain and "enumerate" not in plain
    assert "LoopContext" not in counting and "enumerate(" in counting
    assert "LoopContext" in full


def test_range_is_capped() -> None:
    with pytest.raises(OverflowError, match="Range too big"):
        Environment().from_string("{{ range(10 ** 9)|length }}").render()
