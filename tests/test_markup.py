"""Markup and escape: text made safe for HTML, and strings that are already HTML."""
import time

import pytest

from microflask.markup import Markup, escape, escape_silent, soft_str


class Widget:
    """An object that renders itself as HTML (the ``__html__`` protocol)."""

    def __html__(self):
        return "<span>widget</span>"


class Price:
    """HTML that also knows how to apply a format spec."""

    def __init__(self, amount):
        self.amount = amount

    def __html__(self):
        return f"<b>{self.amount}</b>"

    def __html_format__(self, spec):
        return Markup("<b>{}</b>").format(format(self.amount, spec))


# -- escape ------------------------------------------------------------------------


def test_escape_replaces_the_five_html_special_characters():
    assert escape("<a href=\"x\" title='y'>Tom & Jerry</a>") == (
        "&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;"
    )


def test_escape_returns_markup_so_the_result_is_not_escaped_twice():
    once = escape("<b>")
    assert isinstance(once, Markup)
    assert escape(once) == "&lt;b&gt;"
    assert escape(escape(escape("&"))) == "&amp;"


def test_escape_converts_other_values_with_str():
    assert escape(None) == "None"
    assert escape(42) == "42"
    assert escape(["<"]) == "[&#39;&lt;&#39;]"


def test_escape_trusts_objects_with_html():
    assert escape(Widget()) == "<span>widget</span>"
    assert escape(Markup("<em>ok</em>")) == "<em>ok</em>"


def test_escape_silent_turns_none_into_an_empty_string():
    assert escape_silent(None) == Markup("")
    assert isinstance(escape_silent(None), Markup)
    assert escape_silent("<") == "&lt;"


def test_soft_str_keeps_strings_and_markup_as_they_are():
    markup = Markup("<b>")
    assert soft_str(markup) is markup
    assert soft_str(3) == "3"
    assert type(soft_str(3)) is str


# -- building Markup -----------------------------------------------------------------


def test_markup_is_a_str_that_is_its_own_html():
    markup = Markup("<em>hi</em>")
    assert isinstance(markup, str)
    assert markup == "<em>hi</em>"
    assert markup.__html__() is markup
    assert repr(markup) == "Markup('<em>hi</em>')"


def test_markup_from_an_object_uses_its_html_and_from_bytes_decodes():
    assert Markup(Widget()) == "<span>widget</span>"
    assert Markup(b"caf\xc3\xa9", "utf-8") == "café"
    assert Markup(b"caf\xe9", "utf-8", "replace") == "caf\ufffd"
    assert Markup() == ""


def test_markup_escape_keeps_the_subclass():
    class Html(Markup):
        pass

    escaped = Html.escape("<")
    assert type(escaped) is Html
    assert escaped == "&lt;"
    assert type(Html("a") + "<") is Html


# -- operators ---------------------------------------------------------------------


def test_adding_escapes_the_plain_string_on_either_side():
    assert Markup("<b>") + "<i>" == "<b>&lt;i&gt;"
    assert "<i>" + Markup("<b>") == "&lt;i&gt;<b>"
    assert Markup("<b>") + Markup("<i>") == "<b><i>"
    assert isinstance("x" + Markup("y"), Markup)


def test_adding_a_non_string_is_a_type_error():
    with pytest.raises(TypeError):
        Markup("a") + 1


def test_multiplying_repeats_the_markup():
    assert Markup("<br>") * 2 == "<br><br>"
    assert isinstance(3 * Markup("-"), Markup)


def test_percent_formatting_escapes_every_value():
    assert Markup("<em>%s</em>") % "<script>" == "<em>&lt;script&gt;</em>"
    assert Markup("%s and %s") % ("<a>", Widget()) == "&lt;a&gt; and <span>widget</span>"
    assert Markup("%(name)s is %(age)d") % {"name": "<Bob>", "age": 40} == "&lt;Bob&gt; is 40"


def test_percent_formatting_keeps_number_conversions_working():
    assert Markup("%.2f|%i|%x|%05d") % (3.14159, 3.7, 255, 42) == "3.14|3|ff|00042"
    assert Markup("%r") % "<" == "&#39;&lt;&#39;"
    assert Markup("%s") % {"k": "<"} == "{&#39;k&#39;: &#39;&lt;&#39;}"


# -- format ------------------------------------------------------------------------


def test_format_escapes_positional_and_keyword_arguments():
    template = Markup("<p>{0} by {author}</p>")
    assert template.format("<title>", author="A & B") == "<p>&lt;title&gt; by A &amp; B</p>"


def test_format_escapes_items_attributes_conversions_and_padding():
    class User:
        name = "<admin>"

    assert Markup("{0.name}|{1[0]}|{2!r}|{3:>4}").format(User(), ["<"], "<", "<") == (
        "&lt;admin&gt;|&lt;|&#39;&lt;&#39;|   &lt;"
    )


def test_format_map_escapes_the_mapping_values():
    assert Markup("<i>{who}</i>").format_map({"who": "<you>"}) == "<i>&lt;you&gt;</i>"


def test_format_trusts_html_and_uses_html_format_for_a_spec():
    assert Markup("{}").format(Markup("<b>bold</b>")) == "<b>bold</b>"
    assert Markup("{:.2f}").format(Price(1.5)) == "<b>1.50</b>"


def test_format_escapes_a_plain_str_from_html_as_markupsafe_does():
    # Widget.__html__ returns a str, not Markup: format() escapes it, while
    # % (and escape()) trust it.
    assert Markup("{}").format(Widget()) == "&lt;span&gt;widget&lt;/span&gt;"
    assert Markup("%s") % Widget() == "<span>widget</span>"


def test_format_spec_on_html_without_html_format_is_refused():
    with pytest.raises(ValueError, match="__html_format__"):
        Markup("{:>10}").format(Widget())
    with pytest.raises(ValueError, match="format spec"):
        Markup("{:>10}").format(Markup("<b>"))


# -- string methods -------------------------------------------------------------------


def test_join_escapes_the_items():
    assert Markup("<br>").join(["a<", Markup("<i>b</i>")]) == "a&lt;<br><i>b</i>"


def test_split_methods_return_markup():
    for parts in (Markup("<a>,<b>").split(","), Markup("<a>,<b>").rsplit(",", 1), Markup("<a>\n<b>").splitlines()):
        assert parts == ["<a>", "<b>"]
        assert all(isinstance(part, Markup) for part in parts)


def test_replace_matches_old_as_given_and_escapes_new():
    assert Markup("a<b").replace("<", "<x>") == "a&lt;x&gt;b"
    assert Markup("<b>x</b>").replace("x", "<y>") == "<b>&lt;y&gt;</b>"
    assert Markup("<b>x</b>").replace("x", Widget()) == "<b><span>widget</span></b>"


def test_partition_splits_on_the_separator_as_given():
    assert Markup("a&amp;b").partition("&") == ("a", "&", "amp;b")
    assert Markup("a<br>b<br>c").rpartition("<br>") == ("a<br>b", "<br>", "c")
    assert all(isinstance(part, Markup) for part in Markup("a").partition("b"))


def test_simple_string_methods_return_markup():
    markup = Markup("  <b>Hello World</b>  ")
    results = [
        markup.strip(),
        markup.lstrip(),
        markup.rstrip(),
        markup.lower(),
        markup.upper(),
        markup.title(),
        markup.capitalize(),
        markup.swapcase(),
        markup.center(30),
        markup.ljust(30),
        markup.rjust(30),
        Markup("1").zfill(3),
        Markup("a\tb").expandtabs(2),
        markup[2:5],
        markup[2],
    ]
    assert all(isinstance(result, Markup) for result in results)
    assert markup.strip() == "<b>Hello World</b>"
    assert markup[2:5] == "<b>"
    assert Markup("x").center(5, "*") == "**x**"


def test_trimming_and_translating_take_arguments_as_given():
    assert Markup("&a&").strip("&") == "a"
    assert Markup("&a&").lstrip("&") == "a&"
    assert Markup("abc").translate({ord("a"): "<"}) == "<bc"
    assert type(Markup("AbC").casefold()) is Markup


def test_fill_characters_are_escaped_so_markup_stays_well_formed():
    with pytest.raises(TypeError):
        Markup("ab").ljust(5, "&")


# -- back to text ----------------------------------------------------------------------


def test_unescape_decodes_entities_into_plain_text():
    text = Markup("&lt;b&gt; &amp; &#39; &#x41; &raquo;").unescape()
    assert text == "<b> & ' A \xbb"
    assert type(text) is str


def test_striptags_removes_tags_and_comments_and_collapses_whitespace():
    assert Markup("<em>Marked up</em> &raquo; HTML").striptags() == "Marked up \xbb HTML"
    assert Markup("a <!-- <b>hidden</b> -->\n\n  b").striptags() == "a b"
    assert type(Markup("<p>x</p>").striptags()) is str


def test_striptags_keeps_what_is_not_closed():
    assert Markup("1 < 2").striptags() == "1 < 2"
    assert Markup("a <!-- never closed").striptags() == "a <!-- never closed"


def test_striptags_is_linear_on_hostile_input():
    hostile = [
        "<" * 100_000,
        "<!--" * 100_000,
        "<a>" * 100_000,
        "<!-- -->" * 100_000,
        "<" * 50_000 + ">" * 50_000,
    ]
    started = time.perf_counter()
    for text in hostile:
        Markup(text).striptags()
    assert time.perf_counter() - started < 1.0


def test_escape_of_a_large_string_is_fast():
    started = time.perf_counter()
    assert escape("<&>" * 300_000).count("&lt;") == 300_000
    assert time.perf_counter() - started < 1.0
