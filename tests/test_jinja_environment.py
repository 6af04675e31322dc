"""The Environment and Template API: loading, caching and reloading, streams,
modules, lookups as templates do them, and errors that point at template lines.
"""
from __future__ import annotations

import io
import traceback
import typing as t

import pytest

from microflask.jinja import (
    ChainableUndefined,
    DictLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplatesNotFound,
    UndefinedError,
    pass_context,
    pass_environment,
    pass_eval_context,
)


@pytest.fixture
def sources() -> t.Dict[str, str]:
    return {"a.html": "A{{ x }}", "b.html": "B", "macros.html": "{% macro hi(n) %}hi {{ n }}{% endmacro %}{% set answer = 42 %}text"}


@pytest.fixture
def env(sources: t.Dict[str, str]) -> Environment:
    return Environment(loader=DictLoader(sources))


def test_get_template_is_cached(env: Environment) -> None:
    assert env.get_template("a.html") is env.get_template("a.html")


def test_auto_reload_recompiles_a_changed_source(env: Environment, sources: t.Dict[str, str]) -> None:
    first = env.get_template("a.html")
    sources["a.html"] = "changed"
    assert not first.is_up_to_date
    assert env.get_template("a.html").render() == "changed"


def test_without_auto_reload_the_cached_template_stays(sources: t.Dict[str, str]) -> None:
    env = Environment(loader=DictLoader(sources), auto_reload=False)
    env.get_template("a.html")
    sources["a.html"] = "changed"
    assert env.get_template("a.html").render(x=1) == "A1"


def test_cache_size_bounds_the_cache(sources: t.Dict[str, str]) -> None:
    env = Environment(loader=DictLoader(sources), cache_size=1)
    first = env.get_template("a.html")
    env.get_template("b.html")
    assert env.get_template("a.html") is not first
    uncached = Environment(loader=DictLoader(sources), cache_size=0)
    assert uncached.get_template("b.html") is not uncached.get_template("b.html")


def test_missing_template(env: Environment) -> None:
    with pytest.raises(TemplateNotFound, match="nope.html"):
        env.get_template("nope.html")


def test_select_template_takes_the_first_that_exists(env: Environment) -> None:
    assert env.select_template(["nope.html", "b.html"]).render() == "B"
    assert env.get_or_select_template(["nope.html", "b.html"]).name == "b.html"
    assert env.get_or_select_template("a.html").name == "a.html"
    with pytest.raises(TemplatesNotFound) as caught:
        env.select_template(["x.html", "y.html"])
    assert caught.value.templates == ["x.html", "y.html"]
    with pytest.raises(TemplatesNotFound, match="empty list"):
        env.select_template([])


def test_list_templates(env: Environment) -> None:
    assert env.list_templates() == ["a.html", "b.html", "macros.html"]
    assert env.list_templates(filter_func=lambda name: name.startswith("a")) == ["a.html"]


def test_template_attributes(env: Environment) -> None:
    template = env.get_template("a.html")
    assert template.name == "a.html"
    assert template.filename is None
    assert template.environment is env
    assert template.render({"x": 1}, x=2) == "A2"
    assert repr(template) == "<Template 'a.html'>"


def test_from_string_and_template_class() -> None:
    assert Environment().from_string("{{ 1 + 1 }}").render() == "2"
    assert Template("Hello {{ name }}").render(name="you") == "Hello you"
    assert Template("{{ x }}", autoescape=True).render(x="<") == "&lt;"


def test_template_globals_extend_the_environments(env: Environment) -> None:
    env.globals["site"] = "S"
    template = env.from_string("{{ site }}{{ extra }}", globals={"extra": "E"})
    assert template.render() == "SE"
    assert template.globals["extra"] == "E"


def test_generate_and_stream() -> None:
    template = Environment().from_string("{% for i in range(4) %}{{ i }}{% endfor %}")
    assert list(template.generate()) == ["0", "1", "2", "3"]
    stream = template.stream()
    stream.enable_buffering(2)
    assert list(stream) == ["01", "23"]
    with pytest.raises(ValueError, match="buffer size too small"):
        template.stream().enable_buffering(1)


def test_stream_dump_to_file_object_and_path(tmp_path: t.Any) -> None:
    template = Environment().from_string("é{{ x }}")
    text = io.StringIO()
    template.stream(x=1).dump(text)
    assert text.getvalue() == "é1"
    path = tmp_path / "out.txt"
    template.stream(x=2).dump(str(path))
    assert path.read_bytes() == "é2".encode("utf-8")
    binary = io.BytesIO()
    template.stream(x=3).dump(binary, encoding="latin-1")
    assert binary.getvalue() == "é3".encode("latin-1")


def test_module_exports_macros_and_public_variables(env: Environment) -> None:
    module = env.get_template("macros.html").module
    assert module.hi("you") == "hi you"
    assert module.answer == 42
    assert str(module) == "text"
    assert env.get_template("macros.html").module is module
    assert env.get_template("a.html").make_module({"x": 5}).__html__() == "A5"


def test_compile_raw_returns_readable_python() -> None:
    source = Environment().compile("{% for u in users %}{{ u.name }}{% endfor %}{{ users|length }}", raw=True)
    assert "def root(context):" in source
    assert "l_users = context.resolve('users')" in source
    assert "for l_1_u in l_users:" in source


def test_lookups_attribute_first_then_item() -> None:
    env = Environment()

    class Row(dict):
        name = "attribute"

    assert env.getattr({"name": "item"}, "name") == "item"
    assert env.getattr(Row(name="item"), "name") == "attribute"
    assert callable(env.getattr({"items": 1}, "items"))
    assert env.getitem({"items": 1}, "items") == 1
    assert env.getitem(Row(), "name") == "attribute"
    assert isinstance(env.getattr({}, "missing"), env.undefined)


def test_call_filter_and_test_pass_what_the_function_asks_for() -> None:
    env = Environment()
    assert env.call_filter("upper", "a") == "A"
    assert env.call_filter("default", None, ["d"], {"boolean": True}) == "d"
    assert env.call_test("divisibleby", 9, [3]) is True

    @pass_environment
    def with_environment(environment: Environment, value: t.Any) -> t.Any:
        return environment is env and value

    @pass_eval_context
    def with_eval_context(eval_ctx: t.Any, value: t.Any) -> t.Any:
        return eval_ctx.autoescape

    @pass_context
    def with_context(context: t.Any, value: t.Any) -> t.Any:
        return context["suffix"] + value

    env.filters.update(env_filter=with_environment, eval_filter=with_eval_context, context_filter=with_context)
    env.globals["context_global"] = pass_context(lambda context: context.name)
    template = env.from_string("{{ 1|env_filter }} {{ 1|eval_filter }} {{ 'x'|context_filter }} {{ context_global() }}")
    assert template.render(suffix="s-") == "1 False s-x None"
    assert env.call_filter("env_filter", 7) == 7


def test_autoescape_may_be_decided_by_template_name() -> None:
    from microflask.jinja import select_autoescape

    env = Environment(loader=DictLoader({"a.html": "{{ x }}", "a.txt": "{{ x }}"}), autoescape=select_autoescape())
    assert env.get_template("a.html").render(x="<") == "&lt;"
    assert env.get_template("a.txt").render(x="<") == "<"


def test_strict_undefined_fails_on_print_and_test() -> None:
    env = Environment(undefined=StrictUndefined)
    with pytest.raises(UndefinedError, match="'missing' is undefined"):
        env.from_string("{{ missing }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{% if missing %}{% endif %}").render()
    assert env.from_string("{{ missing is defined }}").render() == "False"
    assert env.from_string("{{ missing|default('d') }}").render() == "d"


def test_default_and_chainable_undefined() -> None:
    with pytest.raises(UndefinedError, match="'missing' is undefined"):
        Environment().from_string("{{ missing.attr }}").render()
    assert Environment(undefined=ChainableUndefined).from_string("[{{ a.b.c }}]").render() == "[]"


def test_render_error_traceback_points_at_the_template_line() -> None:
    source = "line 1\n{% macro m(v) %}\n{{ v.boom() }}\n{% endmacro %}\nline 5\n{{ m(obj) }}\n"
    env = Environment(loader=DictLoader({"page.html": source}))

    class Exploding:
        def boom(self) -> None:
            raise ValueError("kaboom")

    with pytest.raises(ValueError, match="kaboom") as caught:
        env.get_template("page.html").render(obj=Exploding())
    frames = [(frame.filename, frame.lineno, frame.name) for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert ("page.html", 6, "template") in frames
    assert ("page.html", 3, "macro 'm'") in frames


def test_missing_parent_traceback_points_at_the_extends_line() -> None:
    env = Environment(loader=DictLoader({"child.html": "\n{% extends 'gone.html' %}{% block a %}x{% endblock %}"}))
    with pytest.raises(TemplateNotFound) as caught:
        env.get_template("child.html").render()
    frames = [(frame.filename, frame.lineno, frame.name) for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert ("child.html", 2, "template") in frames


def test_blocks_are_the_templates_block_functions() -> None:
    template = Environment().from_string("{% block a %}text only{% endblock %}{% block b %}{{ n }}{% endblock %}")
    assert list(template.blocks) == ["a", "b"]
    assert "".join(template.blocks["a"](template.new_context())) == "text only"
    assert "".join(template.blocks["b"](template.new_context({"n": 1}))) == "1"


def test_undefined_error_traceback_names_the_file_and_line(tmp_path: t.Any) -> None:
    from microflask.jinja import FileSystemLoader

    (tmp_path / "strict.html").write_text("a\n\n{{ missing }}\n")
    env = Environment(loader=FileSystemLoader(str(tmp_path)), undefined=StrictUndefined)
    with pytest.raises(UndefinedError) as caught:
        env.get_template("strict.html").render()
    last_template_frame = [frame for frame in traceback.extract_tb(caught.value.__traceback__) if frame.filename.endswith("strict.html")][-1]
    assert last_template_frame.lineno == 3
    assert last_template_frame.line == "{{ missing }}"


def test_unsupported_options_are_refused() -> None:
    with pytest.raises(TypeError, match="extensions are not supported"):
        Environment(extensions=["jinja2.ext.do"])
    with pytest.raises(TypeError, match="line statements"):
        Environment(line_statement_prefix="#")
