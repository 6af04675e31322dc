"""Fixtures for the notes app's tests: a fresh app on a temporary database,
its test client, and ``auth`` to log in as one of the two seeded users.

Users: ``ada`` (password ``correct horse``) owns note 1, "Shopping";
``bob`` (``battery staple``) owns nothing. Run from the repository root with
``python -m pytest examples/notes/tests``.
"""
from __future__ import annotations

import sys
import typing as t
from pathlib import Path
from wsgiref.validate import validator

import pytest

# The folder holding the ``notes`` package, so that tests import it from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from microflask.testing import FlaskClient  # noqa: E402
from notes import create_app  # noqa: E402
from notes.db import get_db, init_db  # noqa: E402
from notes.passwords import hash_password  # noqa: E402

FAST_HASHING = 1000  # iterations: enough to test with, cheap enough to run often
PASSWORDS = {"ada": "correct horse", "bob": "battery staple"}  # ada is user 1, bob user 2


class ClosingClient(FlaskClient):
    """A test client that closes its responses when the test ends, as a WSGI
    server would (``wsgiref.validate`` complains about unclosed ones)."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.responses: t.List[t.Any] = []

    def open(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        response = super().open(*args, **kwargs)
        self.responses.extend(response.history)
        self.responses.append(response)
        return response


@pytest.fixture
def app(tmp_path: Path) -> t.Any:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing",
            "DATABASE": str(tmp_path / "notes.sqlite"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "PASSWORD_HASH_ITERATIONS": FAST_HASHING,
        }
    )
    # Every request is also checked for WSGI compliance.
    app.wsgi_app = validator(app.wsgi_app)
    app.test_client_class = ClosingClient
    with app.app_context():
        init_db()
        db = get_db()
        db.executemany(
            "INSERT INTO user (username, password) VALUES (?, ?)",
            [(name, hash_password(password, FAST_HASHING)) for name, password in PASSWORDS.items()],
        )
        db.execute("INSERT INTO note (author_id, title, body) VALUES (1, 'Shopping', 'milk, bread')")
        db.commit()
    return app


@pytest.fixture
def client(app: t.Any) -> t.Iterator[ClosingClient]:
    client = app.test_client()
    yield client
    for response in client.responses:
        response.close()


class AuthActions:
    """Log the test client in and out through the real login form."""

    def __init__(self, client: ClosingClient) -> None:
        self.client = client

    def login(self, username: str = "ada") -> t.Any:
        return self.client.post("/auth/login", data={"username": username, "password": PASSWORDS[username]})

    def logout(self) -> t.Any:
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client: ClosingClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def query(app: t.Any) -> t.Callable[..., t.List[t.Tuple[t.Any, ...]]]:
    """``query(sql, *params)``: rows (as tuples) read straight from the app's
    database, to check what the views stored."""

    def run(sql: str, *params: t.Any) -> t.List[t.Tuple[t.Any, ...]]:
        with app.app_context():
            return [tuple(row) for row in get_db().execute(sql, params)]

    return run
