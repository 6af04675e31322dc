"""The app's logger: create_logger, the default handler and where it writes."""
import io
import logging
import types
from wsgiref.validate import validator

import pytest

from microflask import Flask
from microflask.logging import create_logger, default_handler, has_level_handler, wsgi_errors_stream
from microflask.toolkit.test import Client


def detach_from_root(logger, monkeypatch):
    """Give ``logger`` a stand-in root logger of its own, for this test only.

    pytest puts handlers on the real root logger (and on every logger that
    does not propagate), which would count as logging already configured.
    The stand-in is not registered with ``logging``, so pytest never sees it.
    """
    stand_in_root = logging.RootLogger(logging.WARNING)
    monkeypatch.setattr(logger, "parent", stand_in_root)
    return stand_in_root


@pytest.fixture
def app_name(request, monkeypatch):
    """A logger name for this test alone; the logger is reset afterwards."""
    name = f"microflask_test.{request.node.name}"
    logger = logging.getLogger(name)
    detach_from_root(logger, monkeypatch)
    yield name
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)


def stub_app(name, debug=False):
    return types.SimpleNamespace(name=name, debug=debug)


# -- create_logger ---------------------------------------------------------------


def test_create_logger_names_the_logger_after_the_app(app_name):
    logger = create_logger(stub_app(app_name))
    assert logger is logging.getLogger(app_name)
    assert logger.handlers == [default_handler]


def test_debug_app_logs_debug_records(app_name):
    logger = create_logger(stub_app(app_name, debug=True))
    assert logger.level == logging.DEBUG
    assert logger.isEnabledFor(logging.DEBUG)


def test_app_without_debug_leaves_the_level_to_logging(app_name):
    logger = create_logger(stub_app(app_name))
    assert logger.level == logging.NOTSET
    assert logger.getEffectiveLevel() == logging.WARNING  # the root logger's default


def test_debug_does_not_override_a_level_the_user_set(app_name):
    logging.getLogger(app_name).setLevel(logging.ERROR)
    logger = create_logger(stub_app(app_name, debug=True))
    assert logger.level == logging.ERROR


def test_default_handler_is_not_added_when_logging_is_configured(app_name):
    # A handler on the root logger, as logging.basicConfig() adds.
    logging.getLogger(app_name).parent.addHandler(logging.NullHandler())
    logger = create_logger(stub_app(app_name))
    assert logger.handlers == []


def test_default_handler_is_added_only_once(app_name):
    create_logger(stub_app(app_name))
    logger = create_logger(stub_app(app_name))
    assert logger.handlers == [default_handler]


def test_default_handler_format(app_name, capsys):
    logger = create_logger(stub_app(app_name))
    logger.error("disk %s is full", "/var")
    line = capsys.readouterr().err
    assert line.startswith("[")
    assert line.endswith("] ERROR in test_logging: disk /var is full\n")


# -- has_level_handler -----------------------------------------------------------


def test_has_level_handler_without_handlers(app_name):
    assert has_level_handler(logging.getLogger(app_name)) is False


def test_has_level_handler_compares_handler_level_with_logger_level(app_name):
    logger = logging.getLogger(app_name)
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.NullHandler(logging.ERROR))
    assert has_level_handler(logger) is False  # INFO records would not be emitted
    logger.addHandler(logging.NullHandler(logging.INFO))
    assert has_level_handler(logger) is True


def test_has_level_handler_looks_at_ancestors_until_propagation_stops(app_name):
    parent = logging.getLogger(app_name)
    child = logging.getLogger(f"{app_name}.views")
    parent.addHandler(logging.NullHandler())
    assert has_level_handler(child) is True
    child.propagate = False
    assert has_level_handler(child) is False


# -- wsgi_errors_stream ----------------------------------------------------------


def test_wsgi_errors_stream_outside_a_request_is_stderr(capsys):
    wsgi_errors_stream.write("outside\n")
    wsgi_errors_stream.flush()
    assert capsys.readouterr().err == "outside\n"


def test_wsgi_errors_stream_in_a_request_context_is_the_environs_stream():
    errors = io.StringIO()
    app = Flask(__name__)
    with app.test_request_context(errors_stream=errors):
        wsgi_errors_stream.write("inside\n")
    assert errors.getvalue() == "inside\n"


def test_app_logger_writes_to_the_servers_error_stream(monkeypatch, capsys):
    app = Flask(__name__)
    detach_from_root(logging.getLogger(app.name), monkeypatch)

    @app.route("/")
    def index():
        app.logger.warning("something odd")
        return "ok"

    errors = io.StringIO()
    try:
        with Client(validator(app)).get("/", errors_stream=errors) as response:
            assert response.status_code == 200
        assert app.logger.name == app.name
        assert app.logger.handlers == [default_handler]
    finally:
        app.logger.handlers.clear()
    assert errors.getvalue().endswith("] WARNING in test_logging: something odd\n")
    assert capsys.readouterr().err == ""
