"""Templates in an application: ``render_template`` and friends, the app's
Environment, context processors, template filters/tests/globals, reloading.

Expected outputs were checked against Flask with Jinja2 rendering the same
templates.
"""
from __future__ import annotations

import datetime
import logging
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from microflask import (
    Flask,
    Response,
    flash,
    g,
    get_template_attribute,
    render_template,
    render_template_string,
    session,
    stream_template,
    stream_template_string,
)
from microflask.jinja import DictLoader, TemplateNotFound
from microflask.markup import Markup
from microflask.sessions import SecureCookieSessionInterface
from microflask.templating import DispatchingJinjaLoader, Environment

from conftest import validated


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """The ``templates`` folder of the ``app`` fixture (rooted in tmp_path)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


# -- finding and rendering templates ---------------------------------------------


def test_render_template_reads_the_apps_templates_folder(app, client, templates):
    write(templates, "hello.html", "<h1>Hello {{ name }}!</h1>")

    @app.route("/hello/<name>")
    def hello(name):
        return render_template("hello.html", name=name)

    response = client.get("/hello/Anna")
    assert response.status_code == 200
    assert response.text == "<h1>Hello Anna!</h1>"
    assert response.mimetype == "text/html"


def test_template_folder_is_relative_to_root_path(tmp_path):
    write(tmp_path / "views", "page.txt", "custom folder")
    app = Flask("custom", root_path=str(tmp_path), template_folder="views")
    with app.app_context():
        assert render_template("page.txt") == "custom folder"
    assert app.jinja_loader.searchpath == [os.path.join(str(tmp_path), "views")]


def test_without_template_folder_there_is_no_app_loader(tmp_path):
    app = Flask("bare", root_path=str(tmp_path), template_folder=None)
    assert app.jinja_loader is None
    with app.app_context(), pytest.raises(TemplateNotFound):
        render_template("anything.html")


def test_inheritance_and_includes_across_files(app, templates):
    write(templates, "layout.html", "<title>{% block title %}Site{% endblock %}</title>{% block body %}{% endblock %}")
    write(templates, "_nav.html", "<nav>{{ section }}</nav>")
    write(
        templates,
        "pages/about.html",
        '{% extends "layout.html" %}{% block title %}About - {{ super() }}{% endblock %}'
        '{% block body %}{% include "_nav.html" %}<p>{{ text }}</p>{% endblock %}',
    )
    with app.test_request_context():
        html = render_template("pages/about.html", section="about", text="Fish & chips")
    assert html == "<title>About - Site</title><nav>about</nav><p>Fish &amp; chips</p>"


def test_a_list_of_names_renders_the_first_that_exists(app, templates):
    write(templates, "fallback.html", "fallback")
    with app.app_context():
        assert render_template(["missing.html", "fallback.html"]) == "fallback"


def test_html_like_templates_are_autoescaped_and_others_not(app, templates):
    for name in ("page.html", "page.htm", "feed.xml", "page.xhtml", "icon.svg", "mail.txt", "script.js"):
        write(templates, name, "{{ value }}")
    with app.app_context():
        rendered = {name: render_template(name, value="<b>&") for name in (
            "page.html", "page.htm", "feed.xml", "page.xhtml", "icon.svg", "mail.txt", "script.js")}
    escaped = "&lt;b&gt;&amp;"
    assert rendered == {
        "page.html": escaped, "page.htm": escaped, "feed.xml": escaped, "page.xhtml": escaped,
        "icon.svg": escaped, "mail.txt": "<b>&", "script.js": "<b>&",
    }


def test_select_jinja_autoescape(app):
    assert app.select_jinja_autoescape(None) is True
    assert app.select_jinja_autoescape("a/b.html") is True
    assert app.select_jinja_autoescape("note.txt") is False


def test_render_template_string_is_autoescaped(app):
    with app.app_context():
        assert render_template_string("{{ a }} {{ b }}", a="<i>", b=Markup("<i>")) == "&lt;i&gt; <i>"


def test_rendering_needs_an_application_context(app):
    with pytest.raises(RuntimeError, match="application context"):
        render_template_string("hello")


def test_missing_template_is_a_500_in_production(tmp_path):
    app = validated(Flask("prod", root_path=str(tmp_path)))

    @app.route("/")
    def index():
        return render_template("nowhere.html")

    response = app.test_client().get("/")
    assert response.status_code == 500


def test_missing_template_propagates_in_testing(app, client):
    @app.route("/")
    def index():
        return render_template("nowhere.html")

    with pytest.raises(TemplateNotFound, match="nowhere.html"):
        client.get("/")


# -- what every template can see --------------------------------------------------


def test_request_session_g_and_config_are_in_templates(app, client):
    app.secret_key = "test key"
    app.config["SITE_NAME"] = "Example"

    @app.route("/page")
    def page():
        session["user"] = "anna"
        g.theme = "dark"
        return render_template_string(
            "{{ config.SITE_NAME }} {{ request.path }}?{{ request.args.q }} {{ session.user }} {{ g.theme }}"
        )

    assert client.get("/page?q=x").text == "Example /page?x anna dark"


def test_url_for_and_get_flashed_messages_are_in_templates(app, client):
    app.secret_key = "test key"

    @app.route("/login")
    def login():
        flash("Welcome back")
        flash("Disk full", "error")
        return "ok"

    @app.route("/")
    def index():
        return render_template_string(
            "<a href=\"{{ url_for('login', next='/') }}\"></a>"
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "[{{ category }}: {{ message }}]{% endfor %}"
        )

    client.get("/login")
    assert client.get("/").text == '<a href="/login?next=%2F"></a>[message: Welcome back][error: Disk full]'
    assert client.get("/").text == '<a href="/login?next=%2F"></a>'


def test_the_session_is_opened_only_if_a_template_reads_it(app, client, monkeypatch):
    opened = []
    open_session = SecureCookieSessionInterface.open_session

    def counting_open_session(self, app, request):
        opened.append(request.path)
        return open_session(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting_open_session)
    app.secret_key = "test key"

    @app.route("/plain")
    def plain():
        return render_template_string("no session here")

    @app.route("/reads")
    def reads():
        return render_template_string("{{ session.get('user', 'nobody') }}")

    assert client.get("/plain").text == "no session here"
    assert client.get("/reads").text == "nobody"
    assert opened == ["/reads"]


def test_outside_a_request_g_is_available(app):
    with app.app_context():
        g.answer = 42
        assert render_template_string("{{ g.answer }}") == "42"


# -- context processors -------------------------------------------------------------


def test_context_processor_values_reach_every_template(app, client, templates):
    write(templates, "user.html", "{{ user }} / {{ year }}")

    @app.context_processor
    def inject_user():
        return {"user": "anna", "year": 2024}

    @app.route("/")
    def index():
        return render_template("user.html")

    assert client.get("/").text == "anna / 2024"


def test_values_passed_to_render_template_win_over_processors(app):
    @app.context_processor
    def first():
        return {"shared": "first", "only_first": 1}

    @app.context_processor
    def second():
        return {"shared": "second", "g": "replaced"}

    with app.test_request_context():
        assert render_template_string("{{ shared }} {{ only_first }} {{ g }}") == "second 1 replaced"
        assert render_template_string("{{ shared }}", shared="passed") == "passed"


def test_context_processors_can_provide_functions(app):
    @app.context_processor
    def utilities():
        def format_price(amount, currency="€"):
            return f"{amount:.2f}{currency}"

        return {"format_price": format_price}

    with app.app_context():
        assert render_template_string("{{ format_price(0.33) }}") == "0.33€"


def test_update_template_context_fills_a_dict_in_place(app):
    @app.context_processor
    def site():
        return {"site": "Example", "title": "from processor"}

    context = {"title": "passed"}
    with app.test_request_context("/path"):
        app.update_template_context(context)
        assert context["site"] == "Example"
        assert context["title"] == "passed"
        assert context["request"].path == "/path"
        assert context["g"] is g._get_current_object()


# -- template filters, tests and globals ---------------------------------------------


def test_template_filter_decorator(app):
    @app.template_filter()
    def reverse(s):
        return s[::-1]

    @app.template_filter("shout")
    def make_loud(s):
        return s.upper() + "!"

    assert app.jinja_env.filters["reverse"] is reverse
    with app.app_context():
        assert render_template_string("{{ 'abc'|reverse }} {{ 'hey'|shout }}") == "cba HEY!"


def test_add_template_filter(app):
    app.add_template_filter(lambda s: s * 2, "double")
    with app.app_context():
        assert render_template_string("{{ 'ab'|double }}") == "abab"


def test_template_test_decorator_and_add_form(app):
    @app.template_test()
    def prime(n):
        return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))

    app.add_template_test(lambda n: n % 10 == 0, "round")
    with app.app_context():
        assert render_template_string("{{ 7 is prime }} {{ 8 is prime }} {{ 20 is round }}") == "True False True"


def test_template_global_decorator_and_add_form(app):
    @app.template_global()
    def double(n):
        return 2 * n

    app.add_template_global(lambda: "v1", name="version")
    with app.app_context():
        assert render_template_string("{{ double(21) }} {{ version() }}") == "42 v1"


def test_template_decorators_need_parentheses(app):
    with pytest.raises(TypeError, match=r"@app.template_filter\(\)"):

        @app.template_filter
        def reverse(s):
            return s[::-1]


# -- the environment ----------------------------------------------------------------


def test_jinja_env_is_bound_to_the_app_and_dispatches(app):
    env = app.jinja_env
    assert isinstance(env, Environment)
    assert env.app is app
    assert isinstance(env.loader, DispatchingJinjaLoader)
    assert app.jinja_env is env  # created once
    assert Flask.jinja_environment is Environment


def test_jinja_options_configure_the_environment(tmp_path):
    class TrimmedApp(Flask):
        jinja_options = {"trim_blocks": True, "autoescape": False}

    app = TrimmedApp("trimmed", root_path=str(tmp_path))
    with app.app_context():
        assert render_template_string("{% if true %}\n<b>{{ x }}</b>{% endif %}", x="<i>") == "<b><i></b>"


def test_a_custom_environment_class_and_loader(tmp_path):
    class CountingEnvironment(Environment):
        renders = 0

    class CustomApp(Flask):
        jinja_environment = CountingEnvironment

        @property
        def jinja_loader(self):
            return DictLoader({"index.html": "from a dict: {{ x }}"})

    app = CustomApp("custom", root_path=str(tmp_path))
    with app.app_context():
        assert render_template("index.html", x="<>") == "from a dict: &lt;&gt;"
    assert type(app.jinja_env) is CountingEnvironment
    assert app.jinja_env.list_templates() == ["index.html"]


def test_tojson_in_a_script_is_html_safe_and_uses_the_app_json(app, templates):
    write(templates, "data.html", "<script>var data = {{ data|tojson }};</script>")
    data = {"b": "</script>&'", "a": datetime.date(2020, 1, 2)}
    with app.app_context():
        html = render_template("data.html", data=data)
    assert html == (
        '<script>var data = {"a": "Thu, 02 Jan 2020 00:00:00 GMT",'
        ' "b": "\\u003c/script\\u003e\\u0026\\u0027"};</script>'
    )


def test_get_template_attribute_calls_a_macro_from_python(app, templates):
    write(templates, "_macros.html", "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}{% set answer = 42 %}")
    with app.app_context():
        hello = get_template_attribute("_macros.html", "hello")
        assert hello("<World>") == "Hello &lt;World&gt;!"
        assert get_template_attribute("_macros.html", "answer") == 42


def test_list_templates(app, templates):
    write(templates, "a.html", "")
    write(templates, "sub/b.txt", "")
    assert app.jinja_env.list_templates() == ["a.html", "sub/b.txt"]


def test_explain_template_loading_logs_every_attempt(app, templates, caplog):
    write(templates, "found.html", "yes")
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    with caplog.at_level(logging.INFO, logger=app.logger.name), app.app_context():
        assert render_template("found.html") == "yes"
        with pytest.raises(TemplateNotFound):
            render_template("lost.html")
    found, lost = [record.getMessage() for record in caplog.records]
    assert found.splitlines()[0] == "Locating template 'found.html':"
    assert "    1: trying loader of application 'test_app'" in found
    assert f"         - {templates}" in found
    assert f"-> found ({str(templates / 'found.html')!r})" in found
    assert lost.endswith("-> no match\nError: the template could not be found.")


# -- reloading ------------------------------------------------------------------------


def edit(path: Path, source: str) -> None:
    """Rewrite a template with a later modification time (file systems may
    have a coarse clock, so the time is set explicitly)."""
    mtime = path.stat().st_mtime
    path.write_text(source, encoding="utf-8")
    os.utime(path, (mtime + 10, mtime + 10))


def render_after_edit(app: Flask, templates: Path) -> t.Tuple[str, str]:
    path = write(templates, "page.txt", "old")
    with app.app_context():
        before = render_template("page.txt")
        edit(path, "new")
        return before, render_template("page.txt")


def test_templates_are_cached_outside_debug_mode(app, templates):
    assert app.jinja_env.auto_reload is False
    assert render_after_edit(app, templates) == ("old", "old")


def test_templates_auto_reload_config_reloads_changed_templates(app, templates):
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    assert render_after_edit(app, templates) == ("old", "new")


def test_debug_mode_reloads_templates(app, templates):
    app.debug = True
    assert render_after_edit(app, templates) == ("old", "new")


def test_turning_debug_on_later_turns_reloading_on(app, templates):
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.jinja_env.auto_reload is True


def test_jinja_env_can_be_replaced(app):
    replacement = Environment(app)
    app.jinja_env = replacement
    assert app.jinja_env is replacement


def test_templates_auto_reload_config_wins_over_debug(app):
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    app.debug = True
    assert app.jinja_env.auto_reload is False


def test_templates_auto_reload_property_is_deprecated(app):
    with pytest.deprecated_call():
        assert app.templates_auto_reload is False
    with pytest.deprecated_call():
        app.templates_auto_reload = True
    assert app.config["TEMPLATES_AUTO_RELOAD"] is True


# -- streaming --------------------------------------------------------------------------


def test_stream_template_in_a_streamed_response(app, client, templates):
    write(templates, "rows.html", "{% for row in rows %}<li>{{ row }} {{ request.path }}</li>{% endfor %}")

    @app.route("/rows")
    def rows():
        return Response(stream_template("rows.html", rows=["a", "<b>"]))

    response = client.get("/rows")
    assert response.status_code == 200
    assert response.text == "<li>a /rows</li><li>&lt;b&gt; /rows</li>"


def test_stream_template_string_yields_pieces(app):
    @app.context_processor
    def site():
        return {"site": "Example"}

    with app.test_request_context("/stream"):
        stream = stream_template_string("{{ site }}{% for n in range(3) %}-{{ n }}{% endfor %}{{ request.path }}")
    # The request context has ended, but the stream keeps it until it is done.
    pieces = list(stream)
    assert len(pieces) > 1
    assert "".join(pieces) == "Example-0-1-2/stream"


def test_stream_template_outside_a_request(app, templates):
    write(templates, "plain.txt", "{{ a }}{{ b }}")
    with app.app_context():
        assert "".join(stream_template("plain.txt", a=1, b=2)) == "12"


# -- import cost --------------------------------------------------------------------------


def test_creating_an_app_does_not_load_the_template_engine(tmp_path):
    code = (
        "import sys\n"
        "from microflask import Flask\n"
        f"app = Flask('lazy', root_path={str(tmp_path)!r})\n"
        "print('microflask.jinja' in sys.modules)\n"
        "with app.app_context():\n"
        "    app.jinja_env\n"
        "print('microflask.jinja' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=str(root), capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False", "True"]
