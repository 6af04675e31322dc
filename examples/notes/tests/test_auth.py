"""Accounts: registering, logging in and out, and pages that need a login."""
from __future__ import annotations

import pytest

from notes.passwords import check_password, hash_password


def test_register_page_shows_the_form(client):
    response = client.get("/auth/register")

    assert response.status_code == 200
    assert b"<title>Register \xc2\xb7 Notes</title>" in response.data
    assert b'name="password" type="password"' in response.data


def test_register_stores_a_hash_and_sends_to_login(client, query):
    response = client.post("/auth/register", data={"username": "cy", "password": "long enough"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    (stored,) = query("SELECT password FROM user WHERE username = 'cy'")[0]
    assert stored.startswith("pbkdf2:sha256:1000$")
    assert check_password(stored, "long enough")


def test_after_registering_the_login_page_says_so(client):
    response = client.post(
        "/auth/register", data={"username": "cy", "password": "long enough"}, follow_redirects=True
    )

    assert response.request.path == "/auth/login"
    assert b'<p class="flash success">Account created: you can log in now.</p>' in response.data


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "long enough", b"Username is required."),
        ("cy", "short", b"Password must have at least 8 characters."),
        ("ada", "long enough", b"User ada is already registered."),
    ],
)
def test_register_refuses_bad_input(client, query, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})

    assert response.status_code == 200
    assert b'<p class="flash error">' + message in response.data
    assert query("SELECT count(*) FROM user")[0][0] == 2


def test_register_keeps_the_typed_username_after_an_error(client):
    response = client.post("/auth/register", data={"username": "cy", "password": "short"})

    assert b'name="username" type="text" value="cy"' in response.data


def test_login_remembers_the_user_in_the_session(client, auth):
    response = auth.login()

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["user_id"] == 1

    page = client.get("/")
    assert b"<span>ada</span>" in page.data
    assert b"Welcome, ada!" in page.data


@pytest.mark.parametrize("username", ["ada", "nobody"])
def test_login_gives_the_same_answer_for_a_bad_password_and_an_unknown_user(client, username):
    response = client.post("/auth/login", data={"username": username, "password": "wrong"})

    assert response.status_code == 200
    assert b"Incorrect username or password." in response.data
    with client.session_transaction() as session:
        assert "user_id" not in session


def test_logout_forgets_the_user(client, auth):
    auth.login()

    response = auth.logout()

    assert response.headers["Location"] == "/auth/login"
    with client.session_transaction() as session:
        assert "user_id" not in session
    assert client.get("/").status_code == 302


def test_logout_only_accepts_post(client, auth):
    auth.login()

    assert client.get("/auth/logout").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/new", "/1/edit", "/1/attachment"])
def test_pages_need_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"


def test_the_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login()

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_password_hashes_are_salted():
    first, second = hash_password("secret", 1000), hash_password("secret", 1000)

    assert first != second
    assert check_password(first, "secret") and check_password(second, "secret")
    assert not check_password(first, "Secret")
