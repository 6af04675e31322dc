"""The application and request contexts and the proxies that point into them:
``current_app``, ``g``, ``request``, ``session``; copying a context into a
thread or a streamed response; isolation between threads and asyncio tasks."""
from __future__ import annotations

import asyncio
import contextvars
import io
import threading

import pytest

from microflask import (
    Flask,
    Request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from microflask.ctx import AppContext, RequestContext
from microflask.toolkit.exceptions import MethodNotAllowed, NotFound
from microflask.globals import app_ctx, request_ctx

# -- application context ------------------------------------------------------------


def test_app_context_makes_current_app_and_g_available(app):
    assert not has_app_context()
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app
        assert app_ctx._get_current_object() is ctx
        g.value = 42
        assert g.value == 42
    assert not has_app_context()


def test_each_app_context_has_its_own_g(app):
    with app.app_context():
        g.value = 1
        with app.app_context():
            assert "value" not in g
        assert g.value == 1


def test_nested_contexts_of_two_apps(app, tmp_path):
    other = Flask("other", root_path=str(tmp_path))
    with app.app_context():
        with other.app_context():
            assert current_app.name == "other"
        assert current_app.name == "test_app"


def test_app_context_push_and_pop(app):
    ctx = app.app_context()
    ctx.push()
    try:
        assert current_app.name == "test_app"
    finally:
        ctx.pop()
    assert not has_app_context()


def test_popping_the_wrong_app_context_is_an_error(app):
    def pop_out_of_order():
        outer = app.app_context()
        outer.push()
        app.app_context().push()
        with pytest.raises(AssertionError, match="Popped wrong app context"):
            outer.pop()

    # Run in a throwaway copy of the context: popping out of order leaves
    # the context variables in a state no other test should see.
    contextvars.copy_context().run(pop_out_of_order)


def test_g_behaves_like_a_namespace(app):
    with app.app_context():
        assert g.get("missing") is None
        assert g.get("missing", "default") == "default"
        assert g.setdefault("answer", 42) == 42
        assert g.setdefault("answer", 0) == 42
        assert "answer" in g
        assert list(g) == ["answer"]
        assert g.pop("answer") == 42
        assert g.pop("answer", None) is None
        with pytest.raises(KeyError):
            g.pop("answer")
        assert "answer" not in g
        assert repr(g) == "<microflask.g of 'test_app'>"


# -- request context ----------------------------------------------------------------


def test_test_request_context_makes_request_available(app):
    with app.test_request_context("/path?q=1", method="POST") as ctx:
        assert isinstance(ctx, RequestContext)
        assert has_request_context() and has_app_context()
        assert request.path == "/path"
        assert request.args["q"] == "1"
        assert request.method == "POST"
        assert request_ctx._get_current_object() is ctx
        assert current_app._get_current_object() is app
    assert not has_request_context()
    assert not has_app_context()


def test_request_context_matches_the_url_when_pushed(app):
    @app.route("/user/<int:id>", methods=["GET"])
    def user(id):
        return ""

    with app.test_request_context("/user/3"):
        assert request.endpoint == "user"
        assert request.view_args == {"id": 3}
        assert request.url_rule.rule == "/user/<int:id>"
        assert request.routing_exception is None
    with app.test_request_context("/nowhere"):
        assert isinstance(request.routing_exception, NotFound)
        assert request.url_rule is None
    with app.test_request_context("/user/3", method="DELETE"):
        assert isinstance(request.routing_exception, MethodNotAllowed)


def test_match_request_after_adding_a_route(app):
    ctx = app.test_request_context("/late")
    app.add_url_rule("/late", "late", lambda: "")
    ctx.match_request()
    assert ctx.request.endpoint == "late"


def test_request_context_reuses_an_active_app_context(app):
    with app.app_context():
        g.shared = "yes"
        with app.test_request_context():
            assert g.shared == "yes"
        assert has_app_context()


def test_a_request_made_inside_an_app_context_shares_its_g(app, client):
    @app.route("/read-g")
    def read_g():
        return f"g={g.get('x')!r}"

    assert client.get("/read-g").text == "g=None"
    with app.app_context():
        g.x = 5
        assert client.get("/read-g").text == "g=5"
        assert client.get("/read-g").text == "g=5"
    assert client.get("/read-g").text == "g=None"


def test_uploads_are_closed_when_the_request_ends(app, client):
    kept = []

    @app.post("/upload")
    def upload():
        kept.append(request.files["f"])
        return "stored"

    for _ in range(2):  # the first request and a later one
        assert client.post("/upload", data={"f": (io.BytesIO(b"data"), "f.txt")}).text == "stored"
    assert len(kept) == 2
    assert all(upload.stream.closed for upload in kept)


def test_request_context_push_pop(app):
    ctx = app.test_request_context("/x")
    ctx.push()
    assert request.path == "/x"
    ctx.pop()
    assert not has_request_context()
    assert not has_app_context()


def test_copy_shares_request_and_session(app):
    with app.test_request_context("/x") as ctx:
        copied = ctx.copy()
        assert copied is not ctx
        assert copied.request is ctx.request
        assert copied.session is ctx.session


def test_request_context_repr(app):
    with app.test_request_context("/x", method="POST") as ctx:
        assert repr(ctx) == "<RequestContext 'http://localhost/x' [POST] of test_app>"


def test_request_is_a_request_instance(app):
    with app.test_request_context():
        assert isinstance(request, Request)
        assert isinstance(current_app, Flask)
        assert type(request._get_current_object()) is app.request_class


def test_session_without_secret_key_is_a_read_only_null_session(app):
    with app.test_request_context():
        assert dict(session) == {}
        assert session.get("user") is None
        with pytest.raises(RuntimeError, match="secret key"):
            session["user"] = "ann"


# -- proxies outside a context ---------------------------------------------------------


def test_proxies_outside_a_context_raise_helpful_errors():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        request.path
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        session.get("x")
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        current_app.name
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.x = 1


def test_unbound_proxies_are_falsy_and_have_a_repr():
    assert not request
    assert not current_app
    assert not g
    assert "unbound" in repr(request)


def test_bound_proxies_forward_operations(app):
    with app.test_request_context("/?a=1&b=2"):
        assert bool(current_app)
        assert repr(current_app) == repr(app)
        assert current_app == app
        assert request.args.to_dict() == {"a": "1", "b": "2"}
        assert len(request.args) == 2
        assert "a" in request.args
        assert sorted(request.args) == ["a", "b"]
        assert hash(current_app) == hash(app)


# -- copying the context into a thread, or into a streamed response ------------------------


def test_copy_current_request_context_in_a_thread(app, client):
    seen = {}

    @app.route("/")
    def index():
        @copy_current_request_context
        def work():
            seen["path"] = request.path
            seen["arg"] = request.args["q"]

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "started"

    assert client.get("/?q=hi").text == "started"
    assert seen == {"path": "/", "arg": "hi"}


def test_copy_current_request_context_needs_a_request():
    with pytest.raises(RuntimeError, match="request context"):
        copy_current_request_context(lambda: None)


def test_a_plain_thread_has_no_request(app):
    seen = {}
    with app.test_request_context():

        def work():
            seen["has_request"] = has_request_context()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert seen == {"has_request": False}


def test_stream_with_context_keeps_request_in_the_generator(app, client):
    @app.route("/")
    def stream():
        def generate():
            yield "hello "
            yield request.args["name"]
            yield f" from {current_app.name}"

        return stream_with_context(generate())

    assert client.get("/?name=ann").text == "hello ann from test_app"


def test_stream_with_context_as_a_decorator(app, client):
    @app.route("/")
    def stream():
        @stream_with_context
        def generate():
            yield request.path

        return generate()

    assert client.get("/").text == "/"


def test_stream_with_context_runs_teardown_after_streaming(app, client):
    events = []

    @app.teardown_request
    def teardown(exc):
        events.append("teardown")

    @app.route("/")
    def stream():
        def generate():
            events.append("first chunk")
            yield "a"
            events.append("last chunk")
            yield "b"

        return stream_with_context(generate())

    response = client.get("/")
    assert response.data == b"ab"
    assert events == ["first chunk", "last chunk", "teardown"]


def test_stream_with_context_closed_unread_still_tears_down(app, client):
    events = []
    app.teardown_request(lambda exc: events.append("teardown"))

    @app.route("/")
    def stream():
        def generate():
            yield "never read"

        return stream_with_context(generate())

    response = client.get("/")
    assert events == []  # the context lives until the body is done with
    response.close()
    assert events == ["teardown"]
    assert not has_request_context()


def test_without_stream_with_context_the_generator_has_no_request(app, client):
    @app.route("/")
    def stream():
        def generate():
            yield str(has_request_context())

        return generate()

    assert client.get("/").text == "False"


def test_stream_with_context_outside_a_request_is_an_error():
    with pytest.raises(RuntimeError, match="request context"):
        stream_with_context(iter(["x"]))


# -- isolation between threads and tasks -----------------------------------------------


def test_threads_each_see_their_own_request_and_g(app):
    barrier = threading.Barrier(2)
    seen = {}

    def handle(name):
        with app.test_request_context(f"/{name}"):
            g.name = name
            barrier.wait()  # both contexts are pushed at the same time now
            seen[name] = (request.path, g.name)

    threads = [threading.Thread(target=handle, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"one": ("/one", "one"), "two": ("/two", "two")}


def test_asyncio_tasks_each_see_their_own_request_and_g(app):
    seen = {}

    async def handle(name, started):
        with app.test_request_context(f"/{name}"):
            g.name = name
            started.set()
            await asyncio.sleep(0.01)  # let the other task push its context
            seen[name] = (request.path, g.name)

    async def main():
        events = [asyncio.Event(), asyncio.Event()]
        await asyncio.gather(handle("one", events[0]), handle("two", events[1]))

    asyncio.run(main())
    assert seen == {"one": ("/one", "one"), "two": ("/two", "two")}


def test_concurrent_requests_through_the_app(app):
    @app.route("/<int:n>")
    def square(n):
        g.n = n
        return str(g.n * request.view_args["n"])

    results = {}

    def call(n):
        results[n] = app.test_client().get(f"/{n}").text

    threads = [threading.Thread(target=call, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: str(n * n) for n in range(20)}


# -- Flask 2.2's deprecated context stacks ------------------------------------------


def test_the_deprecated_context_stacks_serve_old_extensions(app):
    import microflask

    with pytest.deprecated_call():
        app_stack = microflask._app_ctx_stack
    with pytest.deprecated_call():
        request_stack = microflask._request_ctx_stack
    with pytest.deprecated_call():
        assert app_stack.top is None and request_stack.top is None

    # The old extension pattern: keep a resource on the app context.
    with app.test_request_context("/"):
        with pytest.deprecated_call():
            app_stack.top.database = "connection"
        assert microflask.globals.app_ctx.database == "connection"
        with pytest.deprecated_call():
            assert request_stack.top.request.path == "/"


def test_the_deprecated_stacks_push_and_pop_contexts(app):
    from microflask.globals import _cv_app

    with pytest.deprecated_call():
        from microflask.globals import _app_ctx_stack
    context = app.app_context()
    with pytest.deprecated_call():
        _app_ctx_stack.push(context)
    assert _cv_app.get(None) is context
    with pytest.deprecated_call():
        assert _app_ctx_stack.pop() is context
    assert _cv_app.get(None) is None
