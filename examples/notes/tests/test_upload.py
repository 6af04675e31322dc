"""Attachments: uploaded with the note form, stored in the instance folder,
downloaded back, replaced and deleted with their note."""
from __future__ import annotations

import io
import os

import pytest


@pytest.fixture
def uploads(app):
    return app.config["UPLOAD_FOLDER"]


def upload(client, path, filename, content=b"hello", title="With a file"):
    data = {"title": title, "body": "", "attachment": (io.BytesIO(content), filename)}
    return client.post(path, data=data, content_type="multipart/form-data")


def test_an_uploaded_file_is_stored_and_linked(client, auth, query, uploads):
    auth.login()

    response = upload(client, "/new", "report.txt", b"all good")

    assert response.status_code == 302
    assert query("SELECT attachment FROM note WHERE id = 2")[0][0] == "2-report.txt"
    with open(os.path.join(uploads, "2-report.txt"), "rb") as stored:
        assert stored.read() == b"all good"
    assert b'<a href="/2/attachment">report.txt</a>' in client.get("/").data


def test_the_attachment_downloads_under_its_name(client, auth):
    auth.login()
    upload(client, "/new", "report.html", b"<script>alert(1)</script>")

    response = client.get("/2/attachment")

    assert response.status_code == 200
    assert response.data == b"<script>alert(1)</script>"
    # A download, never rendered as a page of this site.
    assert response.headers["Content-Disposition"] == "attachment; filename=report.html"


def test_the_browsers_file_name_is_made_safe(client, auth, query, uploads):
    auth.login()

    upload(client, "/new", "../../etc/pass wd")

    assert query("SELECT attachment FROM note WHERE id = 2")[0][0] == "2-etc_pass_wd"
    assert os.listdir(uploads) == ["2-etc_pass_wd"]


def test_a_new_attachment_replaces_the_old_file(client, auth, query, uploads):
    auth.login()
    upload(client, "/1/edit", "first.txt", title="Shopping")

    upload(client, "/1/edit", "second.txt", title="Shopping")

    assert query("SELECT attachment FROM note WHERE id = 1")[0][0] == "1-second.txt"
    assert os.listdir(uploads) == ["1-second.txt"]


def test_editing_without_a_file_keeps_the_attachment(client, auth, query):
    auth.login()
    upload(client, "/1/edit", "list.txt", title="Shopping")

    client.post("/1/edit", data={"title": "Groceries", "body": ""})

    assert query("SELECT attachment FROM note WHERE id = 1")[0][0] == "1-list.txt"


def test_deleting_the_note_deletes_its_file(client, auth, uploads):
    auth.login()
    upload(client, "/1/edit", "list.txt", title="Shopping")

    client.post("/1/delete")

    assert os.listdir(uploads) == []


def test_a_file_over_the_limit_is_refused(client, auth, query):
    auth.login()

    response = upload(client, "/new", "big.bin", b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert query("SELECT count(*) FROM note")[0][0] == 1


def test_a_note_without_attachment_has_nothing_to_download(client, auth):
    auth.login()

    assert client.get("/1/attachment").status_code == 404


def test_other_users_cannot_download_an_attachment(client, auth):
    auth.login()
    upload(client, "/1/edit", "private.txt", title="Shopping")
    auth.logout()
    auth.login("bob")

    assert client.get("/1/attachment").status_code == 404
