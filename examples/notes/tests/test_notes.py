"""The HTML pages: listing, writing, editing and deleting notes."""
from __future__ import annotations

import pytest


def test_index_lists_the_users_notes_in_the_layout(client, auth):
    auth.login()

    response = client.get("/")

    assert response.status_code == 200
    assert b"<title>Your notes \xc2\xb7 Notes</title>" in response.data
    assert b'<link rel="stylesheet" href="/static/style.css">' in response.data
    assert b"<h2>Shopping</h2>" in response.data
    assert b"milk, bread" in response.data
    assert b'href="/1/edit"' in response.data


def test_index_hides_other_users_notes(client, auth):
    auth.login("bob")

    response = client.get("/")

    assert b"Shopping" not in response.data
    assert b"No notes yet." in response.data


def test_the_stylesheet_is_served(client):
    response = client.get("/static/style.css")

    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b"font-family" in response.data


def test_create_stores_the_note_and_says_so(client, auth, query):
    auth.login()
    assert client.get("/new").status_code == 200

    response = client.post("/new", data={"title": "Ideas", "body": "a notes app"}, follow_redirects=True)

    assert response.request.path == "/"
    assert "Saved “Ideas”.".encode() in response.data
    assert query("SELECT title, body, author_id FROM note WHERE id = 2")[0] == ("Ideas", "a notes app", 1)


def test_create_refuses_an_empty_title_and_keeps_the_text(client, auth, query):
    auth.login()

    response = client.post("/new", data={"title": "  ", "body": "half a thought"})

    assert response.status_code == 200
    assert b"Title is required." in response.data
    assert b">half a thought</textarea>" in response.data
    assert query("SELECT count(*) FROM note")[0][0] == 1


def test_a_form_missing_a_field_is_a_bad_request(client, auth):
    auth.login()

    assert client.post("/new", data={"title": "no body field"}).status_code == 400


def test_titles_are_escaped(client, auth):
    auth.login()
    client.post("/new", data={"title": "<script>alert(1)</script>", "body": ""})

    response = client.get("/")

    assert b"<script>alert" not in response.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.data


def test_edit_form_is_filled_in(client, auth):
    auth.login()

    response = client.get("/1/edit")

    assert "<title>Edit “Shopping” · Notes</title>".encode() in response.data
    assert b'value="Shopping"' in response.data
    assert b">milk, bread</textarea>" in response.data


def test_update_changes_the_note(client, auth, query):
    auth.login()

    response = client.post("/1/edit", data={"title": "Groceries", "body": "eggs"})

    assert response.headers["Location"] == "/"
    assert query("SELECT title, body FROM note WHERE id = 1")[0] == ("Groceries", "eggs")


def test_delete_removes_the_note(client, auth, query):
    auth.login()

    response = client.post("/1/delete", follow_redirects=True)

    assert "Deleted “Shopping”.".encode() in response.data
    assert query("SELECT count(*) FROM note")[0][0] == 0


@pytest.mark.parametrize(("method", "path"), [("GET", "/1/edit"), ("POST", "/1/edit"), ("POST", "/1/delete")])
def test_other_users_notes_do_not_exist_for_you(client, auth, query, method, path):
    auth.login("bob")

    response = client.open(path, method=method, data={"title": "mine now", "body": ""})

    assert response.status_code == 404
    assert query("SELECT title FROM note WHERE id = 1")[0][0] == "Shopping"


def test_a_missing_note_is_404(client, auth):
    auth.login()

    assert client.get("/99/edit").status_code == 404
