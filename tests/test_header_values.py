"""The header-value types: Accept*, HeaderSet, ETags, ranges, cache control, auth."""
import pickle
from datetime import datetime, timezone
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import (
    Accept,
    Authorization,
    CharsetAccept,
    ContentRange,
    ETags,
    HeaderSet,
    IfRange,
    LanguageAccept,
    MIMEAccept,
    Range,
    RequestCacheControl,
    ResponseCacheControl,
    WWWAuthenticate,
)
from microflask.toolkit.exceptions import Unauthorized
from microflask.toolkit.http import generate_etag, parse_accept_header, parse_authorization_header, parse_cache_control_header
from microflask.toolkit.test import create_environ, run_wsgi_app

# -- Accept ---------------------------------------------------------------------------


def test_accept_is_a_ranked_read_only_list():
    accept = Accept([("gzip", 0.8), ("br", 1), ("*", 0.1)])

    assert list(accept) == [("br", 1), ("gzip", 0.8), ("*", 0.1)]
    assert accept.best == "br"
    assert list(accept.values()) == ["br", "gzip", "*"]
    assert accept.provided
    with pytest.raises(TypeError):
        accept.append(("deflate", 1))
    assert hash(accept) == hash(Accept([("br", 1), ("gzip", 0.8), ("*", 0.1)]))


def test_accept_quality_comes_from_the_most_specific_entry():
    accept = Accept([("*", 1), ("gzip", 0)])

    assert accept["br"] == 1
    assert accept.quality("gzip") == 0
    assert accept["GZIP"] == 0
    assert "br" in accept
    assert "gzip" not in accept
    assert accept.best_match(["gzip", "br"]) == "br"
    assert Accept([("gzip", 1)])["br"] == 0


def test_accept_best_match_prefers_quality_then_specificity_then_offer_order():
    accept = Accept([("gzip", 0.5), ("br", 0.9), ("*", 0.5)])

    assert accept.best_match(["gzip", "br"]) == "br"
    assert accept.best_match(["deflate", "gzip"]) == "gzip"  # same quality, gzip named exactly
    assert accept.best_match(["deflate", "zstd"]) == "deflate"  # a tie: the first offer
    assert Accept([("gzip", 0)]).best_match(["gzip"], default="identity") == "identity"
    assert Accept(None).best_match(["gzip"]) is None


def test_accept_index_find_and_header():
    accept = Accept([("gzip", 1), ("br", 0.5)])

    assert accept.index("br") == 1
    assert accept.find("br") == 1
    assert accept.find("zstd") == -1
    with pytest.raises(ValueError):
        accept.index("zstd")
    assert accept.index(("gzip", 1)) == 0
    assert accept[0] == ("gzip", 1)
    assert accept.to_header() == "gzip, br;q=0.5"
    assert str(accept) == "gzip, br;q=0.5"


def test_an_absent_header_is_an_empty_unprovided_accept():
    accept = Accept(None)

    assert not accept.provided
    assert accept.best is None
    assert accept["gzip"] == 0
    assert accept.to_header() == ""


def test_accept_survives_copy_and_pickle():
    accept = parse_accept_header("text/html, */*;q=0.1", MIMEAccept)

    for copied in (MIMEAccept(accept), pickle.loads(pickle.dumps(accept))):
        assert list(copied) == list(accept)
        assert copied.best_match(["application/json"]) == "application/json"
    assert MIMEAccept(Accept([("text/*", 1)]))["text/plain"] == 1  # re-read by the new kind's rules
    assert not MIMEAccept(MIMEAccept(None)).provided


# -- MIMEAccept -----------------------------------------------------------------------


def test_mime_accept_wildcards():
    accept = MIMEAccept([("text/*", 1), ("*/*", 0.1)])

    assert accept["text/plain"] == 1
    assert accept["image/png"] == 0.1
    assert accept.best_match(["image/png", "text/csv"]) == "text/csv"


def test_mime_accept_q0_excludes_despite_a_wildcard():
    accept = parse_accept_header("*/*, application/xml;q=0", MIMEAccept)

    assert accept.best_match(["application/xml", "application/json"]) == "application/json"
    assert accept.best_match(["application/xml"]) is None
    assert "application/xml" not in accept


def test_mime_accept_parameters():
    accept = parse_accept_header("text/html;level=1, text/html;q=0.5", MIMEAccept)

    assert accept["text/html;level=1"] == 1
    assert accept["text/html"] == 0.5
    assert accept["text/html; charset=utf-8"] == 0.5


def test_mime_accept_browser_header():
    accept = parse_accept_header(
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", MIMEAccept
    )

    assert accept.best == "text/html"
    assert accept.best_match(["application/json", "text/html"]) == "text/html"
    assert accept.best_match(["application/json"]) == "application/json"
    assert accept.accept_html and accept.accept_xhtml and accept.accept_json


def test_mime_accept_convenience_flags():
    json_only = MIMEAccept([("application/json", 1)])

    assert json_only.accept_json
    assert not json_only.accept_html
    assert not json_only.accept_xhtml
    assert MIMEAccept([("application/xml", 1)]).accept_xhtml
    assert not MIMEAccept(None).accept_json


def test_mime_accept_invalid_entries_match_nothing_and_invalid_offers_are_errors():
    accept = MIMEAccept([("*/html", 1), ("nonsense", 1), ("text/plain", 0.5)])

    assert accept.best_match(["text/html", "text/plain"]) == "text/plain"
    assert MIMEAccept([("*", 1)])["image/png"] == 1  # an old-style lone "*"
    with pytest.raises(ValueError, match="invalid mimetype"):
        accept.best_match(["html"])


# -- LanguageAccept and CharsetAccept -------------------------------------------------


def test_language_accept_normalises_tags():
    accept = LanguageAccept([("en_US", 1), ("de-CH", 0.5)])

    assert accept["en-us"] == 1
    assert accept["de_ch"] == 0.5
    assert accept.best_match(["de-CH", "en-US"]) == "en-US"


def test_language_accept_falls_back_to_primary_tags():
    assert LanguageAccept([("en-US", 1)]).best_match(["de", "en"]) == "en"
    assert LanguageAccept([("en", 1)]).best_match(["de-DE", "en-GB", "en-US"]) == "en-GB"
    assert LanguageAccept([("de-CH", 1), ("en", 0.5)]).best_match(["en", "de"]) == "en"  # exact match first
    assert LanguageAccept([("fr", 1)]).best_match(["en"], default="en") == "en"
    assert LanguageAccept([("en-US", 1), ("en", 0)]).best_match(["en"]) is None


def test_charset_accept_knows_codec_aliases():
    accept = parse_accept_header("UTF8, latin1;q=0.5, *;q=0.1", CharsetAccept)

    assert accept["utf-8"] == 1
    assert accept["ISO-8859-1"] == 0.5
    assert accept["ascii"] == 0.1
    assert accept.best_match(["iso-8859-1", "utf-8"]) == "utf-8"
    assert CharsetAccept([("made-up-charset", 1)])["Made_Up_Charset"] == 1


# -- HeaderSet ------------------------------------------------------------------------


def test_header_set_is_ordered_and_case_insensitive():
    vary = HeaderSet(["Accept", "Cookie", "accept"])

    assert list(vary) == ["Accept", "Cookie"]
    assert "COOKIE" in vary
    assert len(vary) == 2
    assert vary.find("cookie") == 1
    assert vary.index("accept") == 0
    assert vary.find("Origin") == -1
    with pytest.raises(IndexError):
        vary.index("Origin")
    assert vary.as_set() == {"accept", "cookie"}
    assert vary.as_set(preserve_casing=True) == {"Accept", "Cookie"}
    assert vary[1] == "Cookie"


def test_header_set_changes_call_on_update():
    changes = []
    allow = HeaderSet(["GET"], on_update=lambda header_set: changes.append(header_set.to_header()))

    allow.add("POST")
    allow.add("post")  # already there: no change
    allow.update(["PUT", "GET"])
    allow.remove("get")
    allow.discard("missing")
    allow.discard("PUT")
    assert changes == ["GET, POST", "GET, POST, PUT", "POST, PUT", "POST"]
    allow.clear()
    assert changes[-1] == "" and not allow


def test_header_set_remove_missing_is_a_key_error_and_items_can_be_replaced():
    methods = HeaderSet(["GET", "HEAD"])

    with pytest.raises(KeyError):
        methods.remove("POST")
    methods[1] = "POST"
    assert list(methods) == ["GET", "POST"]
    with pytest.raises(ValueError):
        methods[1] = "get"
    del methods[0]
    assert list(methods) == ["POST"] and "GET" not in methods


def test_header_set_to_header_quotes_what_is_not_a_token():
    assert HeaderSet(["Accept", "a b"]).to_header() == 'Accept, "a b"'
    assert str(HeaderSet(["x"])) == "x"


# -- ETags ----------------------------------------------------------------------------


def test_etags_strong_and_weak_comparison():
    etags = ETags(["strong"], ["weak"])

    assert etags.contains("strong") and not etags.contains("weak")
    assert etags.contains_weak("weak") and etags.contains_weak("strong")
    assert etags.is_strong("strong") and etags.is_weak("weak")
    assert "strong" in etags and "weak" not in etags
    assert etags.as_set() == {"strong"}
    assert etags.as_set(include_weak=True) == {"strong", "weak"}
    assert len(etags) == 1 and list(etags) == ["strong"]


def test_etags_contains_raw_reads_the_quoted_form():
    etags = ETags(["a"], ["b"])

    assert etags.contains_raw('"a"')
    assert etags.contains_raw('W/"b"')
    assert not etags.contains_raw('"b"')
    assert not etags.contains_raw("")


def test_etags_star_matches_everything():
    everything = ETags(["ignored"], star_tag=True)

    assert everything.contains("anything")
    assert everything.to_header() == "*"
    assert everything


def test_etags_call_with_a_tag_or_data():
    etags = ETags([generate_etag(b"body")], ["weak"])

    assert etags(data=b"body")
    assert not etags(data=b"other")
    assert not etags("weak")
    assert etags("weak", include_weak=True)
    with pytest.raises(TypeError):
        etags()
    with pytest.raises(TypeError):
        etags("weak", data=b"body")


def test_etags_header_and_truth():
    assert ETags(["a"], ["b"]).to_header() == '"a", W/"b"'
    assert not ETags()
    assert str(ETags(["a"])) == '"a"'


# -- ranges ---------------------------------------------------------------------------


def test_if_range_holds_a_date_or_an_etag():
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc)

    assert IfRange(date=moment).to_header() == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert IfRange("v1").to_header() == '"v1"'
    assert str(IfRange()) == ""


def test_range_for_length():
    assert Range("bytes", [(0, 500)]).range_for_length(1000) == (0, 500)
    assert Range("bytes", [(500, None)]).range_for_length(1000) == (500, 1000)
    assert Range("bytes", [(-300, None)]).range_for_length(1000) == (700, 1000)
    assert Range("bytes", [(900, 2000)]).range_for_length(1000) == (900, 1000)  # cut to the body
    assert Range("bytes", [(-5000, None)]).range_for_length(1000) == (0, 1000)  # suffix longer than the body


def test_range_for_length_is_none_when_unsatisfiable_or_not_single():
    assert Range("bytes", [(1000, None)]).range_for_length(1000) is None
    assert Range("bytes", [(0, 1), (5, 6)]).range_for_length(1000) is None
    assert Range("items", [(0, 1)]).range_for_length(1000) is None
    assert Range("bytes", [(0, 1)]).range_for_length(None) is None


def test_range_headers():
    requested = Range("bytes", [(0, 500), (1000, None), (-100, None)])

    assert requested.to_header() == "bytes=0-499,1000-,-100"
    assert str(Range("bytes", [(0, 10)])) == "bytes=0-9"
    assert Range("bytes", [(0, 500)]).to_content_range_header(1000) == "bytes 0-499/1000"
    assert Range("bytes", [(2000, None)]).to_content_range_header(1000) is None


def test_range_make_content_range():
    content_range = Range("bytes", [(-10, None)]).make_content_range(100)

    assert (content_range.start, content_range.stop, content_range.length) == (90, 100, 100)
    assert Range("bytes", [(100, None)]).make_content_range(100) is None


def test_range_rejects_invalid_pairs():
    for bad in ([(5, 2)], [(-1, 5)], [(None, 5)]):
        with pytest.raises(ValueError, match="not a valid range"):
            Range("bytes", bad)


def test_content_range_reports_changes():
    changes = []
    content_range = ContentRange("bytes", 0, 500, 1000, on_update=lambda value: changes.append(value.to_header()))

    assert content_range.to_header() == "bytes 0-499/1000"
    content_range.length = None
    content_range.set(10, 20, 30)
    assert changes == ["bytes 0-499/*", "bytes 10-19/30"]
    content_range.unset()
    assert changes[-1] == "" and not content_range


def test_content_range_forms():
    assert ContentRange("bytes", None, None, 1000).to_header() == "bytes */1000"
    assert ContentRange(None, None, None).to_header() == ""
    assert ContentRange("bytes", 0, 1).units == "bytes"
    with pytest.raises(ValueError, match="not a valid range"):
        ContentRange("bytes", 5, 2, 10)
    with pytest.raises(ValueError):
        ContentRange("bytes", 0, 1).set(10, 20, 5)


# -- cache control --------------------------------------------------------------------


def test_request_cache_control_reads_typed_directives():
    cache_control = parse_cache_control_header("max-age=60, max-stale=30, min-fresh=5, no-store, only-if-cached")

    assert cache_control.max_age == 60
    assert cache_control.max_stale == 30
    assert cache_control.min_fresh == 5
    assert cache_control.no_store is True
    assert cache_control.only_if_cached is True
    assert cache_control.no_cache is None
    assert cache_control.no_transform is False


def test_request_cache_control_is_read_only():
    cache_control = RequestCacheControl({"max-age": "0"})

    with pytest.raises(TypeError):
        cache_control.max_age = 5
    with pytest.raises(TypeError):
        cache_control["no-store"] = None
    assert cache_control.max_age == 0


def test_cache_control_reads_unreadable_seconds_as_none_and_huge_ones_capped():
    cache_control = parse_cache_control_header("max-age=soon, min-fresh=-1, max-stale=" + "9" * 1000)

    assert cache_control.max_age is None
    assert cache_control.min_fresh is None
    assert cache_control.max_stale == 2**31
    assert parse_cache_control_header("max-age").max_age is None


def test_response_cache_control_writes_directives():
    changes = []
    cache_control = ResponseCacheControl(on_update=lambda value: changes.append(value.to_header()))

    cache_control.public = True
    cache_control.max_age = 300
    cache_control.s_maxage = 600
    cache_control.must_revalidate = True
    cache_control.immutable = True
    assert cache_control.to_header() == "public, max-age=300, s-maxage=600, must-revalidate, immutable"
    assert changes[-1] == cache_control.to_header()

    cache_control.public = False
    cache_control.max_age = None
    del cache_control.s_maxage
    assert str(cache_control) == "must-revalidate, immutable"


def test_response_cache_control_field_name_directives():
    cache_control = ResponseCacheControl()

    cache_control.no_cache = True
    cache_control.private = "Set-Cookie, Authorization"
    assert cache_control.no_cache is True
    assert cache_control.private == "Set-Cookie, Authorization"
    assert cache_control.to_header() == 'no-cache, private="Set-Cookie, Authorization"'
    assert ResponseCacheControl({"no-cache": "Set-Cookie"}).no_cache == "Set-Cookie"


def test_cache_control_is_a_dict_of_directives():
    cache_control = ResponseCacheControl({"max-age": "10", "x-ext": None})

    assert "max-age" in cache_control
    assert dict(cache_control) == {"max-age": "10", "x-ext": None}
    assert cache_control.provided
    assert not ResponseCacheControl(None).provided
    assert repr(cache_control) == "<ResponseCacheControl 'max-age=10, x-ext'>"


# -- authorization --------------------------------------------------------------------


def test_authorization_round_trips_basic_credentials():
    auth = Authorization("Basic", {"username": "zoë", "password": "p:w"})

    assert auth.type == "basic"
    parsed = parse_authorization_header(auth.to_header())
    assert (parsed.username, parsed.password) == ("zoë", "p:w")


def test_authorization_token_and_parameter_headers():
    assert Authorization("bearer", token="abc").to_header() == "Bearer abc"
    assert str(Authorization("bearer", token="abc")) == "Bearer abc"
    digest = Authorization("digest", {"username": "ada", "nonce": "n1", "nc": "00000001", "qop": "auth"})
    assert digest.to_header() == 'Digest username="ada", nonce="n1", nc=00000001, qop=auth'
    assert digest["username"] == digest.username == "ada"
    assert digest.realm is None and digest.token is None


# -- WWW-Authenticate -----------------------------------------------------------------


def test_www_authenticate_renders_a_challenge():
    assert str(WWWAuthenticate("basic", {"realm": "x"})) == 'Basic realm="x"'
    assert WWWAuthenticate("bearer").to_header() == "Bearer"
    assert WWWAuthenticate().to_header() == "Basic"


def test_www_authenticate_changes_call_on_update():
    changes = []
    challenge = WWWAuthenticate(on_update=lambda value: changes.append(value.to_header()))

    challenge.set_basic("admin area")
    challenge.realm = "staff"
    challenge.type = "Basic"
    assert changes == ['Basic realm="admin area"', 'Basic realm="staff"', 'Basic realm="staff"']
    challenge.realm = None
    assert changes[-1] == "Basic"


def test_www_authenticate_digest_challenge():
    challenge = WWWAuthenticate()
    challenge.set_digest("admin", "n0nce", qop=("auth", "auth-int"), opaque="op", algorithm="MD5", stale=True)

    assert challenge.type == "digest"
    assert challenge.stale is True
    assert challenge.to_header() == (
        'Digest realm="admin", nonce="n0nce", qop="auth, auth-int", opaque="op", algorithm=MD5, stale=TRUE'
    )
    challenge.stale = False
    assert challenge.stale is False


def test_www_authenticate_truth_counts_the_scheme():
    assert not WWWAuthenticate()
    assert WWWAuthenticate("basic")
    assert WWWAuthenticate(values={"realm": "x"})


def test_unauthorized_sends_the_challenge():
    error = Unauthorized(www_authenticate=WWWAuthenticate("basic", {"realm": "admin area"}))

    _, status, headers = run_wsgi_app(validator(error), create_environ("/admin"), buffered=True)
    assert status == "401 UNAUTHORIZED"
    assert headers["WWW-Authenticate"] == 'Basic realm="admin area"'
