"""Debug mode's explanations: a file input in a form without the multipart
``enctype``, a redirect that would drop a form's body, and
``EXPLAIN_TEMPLATE_LOADING``'s log of a template search.

When each one triggers (and when not) was checked against Flask 2.2.5 with
Werkzeug 2.2.3 running the same apps; the messages are microflask's own.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from microflask import Blueprint, Flask, render_template, request
from microflask.debughelpers import (
    DebugFilesKeyError,
    FormDataRoutingRedirect,
    UnexpectedUnicodeError,
    explain_template_loading_attempts,
)
from microflask.jinja import TemplateNotFound
from microflask.toolkit.exceptions import BadRequestKeyError
from microflask.toolkit.routing import BaseConverter, RequestRedirect

from conftest import validated


@pytest.fixture
def upload_app(app: Flask) -> Flask:
    """An app whose ``/upload`` view reads the file field ``photo``."""

    @app.post("/upload")
    def upload():
        return f"saved {request.files['photo'].filename}"

    return app


# -- request.files and the form's enctype ---------------------------------------------


def test_debug_mode_explains_a_file_field_sent_without_multipart_enctype(upload_app):
    upload_app.debug = True
    # What a browser sends for <form method="post"> without enctype: the file's name as text.
    with pytest.raises(DebugFilesKeyError) as caught:
        upload_app.test_client().post("/upload", data={"photo": "cat.jpg"})

    message = str(caught.value)
    assert "request.files has no file 'photo'" in message
    assert "'application/x-www-form-urlencoded'" in message
    assert 'enctype="multipart/form-data"' in message
    assert message.endswith(": 'cat.jpg'.")


def test_the_explanation_lists_every_value_the_form_sent(upload_app):
    upload_app.debug = True
    with pytest.raises(DebugFilesKeyError) as caught:
        upload_app.test_client().post("/upload", data={"photo": ["cat.jpg", "dog.png"]})
    assert str(caught.value).endswith(": 'cat.jpg', 'dog.png'.")


def test_the_explanation_is_still_a_key_error(app):
    app.debug = True

    @app.post("/avatar")
    def avatar():
        try:
            upload = request.files["avatar"]
        except KeyError as error:
            return f"no upload: {type(error).__name__} {error.args!r}, get() gives {request.files.get('avatar')!r}"
        return upload.filename

    response = app.test_client().post("/avatar", data={"avatar": "me.png"})
    assert response.text == "no upload: DebugFilesKeyError ('avatar',), get() gives None"
    assert issubclass(DebugFilesKeyError, AssertionError)


def test_outside_debug_mode_a_missing_file_is_a_400(upload_app):
    response = upload_app.test_client().post("/upload", data={"photo": "cat.jpg"})
    assert response.status_code == 400


def test_a_key_the_form_does_not_have_is_not_explained(upload_app):
    upload_app.debug = True
    # In debug mode a missing key is raised to the developer (as in Flask), but unexplained.
    with pytest.raises(BadRequestKeyError):
        upload_app.test_client().post("/upload", data={"caption": "A cat"})


def test_a_multipart_form_without_the_file_is_not_explained(upload_app):
    upload_app.debug = True
    with pytest.raises(BadRequestKeyError):
        upload_app.test_client().post("/upload", data={"photo": "cat.jpg"}, content_type="multipart/form-data")


def test_a_multipart_upload_works_in_debug_mode(upload_app):
    upload_app.debug = True
    response = upload_app.test_client().post("/upload", data={"photo": (io.BytesIO(b"\x89PNG"), "cat.png")})
    assert response.text == "saved cat.png"


def test_request_files_looks_unchanged_in_debug_mode(app):
    app.debug = True

    @app.post("/kind")
    def kind():
        return f"{type(request.files).__name__} {dict(request.files)!r} {dict(request.form)!r}"

    response = app.test_client().post("/kind", data={"photo": "cat.jpg"})
    assert response.text == "ImmutableMultiDict {} {'photo': 'cat.jpg'}"


# -- redirects that would drop a form's body --------------------------------------------


@pytest.fixture
def signup_app(app: Flask) -> Flask:
    app.debug = True

    @app.route("/signup/", methods=["GET", "POST"])
    def signup():
        return f"{request.method} {request.form.get('name')}"

    return app


def test_a_post_missing_the_trailing_slash_is_redirected_with_308_even_in_debug_mode(signup_app):
    # Routing's redirects are 308s, which keep the method and body: Flask 2.2.5 lets them through.
    client = signup_app.test_client()
    response = client.post("/signup", data={"name": "Ada"})
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/signup/"

    followed = client.post("/signup", data={"name": "Ada"}, follow_redirects=True)
    assert followed.text == "POST Ada"


class MovedItemRedirect(RequestRedirect):
    code = 301


class ItemConverter(BaseConverter):
    """Old item ids (``old-7``) moved permanently to new ones (``7``)."""

    def to_python(self, value: str) -> str:
        if value.startswith("old-"):
            raise MovedItemRedirect(f"http://localhost/items/{value[4:]}")
        return value


@pytest.fixture
def items_app(app: Flask) -> Flask:
    app.url_map.converters["item"] = ItemConverter

    @app.route("/items/<item:item_id>", methods=["GET", "POST", "DELETE"])
    def item(item_id):
        return f"{request.method} item {item_id}"

    return app


def test_debug_mode_refuses_a_301_redirect_of_a_post(items_app):
    items_app.debug = True
    with pytest.raises(FormDataRoutingRedirect) as caught:
        items_app.test_client().post("/items/old-7", data={"note": "hi"})

    message = str(caught.value)
    assert message.startswith(
        "Routing answered the POST request to 'http://localhost/items/old-7' with a 301 redirect"
        " to its canonical URL 'http://localhost/items/7'."
    )
    assert "307 or 308" in message
    assert "trailing" not in message and "slash" not in message
    assert isinstance(caught.value, AssertionError)


def test_only_methods_with_a_body_are_refused(items_app):
    items_app.debug = True
    client = items_app.test_client()
    for method in ("GET", "HEAD", "OPTIONS"):
        response = client.open("/items/old-7", method=method)
        assert (method, response.status_code) == (method, 301)
    with pytest.raises(FormDataRoutingRedirect):
        client.delete("/items/old-7")


def test_outside_debug_mode_the_301_goes_out(items_app):
    response = items_app.test_client().post("/items/old-7", data={"note": "hi"})
    assert response.status_code == 301
    assert response.headers["Location"] == "http://localhost/items/7"


def test_a_307_redirect_keeps_the_body_and_goes_out(items_app, monkeypatch):
    items_app.debug = True
    monkeypatch.setattr(MovedItemRedirect, "code", 307)
    assert items_app.test_client().post("/items/old-7").status_code == 307


def test_a_301_to_the_slashed_url_says_so(signup_app, monkeypatch):
    # Routing as it was before 308s (Werkzeug < 2.1 sent 301 for a missing slash).
    monkeypatch.setattr(RequestRedirect, "code", 301)
    client = signup_app.test_client()
    assert client.get("/signup?ref=home").status_code == 301

    with pytest.raises(FormDataRoutingRedirect) as caught:
        client.post("/signup?ref=home", data={"name": "Ada"})
    message = str(caught.value)
    assert "'http://localhost/signup?ref=home'" in message
    assert "'http://localhost/signup/?ref=home'" in message
    assert "The rule's URL ends with a slash and the request's did not" in message


# -- EXPLAIN_TEMPLATE_LOADING -----------------------------------------------------------


@pytest.fixture
def shop_app(tmp_path: Path) -> Flask:
    """An app with templates/ and a ``shop`` blueprint with shop_templates/."""
    for folder, name, text in [
        ("templates", "page.html", "app page"),
        ("shop_templates", "page.html", "shop page"),
        ("shop_templates", "cart.html", "cart"),
    ]:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    app = Flask("shop_app", root_path=str(tmp_path))
    app.testing = True
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    shop = Blueprint("shop", "shop_app.shop", root_path=str(tmp_path), template_folder="shop_templates")

    @shop.route("/shop/<name>")
    def show(name):
        try:
            return render_template(name)
        except TemplateNotFound:
            return "missing", 404

    app.register_blueprint(shop)
    app.register_blueprint(Blueprint("api", "shop_app.api", root_path=str(tmp_path)))  # no template folder: not searched
    return validated(app)


def logged(app: Flask, caplog: pytest.LogCaptureFixture, url: str) -> str:
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        app.test_client().get(url)
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    return record.getMessage()


def test_each_loader_tried_is_logged_with_what_it_found(shop_app, caplog, tmp_path):
    lines = logged(shop_app, caplog, "/shop/cart.html").splitlines()
    assert lines == [
        "Locating template 'cart.html':",
        "    1: trying loader of application 'shop_app'",
        "       class: microflask.jinja.loaders.FileSystemLoader",
        "       encoding: 'utf-8'",
        "       followlinks: False",
        "       searchpath:",
        f"         - {tmp_path / 'templates'}",
        "       -> no match",
        "    2: trying loader of blueprint 'shop' (shop_app.shop)",
        "       class: microflask.jinja.loaders.FileSystemLoader",
        "       encoding: 'utf-8'",
        "       followlinks: False",
        "       searchpath:",
        f"         - {tmp_path / 'shop_templates'}",
        f"       -> found ({str(tmp_path / 'shop_templates' / 'cart.html')!r})",
    ]


def test_a_template_the_app_shadows_gets_a_warning_and_a_blueprint_hint(shop_app, caplog):
    message = logged(shop_app, caplog, "/shop/page.html")
    assert message.splitlines()[-3:] == [
        "Warning: more than one loader has this template; the first one listed is used.",
        "  The template was requested by a view of the blueprint 'shop'.",
        "  A blueprint's templates belong in its template_folder, best in a subfolder"
        " named after it ('shop/page.html'), so that the application's cannot shadow them.",
    ]


def test_a_missing_template_is_reported_as_not_found(shop_app, caplog):
    message = logged(shop_app, caplog, "/shop/lost.html")
    assert "-> no match\nError: the template could not be found.\n" in message
    assert "requested by a view of the blueprint 'shop'" in message


def test_a_template_found_once_needs_no_hint(shop_app, caplog):
    assert "requested by a view" not in logged(shop_app, caplog, "/shop/cart.html")


def test_nothing_is_logged_without_the_setting(shop_app, caplog):
    shop_app.config["EXPLAIN_TEMPLATE_LOADING"] = False
    with caplog.at_level(logging.INFO, logger=shop_app.logger.name):
        assert shop_app.test_client().get("/shop/cart.html").text == "cart"
    assert caplog.records == []


def test_explain_an_empty_search_directly(caplog, tmp_path):
    app = validated(Flask("bare", root_path=str(tmp_path)))
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        explain_template_loading_attempts(app, "index.html", [])
    assert caplog.records[0].getMessage() == (
        "Locating template 'index.html':\n"
        "Error: the template could not be found.\n"
        "  No loader was asked: neither the application nor a blueprint has a template folder."
    )


# -- UnexpectedUnicodeError ---------------------------------------------------------------


def test_unexpected_unicode_error_is_caught_as_either_parent():
    for parent in (UnicodeError, AssertionError):
        with pytest.raises(parent):
            raise UnexpectedUnicodeError("expected text, got bytes")
