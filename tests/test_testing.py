"""The test helpers: ``app.test_client()`` and ``app.test_request_context()``,
building requests (query strings, bodies, JSON, headers, environ), following
redirects, the cookie jar, and ``with client:`` keeping the last context."""
from __future__ import annotations

import gc
import io
import warnings

import pytest

from microflask import Flask, current_app, g, has_request_context, redirect, request, url_for
from microflask.testing import EnvironBuilder, FlaskClient

from conftest import validated


@pytest.fixture
def echo_app(app):
    """An app whose views echo back what the request carried."""

    @app.route("/echo", methods=["GET", "POST", "PUT"])
    def echo():
        return {
            "method": request.method,
            "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(flat=False),
            "data": request.get_data(as_text=True) if not request.form else "",
            "json": request.get_json(silent=True),
            "content_type": request.content_type,
            "url": request.url,
        }

    @app.route("/header/<name>")
    def header(name):
        return request.headers.get(name, "<none>")

    @app.route("/environ/<key>")
    def environ(key):
        return str(request.environ.get(key))

    return app


# -- building requests ------------------------------------------------------------


def test_test_client_class(app, client):
    assert isinstance(client, FlaskClient)
    assert client.application is app


def test_query_string_in_path_dict_or_string(echo_app, client):
    assert client.get("/echo?a=1&a=2").json["args"] == {"a": ["1", "2"]}
    assert client.get("/echo", query_string={"b": "x y"}).json["args"] == {"b": ["x y"]}
    assert client.get("/echo", query_string="c=3").json["args"] == {"c": ["3"]}


def test_data_dict_is_a_form(echo_app, client):
    body = client.post("/echo", data={"name": "ann", "tags": ["a", "b"]}).json
    assert body["form"] == {"name": ["ann"], "tags": ["a", "b"]}
    assert body["content_type"] == "application/x-www-form-urlencoded"


def test_data_str_and_bytes_are_the_raw_body(echo_app, client):
    assert client.post("/echo", data="plain text").json["data"] == "plain text"
    body = client.put("/echo", data=b"raw bytes", content_type="application/octet-stream").json
    assert body["data"] == "raw bytes"
    assert body["content_type"] == "application/octet-stream"


def test_json_argument(echo_app, client):
    body = client.post("/echo", json={"x": [1, 2], "ok": True}).json
    assert body["json"] == {"x": [1, 2], "ok": True}
    assert body["content_type"] == "application/json"


def test_json_argument_uses_the_app_provider(echo_app, client):
    class Thing:
        pass

    default = echo_app.json.default

    def encode(value):
        return "a thing" if isinstance(value, Thing) else default(value)

    echo_app.json.default = encode
    assert client.post("/echo", json={"t": Thing()}).json["json"] == {"t": "a thing"}


def test_headers(echo_app, client):
    assert client.get("/header/X-Token", headers={"X-Token": "abc"}).text == "abc"
    assert client.get("/header/X-Token", headers=[("X-Token", "def")]).text == "def"


def test_default_environ(echo_app, client):
    assert client.get("/environ/REMOTE_ADDR").text == "127.0.0.1"
    assert client.get("/header/User-Agent").text.startswith("microflask")


def test_environ_base_and_overrides(echo_app, client):
    assert client.get("/environ/REMOTE_ADDR", environ_base={"REMOTE_ADDR": "10.0.0.1"}).text == "10.0.0.1"
    assert client.get("/environ/HTTP_X_CUSTOM", environ_overrides={"HTTP_X_CUSTOM": "over"}).text == "over"


def test_environ_base_on_the_client(echo_app):
    client = echo_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert client.get("/environ/REMOTE_ADDR").text == "192.0.2.7"


def test_base_url_and_full_url(echo_app, client):
    body = client.get("/echo", base_url="https://example.org/prefix").json
    assert body["url"] == "https://example.org/prefix/echo"
    assert client.get("http://other.test/echo?q=1").json["url"] == "http://other.test/echo?q=1"


def test_url_scheme_from_preferred_url_scheme(echo_app, client):
    echo_app.config["PREFERRED_URL_SCHEME"] = "https"
    assert client.get("/echo").json["url"] == "https://localhost/echo"


def test_open_accepts_a_builder_and_an_environ(echo_app, client):
    builder = EnvironBuilder(echo_app, "/echo", query_string={"via": "builder"})
    assert client.open(builder).json["args"] == {"via": ["builder"]}
    environ = EnvironBuilder(echo_app, "/echo?via=environ").get_environ()
    assert client.open(environ).json["args"] == {"via": ["environ"]}


def test_builder_refuses_subdomain_with_base_url(app):
    with pytest.raises(ValueError, match="base_url"):
        EnvironBuilder(app, "/", base_url="http://x/", subdomain="api")


# -- responses ----------------------------------------------------------------------


def test_response_attributes(app, client):
    @app.route("/")
    def index():
        return {"ok": True}, 201, {"X-Extra": "1"}

    response = client.get("/")
    assert response.status_code == 201
    assert response.status == "201 CREATED"
    assert response.headers["X-Extra"] == "1"
    assert response.mimetype == "application/json"
    assert response.json == {"ok": True}
    assert response.data == b'{"ok": true}\n' or response.json == {"ok": True}
    assert response.text == response.data.decode()
    assert response.request.path == "/"


def test_response_json_of_non_json_is_none_or_error(app, client):
    @app.route("/")
    def index():
        return "not json"

    response = client.get("/")
    assert response.get_json(silent=True) is None


# -- redirects ----------------------------------------------------------------------


def test_follow_redirects_keeps_history_and_request(app, client):
    @app.route("/start")
    def start():
        return redirect(url_for("middle"))

    @app.route("/middle")
    def middle():
        return redirect(url_for("end", done=1), 301)

    @app.route("/end")
    def end():
        return "arrived"

    response = client.get("/start", follow_redirects=True)
    assert response.text == "arrived"
    assert [r.status_code for r in response.history] == [302, 301]
    assert response.request.path == "/end"
    assert response.request.args["done"] == "1"

    unfollowed = client.get("/start")
    assert unfollowed.status_code == 302
    assert unfollowed.location == "/middle"
    assert unfollowed.history == ()


def test_follow_redirects_keeps_the_clients_environ_base(app, client):
    @app.route("/a")
    def a():
        return redirect("/b")

    @app.route("/b")
    def b():
        return f"{request.remote_addr} {request.headers.get('X-Extra')}"

    client.environ_base.update(REMOTE_ADDR="9.9.9.9", HTTP_X_EXTRA="yes")
    assert client.get("/a", follow_redirects=True).text == "9.9.9.9 yes"


def test_redirect_after_post_becomes_get_but_307_keeps_method(app, client):
    @app.route("/form", methods=["POST"])
    def form():
        return redirect(url_for("done"))

    @app.route("/keep", methods=["POST"])
    def keep():
        return redirect(url_for("done"), 307)

    @app.route("/done", methods=["GET", "POST"])
    def done():
        return request.method + ":" + request.get_data(as_text=True)

    assert client.post("/form", data="body", follow_redirects=True).text == "GET:"
    assert client.post("/keep", data="body", follow_redirects=True).text == "POST:body"


# -- cookies ------------------------------------------------------------------------


@pytest.fixture
def cookie_app(app):
    @app.route("/set")
    def set_cookie():
        response = app.response_class("set")
        response.set_cookie("flavour", "oatmeal")
        return response

    @app.route("/read")
    def read_cookie():
        return request.cookies.get("flavour", "<none>")

    @app.route("/clear")
    def clear_cookie():
        response = app.response_class("cleared")
        response.delete_cookie("flavour")
        return response

    return app


def test_cookies_set_by_responses_are_sent_back(cookie_app, client):
    assert client.get("/read").text == "<none>"
    client.get("/set")
    assert client.get_cookie("flavour").value == "oatmeal"
    assert client.get("/read").text == "oatmeal"
    client.get("/clear")
    assert client.get_cookie("flavour") is None
    assert client.get("/read").text == "<none>"


def test_client_set_and_delete_cookie(cookie_app, client):
    client.set_cookie("flavour", "ginger")
    assert client.get("/read").text == "ginger"
    client.delete_cookie("flavour")
    assert client.get("/read").text == "<none>"


def test_flask_2_2_cookie_signature(cookie_app, client):
    client.set_cookie("localhost", "flavour", "chocolate")
    assert client.get("/read").text == "chocolate"
    client.delete_cookie("localhost", "flavour")
    assert client.get("/read").text == "<none>"


def test_client_without_cookies(cookie_app):
    client = cookie_app.test_client(use_cookies=False)
    client.get("/set")
    assert client.get("/read").text == "<none>"


# -- keeping the context with ``with client:`` ---------------------------------------------


def test_with_client_keeps_the_last_request_context(app, client):
    @app.route("/<name>")
    def index(name):
        g.name = name
        return "ok"

    with client:
        client.get("/first?x=1")
        assert request.path == "/first"
        assert g.name == "first"
        client.get("/second")
        assert request.path == "/second"
        assert request.args.get("x") is None
        assert current_app._get_current_object() is app
    assert not has_request_context()


def test_with_client_still_runs_teardown_at_the_end_of_the_request(app, client):
    # As in Flask, the request ends normally (teardown functions run); the
    # preserved context is pushed again only so the test can inspect it.
    torn_down = []
    app.teardown_request(torn_down.append)

    @app.route("/")
    def index():
        g.user = "ann"
        return ""

    with client:
        client.get("/")
        assert torn_down == [None]
        assert g.user == "ann"
    assert not has_request_context()


def test_without_with_the_context_is_gone(app, client):
    @app.route("/")
    def index():
        return ""

    client.get("/")
    assert not has_request_context()


def test_with_client_cannot_nest(app, client):
    with client:
        with pytest.raises(RuntimeError, match="nest"):
            with client:
                pass


def test_with_client_keeps_context_after_an_error_response(app, client):
    app.testing = False

    @app.route("/")
    def index():
        raise ValueError()

    with client:
        assert client.get("/").status_code == 500
        assert request.path == "/"


# -- test_request_context ------------------------------------------------------------


def test_test_request_context_arguments(app):
    with app.test_request_context(
        "/page?x=1",
        method="POST",
        data={"field": "value"},
        headers={"X-Test": "yes"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    ):
        assert request.method == "POST"
        assert request.args["x"] == "1"
        assert request.form["field"] == "value"
        assert request.headers["X-Test"] == "yes"
        assert request.remote_addr == "10.1.1.1"


def test_test_request_context_json(app):
    with app.test_request_context(json={"a": 1}):
        assert request.json == {"a": 1}


def test_test_request_context_subdomain_and_url_scheme(app):
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/p", subdomain="api", url_scheme="https"):
        assert request.url == "https://api.example.com/p"
        assert request.host == "api.example.com"


def test_test_request_context_uses_server_name_and_application_root(app):
    app.config.update(SERVER_NAME="example.com:8080", APPLICATION_ROOT="/app")
    with app.test_request_context("/x"):
        assert request.url == "http://example.com:8080/app/x"
        assert request.script_root == "/app"
        assert request.path == "/x"


def test_test_request_context_base_url(app):
    with app.test_request_context("/x", base_url="https://example.net/root"):
        assert request.url == "https://example.net/root/x"


def test_test_client_subdomain(tmp_path):
    app = validated(Flask("subs", root_path=str(tmp_path), subdomain_matching=True))
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="<sub>")
    def index(sub):
        return sub

    assert app.test_client().get("/", subdomain="blog").text == "blog"


def test_custom_test_client_class(app):
    class MyClient(FlaskClient):
        def get_json_ok(self, path):
            return self.get(path).json["ok"]

    app.test_client_class = MyClient

    @app.route("/")
    def index():
        return {"ok": "yes"}

    client = app.test_client()
    assert isinstance(client, MyClient)
    assert client.get_json_ok("/") == "yes"


def test_uploads_through_the_flask_client_leave_no_unclosed_file_behind(app):
    @app.post("/upload")
    def upload():
        return {"name": request.files["f"].filename, "size": len(request.files["f"].read())}

    @app.post("/moved")
    def moved():
        return redirect(url_for("upload"), 307)

    client = app.test_client()
    gc.collect()  # earlier tests' garbage is not this test's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small = client.post("/upload", data={"f": (io.BytesIO(b"abc"), "a.txt")})
        assert small.json == {"name": "a.txt", "size": 3}
        big = client.post("/moved", data={"f": (io.BytesIO(b"x" * 600_000), "b.bin")}, follow_redirects=True)
        assert big.json == {"name": "b.bin", "size": 600_000}
        del small, big
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_test_request_context_keeps_the_upload_readable_in_the_block(app):
    upload = io.BytesIO(b"abc")
    with app.test_request_context("/", method="POST", data={"f": (upload, "a.txt")}):
        assert upload.closed  # read into the body, then closed with the builder, as in Flask
        assert request.files["f"].read() == b"abc"
        assert not request.environ["wsgi.input"].closed
