"""send_file, send_from_directory and the static route: what a browser gets.

Files live in each test's ``tmp_path`` (the app's root). Every app is checked
by ``wsgiref.validate``; file handles are checked to be closed on every path,
through a recording ``wsgi.file_wrapper`` where the file is opened inside.
"""
from __future__ import annotations

import io
import os
import time
import typing as t
from datetime import datetime, timedelta, timezone

import pytest

from microflask import Flask, send_file, send_from_directory
from microflask.toolkit.exceptions import NotFound, RequestedRangeNotSatisfiable
from microflask.toolkit.http import http_date

from conftest import validated

DIGITS = b"0123456789"


class RecordingWrapper:
    """A server's ``wsgi.file_wrapper`` that remembers every file it was given."""

    wrapped: t.List[t.Any] = []

    def __init__(self, file: t.Any, block_size: int = 8192) -> None:
        self.file = file
        self.block_size = block_size
        RecordingWrapper.wrapped.append(file)

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(lambda: self.file.read(self.block_size), b"")

    def close(self) -> None:
        self.file.close()


@pytest.fixture
def files(tmp_path):
    """``files/digits.txt`` (ten bytes) and a secret next to the folder."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "digits.txt").write_bytes(DIGITS)
    (tmp_path / "files" / "sub").mkdir()
    (tmp_path / "files" / "sub" / "page.html").write_text("<p>hi</p>")
    (tmp_path / "secret.txt").write_text("do not serve")
    return tmp_path / "files"


@pytest.fixture
def recorded():
    """The files a request's ``wsgi.file_wrapper`` wrapped, and the environ that offers it."""
    RecordingWrapper.wrapped = []
    return RecordingWrapper.wrapped, {"wsgi.file_wrapper": RecordingWrapper}


def _serve(app: Flask, **send_file_kwargs: t.Any) -> None:
    """Route ``/`` to ``send_file(**send_file_kwargs)``."""

    @app.route("/", methods=["GET", "HEAD", "POST"])
    def view():
        return send_file(**send_file_kwargs)


# -- paths ------------------------------------------------------------------------


def test_a_path_is_relative_to_the_app_root(app, client, files):
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/")
    assert response.status_code == 200
    assert response.data == DIGITS
    assert response.mimetype == "text/plain"
    assert response.content_length == 10
    assert response.headers["Content-Disposition"] == "inline; filename=digits.txt"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"].startswith('"')
    assert response.last_modified == datetime.fromtimestamp(int((files / "digits.txt").stat().st_mtime), timezone.utc)


def test_a_path_like_object_and_an_absolute_path_work_too(app, client, files):
    _serve(app, path_or_file=files / "sub" / "page.html")
    response = client.get("/")
    assert response.text == "<p>hi</p>"
    assert response.mimetype == "text/html"


def test_the_server_file_wrapper_is_used_and_closed(app, client, files, recorded):
    wrapped, environ = recorded
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/", environ_base=environ)
    assert response.data == DIGITS
    response.close()
    assert len(wrapped) == 1 and wrapped[0].closed


def test_a_modified_file_gets_a_new_etag(app, client, files):
    _serve(app, path_or_file="files/digits.txt")
    before = client.get("/").headers["ETag"]
    (files / "digits.txt").write_bytes(b"longer than before")
    os.utime(files / "digits.txt", (time.time() + 5, time.time() + 5))
    assert client.get("/").headers["ETag"] != before


# -- names and types --------------------------------------------------------------


@pytest.mark.parametrize(
    ("download_name", "mimetype"),
    [("report.pdf", "application/pdf"), ("page.HTML", "text/html"), ("data.unknown-ext", "application/octet-stream")],
)
def test_the_mimetype_is_guessed_from_the_download_name(app, client, files, download_name, mimetype):
    _serve(app, path_or_file="files/digits.txt", download_name=download_name)
    response = client.get("/")
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f"inline; filename={download_name}"


def test_an_explicit_mimetype_wins(app, client, files):
    _serve(app, path_or_file="files/digits.txt", mimetype="application/x-digits")
    assert client.get("/").headers["Content-Type"] == "application/x-digits"


def test_a_name_shaped_like_a_data_url_is_judged_by_its_extension(app, client):
    # mimetypes alone would read "data:text/html,..." as a data: URL and say
    # text/html: an uploaded name would then turn a picture into a page.
    _serve(app, path_or_file=io.BytesIO(b"<script>"), download_name="data:text/html,cat.png")
    assert client.get("/").mimetype == "image/png"


def test_a_compressed_file_is_sent_with_its_content_encoding_inline_only(app, client, tmp_path):
    (tmp_path / "styles.css.gz").write_bytes(b"\x1f\x8b...")

    @app.route("/<mode>")
    def view(mode):
        return send_file("styles.css.gz", as_attachment=mode == "attachment")

    inline = client.get("/inline")
    assert inline.mimetype == "text/css"
    assert inline.headers["Content-Encoding"] == "gzip"
    attachment = client.get("/attachment")
    assert "Content-Encoding" not in attachment.headers
    assert attachment.headers["Content-Disposition"] == "attachment; filename=styles.css.gz"


@pytest.mark.parametrize(
    ("download_name", "expected"),
    [
        ("report.txt", "attachment; filename=report.txt"),
        ("my report.txt", 'attachment; filename="my report.txt"'),
        ('say "hi";.txt', 'attachment; filename="say \\"hi\\";.txt"'),
        ("back\\slash.txt", 'attachment; filename="back\\\\slash.txt"'),
        # CR and LF would end the header line: they are dropped, not sent.
        ("evil\r\nSet-Cookie: a=b.txt", 'attachment; filename="evilSet-Cookie: a=b.txt"'),
        ("Ünïcödé.txt", "attachment; filename=Unicode.txt; filename*=UTF-8''%C3%9Cn%C3%AFc%C3%B6d%C3%A9.txt"),
        ("日本.txt", "attachment; filename=.txt; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"),
        ("naïve\n.txt", "attachment; filename=naive.txt; filename*=UTF-8''na%C3%AFve.txt"),
    ],
)
def test_download_names_are_quoted_and_cannot_break_the_header(app, client, files, download_name, expected):
    _serve(app, path_or_file="files/digits.txt", as_attachment=True, download_name=download_name)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Disposition") == [expected]
    assert "Set-Cookie" not in response.headers


# -- file objects ------------------------------------------------------------------


def test_a_bytesio_with_a_mimetype_is_sent_without_disposition(app, client):
    _serve(app, path_or_file=io.BytesIO(DIGITS), mimetype="text/plain")
    response = client.get("/")
    assert response.data == DIGITS
    assert response.content_length == 10
    assert "Content-Disposition" not in response.headers
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers


def test_a_bytesio_serves_byte_ranges(app, client):
    _serve(app, path_or_file=io.BytesIO(DIGITS), download_name="digits.bin")
    response = client.get("/", headers={"Range": "bytes=2-4"})
    assert response.status_code == 206
    assert response.data == b"234"
    assert response.headers["Content-Range"] == "bytes 2-4/10"


def test_a_file_object_is_sent_from_its_position(app, client):
    data = io.BytesIO(DIGITS)
    data.seek(6)
    _serve(app, path_or_file=data, mimetype="text/plain")
    response = client.get("/", headers={"Range": "bytes=0-1"})
    # Ranges count from the file's start: a body that starts later is sent whole.
    assert response.status_code == 200
    assert response.data == b"6789"
    assert response.content_length == 4
    assert "Accept-Ranges" not in response.headers


def test_an_open_binary_file_is_measured_streamed_and_closed(app, client, files):
    handle = open(files / "digits.txt", "rb")
    _serve(app, path_or_file=handle, download_name="digits.txt")
    response = client.get("/", headers={"Range": "bytes=-3"})
    assert response.status_code == 206
    assert response.data == b"789"
    assert response.headers["Content-Range"] == "bytes 7-9/10"
    response.close()
    assert handle.closed


def test_a_stream_that_cannot_seek_has_no_length_and_no_ranges(app, client):
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.left = [b"abc", b"def"]

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: t.Any) -> int:
            chunk = self.left.pop(0) if self.left else b""
            buffer[: len(chunk)] = chunk
            return len(chunk)

    _serve(app, path_or_file=Pipe(), mimetype="application/octet-stream")
    response = client.get("/", headers={"Range": "bytes=0-1"})
    assert response.status_code == 200
    assert response.data == b"abcdef"
    assert "Content-Length" not in response.headers and "Accept-Ranges" not in response.headers


def test_a_file_object_without_a_name_needs_a_mimetype(app):
    with app.test_request_context():
        with pytest.raises(TypeError, match="download_name"):
            send_file(io.BytesIO(DIGITS))


def test_an_attachment_needs_a_name(app):
    with app.test_request_context():
        with pytest.raises(TypeError, match="download_name"):
            send_file(io.BytesIO(DIGITS), mimetype="text/plain", as_attachment=True)


def test_a_text_file_is_a_value_error(app, files):
    with app.test_request_context():
        with pytest.raises(ValueError, match="binary mode"):
            send_file(io.StringIO("text"), mimetype="text/plain")
        with open(files / "digits.txt") as text_file:
            with pytest.raises(ValueError, match="binary mode"):
                send_file(text_file, mimetype="text/plain")


# -- conditional requests ------------------------------------------------------------


def test_if_none_match_gets_an_empty_304_and_closes_the_file(app, client, files, recorded):
    wrapped, environ = recorded
    _serve(app, path_or_file="files/digits.txt")
    etag = client.get("/").headers["ETag"]
    response = client.get("/", headers={"If-None-Match": etag}, environ_base=environ)
    assert response.status_code == 304
    assert response.data == b""
    assert "Content-Length" not in response.headers
    response.close()
    assert wrapped[0].closed


def test_if_modified_since(app, client, files):
    _serve(app, path_or_file="files/digits.txt")
    last_modified = client.get("/").headers["Last-Modified"]
    assert client.get("/", headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get("/", headers={"If-Modified-Since": http_date(0)}).status_code == 200


@pytest.mark.parametrize(
    ("range_header", "body", "content_range"),
    [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=8-100", b"89", "bytes 8-9/10"),
    ],
)
def test_a_byte_range_is_a_206(app, client, files, range_header, body, content_range):
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/", headers={"Range": range_header})
    assert response.status_code == 206
    assert response.data == body
    assert response.headers["Content-Range"] == content_range
    assert response.content_length == len(body)


def test_an_unsatisfiable_range_is_a_416_and_closes_the_file(app, client, files, recorded):
    wrapped, environ = recorded
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/", headers={"Range": "bytes=10-20"}, environ_base=environ)
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */10"
    assert wrapped[0].closed


@pytest.mark.parametrize("range_header", ["bytes=0-1,4-5", "lines=1-2"])
def test_several_ranges_or_another_unit_get_the_whole_file(app, client, files, range_header):
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/", headers={"Range": range_header})
    assert response.status_code == 200
    assert response.data == DIGITS


@pytest.mark.parametrize("range_header", ["bytes=oops", "bytes=5-2"])
def test_a_malformed_byte_range_is_a_416_not_a_500(app, client, files, range_header):
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/", headers={"Range": range_header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */10"


def test_if_range_with_an_old_etag_gets_the_whole_file(app, client, files):
    _serve(app, path_or_file="files/digits.txt")
    etag = client.get("/").headers["ETag"]
    current = client.get("/", headers={"Range": "bytes=0-0", "If-Range": etag})
    assert current.status_code == 206
    stale = client.get("/", headers={"Range": "bytes=0-0", "If-Range": '"old"'})
    assert stale.status_code == 200
    assert stale.data == DIGITS


def test_head_sends_the_headers_only_and_closes_the_file(app, client, files, recorded):
    wrapped, environ = recorded
    _serve(app, path_or_file="files/digits.txt")
    response = client.head("/", environ_base=environ)
    assert response.status_code == 200
    assert response.content_length == 10
    assert response.data == b""
    response.close()
    assert wrapped[0].closed


def test_conditional_false_ignores_conditional_headers(app, client, files):
    _serve(app, path_or_file="files/digits.txt", conditional=False)
    response = client.get("/", headers={"Range": "bytes=0-1", "If-None-Match": "*"})
    assert response.status_code == 200
    assert response.data == DIGITS
    assert "Accept-Ranges" not in response.headers


def test_a_post_is_answered_in_full(app, client, files):
    _serve(app, path_or_file="files/digits.txt")
    assert client.post("/", headers={"Range": "bytes=0-1"}).data == DIGITS


# -- etag and last_modified ---------------------------------------------------------


def test_etag_false_sends_none(app, client, files):
    _serve(app, path_or_file="files/digits.txt", etag=False)
    assert "ETag" not in client.get("/").headers


def test_etag_string_is_used_as_is(app, client):
    _serve(app, path_or_file=io.BytesIO(DIGITS), mimetype="text/plain", etag="v1")
    assert client.get("/").headers["ETag"] == '"v1"'
    assert client.get("/", headers={"If-None-Match": '"v1"'}).status_code == 304


@pytest.mark.parametrize(
    "last_modified", [1_000_000_000, 1_000_000_000.5, datetime(2001, 9, 9, 1, 46, 40, tzinfo=timezone.utc)]
)
def test_last_modified_can_be_given(app, client, files, last_modified):
    _serve(app, path_or_file="files/digits.txt", last_modified=last_modified)
    assert client.get("/").headers["Last-Modified"] == "Sun, 09 Sep 2001 01:46:40 GMT"


# -- caching ------------------------------------------------------------------------


def test_max_age_makes_it_public_with_expires(app, client, files):
    _serve(app, path_or_file="files/digits.txt", max_age=60)
    response = client.get("/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert abs(response.expires.timestamp() - (time.time() + 60)) < 5


def test_max_age_zero_asks_to_revalidate(app, client, files):
    _serve(app, path_or_file="files/digits.txt", max_age=0)
    assert client.get("/").headers["Cache-Control"] == "no-cache, max-age=0"


def test_max_age_can_be_a_function_of_the_path(app, client, files):
    seen = []

    def max_age(path):
        seen.append(path)
        return 30 if path.endswith(".txt") else None

    _serve(app, path_or_file="files/digits.txt", max_age=max_age)
    assert client.get("/").cache_control.max_age == 30
    assert seen == [os.path.join(app.root_path, "files/digits.txt")]


@pytest.mark.parametrize("default", [120, timedelta(minutes=2)])
def test_send_file_max_age_default_config(app, client, files, default):
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = default
    _serve(app, path_or_file="files/digits.txt")
    assert client.get("/").headers["Cache-Control"] == "public, max-age=120"


def test_get_send_file_max_age_can_be_overridden(tmp_path, files):
    class LongCache(Flask):
        def get_send_file_max_age(self, filename):
            return 3600 if filename and filename.endswith(".html") else 5

    app = validated(LongCache("long", root_path=str(tmp_path)))
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.html").write_text("hi")
    assert app.test_client().get("/static/index.html").cache_control.max_age == 3600


# -- X-Sendfile ------------------------------------------------------------------------


def test_x_sendfile_leaves_the_body_to_the_server(app, client, files):
    app.config["USE_X_SENDFILE"] = True
    _serve(app, path_or_file="files/digits.txt")
    response = client.get("/")
    assert response.headers["X-Sendfile"] == str(files / "digits.txt")
    assert response.content_length == 10
    assert response.data == b""


def test_x_sendfile_carries_a_non_ascii_path_as_its_bytes(app, client, files):
    (files / "café.txt").write_bytes(DIGITS)
    app.config["USE_X_SENDFILE"] = True
    _serve(app, path_or_file="files/café.txt")
    header = client.get("/").headers["X-Sendfile"]
    # PEP 3333: a header value's characters are the bytes the server writes.
    assert header.encode("latin-1") == os.fsencode(str(files / "café.txt"))


def test_x_sendfile_is_dropped_from_a_304(app, client, files):
    app.config["USE_X_SENDFILE"] = True
    _serve(app, path_or_file="files/digits.txt")
    etag = client.get("/").headers["ETag"]
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "X-Sendfile" not in response.headers


# -- send_from_directory ---------------------------------------------------------------


def test_send_from_directory_is_relative_to_the_root_and_passes_options(app, client, files):
    @app.route("/download/<path:name>")
    def download(name):
        return send_from_directory("files", name, as_attachment=True, max_age=10)

    response = client.get("/download/sub/page.html")
    assert response.text == "<p>hi</p>"
    assert response.headers["Content-Disposition"] == "attachment; filename=page.html"
    assert response.cache_control.max_age == 10


@pytest.mark.parametrize(
    "name",
    [
        "missing.txt",
        "sub",
        "",
        "../secret.txt",
        "sub/../../secret.txt",
        "/etc/passwd",
        "..\\secret.txt",
        "C:secret.txt",
        "digits.txt\x00.png",
    ],
)
def test_send_from_directory_refuses_with_404(app, files, name):
    with app.test_request_context():
        with pytest.raises(NotFound):
            send_from_directory("files", name)


def test_send_from_directory_refuses_an_absolute_path_into_the_folder(app, files):
    with app.test_request_context():
        with pytest.raises(NotFound):
            send_from_directory("files", str(files / "digits.txt"))


def test_send_from_directory_under_a_request_context(app, files):
    with app.test_request_context(headers={"Range": "bytes=0-0"}):
        with send_from_directory(str(files), "digits.txt") as response:
            assert response.status_code == 206
            assert response.headers["Content-Range"] == "bytes 0-0/10"
    with app.test_request_context(headers={"Range": "bytes=50-"}):
        with pytest.raises(RequestedRangeNotSatisfiable):
            send_from_directory("files", "digits.txt")


# -- the static route ------------------------------------------------------------------------


@pytest.fixture
def static_client(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.js").write_text("let x = 1;")
    (tmp_path / "secret.txt").write_text("do not serve")
    return validated(Flask("static_files", root_path=str(tmp_path))).test_client()


@pytest.mark.parametrize(
    "url",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E%2Fsecret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/..\\secret.txt",
        "/static/%5c..%5csecret.txt",
        "/static/app.js%00",
        "/static/%00../secret.txt",
        "/static/C:secret.txt",
        "/static/c%3a%5csecret.txt",
        "/static/%2fsecret.txt",
        "/static//secret.txt",
    ],
)
def test_the_static_route_never_leaves_its_folder(static_client, url):
    response = static_client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert b"do not serve" not in response.data


def test_the_static_route_refuses_an_absolute_path(static_client, tmp_path):
    response = static_client.get(f"/static/{tmp_path}/secret.txt", follow_redirects=True)
    assert response.status_code == 404


def test_the_static_route_answers_conditional_range_and_head_requests(static_client):
    first = static_client.get("/static/app.js")
    assert first.text == "let x = 1;"
    assert static_client.get("/static/app.js", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    part = static_client.get("/static/app.js", headers={"Range": "bytes=4-4"})
    assert (part.status_code, part.data) == (206, b"x")
    beyond = static_client.get("/static/app.js", headers={"Range": "bytes=50-"})
    assert (beyond.status_code, beyond.headers["Content-Range"]) == (416, "bytes */10")
    head = static_client.head("/static/app.js")
    assert (head.status_code, head.content_length, head.data) == (200, 10, b"")
