"""One request path, with every override point on it, on every request.

Users subclass ``Flask``, ``Response``, ``Request`` and ``Map`` (or assign a
method on the app) and expect the override to run on every request: the
first, the hundredth, whatever the view returns. Each test here counts the
calls to overrides over many requests and checks that every request made the
same calls, and the ones Flask 2.2 makes. The regression tests at the end are
the differences from Flask 2.2 / Werkzeug 2.2 found when a second, "fast"
copy of the path was taken after the first request.

Every expectation here was checked against Flask 2.2.5 and Werkzeug 2.2.3:
this module, with its imports renamed (``microflask.toolkit`` -> ``werkzeug``,
``microflask`` -> ``flask``) and a conftest whose ``validated`` does what
ours does, passes on them. So Flask sets the expectations, including
these: ``should_ignore_error`` is only asked about an error nothing handled,
an HTTP error's page is converted to ``response_class`` without calling its
``__init__``, and ``create_url_adapter`` and ``MapAdapter.match`` may run
more than once in a request (Flask binds one adapter for the app context and
one for the request; ``allowed_methods`` matches again for OPTIONS).
"""
import traceback
from wsgiref.util import setup_testing_defaults

import pytest

from microflask import Flask, abort, current_app, render_template_string, url_for
from microflask.toolkit.routing import Map, MapAdapter
from microflask.toolkit.wrappers import Response as ToolkitResponse
from microflask.wrappers import Request, Response

from conftest import validated

REQUESTS = 100

# An expected count: exactly once per request, or at least once (the same
# number on every request): how often Flask binds an adapter or calls
# ensure_sync is its own business, as long as it does so every time.
ONCE = 1
SOME = "at least once"


# -- the app and the requests -----------------------------------------------------


def build_app(app_class=Flask):
    """An app with one route per kind of answer a view gives."""
    app = app_class(__name__)

    @app.route("/str")
    def text():
        return "Hello World!"

    @app.route("/bytes")
    def raw():
        return b"\x00bytes"

    @app.route("/json")
    def data():
        return {"a": [1, 2]}

    @app.route("/tuple")
    def created():
        return "created", 201

    @app.route("/response")
    def response_object():
        return current_app.response_class("made", mimetype="text/plain")

    @app.route("/url")
    def builds_url():
        return url_for("text")

    @app.route("/template")
    def renders():
        return render_template_string("{{ 1 + 1 }} at {{ request.path }}")

    @app.route("/abort")
    def aborts():
        abort(500)

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    @app.errorhandler(500)
    def server_error(error):
        return "server error handled", 500

    return validated(app)


def serve(app, method, path):
    """One request, made as a WSGI server makes it: ``(status, headers, body)``.

    The body is read whole and its iterable closed, as the server must.
    """
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": ""}
    setup_testing_defaults(environ)
    sent = {}

    def start_response(status, headers, exc_info=None):
        sent["status"], sent["headers"] = status, headers
        return lambda data: None

    app_iter = app(environ, start_response)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return sent["status"], dict(sent["headers"]), body


# route name -> (method, path, status, the app's overrides expected beyond every request's)
ROUTES = {
    "str": ("GET", "/str", "200 OK", {"ensure_sync": SOME}),
    "bytes": ("GET", "/bytes", "200 OK", {"ensure_sync": SOME}),
    "json": ("GET", "/json", "200 OK", {"ensure_sync": SOME}),
    "tuple": ("GET", "/tuple", "201 CREATED", {"ensure_sync": SOME}),
    "response": ("GET", "/response", "200 OK", {"ensure_sync": SOME}),
    "url_for": ("GET", "/url", "200 OK", {"ensure_sync": SOME, "url_for": ONCE, "inject_url_defaults": ONCE}),
    "template": ("GET", "/template", "200 OK", {"ensure_sync": SOME, "update_template_context": ONCE}),
    "options": ("OPTIONS", "/str", "200 OK", {"make_default_options_response": ONCE}),
    "not_found": (
        "GET",
        "/missing",
        "404 NOT FOUND",
        {"raise_routing_exception": ONCE, "handle_user_exception": ONCE, "handle_http_exception": ONCE},
    ),
    "abort_500_handled": (
        "GET",
        "/abort",
        "500 INTERNAL SERVER ERROR",
        {"ensure_sync": SOME, "handle_user_exception": ONCE, "handle_http_exception": ONCE},
    ),
    "unhandled_error": (
        "GET",
        "/boom",
        "500 INTERNAL SERVER ERROR",
        {
            "ensure_sync": SOME,
            "handle_user_exception": ONCE,
            "handle_exception": ONCE,
            "log_exception": ONCE,
            # Flask asks only about an error nothing handled.
            "should_ignore_error": ONCE,
        },
    ),
}

# The app's steps every request takes, whatever the view does.
EVERY_REQUEST = {
    "__call__": ONCE,
    "wsgi_app": ONCE,
    "request_context": ONCE,
    "app_context": ONCE,
    "create_url_adapter": SOME,
    "full_dispatch_request": ONCE,
    "preprocess_request": ONCE,
    "dispatch_request": ONCE,
    "finalize_request": ONCE,
    "make_response": ONCE,
    "process_response": ONCE,
    "do_teardown_request": ONCE,
    "do_teardown_appcontext": ONCE,
}

FLASK_OVERRIDES = sorted(set(EVERY_REQUEST).union(*(extra for *_, extra in ROUTES.values())))


def expected_app_calls(route):
    return {**EVERY_REQUEST, **ROUTES[route][3]}


# The response's steps: every response is sent the same way. (A 404 is made
# by the HTTP error and converted, so the app builds no response of its own.)
RESPONSE_STEPS = {
    "__call__": ONCE,
    "get_wsgi_response": ONCE,
    "get_wsgi_headers": ONCE,
    "get_app_iter": ONCE,
    "iter_encoded": SOME,
    "close": ONCE,
}


def expected_response_calls(route):
    if route == "not_found":
        return RESPONSE_STEPS
    return {"__init__": ONCE, **RESPONSE_STEPS}


RESPONSE_OVERRIDES = sorted(expected_response_calls("str"))
REQUEST_STEPS = {"__init__": ONCE, "close": ONCE}
MAP_STEPS = {"bind_to_environ": ONCE, "match": SOME}


# -- counting overrides -------------------------------------------------------------


def counting_subclass(base, names, calls):
    """A subclass of ``base`` overriding each of ``names`` with a method that
    counts its call in ``calls`` and then does what ``base`` does."""

    def override(name):
        original = getattr(base, name)

        def method(self, *args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return original(self, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        return method

    return type(f"Counting{base.__name__}", (base,), {name: override(name) for name in names})


def as_expected(calls_made, count):
    return calls_made >= 1 if count is SOME else calls_made == count


def assert_same_calls_on_every_request(app, route, calls, expected, also_counted=()):
    """Send ``REQUESTS`` requests for ``route``; each must make the ``expected``
    calls, and the same number of calls to the ``also_counted`` overrides."""
    method, path, status, _ = ROUTES[route]
    names = sorted({*expected, *also_counted})
    per_request = []
    for _ in range(REQUESTS):
        before = dict(calls)
        sent_status, _, _ = serve(app, method, path)
        assert sent_status == status
        per_request.append({name: calls.get(name, 0) - before.get(name, 0) for name in names})

    first, last = per_request[0], per_request[-1]
    problems = []
    for name, count in expected.items():
        if not (as_expected(first[name], count) and as_expected(last[name], count)):
            problems.append(
                f"{name}: expected {count} per request, ran {first[name]} time(s) on request 1"
                f" and {last[name]} on request {REQUESTS}"
            )
    for number, counts in enumerate(per_request, 1):
        if counts != first:
            changed = {name: (first[name], counts[name]) for name in counts if counts[name] != first[name]}
            problems.append(f"request {number} made other calls than request 1 (request 1, request {number}): {changed}")
            break
    assert not problems, f"{route} route:\n" + "\n".join(problems)


# -- 1. every override runs on request 1 and on request 100 ---------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_every_app_override_runs_on_every_request(route):
    calls = {}
    app = build_app(counting_subclass(Flask, FLASK_OVERRIDES, calls))

    assert_same_calls_on_every_request(app, route, calls, expected_app_calls(route), FLASK_OVERRIDES)


@pytest.mark.parametrize(
    "name, route", [(name, route) for route in ROUTES for name in expected_app_calls(route)]
)
def test_an_app_override_alone_runs_on_every_request(name, route):
    """A subclass overriding just one step: nothing else marks it as special."""
    calls = {}
    app = build_app(counting_subclass(Flask, [name], calls))

    assert_same_calls_on_every_request(app, route, calls, {name: expected_app_calls(route)[name]})


@pytest.mark.parametrize("route", ROUTES)
def test_every_response_override_runs_on_every_request(route):
    calls = {}
    app = build_app()
    app.response_class = counting_subclass(Response, RESPONSE_OVERRIDES, calls)

    assert_same_calls_on_every_request(app, route, calls, expected_response_calls(route), RESPONSE_OVERRIDES)


@pytest.mark.parametrize(
    "name, route", [(name, route) for route in ROUTES for name in expected_response_calls(route)]
)
def test_a_response_override_alone_runs_on_every_request(name, route):
    calls = {}
    app = build_app()
    app.response_class = counting_subclass(Response, [name], calls)

    assert_same_calls_on_every_request(app, route, calls, {name: expected_response_calls(route)[name]})


@pytest.mark.parametrize("names", [["__init__", "close"], ["__init__"], ["close"]], ids=["both", "__init__", "close"])
@pytest.mark.parametrize("route", ROUTES)
def test_request_overrides_run_on_every_request(route, names):
    calls = {}
    app = build_app()
    app.request_class = counting_subclass(Request, names, calls)

    assert_same_calls_on_every_request(app, route, calls, {name: REQUEST_STEPS[name] for name in names})


def counting_map_class(calls):
    """A ``Map`` subclass counting ``bind_to_environ`` and the bound adapters' ``match``.

    Werkzeug's Map has no setting for its adapter class, so the adapter it
    binds is given a subclass that counts.
    """

    class CountingMapAdapter(MapAdapter):
        __slots__ = ()

        def match(self, *args, **kwargs):
            calls["match"] = calls.get("match", 0) + 1
            return super().match(*args, **kwargs)

    class CountingMap(Map):
        def bind_to_environ(self, *args, **kwargs):
            calls["bind_to_environ"] = calls.get("bind_to_environ", 0) + 1
            adapter = super().bind_to_environ(*args, **kwargs)
            adapter.__class__ = CountingMapAdapter
            return adapter

    return CountingMap


@pytest.mark.parametrize("route", ROUTES)
def test_map_overrides_run_on_every_request(route):
    calls = {}

    class CountingMapFlask(Flask):
        url_map_class = counting_map_class(calls)

    app = build_app(CountingMapFlask)

    assert_same_calls_on_every_request(app, route, calls, MAP_STEPS)


# -- 2. regressions: where the fast copy of the path differed from Flask 2.2 ----------


@pytest.mark.parametrize("path, body", [("/str", b"Hello World!"), ("/bytes", b"\x00bytes"), ("/json", b'{"a":[1,2]}\n')])
def test_a_response_subclass_is_closed_whatever_the_view_returns(path, body):
    class ClosingResponse(Response):
        """A response that records its closing, as one holding a resource would."""

        closed = 0

        def close(self):
            ClosingResponse.closed += 1
            super().close()

    app = build_app()
    app.response_class = ClosingResponse

    for number in range(1, 4):
        status, _, sent_body = serve(app, "GET", path)
        assert (status, sent_body) == ("200 OK", body)
        assert ClosingResponse.closed == number, f"request {number} left its response open"


@pytest.mark.parametrize("headers", [None, {}], ids=["no_headers", "empty_headers"])
@pytest.mark.parametrize("base", [ToolkitResponse, Response], ids=["toolkit", "framework"])
def test_default_mimetype_set_after_the_class_is_made_is_used(base, headers):
    class PlainText(base):
        pass

    PlainText.default_mimetype = "text/plain"
    response = PlainText("x") if headers is None else PlainText("x", headers=headers)

    environ = {}
    setup_testing_defaults(environ)
    sent = {}

    def start_response(status, header_list, exc_info=None):
        sent.update(header_list)
        return lambda data: None

    app_iter = response(environ, start_response)
    try:
        assert b"".join(app_iter) == b"x"
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    assert sent["Content-Type"] == "text/plain; charset=utf-8"


def test_an_app_sends_the_default_mimetype_its_response_class_was_given_later():
    class PlainText(Response):
        pass

    PlainText.default_mimetype = "text/plain"
    app = build_app()
    app.response_class = PlainText

    for _ in range(3):
        _, headers, _ = serve(app, "GET", "/str")
        assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_map_subclass_binds_once_per_request():
    calls = {}

    class CountingMapFlask(Flask):
        url_map_class = counting_map_class(calls)

    client = build_app(CountingMapFlask).test_client()

    for number in range(1, 4):
        assert client.get("/str").data == b"Hello World!"
        assert calls.get("bind_to_environ", 0) == number, f"request {number} was matched without binding"


@pytest.mark.parametrize("name", ["dispatch_request", "make_response", "process_response", "full_dispatch_request"])
def test_a_step_assigned_on_the_app_after_its_first_request_runs(name):
    app = build_app()
    client = app.test_client()
    assert client.get("/str").data == b"Hello World!"

    calls = []
    original = getattr(app, name)

    def replacement(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    setattr(app, name, replacement)

    assert client.get("/str").data == b"Hello World!"
    assert client.get("/str").data == b"Hello World!"
    assert calls == [name, name]


def test_a_failing_view_has_the_same_traceback_on_every_request():
    app = build_app()
    app.testing = True  # the error propagates to the caller
    client = app.test_client()

    frames = []
    for _ in range(5):
        with pytest.raises(ValueError) as info:
            client.get("/boom")
        frames.append([frame.name for frame in traceback.extract_tb(info.value.__traceback__)])

    assert frames[4] == frames[0], f"request 1: {frames[0]}\nrequest 5: {frames[4]}"
    for step in ("wsgi_app", "full_dispatch_request", "dispatch_request"):
        assert step in frames[4]
    assert frames[4][-1] == "boom"
