"""Benchmark: rendering and compiling the same page in several template engines.

Run ``python benchmarks/bench_templates.py``. The page is a child template
extending a base layout (blocks), with a 30-row table using ``loop.cycle``,
filters (upper, truncate, default, join) and user data with ``<>&`` that
autoescape must escape. microflask.jinja, Jinja2 and Bottle's SimpleTemplate
render it; every output is checked against microflask's before timing.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import typing as t

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

from harness import measure_side_by_side, print_ratio_table, try_import  # noqa: E402

# -- The page ---------------------------------------------------------------------

BASE = """<!doctype html>
<html>
<head><title>{% block title %}Site{% endblock %} - {{ site_name|upper }}</title></head>
<body>
<nav>{{ nav|join(' | ') }}</nav>
<main>{% block content %}{% endblock %}</main>
<footer>{% block footer %}(c) {{ year }} {{ site_name }}{% endblock %}</footer>
</body>
</html>
"""

PAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<table>
{% for row in rows %}
<tr class="{{ loop.cycle('odd', 'even') }}"><td>{{ loop.index }}</td><td>{{ row.name }}</td><td>{{ row.comment|truncate(40) }}</td><td>{{ row.email|default('-') }}</td><td>{{ row.tags|join(', ') }}</td></tr>
{% endfor %}
</table>
{% endblock %}
"""

# The same page in Bottle's SimpleTemplate: ``rebase`` for the layout, Python
# expressions for the filters, ``{{!...}}`` for already-escaped HTML.
BOTTLE_BASE = """<!doctype html>
<html>
<head><title>{{title}} - {{site_name.upper()}}</title></head>
<body>
<nav>{{' | '.join(nav)}}</nav>
<main>{{!base}}</main>
<footer>(c) {{year}} {{site_name}}</footer>
</body>
</html>
"""

BOTTLE_PAGE = """% rebase('base', title=title, site_name=site_name, nav=nav, year=year)
<h1>{{title}}</h1>
<table>
% for index, row in enumerate(rows):
<tr class="{{('odd', 'even')[index % 2]}}"><td>{{index + 1}}</td><td>{{row['name']}}</td><td>{{truncate(row['comment'], 40)}}</td><td>{{row.get('email', '-')}}</td><td>{{', '.join(row['tags'])}}</td></tr>
% end
</table>
"""


def make_context() -> t.Dict[str, t.Any]:
    """30 rows of user data; every third has no e-mail, names carry ``<>&``."""
    rows = []
    for number in range(30):
        row = {
            "name": f"User <{number}> & co",
            "comment": f"Comment number {number} with enough words to be cut by truncate & <b>escaped</b>",
            "tags": ["a&b", "<tag>", f"t{number}"],
        }
        if number % 3:
            row["email"] = f"user{number}@example.com"
        rows.append(row)
    return {"title": "Users & <friends>", "site_name": "Demo", "nav": ["Home", "About", "Users"], "year": 2024, "rows": rows}


def truncate(text: str, length: int, end: str = "...", leeway: int = 5) -> str:
    """Jinja's ``truncate`` filter, for the SimpleTemplate version."""
    if len(text) <= length + leeway:
        return text
    return text[: length - len(end)].rsplit(" ", 1)[0] + end


# -- The engines ------------------------------------------------------------------


class Engine(t.NamedTuple):
    render: t.Callable[[], str]
    compile: t.Callable[[], t.Any]


def jinja_like_engine(environment_class: t.Any, dict_loader: t.Any) -> Engine:
    """microflask.jinja and Jinja2 share one API: a DictLoader and autoescape."""
    env = environment_class(loader=dict_loader({"base.html": BASE, "page.html": PAGE}), autoescape=True)
    page = env.get_template("page.html")
    context = make_context()

    def compile_both() -> t.Any:
        # from_string caches nothing: each call lexes, parses and compiles.
        return env.from_string(BASE), env.from_string(PAGE)

    return Engine(lambda: page.render(context), compile_both)


def build_microflask() -> Engine:
    from microflask.jinja import DictLoader, Environment

    return jinja_like_engine(Environment, DictLoader)


def build_jinja2() -> Engine:
    from jinja2 import DictLoader, Environment

    return jinja_like_engine(Environment, DictLoader)


def build_bottle(folder: str) -> Engine:
    from bottle import SimpleTemplate

    for name, source in (("base.tpl", BOTTLE_BASE), ("page.tpl", BOTTLE_PAGE)):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
            file.write(source)
    page = SimpleTemplate(name="page", lookup=[folder])
    context = dict(make_context(), truncate=truncate)

    def compile_both() -> t.Any:
        # SimpleTemplate compiles lazily, on first reading ``co``.
        return SimpleTemplate(source=BOTTLE_BASE).co, SimpleTemplate(source=BOTTLE_PAGE).co

    return Engine(lambda: page.render(**context), compile_both)


# -- Checking and timing ----------------------------------------------------------


def normalised(html: str) -> str:
    """Whitespace differences (line statements, block tags) do not count."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


# (render ratio, compile ratio) each peer must reach: peer time / microflask time.
TARGETS = {"jinja2": (3.0, 4.0), "bottle": (1.0, None)}


def main() -> None:
    folder = tempfile.mkdtemp()
    try:
        engines = {"microflask": build_microflask()}
        if try_import("jinja2") is None:
            print("jinja2 is not installed (pip install jinja2); skipped")
        else:
            engines["jinja2"] = build_jinja2()
        if try_import("bottle") is None:
            print("bottle is not installed (pip install bottle); skipped")
        else:
            engines["bottle"] = build_bottle(folder)
        sys.exit(0 if run(engines) else 1)
    finally:
        shutil.rmtree(folder)


def run(engines: t.Dict[str, Engine]) -> bool:
    expected = normalised(engines["microflask"].render())
    right = {}
    for name, engine in engines.items():
        output = normalised(engine.render())
        if output == expected:
            right[name] = engine
        else:
            position = next(i for i, (a, b) in enumerate(zip(output + "\0", expected + "\0")) if a != b)
            print(f"{name}: output differs from microflask's at {position}, not timed:")
            print(f"  {name}:      {output[max(0, position - 40):position + 40]!r}")
            print(f"  microflask: {expected[max(0, position - 40):position + 40]!r}")
    render_times = dict(zip(right, measure_side_by_side([engine.render for engine in right.values()])))
    compile_times = dict(zip(right, measure_side_by_side([engine.compile for engine in right.values()])))

    print(f"\nPython {'.'.join(map(str, sys.version_info[:3]))}; CPU time per call, best round\n")
    print_ratio_table("render the page (30 rows, inheritance, autoescape)", [(name, render_times.get(name)) for name in engines])
    print()
    print_ratio_table("compile base + page from source", [(name, compile_times.get(name)) for name in engines])
    print()
    print("Targets (peer / microflask must be at least the minimum)")
    for peer, minimums in TARGETS.items():
        for label, times, minimum in (("render", render_times, minimums[0]), ("compile", compile_times, minimums[1])):
            if minimum is None:
                continue
            if peer not in times or "microflask" not in times:
                print(f"  {label}, {peer} >= {minimum:g}x: not measured")
                continue
            ratio = times[peer] / times["microflask"]
            print(f"  {label}, {peer} >= {minimum:g}x: {ratio:.2f}x {'met' if ratio >= minimum else 'NOT MET'}")
    return len(right) == len(engines)


if __name__ == "__main__":
    main()
