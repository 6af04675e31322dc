"""Lazy attributes, header- and environ-backed attributes, redirects."""
import pytest

from microflask.toolkit.datastructures import Headers
from microflask.toolkit.utils import cached_property, environ_property, get_content_type, header_property, redirect, secure_filename


class Thing:
    calls = 0

    def __init__(self):
        self.environ = {"REMOTE_ADDR": "10.0.0.1", "SERVER_PORT": "oops"}
        self.headers = Headers()

    @cached_property
    def expensive(self):
        Thing.calls += 1
        return [1, 2, 3]

    remote = environ_property("REMOTE_ADDR")
    port = environ_property("SERVER_PORT", default=80, load_func=int)
    age = header_property("Age", load_func=int, dump_func=str)


def test_cached_property_computes_once_and_can_be_reset():
    Thing.calls = 0
    thing = Thing()
    assert thing.expensive is thing.expensive
    assert Thing.calls == 1
    del thing.expensive
    assert thing.expensive == [1, 2, 3]
    assert Thing.calls == 2


def test_environ_property_is_read_only_and_falls_back_to_default():
    thing = Thing()
    assert thing.remote == "10.0.0.1"
    assert thing.port == 80  # "oops" does not convert
    with pytest.raises(AttributeError):
        thing.remote = "x"


def test_header_property_reads_writes_and_deletes():
    thing = Thing()
    assert thing.age is None
    thing.age = 42
    assert thing.headers["Age"] == "42"
    assert thing.age == 42
    thing.age = None
    assert "Age" not in thing.headers


def test_get_content_type_adds_charset_only_to_text():
    assert get_content_type("text/html", "utf-8") == "text/html; charset=utf-8"
    assert get_content_type("application/xml", "utf-8") == "application/xml; charset=utf-8"
    assert get_content_type("image/svg+xml", "utf-8") == "image/svg+xml; charset=utf-8"
    assert get_content_type("image/png", "utf-8") == "image/png"
    assert get_content_type("application/json", "utf-8") == "application/json"


def test_redirect_leaves_a_printable_ascii_location_alone():
    assert redirect("/search?q={x}|y").headers["Location"] == "/search?q={x}|y"


def test_redirect_quotes_the_location_and_escapes_the_body():
    response = redirect('/wö"rld?<x>', 301)
    assert response.status_code == 301
    assert response.headers["Location"] == "/w%C3%B6%22rld?%3Cx%3E"
    body = response.get_data(as_text=True)
    assert "<x>" not in body and "&lt;x&gt;" in body


@pytest.mark.parametrize(
    "name, expected",
    [
        ("My cool movie.mov", "My_cool_movie.mov"),
        ("../../../etc/passwd", "etc_passwd"),
        ("..\\..\\windows\\system32", "windows_system32"),
        ("i contain cool \xfcml\xe4uts.txt", "i_contain_cool_umlauts.txt"),
        (".bashrc", "bashrc"),
        ("...", ""),
        ("con.txt", "_con.txt"),
        ("LPT1", "_LPT1"),
        ("a\x00b.txt", "ab.txt"),
        ("日本語.png", "png"),
        ("résumé <final>.pdf", "resume_final.pdf"),
    ],
)
def test_secure_filename_keeps_only_safe_characters(name, expected):
    assert secure_filename(name) == expected
