"""A request is answered the same whether it is an app's first or a later
one, and whether or not a subclass overrides the steps of the request.

Each scenario runs against two copies of the same app, after a first
request: a plain ``Flask``, and a subclass that overrides ``dispatch_request``
(calling the original). Their answers must be identical.
"""
import asyncio
import io

import pytest

from microflask import (
    Blueprint,
    Flask,
    abort,
    after_this_request,
    g,
    has_request_context,
    request,
    session,
    stream_with_context,
    url_for,
)
from microflask.toolkit.wrappers import Response

from conftest import validated


class GeneralPathFlask(Flask):
    """Overrides a step of the request, calling the original."""

    def dispatch_request(self):
        return super().dispatch_request()


# One blueprint, registered on both copies, with URL defaults and error handlers.
shop = Blueprint("shop", __name__, url_prefix="/shop", url_defaults={"currency": "eur"})


@shop.route("/items/<int:item_id>")
def shop_item(item_id, currency):
    return f"{request.blueprint} item {item_id} in {currency} at {url_for('.shop_item', item_id=item_id)}"


@shop.route("/gone")
def shop_gone(currency):
    abort(404)


@shop.route("/broken")
def shop_broken(currency):
    raise LookupError("no such shelf")


@shop.url_defaults
def add_page(endpoint, values):
    values.setdefault("ref", "shop")


@shop.errorhandler(404)
def shop_not_found(error):
    return "not in the shop", 404


@shop.errorhandler(LookupError)
def shop_lookup_error(error):
    return f"shop lookup: {error}", 409


def build(app_class):
    app = app_class(__name__)
    app.secret_key = "test key"

    @app.route("/")
    def text():
        return "Hello World!"

    @app.route("/bytes")
    def raw():
        return b"\x00bytes"

    @app.route("/json")
    def data():
        return {"a": [1, 2]}

    @app.route("/tuple")
    def status_and_headers():
        return "created", 201, {"X-Kind": "tuple"}

    @app.route("/response")
    def response_object():
        return Response("made", mimetype="text/plain")

    @app.route("/stream")
    def stream():
        def generate():
            yield "a"
            yield request.path

        return stream_with_context(generate())

    @app.route("/slash/")
    def slash():
        return "slash"

    @app.route("/post-only", methods=["POST"])
    def post_only():
        return "posted"

    @app.route("/user/<int:user_id>")
    def user(user_id):
        return f"user {user_id} at {url_for('user', user_id=user_id)}"

    @app.route("/forbidden")
    def forbidden():
        abort(401)

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    @app.route("/handled")
    def handled():
        raise KeyError("handled")

    @app.errorhandler(KeyError)
    def key_error(error):
        return "handled it", 418

    @app.route("/after")
    def after():
        @after_this_request
        def add_header(response):
            response.headers["X-After"] = "yes"
            return response

        return "after"

    @app.route("/session")
    def write_session():
        session["visits"] = session.get("visits", 0) + 1
        return str(session["visits"])

    @app.route("/g")
    def uses_g():
        g.value = "from g"
        return g.value

    @app.route("/async")
    async def slow():
        await asyncio.sleep(0)
        return "async"

    @app.route("/none")
    def returns_none():
        return None

    app.register_blueprint(shop)
    return app


SCENARIOS = [
    ("GET", "/"),
    ("HEAD", "/"),
    ("OPTIONS", "/"),
    ("GET", "/bytes"),
    ("GET", "/json"),
    ("GET", "/tuple"),
    ("GET", "/response"),
    ("GET", "/stream"),
    ("GET", "/slash"),
    ("GET", "/post-only"),
    ("GET", "/no/such/page"),
    ("GET", "/user/7"),
    ("GET", "/user/x"),
    ("GET", "/forbidden"),
    ("GET", "/boom"),
    ("GET", "/handled"),
    ("GET", "/after"),
    ("GET", "/session"),
    ("GET", "/g"),
    ("GET", "/async"),
    ("GET", "/none"),
    ("GET", "/shop/items/3"),
    ("GET", "/shop/gone"),
    ("GET", "/shop/nothing-here"),
    ("GET", "/shop/broken"),
    ("POST", "/shop/items/3"),
]


def answer(app, method, path):
    client = validated(app).test_client()
    client.get("/")  # the first request, then the one compared
    response = client.open(path, method=method)
    headers = sorted((name, value) for name, value in response.headers.items() if name != "Date")
    return response.status_code, headers, response.data


@pytest.mark.parametrize("method, path", SCENARIOS)
def test_a_later_request_answers_as_an_overriding_subclass_does(method, path):
    assert answer(build(Flask), method, path) == answer(build(GeneralPathFlask), method, path)
    assert not has_request_context()


@pytest.mark.parametrize("method, path", [("GET", "/"), ("GET", "/slash"), ("GET", "/post-only"), ("GET", "/no/such/page")])
@pytest.mark.parametrize("host", ["example.test", "other.test"])
def test_with_server_name_a_later_request_answers_as_an_overriding_subclass_does(method, path, host):
    def answer_with_server_name(app):
        app.config["SERVER_NAME"] = "example.test"
        client = validated(app).test_client()
        client.get("/", base_url="http://example.test")
        response = client.open(path, method=method, base_url=f"http://{host}")
        return response.status_code, response.headers.get("Location"), response.data

    assert answer_with_server_name(build(Flask)) == answer_with_server_name(build(GeneralPathFlask))


def test_a_session_cookie_is_refreshed_on_later_requests():
    def refreshed_cookie(app):
        @app.route("/remember-me")
        def remember_me():
            session.permanent = True
            return "remembered"

        client = validated(app).test_client()
        client.get("/remember-me")
        return client.get("/").headers.get("Set-Cookie")

    plain, general = refreshed_cookie(build(Flask)), refreshed_cookie(build(GeneralPathFlask))
    assert plain is not None and plain.startswith("session=")
    assert plain.split(";")[1:] == general.split(";")[1:]


def test_a_view_returning_none_is_a_clear_error_on_a_later_request_too():
    app = build(Flask)
    app.testing = True
    client = app.test_client()
    client.get("/")
    with pytest.raises(TypeError, match="did not return a valid response"):
        client.get("/none")


def test_a_subclass_make_response_runs_on_every_request():
    class HeaderFlask(Flask):
        def make_response(self, rv):
            response = super().make_response(rv)
            response.headers["X-Made"] = "1"
            return response

    client = validated(build(HeaderFlask)).test_client()
    assert [client.get("/").headers.get("X-Made") for _ in range(3)] == ["1", "1", "1"]


def test_a_step_overridden_on_the_app_itself_runs_on_every_request():
    app = build(Flask)
    general = app.process_response

    def process_response(response):
        response.headers["X-Processed"] = "1"
        return general(response)

    app.process_response = process_response
    client = validated(app).test_client()
    assert [client.get("/").headers.get("X-Processed") for _ in range(3)] == ["1", "1", "1"]


def test_an_unhashable_callable_view_is_served_every_time():
    class View:
        __hash__ = None

        def __call__(self):
            return "callable view"

    app = build(Flask)
    app.add_url_rule("/callable", "callable", View())
    client = validated(app).test_client()
    assert [client.get("/callable").status_code for _ in range(3)] == [200, 200, 200]


def test_a_request_inside_an_app_context_shares_its_g():
    app = build(Flask)

    @app.route("/read-g")
    def read_g():
        return f"g={g.get('x')!r}"

    client = validated(app).test_client()
    client.get("/")
    with app.app_context():
        g.x = 5
        assert client.get("/read-g").data == b"g=5"
    assert client.get("/read-g").data == b"g=None"


@pytest.mark.parametrize("app_class", [Flask, GeneralPathFlask])
def test_uploads_are_closed_when_the_request_ends(app_class):
    app = app_class(__name__)
    kept = []

    @app.post("/upload")
    def upload():
        kept.append(request.files["f"])
        return "stored"

    client = validated(app).test_client()
    for _ in range(2):  # the first request and a later one
        assert client.post("/upload", data={"f": (io.BytesIO(b"data"), "f.txt")}).text == "stored"
    assert len(kept) == 2 and all(upload.stream.closed for upload in kept)
