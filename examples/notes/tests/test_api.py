"""The JSON API: a ``MethodView`` per URL, the session's login, JSON errors."""
from __future__ import annotations

import io

import pytest


@pytest.fixture
def api(client, auth):
    """The test client, logged in as ada (owner of note 1)."""
    auth.login()
    return client


def test_the_api_needs_a_login_and_says_so_in_json(client):
    response = client.get("/api/notes")

    assert response.status_code == 401
    assert response.json == {
        "error": "Unauthorized",
        "message": "Log in first: the API uses the session cookie set by /auth/login.",
    }


def test_list_returns_the_users_notes(api):
    response = api.get("/api/notes")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    [note] = response.json
    assert note["id"] == 1
    assert note["title"] == "Shopping"
    assert note["body"] == "milk, bread"
    assert note["attachment"] is None


def test_create_answers_201_with_the_new_notes_location(api):
    response = api.post("/api/notes", json={"title": " Ideas ", "body": "more notes"})

    assert response.status_code == 201
    assert response.headers["Location"] == "/api/notes/2"
    assert response.json["title"] == "Ideas"
    assert api.get("/api/notes/2").json["body"] == "more notes"


def test_the_body_is_optional(api):
    response = api.post("/api/notes", json={"title": "Just a title"})

    assert response.status_code == 201
    assert response.json["body"] == ""


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (["a list"], 'Expected a JSON object such as {"title": "...", "body": "..."}.'),
        ({"body": "no title"}, "'title' is required and must be a non-empty string."),
        ({"title": "   "}, "'title' is required and must be a non-empty string."),
        ({"title": 42}, "'title' is required and must be a non-empty string."),
        ({"title": "ok", "body": ["not", "text"]}, "'body' must be a string."),
    ],
)
def test_invalid_notes_are_refused_with_the_reason(api, payload, message):
    response = api.post("/api/notes", json=payload)

    assert response.status_code == 400
    assert response.json == {"error": "Bad Request", "message": message}


def test_a_body_that_is_not_json_is_refused(api):
    response = api.post("/api/notes", data="title=form", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json == {
        "error": "Unsupported Media Type",
        "message": "Send the note as JSON, with 'Content-Type: application/json'.",
    }


def test_malformed_json_is_a_json_400(api):
    response = api.post("/api/notes", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"


def test_put_replaces_title_and_body(api):
    response = api.put("/api/notes/1", json={"title": "Groceries", "body": "eggs"})

    assert response.status_code == 200
    assert response.json["title"] == "Groceries"
    assert api.get("/api/notes/1").json["body"] == "eggs"


def test_delete_answers_204_and_the_note_is_gone(api):
    response = api.delete("/api/notes/1")

    assert response.status_code == 204
    assert response.data == b""
    missing = api.get("/api/notes/1")
    assert missing.status_code == 404
    assert missing.json == {"error": "Not Found", "message": "Note 1 doesn't exist."}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_users_notes_are_404(client, auth, query, method):
    auth.login("bob")

    response = client.open("/api/notes/1", method=method, json={"title": "mine now"})

    assert response.status_code == 404
    assert query("SELECT title FROM note WHERE id = 1")[0][0] == "Shopping"


def test_the_views_methods_come_from_their_handlers(api):
    assert set(api.options("/api/notes").headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    allowed = api.options("/api/notes/1").headers["Allow"].split(", ")
    assert set(allowed) == {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"}
    assert api.patch("/api/notes/1", json={}).status_code == 405


def test_an_uploaded_attachment_shows_as_a_link(api):
    api.post("/1/edit", data={"title": "Shopping", "body": "", "attachment": (io.BytesIO(b"x"), "list.txt")})

    assert api.get("/api/notes/1").json["attachment"] == "/1/attachment"
