"""The signals the framework sends, with Flask 2.2's senders and arguments.

Every signal is sent with the application as the sender, by apps with and
without request hooks alike.
"""
from __future__ import annotations

import typing as t

import pytest

from microflask import Flask, flash, render_template, render_template_string, stream_template_string
from microflask import signals



class Recorder:
    """A receiver that records (signal name, sender, keyword arguments)."""

    def __init__(self) -> None:
        self.events: t.List[t.Tuple[str, t.Any, t.Dict[str, t.Any]]] = []

    def listen_to(self, *names: str) -> t.Any:
        from contextlib import ExitStack

        stack = ExitStack()
        for name in names:
            stack.enter_context(getattr(signals, name).connected_to(self._receiver_for(name)))
        return stack

    def _receiver_for(self, name: str) -> t.Callable[..., None]:
        def receive(sender: t.Any, **kwargs: t.Any) -> None:
            self.events.append((name, sender, kwargs))

        return receive

    def names(self) -> t.List[str]:
        return [name for name, _, _ in self.events]


LIFECYCLE = (
    "appcontext_pushed",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_popped",
)


def test_a_request_sends_the_lifecycle_signals_in_order(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "hello"

    recorder = Recorder()
    with recorder.listen_to(*LIFECYCLE):
        response = client.get("/")
    assert recorder.names() == list(LIFECYCLE)
    assert all(sender is app for _, sender, _ in recorder.events)
    kwargs = {name: kw for name, _, kw in recorder.events}
    assert kwargs["appcontext_pushed"] == {}
    assert kwargs["request_started"] == {}
    assert kwargs["request_finished"]["response"].status_code == 200
    assert kwargs["request_finished"]["response"].data == response.data
    assert kwargs["request_tearing_down"] == {"exc": None}
    assert kwargs["appcontext_tearing_down"] == {"exc": None}
    assert kwargs["appcontext_popped"] == {}


def test_request_finished_sees_the_response_after_after_request(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "hello"

    @app.after_request
    def tag(response: t.Any) -> t.Any:
        response.headers["X-Tag"] = "after"
        return response

    recorder = Recorder()
    with recorder.listen_to("request_finished"):
        client.get("/")
    (_, _, kwargs), = recorder.events
    assert kwargs["response"].headers["X-Tag"] == "after"


def test_request_started_comes_before_before_request_functions(app: Flask, client: t.Any) -> None:
    order: t.List[str] = []

    @app.before_request
    def before() -> None:
        order.append("before_request")

    @app.route("/")
    def index() -> str:
        order.append("view")
        return "hello"

    def started(sender: t.Any) -> None:
        order.append("request_started")

    with signals.request_started.connected_to(started, app):
        client.get("/")
    assert order == ["request_started", "before_request", "view"]


def test_got_request_exception_gets_the_unhandled_exception(tmp_path: t.Any) -> None:
    app = Flask("errors", root_path=str(tmp_path))  # not testing: the error becomes a 500

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("boom")

    recorder = Recorder()
    with recorder.listen_to("got_request_exception", "request_tearing_down"):
        response = app.test_client().get("/")
    assert response.status_code == 500
    assert recorder.names() == ["got_request_exception", "request_tearing_down"]
    (_, sender, kwargs), (_, _, teardown_kwargs) = recorder.events
    assert sender is app
    assert isinstance(kwargs["exception"], ZeroDivisionError)
    assert teardown_kwargs["exc"] is kwargs["exception"]


def test_got_request_exception_is_sent_before_propagating_in_testing(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("boom")

    recorder = Recorder()
    with recorder.listen_to("got_request_exception"):
        with pytest.raises(ZeroDivisionError):
            client.get("/")
    assert recorder.names() == ["got_request_exception"]


def test_got_request_exception_is_not_sent_for_handled_errors(app: Flask, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        raise KeyError("missing")

    @app.errorhandler(KeyError)
    def handle(error: Exception) -> t.Tuple[str, int]:
        return "handled", 400

    recorder = Recorder()
    with recorder.listen_to("got_request_exception"):
        assert client.get("/").status_code == 400
        assert client.get("/nowhere").status_code == 404
    assert recorder.events == []


def test_app_context_signals_outside_a_request(app: Flask) -> None:
    recorder = Recorder()
    with recorder.listen_to("appcontext_pushed", "appcontext_tearing_down", "appcontext_popped"):
        with app.app_context():
            assert recorder.names() == ["appcontext_pushed"]
    assert recorder.names() == ["appcontext_pushed", "appcontext_tearing_down", "appcontext_popped"]
    assert recorder.events[1][2] == {"exc": None}


def test_message_flashed(app: Flask) -> None:
    app.secret_key = "test secret"
    recorder = Recorder()
    with recorder.listen_to("message_flashed"):
        with app.test_request_context():
            flash("Saved", "info")
    assert recorder.events == [("message_flashed", app, {"message": "Saved", "category": "info"})]


def test_template_signals_carry_the_template_and_its_context(app: Flask, tmp_path: t.Any) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.html").write_text("Hello {{ name }}!")
    recorder = Recorder()
    with recorder.listen_to("before_render_template", "template_rendered"):
        with app.test_request_context():
            assert render_template("hello.html", name="World") == "Hello World!"
    assert recorder.names() == ["before_render_template", "template_rendered"]
    for _, sender, kwargs in recorder.events:
        assert sender is app
        assert kwargs["template"].name == "hello.html"
        assert kwargs["context"]["name"] == "World"
        assert "request" in kwargs["context"]  # the context after context processors


def test_template_signals_for_a_template_string(app: Flask) -> None:
    recorder = Recorder()
    with recorder.listen_to("before_render_template", "template_rendered"):
        with app.app_context():
            render_template_string("{{ x }}", x=1)
    assert recorder.names() == ["before_render_template", "template_rendered"]
    assert recorder.events[1][2]["context"]["x"] == 1


def test_streamed_template_sends_template_rendered_once_fully_generated(app: Flask) -> None:
    recorder = Recorder()
    with recorder.listen_to("before_render_template", "template_rendered"):
        with app.app_context():
            stream = stream_template_string("{{ x }}", x=2)
            assert recorder.names() == ["before_render_template"]
            assert "".join(stream) == "2"
    assert recorder.names() == ["before_render_template", "template_rendered"]


def test_receivers_for_another_app_are_not_called(app: Flask, client: t.Any, tmp_path: t.Any) -> None:
    other = Flask("other", root_path=str(tmp_path))

    @app.route("/")
    def index() -> str:
        return "hello"

    calls: t.List[t.Any] = []

    def started(sender: t.Any) -> None:
        calls.append(sender)

    with signals.request_started.connected_to(started, other):
        client.get("/")
    assert calls == []
    with signals.request_started.connected_to(started, app):
        client.get("/")
    assert calls == [app]
