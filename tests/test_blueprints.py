"""Blueprints: routes and hooks recorded on a ``Blueprint`` and replayed
onto the app by ``register_blueprint``, nested blueprints, registration
options, static files, templates and commands."""
import warnings

import pytest

from microflask import Blueprint, Flask, abort, g, render_template, render_template_string, request, url_for
from microflask.blueprints import BlueprintSetupState
from microflask.views import MethodView

from conftest import validated


def make_app(tmp_path, **kwargs):
    app = Flask("bp_test_app", root_path=str(tmp_path), **kwargs)
    app.testing = True
    return validated(app)


# -- routes -------------------------------------------------------------------


def test_routes_get_the_url_prefix_and_dotted_endpoints(app, client):
    bp = Blueprint("shop", __name__, url_prefix="/shop")

    @bp.route("/")
    def index():
        return "shop index"

    @bp.get("/items/<int:item_id>")
    def item(item_id):
        return f"item {item_id}"

    app.register_blueprint(bp)

    assert client.get("/shop/").data == b"shop index"
    assert client.get("/shop/items/3").data == b"item 3"
    assert client.post("/shop/items/3").status_code == 405
    assert sorted(rule.endpoint for rule in app.url_map.iter_rules()) == ["shop.index", "shop.item", "static"]


def test_url_prefix_given_at_registration_wins_and_slashes_are_joined_once(app, client):
    bp = Blueprint("api", __name__, url_prefix="/ignored")

    @bp.route("")
    def root():
        return "root"

    @bp.route("/ping")
    def ping():
        return "pong"

    app.register_blueprint(bp, url_prefix="/api/")

    assert client.get("/api/").data == b"root"
    assert client.get("/api/ping").data == b"pong"
    assert client.get("/ignored/ping").status_code == 404


def test_add_url_rule_and_endpoint_decorator(app, client):
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/later", endpoint="later")

    @bp.endpoint("later")
    def later_view():
        return "found by endpoint"

    bp.add_url_rule("/direct", view_func=lambda: "direct", endpoint="direct")
    app.register_blueprint(bp)

    # Flask 2.2 stores an @bp.endpoint view unprefixed ("later"), so the
    # rule "bp.later" finds no view; here it is stored as "bp.later".
    assert client.get("/later").data == b"found by endpoint"
    assert client.get("/direct").data == b"direct"


def test_class_based_views_register_on_blueprints(app, client):
    class Counter(MethodView):
        def get(self):
            return "count"

        def post(self):
            return "incremented", 201

    bp = Blueprint("counter", __name__, url_prefix="/counter")
    bp.add_url_rule("/", view_func=Counter.as_view("counter"))
    app.register_blueprint(bp)

    assert client.get("/counter/").data == b"count"
    assert client.post("/counter/").status_code == 201
    with app.test_request_context():
        assert url_for("counter.counter") == "/counter/"


def test_url_defaults_from_the_blueprint_and_the_registration(app, client):
    # One blueprint serves two kinds of item; the view learns which from url_defaults.
    bp = Blueprint("items", __name__, url_defaults={"kind": "book"})

    @bp.route("/<int:page>")
    @bp.route("/", defaults={"page": 0})
    def listing(kind, page):
        return f"{kind} {page} {url_for('.listing', page=page + 1)}"

    app.register_blueprint(bp, url_prefix="/books")
    app.register_blueprint(bp, name="films", url_prefix="/films", url_defaults={"kind": "film"})

    assert client.get("/books/").data == b"book 0 /books/1"
    assert client.get("/films/").data == b"film 0 /films/1"
    assert client.get("/films/4").data == b"film 4 /films/5"


def test_request_blueprint_and_relative_url_for(app, client):
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")

    @outer.route("/")
    def index():
        return f"{request.blueprint} {request.blueprints} {url_for('.index')} {url_for('outer.inner.index')}"

    # The same function name in another blueprint is another endpoint.
    @inner.route("/", endpoint="index")
    def inner_index():
        return f"{request.blueprint} {request.blueprints} {url_for('.index')} {url_for('.index', _anchor='top')}"

    @app.route("/")
    def home():
        return f"{request.blueprint} {request.blueprints} {url_for('.home')}"

    outer.register_blueprint(inner)
    app.register_blueprint(outer)

    assert client.get("/outer/").data == b"outer ['outer'] /outer/ /outer/inner/"
    assert client.get("/outer/inner/").data == b"outer.inner ['outer.inner', 'outer'] /outer/inner/ /outer/inner/#top"
    assert client.get("/").data == b"None [] /"


# -- nesting ------------------------------------------------------------------


def add_hooks(scope, label, calls):
    """A view and before/after/teardown hooks on ``scope``, each logging to ``calls``."""

    @scope.before_request
    def before():
        calls.append(f"before {label}")

    @scope.after_request
    def after(response):
        calls.append(f"after {label}")
        return response

    @scope.teardown_request
    def teardown(exc):
        calls.append(f"teardown {label}")

    @scope.route("/")
    def index():
        calls.append(f"view {label}")
        return label


def three_levels(app, calls):
    """The app with blueprints nested three levels deep (a > b > c), hooks at every level."""
    a = Blueprint("a", __name__, url_prefix="/a")
    b = Blueprint("b", __name__, url_prefix="/b")
    c = Blueprint("c", __name__, url_prefix="/c")
    for scope, label in [(app, "app"), (a, "a"), (b, "b"), (c, "c")]:
        add_hooks(scope, label, calls)
    b.register_blueprint(c)
    a.register_blueprint(b)
    app.register_blueprint(a)


def test_hooks_run_outermost_first_before_and_innermost_first_after(app, client):
    calls = []
    three_levels(app, calls)
    client.get("/")  # the first request; later ones may take a shortcut
    calls.clear()

    assert client.get("/a/b/c/").data == b"c"
    assert calls == [
        "before app", "before a", "before b", "before c",
        "view c",
        "after c", "after b", "after a", "after app",
        "teardown c", "teardown b", "teardown a", "teardown app",
    ]


def test_a_blueprints_hooks_skip_requests_outside_it(app, client):
    calls = []
    three_levels(app, calls)

    assert client.get("/a/").data == b"a"
    assert calls == ["before app", "before a", "view a", "after a", "after app", "teardown a", "teardown app"]
    calls.clear()
    assert client.get("/").data == b"app"
    assert calls == ["before app", "view app", "after app", "teardown app"]


def test_nested_rules_and_endpoints(app):
    calls = []
    three_levels(app, calls)

    rules = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    assert rules == {
        "/static/<path:filename>": "static",
        "/": "index",
        "/a/": "a.index",
        "/a/b/": "a.b.index",
        "/a/b/c/": "a.b.c.index",
    }
    assert list(app.blueprints) == ["a", "a.b", "a.b.c"]
    assert [bp.name for bp in app.iter_blueprints()] == ["a", "b", "c"]


def test_a_before_request_return_value_stops_the_chain(app, client):
    outer = Blueprint("outer", __name__)
    inner = Blueprint("inner", __name__)
    calls = []

    @outer.before_request
    def deny():
        return "denied by outer", 403

    @inner.before_request
    def never():
        calls.append("inner before")

    @inner.route("/secret")
    def secret():
        return "secret"

    outer.register_blueprint(inner)
    app.register_blueprint(outer)

    response = client.get("/secret")
    assert (response.status_code, response.data) == (403, b"denied by outer")
    assert calls == []


def test_the_same_nested_blueprint_in_two_parents(app, client):
    comments = Blueprint("comments", __name__, url_prefix="/comments")

    @comments.route("/")
    def index():
        return request.blueprint

    posts = Blueprint("posts", __name__, url_prefix="/posts")
    photos = Blueprint("photos", __name__, url_prefix="/photos")
    posts.register_blueprint(comments)
    photos.register_blueprint(comments)
    app.register_blueprint(posts)
    app.register_blueprint(photos)

    assert client.get("/posts/comments/").data == b"posts.comments"
    assert client.get("/photos/comments/").data == b"photos.comments"


def test_subdomains_of_nested_blueprints_are_joined(tmp_path):
    app = make_app(tmp_path, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    api = Blueprint("api", __name__, subdomain="api")
    v1 = Blueprint("v1", __name__, subdomain="v1")

    @v1.route("/")
    def index():
        return "v1 of the api"

    api.register_blueprint(v1)
    app.register_blueprint(api)

    client = app.test_client()
    assert client.get("/", base_url="http://v1.api.example.test").data == b"v1 of the api"
    assert client.get("/", base_url="http://api.example.test").status_code == 404
    with app.app_context():
        assert url_for("api.v1.index") == "http://v1.api.example.test/"


def test_nesting_a_blueprint_in_itself_is_refused():
    a = Blueprint("a", __name__)
    b = Blueprint("b", __name__)
    a.register_blueprint(b)

    with pytest.raises(ValueError, match="Cannot register a blueprint on itself"):
        a.register_blueprint(a)
    with pytest.raises(ValueError, match="'a' is already nested inside 'b'|'b' is already nested inside 'a'"):
        b.register_blueprint(a)


# -- error handlers -------------------------------------------------------------


class ShopError(Exception):
    pass


def error_app(app):
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")

    @app.errorhandler(ShopError)
    def app_handler(error):
        return "app handled", 500

    @outer.errorhandler(ShopError)
    def outer_handler(error):
        return "outer handled", 500

    @outer.errorhandler(404)
    def outer_not_found(error):
        return "outer 404", 404

    @inner.errorhandler(ShopError)
    def inner_handler(error):
        return "inner handled", 500

    def fail():
        raise ShopError()

    for scope in (app, outer, inner):
        scope.add_url_rule("/fail", "fail", fail)
        scope.add_url_rule("/missing", "missing", lambda: abort(404))
    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    return app


def test_the_innermost_error_handler_wins(app, client):
    error_app(app)

    assert client.get("/outer/inner/fail").data == b"inner handled"
    assert client.get("/outer/fail").data == b"outer handled"
    assert client.get("/fail").data == b"app handled"


def test_a_parents_handler_catches_what_the_child_does_not_handle(app, client):
    error_app(app)

    assert client.get("/outer/inner/missing").data == b"outer 404"
    assert client.get("/outer/missing").data == b"outer 404"


def test_a_blueprints_404_handler_does_not_catch_routing_404s(app, client):
    error_app(app)

    # No rule matched, so the request belongs to no blueprint (as in Flask).
    response = client.get("/outer/no-such-page")
    assert response.status_code == 404
    assert b"outer 404" not in response.data
    assert client.get("/missing").data != b"outer 404"


def test_app_errorhandler_catches_errors_of_every_request(app, client):
    bp = Blueprint("errors", __name__)

    @bp.app_errorhandler(404)
    def not_found(error):
        return f"nothing at {request.path}", 404

    app.register_blueprint(bp)

    assert client.get("/anywhere").data == b"nothing at /anywhere"


def test_a_wrong_error_code_fails_when_decorating():
    bp = Blueprint("errors", __name__)
    with pytest.raises(ValueError, match="'999' is not a recognized HTTP error code"):
        bp.app_errorhandler(999)


# -- URL processors -------------------------------------------------------------


def test_url_value_preprocessors_and_url_defaults_at_each_level(app, client):
    outer = Blueprint("outer", __name__, url_prefix="/<org>")
    inner = Blueprint("inner", __name__, url_prefix="/<project>")
    order = []

    @app.url_value_preprocessor
    def app_values(endpoint, values):
        order.append("app")

    @outer.url_value_preprocessor
    def pull_org(endpoint, values):
        order.append("outer")
        g.org = values.pop("org")

    @inner.url_value_preprocessor
    def pull_project(endpoint, values):
        order.append("inner")
        g.project = values.pop("project")

    @outer.url_defaults
    def add_org(endpoint, values):
        values.setdefault("org", g.org)

    @inner.url_defaults
    def add_project(endpoint, values):
        values.setdefault("project", g.project)

    @inner.route("/issues/<int:number>")
    def issue(number):
        return f"{g.org}/{g.project}#{number} next: {url_for('.issue', number=number + 1)}"

    outer.register_blueprint(inner)
    app.register_blueprint(outer)

    assert client.get("/acme/rocket/issues/7").data == b"acme/rocket#7 next: /acme/rocket/issues/8"
    assert order == ["app", "outer", "inner"]


def test_app_url_defaults_and_app_url_value_preprocessor_apply_everywhere(app, client):
    bp = Blueprint("i18n", __name__)

    @bp.app_url_value_preprocessor
    def pull_lang(endpoint, values):
        g.lang = (values or {}).pop("lang", None)

    @bp.app_url_defaults
    def add_lang(endpoint, values):
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values.setdefault("lang", g.lang)

    @app.route("/<lang>/about")
    def about():
        return f"{g.lang} {url_for('about')}"

    app.register_blueprint(bp)

    assert client.get("/fr/about").data == b"fr /fr/about"


# -- app-wide hooks from a blueprint ----------------------------------------------


def test_app_request_hooks_run_for_every_request(app, client):
    bp = Blueprint("tracking", __name__)
    calls = []

    @bp.before_app_request
    def before():
        calls.append("before")

    @bp.after_app_request
    def after(response):
        response.headers["X-Tracked"] = "yes"
        return response

    @bp.teardown_app_request
    def teardown(exc):
        calls.append("teardown")

    @app.route("/")
    def index():
        return "app view"

    app.register_blueprint(bp)

    response = client.get("/")
    assert response.headers["X-Tracked"] == "yes"
    assert calls == ["before", "teardown"]


def test_app_hooks_are_added_once_when_registered_twice(app, client):
    bp = Blueprint("tracking", __name__)
    calls = []

    @bp.before_app_request
    def before():
        calls.append("before")

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="tracking2")

    client.get("/")
    assert calls == ["before"]


def test_before_app_first_request_is_deprecated_and_runs_once(app, client):
    bp = Blueprint("setup", __name__)
    calls = []

    with pytest.warns(DeprecationWarning, match="before_app_first_request"):

        @bp.before_app_first_request
        def first():
            calls.append("first")

    app.register_blueprint(bp)
    client.get("/")
    client.get("/")
    assert calls == ["first"]


# -- templates ----------------------------------------------------------------------


@pytest.fixture
def template_app(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "shared.html").write_text("from the app")
    bp_root = tmp_path / "admin"
    (bp_root / "pages").mkdir(parents=True)
    (bp_root / "pages" / "shared.html").write_text("from the blueprint")
    (bp_root / "pages" / "admin").mkdir()
    (bp_root / "pages" / "admin" / "panel.html").write_text("panel for {{ user }} ({{ section }})")
    app = make_app(tmp_path)
    bp = Blueprint("admin", __name__, template_folder="pages", root_path=str(bp_root), url_prefix="/admin")

    @bp.context_processor
    def admin_context():
        return {"section": "admin", "user": "processor"}

    @bp.route("/")
    def panel():
        return render_template("admin/panel.html", user="ada")

    @bp.route("/shared")
    def shared():
        return render_template("shared.html")

    @app.route("/outside")
    def outside():
        return render_template_string("[{{ section }}]")

    app.register_blueprint(bp)
    return app


def test_templates_from_a_blueprint_folder_with_its_context_processor(template_app):
    client = template_app.test_client()

    # Values passed to render_template win over the processors'.
    assert client.get("/admin/").data == b"panel for ada (admin)"


def test_an_app_template_of_the_same_name_wins(template_app):
    assert template_app.test_client().get("/admin/shared").data == b"from the app"


def test_blueprint_context_processors_apply_only_to_its_views(template_app):
    assert template_app.test_client().get("/outside").data == b"[]"


def test_nested_blueprints_with_templates_static_files_and_processors_at_each_level(tmp_path):
    app = make_app(tmp_path)
    levels = []
    for name in ("outer", "inner"):
        root = tmp_path / name
        (root / "templates" / name).mkdir(parents=True)
        (root / "templates" / name / "page.html").write_text(name + ": {{ who }} {{ level }}")
        (root / "static").mkdir()
        (root / "static" / "level.txt").write_text(name)
        bp = Blueprint(
            name,
            __name__,
            url_prefix=f"/{name}",
            root_path=str(root),
            template_folder="templates",
            static_folder="static",
        )
        bp.context_processor(lambda name=name: {"who": name, "level": name})
        bp.add_url_rule("/page", f"page_{name}", lambda name=name: render_template(f"{name}/page.html"))
        levels.append(bp)

    outer, inner = levels

    @inner.context_processor
    def inner_who():
        return {"who": "inner, inside outer"}

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    client = app.test_client()

    assert client.get("/outer/page").data == b"outer: outer outer"
    # The innermost context processor wins.
    assert client.get("/outer/inner/page").data == b"inner: inner, inside outer inner"
    assert client.get("/outer/static/level.txt").data == b"outer"
    assert client.get("/outer/inner/static/level.txt").data == b"inner"
    with app.test_request_context():
        assert url_for("outer.inner.static", filename="level.txt") == "/outer/inner/static/level.txt"


def test_app_template_filter_test_global_and_context_processor(app, client):
    bp = Blueprint("helpers", __name__)

    @bp.app_template_filter()
    def shout(text):
        return text.upper() + "!"

    @bp.app_template_filter("whisper")
    def lower(text):
        return text.lower()

    @bp.app_template_test()
    def even(number):
        return number % 2 == 0

    @bp.app_template_global()
    def site_name():
        return "Example"

    bp.add_app_template_filter(lambda text: text[::-1], name="backwards")

    @bp.app_context_processor
    def everywhere():
        return {"motto": "hi"}

    @app.route("/")
    def index():
        return render_template_string(
            "{{ 'hey' | shout }} {{ 'HEY' | whisper }} {{ 'abc' | backwards }}"
            " {{ 4 is even }} {{ site_name() }} {{ motto }}"
        )

    app.register_blueprint(bp)

    assert client.get("/").data == b"HEY! hey cba True Example hi"


def test_app_template_filter_without_parentheses_is_a_clear_error():
    bp = Blueprint("helpers", __name__)
    with pytest.raises(TypeError, match=r"@bp.app_template_filter\(\)"):

        @bp.app_template_filter
        def shout(text):
            return text.upper()


# -- static files and resources -------------------------------------------------------


@pytest.fixture
def static_app(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("app css")
    bp_root = tmp_path / "admin"
    (bp_root / "static").mkdir(parents=True)
    (bp_root / "static" / "style.css").write_text("admin css")
    (bp_root / "static" / "admin.js").write_text("admin js")
    (bp_root / "schema.sql").write_text("CREATE TABLE t (x);")
    app = make_app(tmp_path)
    prefixed = Blueprint("admin", __name__, static_folder="static", root_path=str(bp_root), url_prefix="/admin")
    unprefixed = Blueprint("plain", __name__, static_folder="static", root_path=str(bp_root))
    app.register_blueprint(prefixed)
    app.register_blueprint(unprefixed)
    return app


def test_a_blueprints_static_files_are_served_under_its_prefix(static_app):
    client = static_app.test_client()

    assert client.get("/admin/static/style.css").data == b"admin css"
    assert client.get("/admin/static/admin.js").data == b"admin js"
    assert client.get("/admin/static/../schema.sql").status_code == 404
    with static_app.test_request_context():
        assert url_for("admin.static", filename="admin.js") == "/admin/static/admin.js"


def test_the_apps_static_route_wins_without_a_prefix(static_app):
    client = static_app.test_client()

    assert client.get("/static/style.css").data == b"app css"
    # The app's folder has no admin.js; the blueprint's rule is never reached.
    assert client.get("/static/admin.js").status_code == 404


def test_open_resource_is_relative_to_the_blueprint(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (x);")
    bp = Blueprint("db", __name__, root_path=str(tmp_path))

    with bp.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t (x);"
    with bp.open_resource("schema.sql", "r") as f:
        assert f.read() == "CREATE TABLE t (x);"
    with pytest.raises(ValueError, match="only be opened for reading"):
        bp.open_resource("schema.sql", "w")


def test_root_path_comes_from_the_import_name():
    bp = Blueprint("tests", __name__)
    assert bp.root_path == __import__("os").path.dirname(__file__)
    assert bp.has_static_folder is False
    assert bp.jinja_loader is None


# -- registration -------------------------------------------------------------------------


def test_the_same_blueprint_twice_under_two_names(app, client):
    bp = Blueprint("pages", __name__)

    @bp.route("/")
    def index():
        return f"{request.blueprint}: {url_for('.index')}"

    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="pages2")

    assert client.get("/one/").data == b"pages: /one/"
    assert client.get("/two/").data == b"pages2: /two/"


def test_a_name_clash_is_a_clear_error(app):
    app.register_blueprint(Blueprint("pages", __name__))

    with pytest.raises(ValueError) as info:
        app.register_blueprint(Blueprint("pages", __name__))
    assert str(info.value) == (
        "The name 'pages' is already registered for a different blueprint. Use 'name=' to provide a unique name."
    )


def test_registering_the_same_blueprint_twice_under_one_name_is_an_error(app):
    bp = Blueprint("pages", __name__)
    app.register_blueprint(bp)

    with pytest.raises(ValueError, match="already registered for this blueprint. Use 'name='"):
        app.register_blueprint(bp)


@pytest.mark.parametrize("name", ["a.b", ""])
def test_bad_blueprint_names_are_refused(name):
    with pytest.raises(ValueError, match="'name'"):
        Blueprint(name, __name__)


def test_dots_in_registration_names_and_endpoints_are_refused(app):
    bp = Blueprint("pages", __name__)
    with pytest.raises(ValueError, match="'name=' may not contain a dot"):
        app.register_blueprint(bp, name="a.b")
    with pytest.raises(ValueError, match="'endpoint' may not contain a dot"):
        bp.add_url_rule("/", endpoint="a.b")


def test_setup_after_registration_warns(app):
    bp = Blueprint("late", __name__)
    app.register_blueprint(bp)

    with pytest.warns(UserWarning) as caught:
        bp.route("/late")(lambda: "late")

    # route() calls add_url_rule(), which warns too.
    assert [str(warning.message).split(". ")[0] for warning in caught] == [
        "The setup method 'route' can no longer be called on the blueprint 'late'",
        "The setup method 'add_url_rule' can no longer be called on the blueprint 'late'",
    ]
    assert caught[0].filename == __file__


def test_setup_before_registration_does_not_warn():
    bp = Blueprint("early", __name__)
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @bp.route("/")
        def index():
            return "early"

    assert len(bp.deferred_functions) == 1


def test_record_runs_per_registration_and_record_once_on_the_first(app):
    bp = Blueprint("recorded", __name__, url_prefix="/r", subdomain=None, url_defaults={"a": 1})
    states = []
    once = []
    bp.record(states.append)
    bp.record_once(once.append)

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again", url_prefix="/again", url_defaults={"b": 2}, extra="option")

    first, second = states
    assert once == [first]
    assert isinstance(first, BlueprintSetupState)
    assert (first.app, first.blueprint, first.first_registration) == (app, bp, True)
    assert (first.name, first.name_prefix, first.url_prefix, first.subdomain) == ("recorded", "", "/r", None)
    assert first.url_defaults == {"a": 1}
    assert first.options == {}
    assert second.first_registration is False
    assert (second.name, second.url_prefix) == ("again", "/again")
    assert second.url_defaults == {"a": 1, "b": 2}
    assert second.options == {"name": "again", "url_prefix": "/again", "url_defaults": {"b": 2}, "extra": "option"}


def test_setup_state_of_a_nested_blueprint(app):
    parent = Blueprint("parent", __name__, url_prefix="/p", subdomain="api")
    child = Blueprint("child", __name__, url_prefix="/c", subdomain="v2")
    states = []
    child.record(states.append)
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    (state,) = states
    assert (state.name, state.name_prefix, state.url_prefix, state.subdomain) == ("child", "parent", "/p/c", "v2.api")


def test_setup_state_add_url_rule_prefixes_everything(app, client):
    bp = Blueprint("manual", __name__, url_prefix="/m")

    def add_rules(state):
        state.add_url_rule("/x", view_func=lambda: "added in a record", endpoint="x")

    bp.record(add_rules)
    app.register_blueprint(bp)

    assert client.get("/m/x").data == b"added in a record"
    assert "manual.x" in app.view_functions


def test_a_custom_setup_state_class(app):
    class NamedState(BlueprintSetupState):
        def describe(self):
            return f"{self.name} at {self.url_prefix}"

    class CustomBlueprint(Blueprint):
        def make_setup_state(self, app, options, first_registration=False):
            return NamedState(self, app, options, first_registration)

    bp = CustomBlueprint("custom", __name__, url_prefix="/custom")
    seen = []
    bp.record(lambda state: seen.append(state.describe()))
    app.register_blueprint(bp)

    assert seen == ["custom at /custom"]


def test_registering_after_the_first_request_is_an_error(app, client):
    client.get("/")
    with pytest.raises(AssertionError, match="The setup method 'register_blueprint'"):
        app.register_blueprint(Blueprint("late", __name__))


# -- command line ----------------------------------------------------------------------------


def make_cli_blueprint(**kwargs):
    bp = Blueprint("users", __name__, **kwargs)

    @bp.cli.command("create")
    def create(name: str):
        print(f"created {name}")

    return bp


def test_blueprint_commands_are_grouped_under_its_name(app):
    app.register_blueprint(make_cli_blueprint())

    result = app.test_cli_runner().invoke(args=["users", "create", "ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "created ada\n"


def test_cli_group_renames_or_removes_the_group(app):
    app.register_blueprint(make_cli_blueprint(cli_group="accounts"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["accounts", "create", "bob"]).output == "created bob\n"

    flat_app = Flask("flat", root_path=app.root_path)
    flat_app.register_blueprint(make_cli_blueprint(cli_group=None))
    assert flat_app.test_cli_runner().invoke(args=["create", "cy"]).output == "created cy\n"


def test_cli_group_given_at_registration(app):
    app.register_blueprint(make_cli_blueprint(), cli_group="people")

    assert app.test_cli_runner().invoke(args=["people", "create", "dee"]).output == "created dee\n"
