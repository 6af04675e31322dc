"""The framework's Request and Response (``microflask.wrappers``): the
toolkit's classes, told about the app's config and URL rules."""
import pytest

import microflask
from microflask import Blueprint, Flask, request
from microflask import wrappers
from microflask.toolkit import wrappers as toolkit_wrappers

from conftest import validated


def test_the_framework_classes_are_the_ones_the_package_exports():
    assert wrappers.Request is microflask.Request
    assert wrappers.Response is microflask.Response
    assert issubclass(wrappers.Request, toolkit_wrappers.Request)
    assert issubclass(wrappers.Response, toolkit_wrappers.Response)
    assert Flask.request_class is wrappers.Request
    assert Flask.response_class is wrappers.Response


def test_the_toolkit_request_knows_nothing_of_endpoints():
    plain = toolkit_wrappers.Request.from_values("/")
    for name in ("endpoint", "blueprint", "blueprints", "url_rule", "view_args", "routing_exception"):
        assert not hasattr(plain, name), name


def test_a_request_class_imported_from_wrappers_honours_max_content_length(tmp_path):
    class UploadRequest(wrappers.Request):
        pass

    app = validated(Flask(__name__, root_path=str(tmp_path)))
    app.request_class = UploadRequest
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/upload")
    def upload():
        return str(len(request.form["text"]))

    client = app.test_client()
    assert client.post("/upload", data={"text": "x" * 1000}).status_code == 413
    assert client.post("/upload", data={"text": "xy"}).get_data(as_text=True) == "2"


def test_endpoint_and_blueprints_come_from_the_matched_rule(tmp_path):
    app = validated(Flask(__name__, root_path=str(tmp_path)))
    admin = Blueprint("admin", __name__)
    users = Blueprint("users", __name__)

    @users.route("/edit")
    def edit():
        return f"{request.endpoint} {request.blueprint} {request.blueprints}"

    @app.route("/")
    def index():
        return f"{request.endpoint} {request.blueprint} {request.blueprints}"

    admin.register_blueprint(users, url_prefix="/users")
    app.register_blueprint(admin, url_prefix="/admin")
    client = app.test_client()
    assert client.get("/admin/users/edit").get_data(as_text=True) == "admin.users.edit admin.users ['admin.users', 'admin']"
    assert client.get("/").get_data(as_text=True) == "index None []"
    with app.test_request_context("/nowhere"):
        assert (request.url_rule, request.endpoint, request.blueprint, request.blueprints) == (None, None, None, [])
        assert request.routing_exception.code == 404


def test_the_cookie_size_limit_follows_the_app(tmp_path):
    app = Flask(__name__, root_path=str(tmp_path))
    app.config["MAX_COOKIE_SIZE"] = 20
    with app.app_context():
        response = app.response_class()
        with pytest.warns(UserWarning):
            response.set_cookie("name", "v" * 30)
    assert wrappers.Response().max_cookie_size == toolkit_wrappers.Response.max_cookie_size
