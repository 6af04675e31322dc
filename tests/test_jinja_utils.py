"""The engine's helpers: cycler, joiner, namespace, lipsum, urlize, select_autoescape.

Expected outputs were observed from Jinja 3.1 and are hard-coded.
"""
from __future__ import annotations

import pickle
import random
import re
import time

import pytest

from microflask.jinja.utils import (
    Cycler,
    Joiner,
    Namespace,
    generate_lorem_ipsum,
    missing,
    object_type_repr,
    pass_arg_of,
    pass_context,
    pass_environment,
    pass_eval_context,
    select_autoescape,
    urlize,
)
from microflask.markup import Markup

# -- pass_* decorators ------------------------------------------------------------


def test_pass_decorators_mark_what_the_engine_passes_first():
    @pass_context
    def with_context(context, value):
        return value

    @pass_eval_context
    def with_eval_context(eval_ctx, value):
        return value

    @pass_environment
    def with_environment(environment, value):
        return value

    assert pass_arg_of(with_context) == "context"
    assert pass_arg_of(with_eval_context) == "eval_context"
    assert pass_arg_of(with_environment) == "environment"
    assert pass_arg_of(len) is None
    assert with_context(None, 3) == 3


# -- missing and object_type_repr --------------------------------------------------


def test_missing_is_a_singleton_that_survives_pickling():
    assert repr(missing) == "missing"
    assert pickle.loads(pickle.dumps(missing)) is missing


@pytest.mark.parametrize(
    "obj, text",
    [({}, "dict object"), ([], "list object"), (None, "None"), (..., "Ellipsis"), (Markup(), "microflask.markup.Markup object")],
)
def test_object_type_repr_names_the_type_as_error_messages_do(obj, text):
    assert object_type_repr(obj) == text


# -- Cycler ------------------------------------------------------------------------


def test_cycler_returns_each_item_in_turn_and_wraps_round():
    cycler = Cycler("odd", "even")
    assert [cycler.next() for _ in range(5)] == ["odd", "even", "odd", "even", "odd"]


def test_cycler_current_peeks_and_reset_starts_over():
    cycler = Cycler(1, 2, 3)
    assert cycler.current == 1
    assert next(cycler) == 1
    assert cycler.next() == 2
    assert cycler.current == 3
    cycler.reset()
    assert cycler.current == 1
    assert cycler.items == (1, 2, 3)


def test_cycler_needs_at_least_one_item():
    with pytest.raises(RuntimeError, match="at least one item has to be provided"):
        Cycler()


# -- Joiner ------------------------------------------------------------------------


def test_joiner_is_empty_the_first_time_then_the_separator():
    comma = Joiner()
    assert [comma(), comma(), comma()] == ["", ", ", ", "]
    pipe = Joiner(" | ")
    assert pipe() + "a" + pipe() + "b" == "a | b"


# -- Namespace ---------------------------------------------------------------------


def test_namespace_is_built_like_a_dict_and_read_by_attribute():
    ns = Namespace({"x": 1}, y=2)
    assert (ns.x, ns.y) == (1, 2)
    assert repr(ns) == "<Namespace {'x': 1, 'y': 2}>"


def test_namespace_accepts_writes_by_attribute_and_by_item():
    ns = Namespace(count=0)
    ns.count = ns.count + 1
    ns["total"] = 10
    assert (ns.count, ns.total) == (1, 10)


def test_namespace_shows_only_stored_values():
    ns = Namespace(self=1)
    assert ns.self == 1
    with pytest.raises(AttributeError, match="items"):
        ns.items
    with pytest.raises(AttributeError, match="missing_key"):
        ns.missing_key


# -- lipsum ------------------------------------------------------------------------


def test_lorem_ipsum_in_html_is_markup_paragraphs():
    random.seed(3)
    text = generate_lorem_ipsum(n=3, min=5, max=10)
    assert isinstance(text, Markup)
    paragraphs = text.split("\n")
    assert len(paragraphs) == 3
    for paragraph in paragraphs:
        assert paragraph.startswith("<p>") and paragraph.endswith(".</p>")
        assert paragraph[3].isupper()
        assert 5 <= len(paragraph[3:-4].split()) < 10


def test_lorem_ipsum_as_text_separates_paragraphs_with_a_blank_line():
    random.seed(4)
    text = generate_lorem_ipsum(2, html=False, min=20, max=21)
    first, second = text.split("\n\n")
    assert not isinstance(text, Markup)
    assert len(first.split()) == len(second.split()) == 20
    assert re.fullmatch(r"[A-Z][a-z]*( [a-z]+[,.]?| [A-Z][a-z]*)*\.", first)


# -- urlize ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, html",
    [
        ("visit http://example.com now", 'visit <a href="http://example.com">http://example.com</a> now'),
        ("www.example.com", '<a href="https://www.example.com">www.example.com</a>'),
        ("example.org.", '<a href="https://example.org">example.org</a>.'),
        ("foo@bar.com", '<a href="mailto:foo@bar.com">foo@bar.com</a>'),
        ("mailto:foo@bar.com", '<a href="mailto:foo@bar.com">foo@bar.com</a>'),
        ("(http://example.com/path)", '(<a href="http://example.com/path">http://example.com/path</a>)'),
        ("<http://example.com>", '&lt;<a href="http://example.com">http://example.com</a>&gt;'),
        ("http://example.com/a(b)c", '<a href="http://example.com/a(b)c">http://example.com/a(b)c</a>'),
        ("(http://a.com/(x))", '(<a href="http://a.com/(x)">http://a.com/(x)</a>)'),
        ("http://x.com/?a=1&b=2", '<a href="http://x.com/?a=1&amp;b=2">http://x.com/?a=1&amp;b=2</a>'),
        ("http://example.com/<script>", '<a href="http://example.com/&lt;script&gt;">http://example.com/&lt;script&gt;</a>'),
        ("http://127.0.0.1/", '<a href="http://127.0.0.1/">http://127.0.0.1/</a>'),
        ("http://localhost:5000/x", '<a href="http://localhost:5000/x">http://localhost:5000/x</a>'),
        ("HTTP://EXAMPLE.COM", '<a href="https://HTTP://EXAMPLE.COM">HTTP://EXAMPLE.COM</a>'),
        ("first.last@sub-domain.example.com.", '<a href="mailto:first.last@sub-domain.example.com">first.last@sub-domain.example.com</a>.'),
        ("trailing http://example.com/\n", 'trailing <a href="http://example.com/">http://example.com/</a>\n'),
        # Not links: a one-letter domain or TLD, quotes around the URL, unknown schemes.
        ("a.com x.y http://x https://a.b/c", "a.com x.y http://x https://a.b/c"),
        ("'http://e.com'", "&#39;http://e.com&#39;"),
        ("ftp://example.com tel:123", "ftp://example.com tel:123"),
        ("foo@bar user@example.com! a@-b.c", "foo@bar user@example.com! a@-b.c"),
        ("a <b> & c", "a &lt;b&gt; &amp; c"),
    ],
)
def test_urlize_links_urls_and_addresses_and_escapes_the_rest(text, html):
    assert urlize(text) == html


def test_urlize_shortens_long_link_text():
    text = "http://example.com/very/long/path www.example.com/abcdefghij"
    assert urlize(text, trim_url_limit=15) == (
        '<a href="http://example.com/very/long/path">http://example....</a> '
        '<a href="https://www.example.com/abcdefghij">www.example.com...</a>'
    )
    assert urlize("http://example.com", trim_url_limit=18) == '<a href="http://example.com">http://example.com</a>'


def test_urlize_adds_rel_and_target_to_web_links_only():
    assert urlize("a@b.com http://x.com", rel="noopener", target="_blank") == (
        '<a href="mailto:a@b.com">a@b.com</a> <a href="http://x.com" rel="noopener" target="_blank">http://x.com</a>'
    )
    assert urlize("http://x.com", rel="") == '<a href="http://x.com">http://x.com</a>'


def test_urlize_links_extra_schemes():
    assert urlize("tel:+1-555 tel: sip:x@y", extra_schemes=["tel:", "sip:"]) == (
        '<a href="tel:+1-555">tel:+1-555</a> tel: <a href="sip:x@y">sip:x@y</a>'
    )


def test_urlize_keeps_whitespace_as_it_was():
    assert urlize("\n http://x.com \t") == '\n <a href="http://x.com">http://x.com</a> \t'


@pytest.mark.parametrize(
    "text",
    [
        "(" * 20000 + "http://x.com" + ")" * 20000,
        "http://x.com/" + "(" * 20000 + ")" * 20000,
        ")" * 50000 + "x)",
        "<" * 10000 + "http://x.com" + ">" * 20000,
        "www." + "a." * 20000 + "com",
    ],
)
def test_urlize_takes_linear_time_on_hostile_input(text):
    # A quadratic step would take seconds on these 40-100 KB words.
    started = time.perf_counter()
    urlize(text)
    assert time.perf_counter() - started < 0.5


# -- select_autoescape -------------------------------------------------------------


def test_select_autoescape_defaults_escape_html_and_xml_and_strings():
    autoescape = select_autoescape()
    assert autoescape(None) is True
    assert [autoescape(name) for name in ("a.html", "b.HTM", "c.xml", "d.txt", "html")] == [True, True, True, False, False]


def test_select_autoescape_with_explicit_lists_and_defaults():
    autoescape = select_autoescape(["txt"], ["html"], default_for_string=False, default=True)
    assert autoescape(None) is False
    assert autoescape("a.txt") is True
    assert autoescape("a.html") is False
    assert autoescape("a.md") is True
