"""Message flashing: ``flash`` keeps a message in the session for the next
page, ``get_flashed_messages`` takes it out, so each one is shown once."""
from __future__ import annotations

import pytest

from microflask import Flask, flash, get_flashed_messages, redirect, session
from microflask.markup import Markup


@pytest.fixture
def app(app):
    app.secret_key = "secret-key"

    @app.route("/login")
    def login():
        flash("You were logged in")
        return redirect("/")

    @app.route("/")
    def index():
        return repr(get_flashed_messages())

    @app.route("/several")
    def several():
        flash("saved", "info")
        flash("disk almost full", "warning")
        flash("could not send mail", "error")
        flash("plain")
        return ""

    @app.route("/with-categories")
    def with_categories():
        return repr(get_flashed_messages(with_categories=True))

    @app.route("/problems")
    def problems():
        return repr(get_flashed_messages(category_filter=["error", "warning"]))

    return app


def test_a_flashed_message_is_shown_once_on_the_next_page(client):
    response = client.get("/login", follow_redirects=True)
    assert response.text == "['You were logged in']"
    assert client.get("/").text == "[]"


def test_messages_keep_their_order_and_categories(client):
    client.get("/several")
    assert client.get("/with-categories").text == repr(
        [("info", "saved"), ("warning", "disk almost full"), ("error", "could not send mail"), ("message", "plain")]
    )
    assert client.get("/with-categories").text == "[]"


def test_category_filter_keeps_only_those_categories(client):
    client.get("/several")
    assert client.get("/problems").text == "['disk almost full', 'could not send mail']"
    assert client.get("/").text == "[]"  # the filtered-out messages were taken too


def test_calls_in_one_request_see_the_same_messages(client, app):
    @app.route("/layout-and-page")
    def layout_and_page():
        in_layout = get_flashed_messages()
        in_page = get_flashed_messages(with_categories=True)
        errors_only = get_flashed_messages(category_filter=("error",))
        return repr((in_layout, in_page, errors_only))

    client.get("/several")
    assert client.get("/layout-and-page").text == repr(
        (
            ["saved", "disk almost full", "could not send mail", "plain"],
            [
                ("info", "saved"),
                ("warning", "disk almost full"),
                ("error", "could not send mail"),
                ("message", "plain"),
            ],
            ["could not send mail"],
        )
    )


def test_messages_flashed_in_the_same_request_are_visible_there(client, app):
    @app.route("/flash-and-show")
    def flash_and_show():
        flash("right away")
        return repr(get_flashed_messages())

    assert client.get("/flash-and-show").text == "['right away']"
    assert client.get("/").text == "[]"


def test_messages_are_stored_in_the_session_as_category_message_pairs(client):
    client.get("/login")
    with client.session_transaction() as sess:
        assert sess["_flashes"] == [("message", "You were logged in")]


def test_markup_stays_markup(client, app):
    @app.route("/markup")
    def flash_markup():
        flash(Markup("<b>bold</b> move"))
        return ""

    @app.route("/kinds")
    def kinds():
        return repr([type(message).__name__ for message in get_flashed_messages()])

    client.get("/markup")
    assert client.get("/kinds").text == "['Markup']"


def test_taking_the_messages_removes_them_from_the_session(client, app):
    @app.route("/keys")
    def keys():
        get_flashed_messages()
        return repr(sorted(session))

    client.get("/login")
    assert client.get("/keys").text == "[]"


def test_flashing_needs_a_secret_key():
    app = Flask("keyless")
    with app.test_request_context():
        assert get_flashed_messages() == []
        with pytest.raises(RuntimeError, match="secret_key"):
            flash("lost")


def test_flashing_needs_a_request():
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        flash("nowhere")
    with pytest.raises(RuntimeError, match="Working outside of request context"):
        get_flashed_messages()
