"""Request hooks (before/after/teardown, ``after_this_request``,
``before_first_request``) and error handling: handlers by code and class,
500s, logging, trapping HTTP errors."""
from __future__ import annotations

import io
import logging

import pytest

from microflask import Flask, abort, after_this_request, g, request
from conftest import validated
from microflask.toolkit.exceptions import BadRequest, Forbidden, HTTPException, InternalServerError, NotFound

# -- request hooks --------------------------------------------------------------


def test_hooks_run_in_order(app, client):
    events = []

    @app.before_request
    def before_one():
        events.append("before 1")

    @app.before_request
    def before_two():
        events.append("before 2")

    @app.after_request
    def after_one(response):
        events.append("after 1")
        return response

    @app.after_request
    def after_two(response):
        events.append("after 2")
        return response

    @app.teardown_request
    def teardown_one(exc):
        events.append("teardown request 1")

    @app.teardown_request
    def teardown_two(exc):
        events.append("teardown request 2")

    @app.teardown_appcontext
    def teardown_app(exc):
        events.append("teardown app")

    @app.route("/")
    def index():
        events.append("view")
        return "ok"

    assert client.get("/").text == "ok"
    assert events == [
        "before 1",
        "before 2",
        "view",
        "after 2",
        "after 1",
        "teardown request 2",
        "teardown request 1",
        "teardown app",
    ]


def test_before_request_return_value_short_circuits(app, client):
    events = []

    @app.before_request
    def deny():
        return "denied", 403

    @app.before_request
    def never():
        events.append("second before")

    @app.after_request
    def after(response):
        events.append("after")
        return response

    @app.route("/")
    def index():
        events.append("view")
        return "ok"

    response = client.get("/")
    assert (response.status_code, response.text) == (403, "denied")
    assert events == ["after"]


def test_before_request_runs_before_routing_errors(app, client):
    @app.before_request
    def maintenance():
        return "down for maintenance", 503

    assert client.get("/does-not-exist").status_code == 503


def test_after_request_can_replace_the_response(app, client):
    @app.after_request
    def replace(response):
        return app.response_class("replaced", status=201)

    @app.route("/")
    def index():
        return "original"

    response = client.get("/")
    assert (response.status_code, response.text) == (201, "replaced")


def test_after_request_runs_for_error_responses(app, client):
    @app.after_request
    def tag(response):
        response.headers["X-Tag"] = "yes"
        return response

    assert client.get("/missing").headers["X-Tag"] == "yes"


def test_after_this_request(app, client):
    @app.route("/")
    def index():
        @after_this_request
        def add_header(response):
            response.headers["X-Once"] = "1"
            return response

        return "ok"

    @app.route("/other")
    def other():
        return "ok"

    assert client.get("/").headers["X-Once"] == "1"
    assert "X-Once" not in client.get("/other").headers


def test_after_this_request_runs_before_after_request(app, client):
    events = []

    @app.after_request
    def after(response):
        events.append("after_request")
        return response

    @app.route("/")
    def index():
        after_this_request(lambda response: events.append("after_this_request") or response)
        return ""

    client.get("/")
    assert events == ["after_this_request", "after_request"]


def test_after_this_request_outside_a_request_is_an_error():
    with pytest.raises(RuntimeError, match="request context"):
        after_this_request(lambda response: response)


def test_teardown_functions_get_the_exception(app, client):
    app.testing = False
    seen = {}

    @app.teardown_request
    def on_request(exc):
        seen["request"] = exc

    @app.teardown_appcontext
    def on_app(exc):
        seen["app"] = exc

    @app.route("/")
    def index():
        raise ValueError("boom")

    assert client.get("/").status_code == 500
    assert isinstance(seen["request"], ValueError)
    assert seen["app"] is seen["request"]


def test_teardown_functions_get_none_on_success(app, client):
    seen = []
    app.teardown_request(seen.append)
    app.teardown_appcontext(seen.append)

    @app.route("/")
    def index():
        return ""

    client.get("/")
    assert seen == [None, None]


def test_handled_error_is_not_passed_to_teardown(app, client):
    seen = []
    app.teardown_request(seen.append)

    @app.errorhandler(ValueError)
    def handle(e):
        return "handled", 400

    @app.route("/")
    def index():
        raise ValueError()

    assert client.get("/").status_code == 400
    assert seen == [None]


def test_failing_teardown_does_not_stop_the_others(app, client):
    ran = []

    @app.teardown_request
    def last(exc):
        ran.append("last")

    @app.teardown_request
    def broken(exc):
        raise RuntimeError("teardown broke")

    @app.teardown_appcontext
    def app_teardown(exc):
        ran.append("app")

    @app.route("/")
    def index():
        return "ok"

    with pytest.raises(RuntimeError, match="teardown broke"):
        client.get("/")
    assert ran == ["last", "app"]


def test_teardown_runs_when_the_view_fails_in_testing(app, client):
    ran = []
    app.teardown_request(ran.append)

    @app.route("/")
    def index():
        raise KeyError("x")

    with pytest.raises(KeyError):
        client.get("/")
    assert len(ran) == 1 and isinstance(ran[0], KeyError)


def test_teardown_appcontext_runs_for_a_plain_app_context(app):
    seen = []
    app.teardown_appcontext(seen.append)
    with app.app_context():
        pass
    assert seen == [None]


def test_g_lives_for_the_request(app, client):
    @app.before_request
    def load():
        g.user = "ann"

    @app.route("/")
    def index():
        return g.user

    @app.teardown_appcontext
    def close(exc):
        g.pop("user")

    assert client.get("/").text == "ann"


def test_before_first_request_warns_and_runs_once(app, client):
    calls = []
    with pytest.warns(DeprecationWarning, match="before_first_request"):

        @app.before_first_request
        def setup():
            calls.append(request.path)

    @app.route("/<path:p>")
    def index(p):
        return ""

    client.get("/a")
    client.get("/b")
    assert calls == ["/a"]


def test_url_value_preprocessor_runs_before_before_request(app, client):
    events = []

    @app.before_request
    def before():
        events.append(("before", dict(request.view_args)))

    @app.url_value_preprocessor
    def pull(endpoint, values):
        events.append(("preprocess", endpoint))
        g.id = values.pop("id")

    @app.route("/item/<int:id>")
    def item():
        return str(g.id)

    assert client.get("/item/5").text == "5"
    assert events == [("preprocess", "item"), ("before", {})]


# -- error handlers ---------------------------------------------------------------


def test_errorhandler_by_code(app, client):
    @app.errorhandler(404)
    def not_found(e):
        assert isinstance(e, NotFound)
        return f"custom {e.code}", 404

    response = client.get("/missing")
    assert (response.status_code, response.text) == (404, "custom 404")


def test_errorhandler_by_http_exception_class(app, client):
    @app.errorhandler(Forbidden)
    def forbidden(e):
        return "no entry", 403

    @app.route("/")
    def index():
        abort(403)

    assert client.get("/").text == "no entry"


def test_register_error_handler(app, client):
    app.register_error_handler(405, lambda e: ("wrong method", 405))

    @app.route("/", methods=["POST"])
    def index():
        return ""

    assert client.get("/").text == "wrong method"


def test_handler_return_value_is_a_normal_response(app, client):
    @app.errorhandler(404)
    def not_found(e):
        return {"error": e.name}, 404, {"X-Err": "1"}

    response = client.get("/missing")
    assert response.json == {"error": "Not Found"}
    assert response.headers["X-Err"] == "1"


def test_errorhandler_for_custom_exception(app, client):
    class PaymentRequired(Exception):
        pass

    @app.errorhandler(PaymentRequired)
    def pay(e):
        return "pay up", 402

    @app.route("/")
    def index():
        raise PaymentRequired()

    response = client.get("/")
    assert (response.status_code, response.text) == (402, "pay up")


def test_most_specific_class_in_the_mro_wins(app, client):
    class Base(Exception):
        pass

    class Child(Base):
        pass

    class GrandChild(Child):
        pass

    app.register_error_handler(Base, lambda e: "base")
    app.register_error_handler(Child, lambda e: "child")

    @app.route("/<kind>")
    def raise_it(kind):
        raise {"base": Base, "child": Child, "grandchild": GrandChild}[kind]()

    assert client.get("/base").text == "base"
    assert client.get("/child").text == "child"
    assert client.get("/grandchild").text == "child"


def test_code_handler_wins_over_http_exception_handler(app, client):
    app.register_error_handler(HTTPException, lambda e: ("any http error", e.code))
    app.register_error_handler(404, lambda e: ("not found", 404))

    @app.route("/")
    def index():
        abort(403)

    assert client.get("/missing").text == "not found"
    assert client.get("/").text == "any http error"
    assert client.get("/").status_code == 403


def test_http_exception_subclass_with_same_code_uses_code_handler(app, client):
    class ItemMissing(NotFound):
        description = "no such item"

    app.register_error_handler(404, lambda e: (e.description, 404))

    @app.route("/")
    def index():
        raise ItemMissing()

    assert client.get("/").text == "no such item"


def test_exception_handler_catches_http_errors_too(app, client):
    @app.errorhandler(Exception)
    def everything(e):
        if isinstance(e, HTTPException):
            return f"http {e.code}", e.code
        return "other", 500

    @app.route("/")
    def index():
        raise ValueError()

    assert client.get("/missing").text == "http 404"
    assert client.get("/").text == "other"


def test_errorhandler_rejects_bad_keys(app):
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        app.register_error_handler(299, lambda e: "")
    with pytest.raises(TypeError, match="instance, not a class"):
        app.register_error_handler(ValueError(), lambda e: "")
    with pytest.raises(ValueError, match="not a subclass of Exception"):
        app.register_error_handler(str, lambda e: "")


def test_routing_redirect_is_never_handled(app, client):
    app.register_error_handler(HTTPException, lambda e: ("handled", 500))

    @app.route("/folder/")
    def folder():
        return ""

    assert client.get("/folder").status_code == 308


def test_error_in_handler_falls_through_to_500(app, client):
    app.testing = False

    @app.errorhandler(404)
    def broken(e):
        raise ValueError("handler broke")

    assert client.get("/missing").status_code == 500


# -- unhandled exceptions -----------------------------------------------------------


@pytest.fixture
def failing_app(app):
    app.testing = False

    @app.route("/")
    def index():
        raise ZeroDivisionError("division by zero in the view")

    return app


def test_unhandled_exception_is_a_500(failing_app, client):
    response = client.get("/")
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data


def test_500_handler_gets_internal_server_error_with_original(failing_app, client):
    received = []

    @failing_app.errorhandler(500)
    def server_error(e):
        received.append(e)
        return "sorry", 500

    assert client.get("/").text == "sorry"
    (error,) = received
    assert isinstance(error, InternalServerError)
    assert isinstance(error.original_exception, ZeroDivisionError)


def test_500_handler_by_class(failing_app, client):
    failing_app.register_error_handler(InternalServerError, lambda e: ("class handler", 500))
    assert client.get("/").text == "class handler"


def test_abort_500_goes_to_500_handler_without_original(app, client):
    app.register_error_handler(500, lambda e: (repr(e.original_exception), 500))

    @app.route("/")
    def index():
        abort(500)

    assert client.get("/").text == "None"


def test_unhandled_exception_is_logged_to_the_app_logger(failing_app, client, caplog):
    with caplog.at_level(logging.ERROR, logger=failing_app.logger.name):
        client.get("/")
    (record,) = [r for r in caplog.records if r.name == failing_app.logger.name]
    assert record.getMessage() == "Exception on / [GET]"
    assert record.exc_info[0] is ZeroDivisionError


def test_log_goes_to_wsgi_errors(tmp_path):
    app = validated(Flask("logs_to_wsgi_errors", root_path=str(tmp_path)))
    # Without handlers above it, the app logger gets the default handler,
    # which writes to the request's error stream.
    logging.getLogger(app.name).propagate = False

    @app.route("/")
    def index():
        raise ZeroDivisionError()

    errors = io.StringIO()
    app.test_client().get("/", errors_stream=errors)
    assert "ERROR in app: Exception on / [GET]" in errors.getvalue()
    assert "ZeroDivisionError" in errors.getvalue()


def test_after_request_runs_on_500_response(failing_app, client):
    @failing_app.after_request
    def tag(response):
        response.headers["X-Seen"] = str(response.status_code)
        return response

    assert client.get("/").headers["X-Seen"] == "500"


def test_error_in_after_request_of_error_response_is_logged_not_raised(failing_app, client, caplog):
    @failing_app.after_request
    def broken(response):
        raise RuntimeError("after_request broke")

    with caplog.at_level(logging.ERROR, logger=failing_app.logger.name):
        assert client.get("/").status_code == 500
    assert any("finalizing" in r.getMessage() for r in caplog.records)


# -- trapping HTTP errors ----------------------------------------------------------


def test_trap_http_exceptions_reraises(app, client):
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/")
    def index():
        abort(403)

    with pytest.raises(Forbidden):
        client.get("/")
    with pytest.raises(NotFound):
        client.get("/missing")


def test_trap_bad_request_errors(app, client):
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True

    @app.route("/")
    def index():
        abort(400)

    @app.route("/gone")
    def gone():
        abort(410)

    with pytest.raises(BadRequest):
        client.get("/")
    assert client.get("/gone").status_code == 410


def test_missing_form_key_is_400(app, client):
    @app.route("/", methods=["POST"])
    def index():
        return request.form["missing"]

    response = client.post("/", data={"other": "x"})
    assert response.status_code == 400
    assert b"missing" not in response.data  # the key is only shown when debugging


def test_missing_form_key_is_trapped_in_debug(app, client):
    app.debug = True

    @app.route("/", methods=["POST"])
    def index():
        return request.form["missing"]

    with pytest.raises(KeyError, match="missing"):
        client.post("/", data={})


def test_missing_form_key_reaches_bad_request_handler(app, client):
    @app.errorhandler(BadRequest)
    def bad(e):
        return "bad: " + type(e).__name__, 400

    @app.route("/")
    def index():
        return request.args["q"]

    assert client.get("/").text == "bad: BadRequestKeyError"


def test_key_error_handler_also_sees_bad_request_key_error(app, client):
    app.register_error_handler(KeyError, lambda e: ("key error handler", 400))

    @app.route("/")
    def index():
        return request.args["q"]

    assert client.get("/").status_code == 400


def test_should_ignore_error_hides_the_error_from_teardown(tmp_path):
    class QuietFlask(Flask):
        def should_ignore_error(self, error):
            return True

    app = validated(QuietFlask("quiet", root_path=str(tmp_path)))
    seen = []
    app.teardown_request(seen.append)

    @app.route("/")
    def index():
        raise ValueError()

    assert app.test_client().get("/").status_code == 500
    assert seen == [None]
