"""Shared fixtures for the framework tests: an app and its test client.

Every app a test builds goes through ``validated``: its ``wsgi_app`` is
wrapped in ``wsgiref.validate.validator``, so each request is also checked
for WSGI compliance (status line, header types, the iterable being closed).
Its test client closes every response at the end of the test, as a WSGI
server would, so tests that only look at a status code need not read bodies.
"""
from __future__ import annotations

import typing as t
from wsgiref.validate import validator

import pytest

from microflask import Flask
from microflask.signing import TimestampSigner
from microflask.testing import FlaskClient

# The signing and session tests stop the clock here (2023-11-14 22:13:20 UTC),
# so their expected tokens, made by itsdangerous and Flask, stay valid.
SIGNED_AT = 1700000000
URLSAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

_responses_to_close: t.List[t.Any] = []


class ClosingClient(FlaskClient):
    """A ``FlaskClient`` that remembers its responses so the test can close them."""

    def open(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        response = super().open(*args, **kwargs)
        _responses_to_close.extend(response.history)
        _responses_to_close.append(response)
        return response


@pytest.fixture(autouse=True)
def _close_responses() -> t.Iterator[None]:
    yield
    while _responses_to_close:
        _responses_to_close.pop().close()


def validated(app: Flask) -> Flask:
    """``app`` with its WSGI callable checked by ``wsgiref.validate``."""
    app.wsgi_app = validator(app.wsgi_app)  # type: ignore[method-assign]
    app.test_client_class = ClosingClient
    return app


@pytest.fixture
def app(tmp_path) -> Flask:
    """A testing app rooted in a fresh temporary folder."""
    app = Flask("test_app", root_path=str(tmp_path))
    app.testing = True
    return validated(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()

@pytest.fixture
def clock(monkeypatch):
    """Stops the signers' clock at ``SIGNED_AT``; ``clock.now = ...`` moves it."""

    class Clock:
        now = SIGNED_AT

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: Clock.now)
    return Clock
