"""Percent-encoding of paths and query strings."""
from urllib.parse import urlsplit

import pytest

from microflask.toolkit.datastructures import MultiDict
from microflask.toolkit.urls import iri_to_uri, url_decode, url_encode, url_quote, url_quote_plus, url_unquote


def test_url_quote_keeps_slashes_and_encodes_utf8():
    assert url_quote("/a b/ü") == "/a%20b/%C3%BC"
    assert url_quote(42) == "42"


def test_url_quote_plus_turns_spaces_into_plus():
    assert url_quote_plus("a b&c") == "a+b%26c"


def test_url_unquote_never_fails_on_invalid_utf8():
    assert url_unquote("%ff%C3%BC") == "\ufffdü"


def test_url_encode_repeats_list_values_and_skips_none():
    assert url_encode({"a": [1, 2], "b": None, "c": "x y"}) == "a=1&a=2&c=x+y"


def test_url_encode_reads_every_value_of_a_multidict():
    assert url_encode(MultiDict([("k", "1"), ("k", "2")])) == "k=1&k=2"


def test_url_encode_can_sort():
    assert url_encode({"b": 1, "a": 2}, sort=True) == "a=2&b=1"


def test_url_decode_keeps_blank_values_and_survives_garbage():
    args = url_decode("a=1&a=2&empty=&bad=%ZZ&utf=%C3%BC&junk=%ff")
    assert isinstance(args, MultiDict)
    assert args.getlist("a") == ["1", "2"]
    assert args["empty"] == ""
    assert args["bad"] == "%ZZ"
    assert args["utf"] == "ü"
    assert args["junk"] == "\ufffd"


def test_url_decode_accepts_bytes():
    assert url_decode(b"q=hello+world")["q"] == "hello world"


def test_iri_to_uri_quotes_only_what_must_be_quoted():
    assert iri_to_uri("http://ü.example.com/pa th/é?q=ü&x=1#top") == (
        "http://xn--tda.example.com/pa%20th/%C3%A9?q=%C3%BC&x=1#top"
    )
    assert iri_to_uri("/already%20quoted?a=b") == "/already%20quoted?a=b"


@pytest.mark.parametrize("iri", ["http://[", "http://[::1/ä", "//[not-an-ip]/a", "https://[zz]:80/x?y=[1]"])
def test_iri_to_uri_turns_a_malformed_authority_into_a_parsable_uri(iri):
    uri = iri_to_uri(iri)
    assert uri.isascii()
    urlsplit(uri)  # a redirect to it must not fail later either
    assert iri_to_uri(iri, safe_conversion=True).isascii()


def test_iri_to_uri_safe_conversion_leaves_ascii_alone():
    assert iri_to_uri("/a?b=c d", safe_conversion=True) == "/a?b=c%20d"
    assert iri_to_uri("/plain", safe_conversion=True) == "/plain"
