"""The ``Flask`` application object: registering routes, turning view return
values into responses, URL building, static files, resources, async views and
the debug/testing switches."""
from __future__ import annotations

import json
import os
import time
from wsgiref.validate import validator

import pytest

from microflask import Flask, Response, abort, g, make_response, redirect, request, url_for
from microflask.toolkit.exceptions import Aborter, BadRequest, Forbidden, HTTPException, NotFound
from microflask.toolkit.routing import BuildError
from microflask.toolkit.test import Client

from conftest import validated

# -- registering routes ---------------------------------------------------------


def test_route_decorator_registers_view_under_function_name(app, client):
    @app.route("/")
    def index():
        return "Hello"

    assert app.view_functions["index"] is index
    assert [rule.rule for rule in app.url_map.iter_rules("index")] == ["/"]
    assert client.get("/").text == "Hello"


def test_add_url_rule_is_the_non_decorator_form(app, client):
    def hello(name):
        return f"hi {name}"

    app.add_url_rule("/hi/<name>", view_func=hello)
    assert client.get("/hi/bob").text == "hi bob"


def test_explicit_endpoint_name(app, client):
    @app.route("/a", endpoint="alpha")
    def view():
        return "a"

    assert "alpha" in app.view_functions
    with app.test_request_context():
        assert url_for("alpha") == "/a"


def test_endpoint_decorator_binds_a_rule_added_without_view(app, client):
    app.add_url_rule("/", endpoint="index")

    @app.endpoint("index")
    def index():
        return "via endpoint"

    assert client.get("/").text == "via endpoint"


def test_a_callable_object_is_a_view_even_if_it_is_unhashable(app, client):
    class Greeter:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self):
            return "callable view"

    app.add_url_rule("/greet", "greet", Greeter())
    assert client.get("/greet").text == "callable view"
    assert client.get("/greet").text == "callable view"


def test_add_url_rule_without_view_or_endpoint_is_an_error(app):
    with pytest.raises(TypeError):
        app.add_url_rule("/")


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_shortcuts(app, client, method):
    getattr(app, method)("/thing")(lambda: method)
    assert getattr(client, method)("/thing").text == method
    other = "post" if method == "get" else "get"
    assert getattr(client, other)("/thing").status_code == 405


def test_method_shortcut_refuses_methods_argument(app):
    with pytest.raises(TypeError, match="route"):
        app.get("/", methods=["POST"])


def test_methods_are_case_insensitive_and_add_head_and_options(app, client):
    @app.route("/", methods=["post", "get"])
    def index():
        return request.method

    (rule,) = app.url_map.iter_rules("index")
    assert rule.methods == {"GET", "HEAD", "POST", "OPTIONS"}
    assert client.post("/").text == "POST"


def test_methods_as_a_string_is_a_type_error(app):
    with pytest.raises(TypeError, match="list of strings"):

        @app.route("/", methods="POST")
        def index():
            return ""


def test_view_attributes_methods_required_methods_and_automatic_options(app, client):
    def view():
        return request.method

    view.methods = ["POST"]
    view.required_methods = ["PUT"]
    view.provide_automatic_options = False
    app.add_url_rule("/", view_func=view)

    (rule,) = app.url_map.iter_rules("view")
    assert rule.methods == {"POST", "PUT"}
    assert client.put("/").text == "PUT"
    assert client.options("/").status_code == 405


def test_provide_automatic_options_false_lets_the_view_answer(app, client):
    @app.route("/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
    def index():
        return "custom " + request.method

    assert client.options("/").text == "custom OPTIONS"


def test_view_handling_options_itself_turns_automatic_options_off(app, client):
    @app.route("/", methods=["OPTIONS"])
    def index():
        return "mine"

    assert client.options("/").text == "mine"


def test_automatic_options_lists_allowed_methods(app, client):
    @app.route("/", methods=["GET", "POST"])
    def index():
        return ""

    response = client.options("/")
    assert response.status_code == 200
    assert response.data == b""
    assert sorted(response.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_head_runs_the_get_view_without_a_body(app, client):
    @app.route("/")
    def index():
        return "body"

    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.content_length == 4


def test_wrong_method_is_405_with_allow_header(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return ""

    response = client.get("/")
    assert response.status_code == 405
    assert sorted(response.allow) == ["OPTIONS", "POST"]


def test_unknown_url_is_404(app, client):
    assert client.get("/nowhere").status_code == 404


def test_strict_slashes_redirect(app, client):
    @app.route("/folder/")
    def folder():
        return "folder"

    response = client.get("/folder")
    assert response.status_code == 308
    assert response.location.endswith("/folder/")
    assert client.get("/folder", follow_redirects=True).text == "folder"


def test_overwriting_an_endpoint_with_another_function_is_an_error(app):
    @app.route("/a")
    def index():
        return ""

    def other():
        return ""

    with pytest.raises(AssertionError, match="overwriting an existing endpoint function: index"):
        app.add_url_rule("/b", "index", other)


def test_same_function_may_serve_several_rules(app, client):
    @app.route("/a")
    @app.route("/b")
    def index():
        return request.path

    assert client.get("/a").text == "/a"
    assert client.get("/b").text == "/b"


def test_url_map_converters_and_defaults(app, client):
    @app.route("/page/", defaults={"number": 1})
    @app.route("/page/<int:number>")
    def page(number):
        return f"page {number}"

    assert client.get("/page/").text == "page 1"
    assert client.get("/page/7").text == "page 7"
    assert client.get("/page/x").status_code == 404


def test_setup_methods_fail_after_the_first_request(app, client):
    @app.route("/")
    def index():
        return ""

    client.get("/")
    assert app.got_first_request
    with pytest.raises(AssertionError, match="'add_url_rule'.*first request"):
        app.add_url_rule("/late", "late", lambda: "")
    with pytest.raises(AssertionError, match="'before_request'"):
        app.before_request(lambda: None)
    with pytest.raises(AssertionError, match="'route'"):
        app.route("/late")


# -- make_response conversion rules -----------------------------------------------


@pytest.fixture
def returns(app, client):
    """Serve ``value`` from a view at ``/`` and request it."""
    returned = {}
    app.add_url_rule("/", "view", lambda: returned["value"])

    def serve(value):
        returned["value"] = value
        return client.get("/")

    return serve


def test_str_is_an_html_body(returns):
    response = returns("héllo")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.text == "héllo"


def test_bytes_body(returns):
    assert returns(b"\x00raw").data == b"\x00raw"


def test_dict_and_list_become_json(returns):
    response = returns({"a": 1})
    assert response.mimetype == "application/json"
    assert response.json == {"a": 1}
    assert returns([1, "two"]).json == [1, "two"]


def test_generator_is_streamed(app, client):
    @app.route("/")
    def stream():
        def generate():
            yield "one "
            yield b"two"

        return generate()

    response = client.get("/")
    assert response.is_streamed
    assert response.data == b"one two"


def test_tuple_with_status(returns):
    response = returns(("created", 201))
    assert response.status_code == 201
    assert response.text == "created"


def test_the_response_class_is_made_with_the_status_and_headers_of_a_tuple(app, client):
    made_with = []

    class Recording(Response):
        def __init__(self, *args, **kwargs):
            made_with.append((kwargs.get("status"), kwargs.get("headers")))
            super().__init__(*args, **kwargs)

    app.response_class = Recording

    @app.route("/")
    def created():
        return "created", 201, {"X-Id": "7"}

    response = client.get("/")
    assert (response.status_code, response.headers["X-Id"]) == (201, "7")
    assert made_with == [(201, {"X-Id": "7"})]


def test_tuple_with_status_string(returns):
    assert returns(("x", "299 Custom Thing")).status == "299 Custom Thing"


def test_tuple_with_headers_dict_or_list(returns):
    assert returns(("x", {"X-A": "1"})).headers["X-A"] == "1"
    assert returns(("x", [("X-B", "2")])).headers["X-B"] == "2"


def test_a_header_list_keeps_repeated_names_and_its_content_type_replaces_the_default(returns):
    response = returns(("x", 200, [("Link", "</a>; rel=a"), ("Link", "</b>; rel=b"), ("Content-Type", "text/plain")]))
    assert response.headers.getlist("Link") == ["</a>; rel=a", "</b>; rel=b"]
    assert response.headers.getlist("Content-Type") == ["text/plain"]
    # The order Flask 2.2 sends them in: the given headers first.
    assert [name for name, _ in response.headers.items()] == ["Link", "Link", "Content-Type", "Content-Length"]


def test_tuple_with_status_and_headers(returns):
    response = returns(({"ok": True}, 202, {"X-C": "3"}))
    assert response.status_code == 202
    assert response.headers["X-C"] == "3"
    assert response.json == {"ok": True}


def test_tuple_of_wrong_length_is_a_type_error(app):
    with app.test_request_context():
        with pytest.raises(TypeError, match="valid response tuple"):
            app.make_response(("a", 200, {}, "extra"))
        with pytest.raises(TypeError, match="valid response tuple"):
            app.make_response(("a",))


def test_response_object_is_used_as_is_and_status_can_be_overridden(returns):
    response = returns((Response("made", status=201), 418))
    assert response.status_code == 418
    assert response.text == "made"


def test_wsgi_callable_is_called(returns):
    def wsgi(environ, start_response):
        start_response("203 Non-Authoritative Information", [("Content-Type", "text/plain")])
        return [b"from wsgi ", environ["PATH_INFO"].encode()]

    response = returns(wsgi)
    assert response.status_code == 203
    assert response.text == "from wsgi /"


def test_http_exception_returned_is_its_response(returns):
    assert returns(NotFound()).status_code == 404


def test_returning_none_names_the_view_on_every_request(app, client):
    @app.route("/")
    def forgetful():
        pass

    for _ in range(2):  # the first request and a later one
        with pytest.raises(TypeError, match="'forgetful' did not return a valid response"):
            client.get("/")


def test_returning_a_bad_type_names_it(app):
    with app.test_request_context():
        with pytest.raises(TypeError, match="but it was a int"):
            app.make_response(42)
        with pytest.raises(TypeError, match="but it was a set"):
            app.make_response({1})


def test_make_response_helper(app):
    with app.test_request_context():
        assert make_response().status_code == 200
        assert make_response("body").data == b"body"
        response = make_response("gone", 410, {"X-Why": "because"})
        assert response.status_code == 410
        assert response.headers["X-Why"] == "because"
        assert make_response(("x", 201)).status_code == 201


def test_custom_response_class(app, client):
    class MyResponse(Response):
        default_mimetype = "text/plain"

    app.response_class = MyResponse

    @app.route("/")
    def index():
        return "plain"

    assert client.get("/").mimetype == "text/plain"
    with app.test_request_context():
        assert isinstance(app.make_response(Response("x")), MyResponse)


# -- redirect and abort -------------------------------------------------------------


def test_redirect_helper(app, client):
    @app.route("/")
    def index():
        return redirect("/target")

    @app.route("/perm")
    def perm():
        return redirect(url_for("index"), 301)

    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/target"
    assert client.get("/perm").status_code == 301


def test_redirect_outside_context_works(app):
    assert redirect("/x").status_code == 302


def test_abort_raises_http_error(app, client):
    @app.route("/")
    def index():
        abort(403)

    @app.route("/described")
    def described():
        abort(400, description="need a name")

    @app.route("/response")
    def with_response():
        abort(Response("teapot", 418))

    assert client.get("/").status_code == 403
    assert b"need a name" in client.get("/described").data
    response = client.get("/response")
    assert response.status_code == 418
    assert response.text == "teapot"


def test_abort_outside_context(app):
    with pytest.raises(NotFound):
        abort(404)


def test_app_aborter_is_used_by_abort(app, client):
    class Teapot(HTTPException):
        code = 418
        description = "short and stout"

    class MyAborter(Aborter):
        def __init__(self):
            super().__init__(extra={418: Teapot})

    app.aborter_class = MyAborter
    app.aborter = app.make_aborter()

    @app.route("/")
    def index():
        abort(418)

    response = client.get("/")
    assert response.status_code == 418
    assert b"short and stout" in response.data


def test_unknown_abort_code_is_a_lookup_error(app):
    with app.app_context():
        with pytest.raises(LookupError):
            abort(299)


# -- url_for --------------------------------------------------------------------


def test_url_for_in_request_is_relative(app):
    @app.route("/user/<name>")
    def user(name):
        return ""

    with app.test_request_context():
        assert url_for("user", name="ann") == "/user/ann"
        assert url_for("user", name="ann", page=2) == "/user/ann?page=2"
        assert url_for("user", name="a b") == "/user/a%20b"


def test_url_for_external_anchor_scheme_method(app):
    @app.route("/", methods=["GET"])
    def index():
        return ""

    @app.route("/", methods=["POST"], endpoint="post_index")
    @app.route("/post", methods=["POST"])
    def create():
        return ""

    with app.test_request_context():
        assert url_for("index", _external=True) == "http://localhost/"
        assert url_for("index", _anchor="top section") == "/#top%20section"
        assert url_for("index", _scheme="https") == "https://localhost/"
        assert url_for("create", _method="POST") == "/post"
        with pytest.raises(ValueError, match="_external"):
            url_for("index", _scheme="https", _external=False)


def test_url_for_unknown_endpoint_is_build_error(app):
    with app.test_request_context():
        with pytest.raises(BuildError):
            url_for("missing")


def test_url_for_outside_request_needs_server_name(app):
    @app.route("/")
    def index():
        return ""

    with app.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            url_for("index")
    app.config.update(SERVER_NAME="example.com", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        assert url_for("index") == "https://example.com/app/"


def test_url_for_outside_any_context_fails(app):
    with pytest.raises(RuntimeError, match="application context"):
        url_for("index")


def test_app_url_for_without_context_uses_server_name(app):
    @app.route("/")
    def index():
        return ""

    app.config["SERVER_NAME"] = "example.com"
    assert app.url_for("index") == "http://example.com/"


def test_url_defaults_and_url_value_preprocessor(app, client):
    @app.url_defaults
    def add_language(endpoint, values):
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = g.lang

    @app.url_value_preprocessor
    def pull_language(endpoint, values):
        g.lang = values.pop("lang")

    @app.route("/<lang>/about")
    def about():
        return url_for("about") + " " + url_for("about", lang="fr")

    assert client.get("/de/about").text == "/de/about /fr/about"


def test_url_build_error_handler_can_supply_url(app):
    def fallback(error, endpoint, values):
        if endpoint == "external":
            return "https://elsewhere.example/"
        return None

    app.url_build_error_handlers.append(fallback)
    with app.test_request_context():
        assert url_for("external") == "https://elsewhere.example/"
        with pytest.raises(BuildError):
            url_for("other")


def test_url_build_error_handler_may_raise_its_own_error(app):
    def fail(error, endpoint, values):
        raise BuildError(endpoint, values, None)

    app.url_build_error_handlers.append(fail)
    with app.test_request_context():
        with pytest.raises(BuildError):
            url_for("missing")


# -- SERVER_NAME, APPLICATION_ROOT, subdomains and hosts ----------------------------


def test_server_name_rejects_other_hosts(app, client):
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/")
    def index():
        return "ok"

    app.add_url_rule("/folder/", "folder", index)
    app.add_url_rule("/form", "form", index, methods=["POST"])

    assert client.get("/").text == "ok"  # the test client uses SERVER_NAME
    # Any other host: nothing matches, not even a redirect or a wrong method.
    for path in ["/", "/folder", "/form", "/missing"]:
        assert client.get(path, base_url="http://other.org/").status_code == 404
    # The server name's own requests are still routed in full.
    assert client.get("/").text == "ok"
    redirect = client.get("/folder")
    assert (redirect.status_code, redirect.headers["Location"]) == (308, "http://example.com/folder/")
    assert client.get("/form").status_code == 405
    assert client.get("/missing").status_code == 404


def test_a_malformed_host_is_refused_where_the_app_uses_it(app, client):
    @app.route("/")
    def index():
        return "ok"

    @app.route("/host")
    def host():
        return request.host

    @app.route("/external")
    def external():
        return url_for("index", _external=True)

    bad = {"Host": "exa mple.com"}
    # As in Flask: a route that never looks at the host answers.
    assert client.get("/", headers=bad).text == "ok"
    # Where the host is read, it is checked, and a bad one is a 400.
    assert client.get("/host", headers=bad).status_code == 400
    assert client.get("/external", headers=bad).status_code == 400
    assert client.get("/external").text == "http://localhost/"


def test_application_root_in_test_client_and_urls(app, client):
    app.config["APPLICATION_ROOT"] = "/root"

    @app.route("/page")
    def page():
        return request.script_root + " " + url_for("page")

    assert client.get("/page").text == "/root /root/page"


def test_subdomain_matching(tmp_path):
    app = validated(Flask("sub", root_path=str(tmp_path), subdomain_matching=True))
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="api")
    def api():
        return "api"

    @app.route("/", subdomain="<user>")
    def user_home(user):
        return f"home of {user}"

    @app.route("/")
    def index():
        return "main"

    client = app.test_client()
    assert client.get("/", subdomain="api").text == "api"
    assert client.get("/", subdomain="bob").text == "home of bob"
    assert client.get("/").text == "main"
    with app.app_context():
        assert url_for("user_home", user="ann") == "http://ann.example.com/"


def test_with_server_name_other_subdomains_are_404_without_subdomain_matching(app, client):
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/")
    def index():
        return "main"

    assert client.get("/").text == "main"
    assert client.get("/", subdomain="www").status_code == 404


def test_host_matching_and_static_host(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("static A")
    app = validated(Flask("hosts", root_path=str(tmp_path), host_matching=True, static_host="cdn.example"))

    @app.route("/", host="shop.example")
    def shop():
        return "shop"

    @app.route("/", host="<tenant>.site.example")
    def tenant(tenant):
        return tenant

    client = app.test_client()
    assert client.get("http://shop.example/").text == "shop"
    assert client.get("http://acme.site.example/").text == "acme"
    assert client.get("http://cdn.example/static/a.txt").text == "static A"
    assert client.get("http://shop.example/static/a.txt").status_code == 404
    with app.test_request_context("http://shop.example/"):
        assert url_for("static", filename="a.txt") == "http://cdn.example/static/a.txt"


def test_static_host_requires_host_matching(tmp_path):
    with pytest.raises(ValueError, match="static_host"):
        Flask("x", root_path=str(tmp_path), static_host="cdn.example")
    with pytest.raises(ValueError, match="static_host"):
        Flask("x", root_path=str(tmp_path), host_matching=True)
    Flask("x", root_path=str(tmp_path), host_matching=True, static_folder=None)


# -- request size limit -------------------------------------------------------------


def test_max_content_length_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 20

    @app.route("/", methods=["POST"])
    def upload():
        return str(len(request.form["field"]))

    assert client.post("/", data={"field": "short"}).text == "5"
    assert client.post("/", data={"field": "x" * 100}).status_code == 413


def test_max_content_length_is_checked_only_when_the_body_is_read(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 20

    @app.route("/", methods=["POST"])
    def ignore_body():
        return "fine"

    assert client.post("/", data=b"y" * 100).text == "fine"


def test_max_content_length_applies_to_get_data(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 4

    @app.route("/", methods=["POST"])
    def echo():
        return request.get_data()

    assert client.post("/", data=b"abc").data == b"abc"
    assert client.post("/", data=b"abcdefgh").status_code == 413


def test_max_content_length_changed_between_requests_applies_to_the_next(app, client):
    @app.route("/", methods=["POST"])
    def echo():
        return request.get_data()

    assert client.post("/", data=b"abcdefgh").status_code == 200
    app.config["MAX_CONTENT_LENGTH"] = 4
    assert client.post("/", data=b"abcdefgh").status_code == 413


def test_request_max_content_length_is_the_current_apps_setting(app):
    app.config["MAX_CONTENT_LENGTH"] = 123
    with app.test_request_context("/"):
        assert request.max_content_length == 123
    assert app.request_class.from_values("/").max_content_length is None  # no app to ask


def test_request_json_is_read_by_the_apps_json_provider(app, client):
    from microflask.json.provider import DefaultJSONProvider

    class TaggingProvider(DefaultJSONProvider):
        def loads(self, s, **kwargs):
            return {"read by": "provider", "value": super().loads(s, **kwargs)}

    app.json = TaggingProvider(app)

    @app.route("/", methods=["POST"])
    def echo():
        return request.get_json()

    assert json.loads(client.post("/", json=[1, 2]).data) == {"read by": "provider", "value": [1, 2]}


# -- static files -----------------------------------------------------------------


@pytest.fixture
def static_app(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: red }")
    (static / "sub").mkdir()
    (static / "sub" / "data.bin").write_bytes(bytes(range(100)))
    (tmp_path / "secret.txt").write_text("do not serve")
    return validated(Flask("static_app", root_path=str(tmp_path)))


def test_static_route_serves_files(static_app):
    client = static_app.test_client()
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.text == "body { color: red }"
    assert response.content_length == len("body { color: red }")
    assert response.last_modified is not None
    assert response.headers["ETag"]
    assert client.get("/static/sub/data.bin").data == bytes(range(100))
    response.close()


def test_static_attributes(static_app, tmp_path):
    assert static_app.has_static_folder
    assert static_app.static_folder == os.path.join(str(tmp_path), "static")
    assert static_app.static_url_path == "/static"
    with static_app.test_request_context():
        assert url_for("static", filename="style.css") == "/static/style.css"


def test_missing_static_file_and_traversal_are_404(static_app):
    client = static_app.test_client()
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/../secret.txt").status_code == 404
    assert client.get("/static/sub/../../secret.txt").status_code == 404
    assert client.get("/static/%2e%2e/secret.txt").status_code == 404
    assert client.get("/static/sub").status_code == 404


def test_static_conditional_request_is_304(static_app):
    client = static_app.test_client()
    first = client.get("/static/style.css")
    etag = first.headers["ETag"]
    again = client.get("/static/style.css", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    since = client.get("/static/style.css", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_static_range_request_is_206(static_app):
    client = static_app.test_client()
    response = client.get("/static/sub/data.bin", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == bytes(range(10, 20))
    assert response.headers["Content-Range"] == "bytes 10-19/100"
    assert client.get("/static/sub/data.bin", headers={"Range": "bytes=500-600"}).status_code == 416


def test_static_max_age_from_config(static_app):
    static_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    response = static_app.test_client().get("/static/style.css")
    assert response.cache_control.max_age == 60
    assert response.cache_control.public


def test_custom_static_url_path_and_folder(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("js")
    app = validated(Flask("x", root_path=str(tmp_path), static_folder="assets", static_url_path="/s"))
    assert app.test_client().get("/s/app.js").text == "js"
    default_path = Flask("y", root_path=str(tmp_path), static_folder="assets")
    assert default_path.static_url_path == "/assets"


def test_send_static_file_in_a_view(static_app):
    @static_app.route("/")
    def index():
        return static_app.send_static_file("style.css")

    assert static_app.test_client().get("/").text == "body { color: red }"


def test_no_static_folder(tmp_path):
    app = Flask("x", root_path=str(tmp_path), static_folder=None)
    assert not app.has_static_folder
    assert app.static_url_path is None
    assert "static" not in app.view_functions
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="static_folder"):
            app.send_static_file("x")


# -- instance folder and resources ----------------------------------------------------


def test_instance_path_is_beside_the_top_level_package(tmp_path, monkeypatch):
    package = tmp_path / "site" / "instance_probe_shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (tmp_path / "site" / "instance_probe_single.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    # A package's instance folder sits next to the package, not inside it.
    assert Flask("instance_probe_shop").instance_path == str(tmp_path / "site" / "instance")
    assert Flask("instance_probe_shop.views").instance_path == str(tmp_path / "site" / "instance")
    assert Flask("instance_probe_single").instance_path == str(tmp_path / "site" / "instance")


def test_instance_path_of_an_unimportable_name_is_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Flask("no_such_module_here", root_path=str(tmp_path)).instance_path == str(tmp_path / "instance")


def test_instance_path_must_be_absolute(tmp_path):
    with pytest.raises(ValueError, match="absolute"):
        Flask("x", root_path=str(tmp_path), instance_path="relative")


def test_instance_relative_config(tmp_path):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "settings.py").write_text("GREETING = 'from instance'\n")
    app = Flask("x", root_path=str(tmp_path), instance_path=str(instance), instance_relative_config=True)
    app.config.from_pyfile("settings.py")
    assert app.config["GREETING"] == "from instance"
    assert app.config.root_path == str(instance)


def test_open_resource_and_open_instance_resource(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t;")
    instance = tmp_path / "instance"
    instance.mkdir()
    app = Flask("x", root_path=str(tmp_path), instance_path=str(instance))
    with app.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t;"
    with app.open_resource("schema.sql", "r") as f:
        assert f.read() == "CREATE TABLE t;"
    with pytest.raises(ValueError, match="reading"):
        app.open_resource("schema.sql", "w")
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("written")
    with app.open_instance_resource("notes.txt") as f:
        assert f.read() == b"written"


def test_root_path_of_a_module(tmp_path):
    assert Flask(__name__).root_path == os.path.dirname(os.path.abspath(__file__))


# -- async views and hooks -------------------------------------------------------------


def test_async_view_and_hooks(app, client):
    events = []

    @app.before_request
    async def before():
        g.started = True
        events.append("before")

    @app.after_request
    async def after(response):
        response.headers["X-After"] = "async"
        return response

    @app.teardown_request
    async def teardown(exc):
        events.append("teardown")

    @app.route("/<name>")
    async def hello(name):
        import asyncio

        await asyncio.sleep(0)
        return f"hello {name} {g.started} {request.path}"

    response = client.get("/ann")
    assert response.text == "hello ann True /ann"
    assert response.headers["X-After"] == "async"
    assert events == ["before", "teardown"]


def test_async_error_handler(app, client):
    @app.errorhandler(NotFound)
    async def missing(e):
        return "async 404", 404

    assert client.get("/missing").text == "async 404"


def test_ensure_sync_leaves_sync_functions_alone(app):
    def sync():
        return 1

    assert app.ensure_sync(sync) is sync

    async def coroutine():
        return 2

    assert app.ensure_sync(coroutine)() == 2


# -- debug, testing, exception propagation ------------------------------------------------


def test_testing_propagates_exceptions(app, client):
    @app.route("/")
    def index():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        client.get("/")


def test_without_testing_an_error_is_a_500(app, client):
    app.testing = False

    @app.route("/")
    def index():
        raise ValueError("boom")

    response = client.get("/")
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data


def test_propagate_exceptions_config_wins(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/")
    def index():
        raise ValueError("boom")

    assert client.get("/").status_code == 500
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ValueError):
        client.get("/")


def test_debug_mode_propagates(app, client):
    app.testing = False
    app.debug = True
    assert app.config["DEBUG"] is True
    assert app.propagate_exceptions

    @app.route("/")
    def index():
        raise KeyError("x")

    with pytest.raises(KeyError):
        client.get("/")


def test_testing_and_debug_are_config_attributes(app):
    assert app.testing is True
    app.config["TESTING"] = False
    assert app.testing is False
    app.debug = False
    assert app.debug is False


def test_name_and_repr(tmp_path):
    app = Flask("my.package", root_path=str(tmp_path))
    assert app.name == "my.package"
    assert repr(app) == "<Flask 'my.package'>"


def test_subdomain_matching_is_off_unless_asked_for(tmp_path):
    assert Flask("plain", root_path=str(tmp_path)).subdomain_matching is False
    assert Flask("subs", root_path=str(tmp_path), subdomain_matching=True).subdomain_matching is True

    class Subdomains(Flask):
        subdomain_matching = True

    # The constructor's argument wins over a class attribute, as in Flask.
    assert Subdomains("subs", root_path=str(tmp_path)).subdomain_matching is False


def test_app_is_a_wsgi_application(app):
    @app.route("/")
    def index():
        return "wsgi"

    response = Client(validator(app)).get("/")
    assert response.status == "200 OK"
    assert response.data == b"wsgi"


def test_wsgi_app_can_be_wrapped_by_middleware(app, client):
    @app.route("/")
    def index():
        return request.environ.get("HTTP_X_MIDDLEWARE", "none")

    inner = app.wsgi_app

    def middleware(environ, start_response):
        environ["HTTP_X_MIDDLEWARE"] = "yes"
        return inner(environ, start_response)

    app.wsgi_app = middleware
    assert client.get("/").text == "yes"


def test_permanent_session_lifetime_accepts_seconds(app):
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime.total_seconds() == 60


def test_json_body_parsed_with_app_provider(app, client):
    @app.route("/", methods=["POST"])
    def echo():
        return {"got": request.json}

    assert client.post("/", json={"x": [1, 2]}).json == {"got": {"x": [1, 2]}}


def test_wrong_json_content_type_is_400(app, client):
    @app.route("/", methods=["POST"])
    def echo():
        return {"got": request.json}

    assert client.post("/", data="{}", content_type="text/plain").status_code == 400


def test_invalid_json_is_400(app, client):
    @app.route("/", methods=["POST"])
    def echo():
        return {"got": request.get_json()}

    assert client.post("/", data="{not json", content_type="application/json").status_code == 400


def test_bad_request_helpers_raise_http_errors(app):
    with app.test_request_context():
        with pytest.raises(Forbidden):
            abort(403)
        with pytest.raises(BadRequest):
            abort(400)


def test_send_file_respects_time_based_expiry(static_app):
    static_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    response = static_app.test_client().get("/static/style.css")
    assert response.expires is not None
    assert response.expires.timestamp() > time.time()


class _BoundEagerly(Flask):
    """Overriding create_url_adapter turns off matching without an adapter."""

    def create_url_adapter(self, request):
        return super().create_url_adapter(request)


def _routing_app(cls):
    app = cls(__name__)
    app.add_url_rule("/a/", "slashed", lambda: "slashed")
    app.add_url_rule("/p/<int:n>", "number", lambda n: f"number {n}")
    app.add_url_rule("/post", "post_only", lambda: "posted", methods=["POST"])
    return app


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/a"), ("GET", "/a/?x=1"), ("GET", "/p/3"), ("GET", "/p/x"), ("GET", "/post"),
     ("POST", "/post"), ("OPTIONS", "/post"), ("GET", "/missing"), ("GET", "//p/3")],
)
def test_matching_without_an_adapter_answers_like_the_bound_adapter(method, path):
    answers = []
    for cls in (Flask, _BoundEagerly):
        response = _routing_app(cls).test_client().open(path, method=method)
        answers.append((response.status_code, response.headers.get("Location"),
                        response.headers.get("Allow"), response.data))
        response.close()
    assert answers[0] == answers[1]


def test_max_cookie_size_follows_the_config():
    app = Flask(__name__)
    app.config["MAX_COOKIE_SIZE"] = 50
    with app.test_request_context(), pytest.warns(UserWarning, match="limit of 50 bytes"):
        app.response_class().set_cookie("a", "x" * 60)
    assert Response is app.response_class


# -- Flask 2.2's deprecated env ----------------------------------------------------


def test_env_is_production_by_default_and_deprecated(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_ENV", raising=False)
    app = Flask("env", root_path=str(tmp_path))
    assert app.config["ENV"] == "production"
    with pytest.deprecated_call():
        assert app.env == "production"
    with pytest.deprecated_call():
        app.env = "development"
    assert app.config["ENV"] == "development"


def test_flask_env_development_still_turns_debug_on_with_a_warning(tmp_path, monkeypatch):
    from microflask.helpers import get_env

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_ENV", "development")
    with pytest.deprecated_call():
        app = Flask("env", root_path=str(tmp_path))
    assert app.config["ENV"] == "development" and app.debug is True
    with pytest.deprecated_call():
        assert get_env() == "development"
    monkeypatch.setenv("FLASK_DEBUG", "0")  # FLASK_DEBUG wins
    assert Flask("env", root_path=str(tmp_path)).debug is False
