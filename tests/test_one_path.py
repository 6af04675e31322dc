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
ours does, passes on them (an ``async def`` view needs ``asgiref`` there).
So Flask sets the expectations, including these: ``should_ignore_error`` is
only asked about an error nothing handled, while ``trap_http_exception`` is
asked about every HTTP error raised; an HTTP error, like any WSGI application
a view returns, is run by ``Response.force_type`` through its own
``__call__`` and converted to ``response_class`` without calling its
``__init__``; a session interface opens its session before the
``before_request`` functions run; and ``create_url_adapter`` and
``MapAdapter.match`` may run more than once in a request (Flask binds one
adapter for the app context and one for the request; ``allowed_methods``
matches again for OPTIONS).
"""
import asyncio
import inspect
import io
import traceback
from wsgiref.util import setup_testing_defaults

import pytest

from microflask import Flask, abort, current_app, g, render_template_string, request, url_for
from microflask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionInterface
from microflask.toolkit.exceptions import HTTPException
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


class Teapot(HTTPException):
    """An HTTP error that sends itself: it overrides ``__call__``, the WSGI
    application every HTTP error is."""

    code = 418
    description = "I'm a teapot."

    def __call__(self, environ, start_response):
        start_response("418 I'M A TEAPOT", [("Content-Type", "text/plain; charset=utf-8"), ("X-Teapot", "short")])
        return [b"short and stout"]


def hello_wsgi_app(environ, start_response):
    """A plain WSGI application, which a view may return instead of a response."""
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("X-Wsgi", "plain")])
    return [b"from a WSGI app"]


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

    @app.route("/abort404")
    def not_here():
        abort(404)

    @app.route("/bad-key")
    def reads_a_missing_arg():
        return request.args["missing"]  # a BadRequestKeyError: 400

    @app.route("/async")
    async def waits():
        await asyncio.sleep(0)
        return "waited"

    @app.route("/wsgi")
    def wsgi_app():
        return hello_wsgi_app

    @app.route("/http-exception")
    def teapot():
        return Teapot()

    @app.post("/json-in")
    def reads_json():
        return repr(request.get_json())

    @app.post("/form")
    def reads_form():
        return request.form["name"]

    @app.errorhandler(500)
    def server_error(error):
        return "server error handled", 500

    return validated(app)


# The body each POST route is sent: (Content-Type, body).
BOUNDARY = "one-path-boundary"
BODIES = {
    "/json-in": ("application/json", b'{"broken": '),
    "/form": (
        f"multipart/form-data; boundary={BOUNDARY}",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n--{BOUNDARY}--\r\n'.encode(),
    ),
}


def serve(app, method, path):
    """One request, made as a WSGI server makes it: ``(status, headers, body)``.

    A POST route is sent its body from ``BODIES``. The response body is read
    whole and its iterable closed, as the server must.
    """
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": ""}
    if path in BODIES:
        content_type, body = BODIES[path]
        environ.update(
            CONTENT_TYPE=content_type, CONTENT_LENGTH=str(len(body)), **{"wsgi.input": io.BytesIO(body)}
        )
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


# An HTTP error raised in a request is asked whether to trap it (let it
# propagate), then handled as an HTTP error.
HTTP_ERROR_STEPS = {"handle_user_exception": ONCE, "trap_http_exception": ONCE, "handle_http_exception": ONCE}

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
        {"raise_routing_exception": ONCE, **HTTP_ERROR_STEPS},
    ),
    "abort_500_handled": ("GET", "/abort", "500 INTERNAL SERVER ERROR", {"ensure_sync": SOME, **HTTP_ERROR_STEPS}),
    "abort_404": ("GET", "/abort404", "404 NOT FOUND", {"ensure_sync": SOME, **HTTP_ERROR_STEPS}),
    "bad_key": ("GET", "/bad-key", "400 BAD REQUEST", {"ensure_sync": SOME, **HTTP_ERROR_STEPS}),
    "bad_json": ("POST", "/json-in", "400 BAD REQUEST", {"ensure_sync": SOME, **HTTP_ERROR_STEPS}),
    "async": ("GET", "/async", "200 OK", {"ensure_sync": SOME, "async_to_sync": ONCE}),
    "wsgi_app": ("GET", "/wsgi", "200 OK", {"ensure_sync": SOME}),
    "http_exception": ("GET", "/http-exception", "418 I'M A TEAPOT", {"ensure_sync": SOME}),
    "form": ("POST", "/form", "200 OK", {"ensure_sync": SOME}),
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


# The response's steps: every response is sent the same way.
RESPONSE_STEPS = {
    "__call__": ONCE,
    "get_wsgi_response": ONCE,
    "get_wsgi_headers": ONCE,
    "get_app_iter": ONCE,
    "iter_encoded": SOME,
    "close": ONCE,
}

# Where the view (or error) gives a WSGI application, an HTTP error being one,
# the app builds no response of its own: force_type runs the application and
# gives what it sent the response class, without calling its __init__.
CONVERTED = {"not_found", "abort_404", "bad_key", "bad_json", "wsgi_app", "http_exception"}


def expected_response_calls(route):
    if route in CONVERTED:
        return {"force_type": ONCE, **RESPONSE_STEPS}
    if route == "options":  # an empty response: no body to set
        return {"__init__": ONCE, **RESPONSE_STEPS}
    return {"__init__": ONCE, "set_data": ONCE, **RESPONSE_STEPS}


RESPONSE_OVERRIDES = sorted({"__init__", "set_data", "force_type", *RESPONSE_STEPS})

# The request's steps on every request, and those only some requests take:
# a bad JSON body is reported by on_json_loading_failed, a form body is read
# by the parser make_form_data_parser makes.
REQUEST_STEPS = {"__init__": ONCE, "close": ONCE}
REQUEST_STEPS_OF_ROUTE = {"bad_json": {"on_json_loading_failed": ONCE}, "form": {"make_form_data_parser": ONCE}}


def expected_request_calls(route):
    return {**REQUEST_STEPS, **REQUEST_STEPS_OF_ROUTE.get(route, {})}


REQUEST_OVERRIDES = sorted(set(REQUEST_STEPS).union(*REQUEST_STEPS_OF_ROUTE.values()))
MAP_STEPS = {"bind_to_environ": ONCE, "match": SOME}


# -- counting overrides -------------------------------------------------------------


def counting_subclass(base, names, calls):
    """A subclass of ``base`` overriding each of ``names`` with a method that
    counts its call in ``calls`` and then does what ``base`` does (a class
    method stays one: ``Response.force_type``)."""

    def override(name):
        original = getattr(base, name)
        is_classmethod = isinstance(inspect.getattr_static(base, name), classmethod)
        if is_classmethod:
            original = original.__func__

        def method(self, *args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return original(self, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        return classmethod(method) if is_classmethod else method

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


# The app's wrapper classes: attribute -> (base, the overrides counted, expected calls for a route).
WRAPPERS = {
    "response_class": (Response, RESPONSE_OVERRIDES, expected_response_calls),
    "request_class": (Request, REQUEST_OVERRIDES, expected_request_calls),
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("attribute", WRAPPERS)
def test_every_override_of_a_wrapper_class_runs_on_every_request(attribute, route):
    base, overrides, expected_calls = WRAPPERS[attribute]
    calls = {}
    app = build_app()
    setattr(app, attribute, counting_subclass(base, overrides, calls))

    assert_same_calls_on_every_request(app, route, calls, expected_calls(route), overrides)


@pytest.mark.parametrize(
    "attribute, name, route",
    [
        (attribute, name, route)
        for attribute, (_, _, expected_calls) in WRAPPERS.items()
        for route in ROUTES
        for name in expected_calls(route)
    ],
)
def test_a_wrapper_class_override_alone_runs_on_every_request(attribute, name, route):
    base, _, expected_calls = WRAPPERS[attribute]
    calls = {}
    app = build_app()
    setattr(app, attribute, counting_subclass(base, [name], calls))

    assert_same_calls_on_every_request(app, route, calls, {name: expected_calls(route)[name]})


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


@pytest.mark.parametrize(
    "path, header, sent",
    [
        ("/wsgi", "X-Wsgi", ("200 OK", "plain", b"from a WSGI app")),
        ("/http-exception", "X-Teapot", ("418 I'M A TEAPOT", "short", b"short and stout")),
        ("/raises-teapot", "X-Teapot", ("418 I'M A TEAPOT", "short", b"short and stout")),
    ],
    ids=["wsgi_app", "http_error_returned", "http_error_raised"],
)
def test_a_wsgi_application_a_view_answers_with_is_sent_on_every_request(path, header, sent):
    """A view may answer with any WSGI application, and an HTTP error is one:
    ``force_type`` runs it, through its own ``__call__`` when it has one, and
    what it sends is the response. An HTTP error raised and left unhandled
    ends the same way."""
    app = build_app()

    @app.route("/raises-teapot")
    def raises_teapot():
        raise Teapot()

    answers = [serve(app, "GET", path) for _ in range(REQUESTS)]

    status, headers, body = answers[0]
    assert (status, headers.get(header), body) == sent
    assert answers[-1] == answers[0]


class PlainSessionInterface(SessionInterface):
    """The least a session interface does: a new session each request, saved nowhere."""

    def open_session(self, app, request):
        return SecureCookieSession()

    def save_session(self, app, session, response):
        pass


@pytest.mark.parametrize("base", [SecureCookieSessionInterface, PlainSessionInterface])
def test_a_session_interface_opens_before_the_hooks_and_saves_after_them_on_every_request(base):
    """``open_session`` runs as the request starts, before the
    ``before_request`` functions, which see what it put in ``g``;
    ``save_session`` runs after the ``after_request`` functions."""
    events = []

    class RecordingSessionInterface(base):
        def open_session(self, app, request):
            events.append("open_session")
            g.visitor = "Ada"
            return super().open_session(app, request)

        def save_session(self, app, session, response):
            events.append("save_session")
            super().save_session(app, session, response)

    app = build_app()
    app.secret_key = "one path"
    app.session_interface = RecordingSessionInterface()

    @app.before_request
    def greet():
        events.append(f"before_request sees {g.get('visitor')}")

    @app.after_request
    def leave(response):
        events.append("after_request")
        return response

    @app.route("/visitor")
    def visitor():
        return f"Hello {g.visitor}"

    per_request = []
    for _ in range(REQUESTS):
        events.clear()
        assert serve(app, "GET", "/visitor")[::2] == ("200 OK", b"Hello Ada")
        per_request.append(list(events))

    assert per_request[0] == ["open_session", "before_request sees Ada", "after_request", "save_session"]
    assert per_request[-1] == per_request[0]


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


@pytest.mark.parametrize("assigned", ["before_the_first_request", "after_the_first_request"])
@pytest.mark.parametrize("name", ["dispatch_request", "make_response", "process_response", "full_dispatch_request"])
def test_a_step_assigned_on_the_app_runs_on_every_request(name, assigned):
    """A step replaced on the app itself (not on a subclass), before or after
    its first request, runs on every request after that."""
    app = build_app()
    client = app.test_client()
    if assigned == "after_the_first_request":
        assert client.get("/str").data == b"Hello World!"

    calls = []
    original = getattr(app, name)

    def replacement(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    setattr(app, name, replacement)

    for _ in range(REQUESTS):
        assert client.get("/str").data == b"Hello World!"
    assert calls == [name] * REQUESTS


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
