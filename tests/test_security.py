"""safe_join: untrusted names joined onto a trusted folder, or refused.

A refused name is None; ``send_from_directory`` turns that into a 404 (see
test_send_file.py for the requests themselves).
"""
from __future__ import annotations

import os
import posixpath
import random

import pytest

from microflask.toolkit.security import safe_join


@pytest.mark.parametrize(
    ("pathnames", "joined"),
    [
        (("style.css",), "static/style.css"),
        (("css", "site.css"), "static/css/site.css"),
        (("css/site.css",), "static/css/site.css"),
        (("./css//site.css",), "static/css/site.css"),
        (("css/../app.js",), "static/app.js"),
        (("..hidden",), "static/..hidden"),
        (("a..b/c",), "static/a..b/c"),
        (("name:with:colons",), "static/name:with:colons"),
        (("",), "static/"),
        ((), "static"),
    ],
)
def test_safe_names_are_joined_and_normalised(pathnames, joined):
    assert safe_join("static", *pathnames) == joined


def test_an_empty_directory_means_the_current_one():
    assert safe_join("", "a.txt") == "./a.txt"


@pytest.mark.parametrize(
    "name",
    [
        "..",
        "../secret",
        "a/../../secret",
        "./../secret",
        "/etc/passwd",
        "//server/share",
        "/",
        "..\\secret",
        "a\\b",
        "C:secret",
        "c:/secret",
        "Z:",
        "./C:secret",
        "a\x00b",
        "\x00",
    ],
)
def test_unsafe_names_are_refused(name):
    assert safe_join("static", name) is None


def test_any_unsafe_pathname_refuses_the_whole_join():
    assert safe_join("static", "css", "../../secret") is None
    assert safe_join("static", "ok", "/abs") is None


def test_forward_slashes_are_accepted_where_the_os_has_another_separator(monkeypatch):
    # On Windows os.altsep is "/": it must not refuse every sub folder.
    monkeypatch.setattr(os, "altsep", "/")
    assert safe_join("static", "css/site.css") == "static/css/site.css"


def test_no_mix_of_dots_and_separators_gets_out():
    pieces = ["..", ".", "/", "\\", "a", "b", ":", "C", "\x00", "%2e"]
    rng = random.Random(1234)
    for _ in range(5000):
        name = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        joined = safe_join("/srv/static", name)
        if joined is not None:
            normal = posixpath.normpath(joined)
            assert normal == "/srv/static" or normal.startswith("/srv/static/"), name
            assert "\\" not in joined and "\x00" not in joined
