"""The Response object: bodies, status, headers, cookies, conditional answers, WSGI.

Every response that is sent goes through ``wsgiref.validate.validator``,
which checks the status line, the header list and the closing of the body.
"""
from __future__ import annotations

import io
import json
import warnings
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import Headers
from microflask.toolkit.exceptions import RequestedRangeNotSatisfiable
from microflask.toolkit.http import generate_etag
from microflask.toolkit.test import Client, create_environ
from microflask.toolkit.wrappers import Response
from microflask.toolkit.wsgi import FileWrapper


def make_environ(method="GET", headers=None, path="/"):
    """A valid WSGI environ for ``method path`` with request ``headers``."""
    return create_environ(path, method=method, headers=headers)


def start(app, method="GET", headers=None, path="/"):
    """Call ``app`` as a server does; return ``(status, headers, app_iter)`` unread.

    The headers are exactly those given to ``start_response``.
    """
    sent = {}

    def start_response(status, header_list, exc_info=None):
        sent["status"], sent["headers"] = status, header_list
        return lambda data: None

    app_iter = validator(app)(make_environ(method, headers, path), start_response)
    return sent["status"], Headers(sent["headers"]), app_iter


def send(app, method="GET", headers=None, path="/"):
    """Call ``app``, read its whole body and close it: ``(status, headers, body)``."""
    status, sent_headers, app_iter = start(app, method, headers, path)
    try:
        body = b"".join(app_iter)
    finally:
        app_iter.close()
    return status, sent_headers, body


class RecordingFile(io.FileIO):
    """A binary file that counts the bytes read from it."""

    def __init__(self, path):
        super().__init__(path, "rb")
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


@pytest.fixture
def big_file(tmp_path):
    """A 100 000-byte file whose byte i is i % 251."""
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(i % 251 for i in range(100_000)))
    return str(path)


# -- bodies --------------------------------------------------------------------


def test_str_body_is_encoded_and_sent_with_content_length():
    response = Response("héllo")

    status, headers, body = send(response)

    assert status == "200 OK"
    assert body == "héllo".encode()
    assert headers["Content-Length"] == "6"
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_every_body_length_gets_its_own_content_length():
    # More lengths than a response class remembers header pairs for.
    for length in list(range(0, 5000, 1)) + [70000, 5]:
        response = Response(b"x" * length)
        sent = {}
        response(make_environ(), lambda status, header_list, exc_info=None: sent.update(headers=header_list))
        assert dict(sent["headers"])["Content-Length"] == str(length)
        assert response.headers["Content-Length"] == str(length)


def test_a_sent_header_list_changed_by_the_server_leaves_the_next_response_alone():
    def changing_start_response(status, header_list, exc_info=None):
        header_list.append(("Server", "test"))

    Response("same length")(make_environ(), changing_start_response)
    status, headers, body = send(Response("same length"))
    assert "Server" not in headers and headers["Content-Length"] == "11"


@pytest.mark.parametrize("mimetype", [None, "application/json", "text/plain", "application/xml", "image/png"])
def test_a_body_with_a_mimetype_sends_what_building_its_headers_gives(mimetype):
    class Spelled(Response):
        """Overrides a step, so its headers are built the long way."""

        def set_data(self, value):
            super().set_data(value)

    for body in ("{}", "x" * 100, b"\x89PNG"):
        assert send(Response(body, mimetype=mimetype)) == send(Spelled(body, mimetype=mimetype))
        for status in (201, 204, 304, 404, "299 CUSTOM", 500):
            ours, spelled = Response(body, status, mimetype=mimetype), Spelled(body, status, mimetype=mimetype)
            assert send(ours) == send(spelled)
            assert (ours.status, list(ours.headers.items())) == (spelled.status, list(spelled.headers.items()))


def test_a_mimetype_that_would_inject_a_header_is_refused_every_time():
    for _ in range(2):  # the second time, after any caching
        with pytest.raises(ValueError, match="Content-Type"):
            Response("x", mimetype="text/plain\r\nX-Evil: 1")


def test_bytes_body_is_sent_as_is():
    status, headers, body = send(Response(b"\x00\xffdata", mimetype="application/octet-stream"))

    assert body == b"\x00\xffdata"
    assert headers["Content-Length"] == "6"
    assert headers["Content-Type"] == "application/octet-stream"


def test_no_body_is_empty():
    response = Response()

    assert response.get_data() == b""
    assert send(response)[1]["Content-Length"] == "0"


def test_list_body_gets_content_length_when_sent():
    response = Response([b"Hello, ", "wörld"])

    assert "Content-Length" not in response.headers
    status, headers, body = send(response)
    assert body == "Hello, wörld".encode()
    assert headers["Content-Length"] == str(len(body))


def test_generator_body_is_streamed_lazily_without_content_length():
    produced = []

    def generate():
        for part in ("one ", "two ", "three"):
            produced.append(part)
            yield part

    response = Response(generate(), mimetype="text/plain")
    status, headers, app_iter = start(response)

    assert produced == []
    assert "Content-Length" not in headers
    assert next(app_iter) == b"one "
    assert produced == ["one "]
    assert b"".join(app_iter) == b"two three"
    app_iter.close()
    assert response.is_streamed and not response.is_sequence


def test_str_chunks_are_encoded_with_the_response_charset():
    class Latin1Response(Response):
        charset = "latin-1"

    response = Latin1Response(iter(["café"]))

    assert send(response)[2] == "café".encode("latin-1")
    assert response.headers["Content-Type"] == "text/html; charset=latin-1"


def test_a_body_that_is_not_iterable_is_refused():
    with pytest.raises(TypeError, match="int"):
        Response(42)


def test_get_data_buffers_a_streamed_body_once():
    response = Response(chunk for chunk in [b"a", "b"])

    assert response.get_data() == b"ab"
    assert response.is_sequence
    assert response.response == [b"a", b"b"]
    assert response.get_data(as_text=True) == "ab"


def test_get_data_refuses_to_buffer_when_implicit_conversion_is_off():
    class StrictResponse(Response):
        implicit_sequence_conversion = False

    response = StrictResponse(iter([b"x"]))

    with pytest.raises(RuntimeError, match="make_sequence"):
        response.get_data()
    assert response.calculate_content_length() is None
    response.make_sequence()
    assert response.get_data() == b"x"


def test_make_sequence_keeps_the_bodys_close_for_later():
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            closed.append(True)

    response = Response(Body())
    response.make_sequence()

    assert response.response == [b"a", b"b"]
    assert closed == []
    response.close()
    assert closed == [True]


def test_data_property_reads_and_writes_the_body():
    response = Response()
    response.data = "ünï"

    assert response.data == "ünï".encode()
    assert response.content_length == len("ünï".encode())
    response.set_data(b"12345")
    assert response.get_data() == b"12345"
    assert response.headers["Content-Length"] == "5"


def test_set_data_refuses_other_types():
    with pytest.raises(TypeError, match="str or bytes"):
        Response().set_data(12)


def test_set_data_leaves_content_length_alone_when_told_to():
    class ManualLengthResponse(Response):
        automatically_set_content_length = False

    response = ManualLengthResponse("abc")

    assert "Content-Length" not in response.headers
    assert "Content-Length" not in send(response)[1]


def test_calculate_content_length_and_iter_encoded():
    response = Response(["ab", b"cd", "é"])

    assert list(response.iter_encoded()) == [b"ab", b"cd", "é".encode()]
    assert response.calculate_content_length() == 6
    assert Response(iter([b"x"]), direct_passthrough=True).calculate_content_length() is None


def test_stream_is_a_write_only_file_over_the_body():
    response = Response(mimetype="text/plain")
    stream = response.stream

    assert stream.write("héllo ") == 6
    stream.writelines([b"wor", "ld"])
    assert stream.tell() == len("héllo world".encode())
    assert stream.encoding == "utf-8" and stream.mode == "wb+"
    assert not stream.isatty()
    stream.flush()
    assert response.get_data() == "héllo world".encode()
    stream.close()
    with pytest.raises(ValueError, match="closed"):
        stream.write("more")


def test_writing_to_the_stream_drops_a_stale_content_length():
    response = Response("abc")
    response.stream.write("def")

    assert "Content-Length" not in response.headers
    assert send(response)[1]["Content-Length"] == "6"


def test_repr_tells_body_size_or_streaming():
    assert repr(Response("Hello World!")) == "<Response 12 bytes [200 OK]>"
    assert repr(Response(iter([b"x"]), 404)) == "<Response streamed [404 NOT FOUND]>"


# -- status --------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, status, code",
    [
        (None, "200 OK", 200),
        (404, "404 NOT FOUND", 404),
        (HTTPStatus.CREATED, "201 CREATED", 201),
        ("404", "404 NOT FOUND", 404),
        ("418 I'm a teapot", "418 I'm a teapot", 418),
        ("299 Custom", "299 Custom", 299),
        (599, "599 UNKNOWN", 599),
        ("  302  ", "302 FOUND", 302),
    ],
)
def test_status_forms(given, status, code):
    response = Response(status=given)

    assert response.status == status
    assert response.status_code == code


def test_setting_either_status_attribute_updates_both():
    response = Response()

    response.status_code = 500
    assert response.status == "500 INTERNAL SERVER ERROR"
    response.status = "201 Made"
    assert response.status_code == 201
    assert send(response)[0] == "201 Made"


@pytest.mark.parametrize("bad", [b"200 OK", 200.0, ["200"]])
def test_status_of_the_wrong_type_is_a_type_error(bad):
    with pytest.raises(TypeError, match="status must be an int or a str"):
        Response(status=bad)


@pytest.mark.parametrize("bad", ["", "   ", "OK", "20 OK", "2000", 99, 1000, -1, "200OK", "200 OK\r\nX-Evil: 1"])
def test_malformed_status_is_a_value_error(bad):
    with pytest.raises(ValueError, match="status"):
        Response(status=bad)


# -- content type --------------------------------------------------------------


def test_mimetype_and_charset():
    assert Response().mimetype == "text/html"
    assert Response(mimetype="text/plain").content_type == "text/plain; charset=utf-8"
    assert Response(mimetype="application/json").content_type == "application/json"
    assert Response(content_type="text/csv").content_type == "text/csv"
    assert Response(headers={"Content-Type": "image/png"}).content_type == "image/png"


def test_setting_mimetype_adds_charset_for_text():
    response = Response()
    response.mimetype = "text/xml"

    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.mimetype == "text/xml"


def test_mimetype_params_write_back():
    response = Response(mimetype="text/plain")

    assert response.mimetype_params == {"charset": "utf-8"}
    params = response.mimetype_params
    params["charset"] = "latin-1"
    params["format"] = "flowed"
    assert response.content_type == "text/plain; charset=latin-1; format=flowed"


def test_headers_may_be_a_list_a_dict_or_headers():
    shared = Headers([("X-A", "1")])

    assert Response(headers=[("X-A", "1"), ("X-A", "2")]).headers.getlist("X-A") == ["1", "2"]
    assert Response(headers={"X-A": "1"}).headers["X-A"] == "1"
    assert Response(headers=shared).headers is shared


# -- header properties -----------------------------------------------------------


@pytest.mark.parametrize(
    "attribute, header, value",
    [
        ("location", "Location", "/next"),
        ("content_location", "Content-Location", "/doc.txt"),
        ("content_encoding", "Content-Encoding", "gzip"),
        ("content_md5", "Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ=="),
        ("content_type", "Content-Type", "text/csv"),
        ("accept_ranges", "Accept-Ranges", "bytes"),
        ("access_control_allow_origin", "Access-Control-Allow-Origin", "https://example.com"),
        ("cross_origin_opener_policy", "Cross-Origin-Opener-Policy", "same-origin"),
        ("cross_origin_embedder_policy", "Cross-Origin-Embedder-Policy", "require-corp"),
    ],
)
def test_string_header_properties_round_trip(attribute, header, value):
    response = Response()

    setattr(response, attribute, value)
    assert response.headers[header] == value
    assert getattr(response, attribute) == value
    setattr(response, attribute, None)
    assert header not in response.headers


def test_cross_origin_policies_default_to_unsafe_none():
    response = Response()

    assert response.cross_origin_opener_policy == "unsafe-none"
    assert response.cross_origin_embedder_policy == "unsafe-none"


@pytest.mark.parametrize(
    "attribute, header",
    [("content_length", "Content-Length"), ("access_control_max_age", "Access-Control-Max-Age")],
)
def test_integer_header_properties_round_trip(attribute, header):
    response = Response()

    setattr(response, attribute, 120)
    assert response.headers[header] == "120"
    assert getattr(response, attribute) == 120
    response.headers[header] = "not a number"
    assert getattr(response, attribute) is None


@pytest.mark.parametrize(
    "attribute, header", [("date", "Date"), ("expires", "Expires"), ("last_modified", "Last-Modified")]
)
def test_date_header_properties_round_trip(attribute, header):
    response = Response()
    moment = datetime(2024, 2, 29, 13, 5, 9, tzinfo=timezone.utc)

    setattr(response, attribute, moment)
    assert response.headers[header] == "Thu, 29 Feb 2024 13:05:09 GMT"
    assert getattr(response, attribute) == moment
    response.headers[header] = "not a date"
    assert getattr(response, attribute) is None


def test_age_is_a_timedelta():
    response = Response()

    response.age = timedelta(minutes=2)
    assert response.headers["Age"] == "120"
    assert response.age == timedelta(seconds=120)


def test_retry_after_accepts_seconds_or_a_datetime():
    response = Response(status=503)

    response.retry_after = 120
    assert response.headers["Retry-After"] == "120"
    wait = response.retry_after - datetime.now(timezone.utc)
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)
    moment = datetime(2030, 1, 1, tzinfo=timezone.utc)
    response.retry_after = moment
    assert response.headers["Retry-After"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert response.retry_after == moment
    response.retry_after = None
    assert response.retry_after is None and "Retry-After" not in response.headers


@pytest.mark.parametrize("value", ["soon", "-5", "9" * 5000, "99999999999999"])
def test_retry_after_that_is_no_date_or_delay_reads_as_none(value):
    response = Response(headers={"Retry-After": value})

    assert response.retry_after is None


@pytest.mark.parametrize(
    "attribute, header",
    [
        ("allow", "Allow"),
        ("vary", "Vary"),
        ("content_language", "Content-Language"),
        ("access_control_allow_headers", "Access-Control-Allow-Headers"),
        ("access_control_allow_methods", "Access-Control-Allow-Methods"),
        ("access_control_expose_headers", "Access-Control-Expose-Headers"),
    ],
)
def test_set_header_properties_write_changes_back(attribute, header):
    response = Response()

    getattr(response, attribute).add("Alpha")
    getattr(response, attribute).add("Beta")
    assert response.headers[header] == "Alpha, Beta"
    assert "beta" in getattr(response, attribute)
    getattr(response, attribute).clear()
    assert header not in response.headers
    setattr(response, attribute, ["One", "Two"])
    assert response.headers[header] == "One, Two"
    setattr(response, attribute, "Three")
    assert response.headers[header] == "Three"
    setattr(response, attribute, None)
    assert header not in response.headers


def test_cache_control_writes_back_and_disappears_when_empty():
    response = Response()

    response.cache_control.max_age = 300
    response.cache_control.public = True
    assert {part.strip() for part in response.headers["Cache-Control"].split(",")} == {"max-age=300", "public"}
    assert response.cache_control.max_age == 300
    response.cache_control.max_age = None
    response.cache_control.public = False
    assert "Cache-Control" not in response.headers


def test_content_range_writes_back():
    response = Response()

    assert not response.content_range
    response.content_range.set(0, 500, 1000)
    assert response.headers["Content-Range"] == "bytes 0-499/1000"
    content_range = response.content_range
    assert (content_range.units, content_range.start, content_range.stop, content_range.length) == (
        "bytes", 0, 500, 1000
    )
    response.content_range = "bytes 500-999/1000"
    assert response.content_range.start == 500
    response.content_range = None
    assert "Content-Range" not in response.headers


def test_www_authenticate_writes_back():
    response = Response(status=401)

    challenge = response.www_authenticate
    challenge.type = "basic"
    challenge.realm = "admin area"
    assert response.headers["WWW-Authenticate"].lower().startswith("basic ")
    assert 'realm="admin area"' in response.headers["WWW-Authenticate"]
    assert response.www_authenticate.realm == "admin area"


def test_content_security_policy_is_a_dict_that_writes_back():
    response = Response()

    policy = response.content_security_policy
    policy["default-src"] = "'self'"
    policy["img-src"] = "*"
    assert response.headers["Content-Security-Policy"] == "default-src 'self'; img-src *"
    assert response.content_security_policy == {"default-src": "'self'", "img-src": "*"}
    response.content_security_policy_report_only = {"script-src": "'none'"}
    assert response.headers["Content-Security-Policy-Report-Only"] == "script-src 'none'"
    response.content_security_policy.clear()
    assert "Content-Security-Policy" not in response.headers


def test_access_control_allow_credentials_is_sent_only_when_true():
    response = Response()

    assert response.access_control_allow_credentials is False
    response.access_control_allow_credentials = True
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.access_control_allow_credentials is True
    response.access_control_allow_credentials = False
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    "attribute, value",
    [
        ("location", "/next\r\nSet-Cookie: admin=1"),
        ("content_type", "text/html\nX-Evil: 1"),
        ("mimetype", "text/html\r\nX-Evil: 1"),
        ("access_control_allow_origin", "https://a.example\rX-Evil: 1"),
        ("vary", "Accept\nX-Evil: 1"),
    ],
)
def test_header_injection_through_a_property_is_refused(attribute, value):
    response = Response()

    with pytest.raises(ValueError, match="CR, LF"):
        setattr(response, attribute, value)
    assert "X-Evil" not in str(response.headers) and "admin" not in str(response.headers)


def test_header_injection_through_the_constructor_is_refused():
    with pytest.raises(ValueError):
        Response(headers={"X-Note": "fine\r\nSet-Cookie: admin=1"})
    with pytest.raises(ValueError):
        Response(content_type="text/plain\nX-Evil: 1")


# -- JSON ------------------------------------------------------------------------


def test_json_bodies():
    response = Response(json.dumps({"a": [1, 2]}), mimetype="application/json")

    assert response.is_json
    assert response.json == {"a": [1, 2]}
    assert Response("{}", mimetype="application/vnd.api+json").is_json


def test_get_json_on_a_non_json_mimetype():
    response = Response('{"a": 1}', mimetype="text/plain")

    assert not response.is_json
    assert response.get_json() is None
    assert response.get_json(force=True) == {"a": 1}


def test_invalid_json_raises_unless_silent():
    response = Response("{not json", mimetype="application/json")

    with pytest.raises(ValueError):
        response.get_json()
    assert response.get_json(silent=True) is None


# -- cookies ---------------------------------------------------------------------


def test_set_cookie_adds_one_header_per_cookie():
    response = Response()
    response.set_cookie("session", "abc123", max_age=3600, path="/app", domain="example.com",
                        secure=True, httponly=True, samesite="Lax")
    response.set_cookie("theme", "dark")

    session, theme = response.headers.getlist("Set-Cookie")
    attributes = [part.strip() for part in session.split(";")]
    assert attributes[0] == "session=abc123"
    assert {"Max-Age=3600", "Path=/app", "Domain=example.com", "Secure", "HttpOnly", "SameSite=Lax"} <= set(
        attributes
    )
    assert any(part.startswith("Expires=") for part in attributes)
    assert theme.startswith("theme=dark;") and "Path=/" in theme
    assert send(response)[1].getlist("Set-Cookie") == [session, theme]


def test_delete_cookie_expires_it_now():
    response = Response()
    response.delete_cookie("session", path="/app", domain="example.com")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=;") or cookie.startswith('session="";')
    assert "Max-Age=0" in cookie
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in cookie
    assert "Path=/app" in cookie and "Domain=example.com" in cookie


def test_invalid_samesite_is_a_value_error():
    with pytest.raises(ValueError, match="(?i)samesite"):
        Response().set_cookie("a", "b", samesite="Sometimes")


def test_a_cookie_longer_than_max_cookie_size_warns_but_is_set():
    response = Response()

    with pytest.warns(UserWarning):
        response.set_cookie("big", "x" * 5000)
    assert response.headers["Set-Cookie"].startswith("big=xxx")


def test_max_cookie_size_is_configurable_per_class():
    class SmallCookieResponse(Response):
        max_cookie_size = 20

    with pytest.warns(UserWarning):
        SmallCookieResponse().set_cookie("name", "a value that is too long")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Response().set_cookie("name", "a value that is too long")


def test_max_cookie_size_may_be_a_property():
    # How a framework can make the limit follow its configuration.
    class ConfiguredResponse(Response):
        limit = 4093

        @property
        def max_cookie_size(self):
            return self.limit

    ConfiguredResponse.limit = 20
    with pytest.warns(UserWarning, match="over the limit of 20 bytes"):
        ConfiguredResponse().set_cookie("name", "a value that is too long")


def test_a_cookie_value_cannot_add_header_lines():
    response = Response("body", headers={"X-Before": "1"})
    response.set_cookie("a", "x\r\nSet-Cookie: evil=1\x00")

    status, headers, body = send(response)
    (cookie,) = headers.getlist("Set-Cookie")
    assert "\r" not in cookie and "\n" not in cookie and "\x00" not in cookie
    assert cookie.startswith('a="x\\015\\012Set-Cookie: evil=1\\000";')
    assert headers["X-Before"] == "1"


# -- ETags -----------------------------------------------------------------------


def test_set_and_get_etag():
    response = Response()

    assert response.get_etag() == (None, None)
    response.set_etag("v1")
    assert response.headers["ETag"] == '"v1"'
    assert response.get_etag() == ("v1", False)
    response.set_etag("v2", weak=True)
    assert response.headers["ETag"] == 'W/"v2"'
    assert response.get_etag() == ("v2", True)


def test_add_etag_hashes_the_body_once():
    response = Response("content")

    response.add_etag()
    assert response.get_etag() == (generate_etag(b"content"), False)
    response.set_data("changed")
    response.add_etag()
    assert response.get_etag()[0] == generate_etag(b"content")
    response.add_etag(overwrite=True, weak=True)
    assert response.get_etag() == (generate_etag(b"changed"), True)


def test_freeze_buffers_the_body_and_sets_length_and_etag():
    closed = []

    def generate():
        try:
            yield "fro"
            yield b"zen"
        finally:
            closed.append(True)

    response = Response(generate(), direct_passthrough=True)
    response.freeze()

    assert response.response == [b"fro", b"zen"]
    assert response.headers["Content-Length"] == "6"
    assert response.get_etag() == (generate_etag(b"frozen"), False)
    assert send(response)[2] == b"frozen"
    assert closed == [True]


# -- conditional responses ---------------------------------------------------------


def conditional(body=b"0123456789", etag="v1", last_modified=None, **headers):
    """A response with ``etag`` made conditional on a GET carrying ``headers``."""
    response = Response(body, mimetype="text/plain")
    if etag:
        response.set_etag(etag)
    if last_modified:
        response.last_modified = last_modified
    accept_ranges = headers.pop("accept_ranges", True)
    complete_length = headers.pop("complete_length", None)
    request_headers = {name.replace("_", "-"): value for name, value in headers.items()}
    environ = make_environ("GET", request_headers)
    return response.make_conditional(environ, accept_ranges=accept_ranges, complete_length=complete_length)


def test_make_conditional_sets_date_and_accept_ranges():
    response = conditional()

    assert response.status_code == 200
    assert response.date is not None
    assert response.headers["Accept-Ranges"] == "bytes"
    assert conditional(accept_ranges="none").headers["Accept-Ranges"] == "none"
    assert "Accept-Ranges" not in conditional(accept_ranges=False).headers


def test_matching_if_none_match_gives_304_without_body():
    response = conditional(If_None_Match='"v0", "v1"')

    assert response.status_code == 304
    status, headers, body = send(response)
    assert status == "304 NOT MODIFIED"
    assert body == b""
    assert "Content-Length" not in headers and "Content-Type" not in headers
    assert headers["ETag"] == '"v1"'


def test_weak_if_none_match_also_matches():
    assert conditional(If_None_Match='W/"v1"').status_code == 304


def test_other_etag_in_if_none_match_gives_full_200():
    response = conditional(If_None_Match='"v2"')

    assert response.status_code == 200
    assert send(response)[2] == b"0123456789"


def test_if_modified_since_gives_304_when_not_changed_since():
    def status_for(if_modified_since):
        changed = datetime(2024, 1, 1, tzinfo=timezone.utc)
        return conditional(etag=None, last_modified=changed, If_Modified_Since=if_modified_since).status_code

    assert status_for("Mon, 01 Jan 2024 00:00:00 GMT") == 304
    assert status_for("Sun, 31 Dec 2023 00:00:00 GMT") == 200
    assert status_for("garbage") == 200


def test_failed_if_match_gives_412():
    assert conditional(If_Match='"v2"').status_code == 412
    assert conditional(etag=None, If_Match='"v1"').status_code == 412
    assert conditional(If_Match='"v1"').status_code == 200
    assert conditional(If_Match="*").status_code == 200


def test_if_match_needs_a_strong_etag():
    response = Response("x")
    response.set_etag("v1", weak=True)

    response.make_conditional(make_environ("GET", {"If-Match": 'W/"v1"'}))
    assert response.status_code == 412


def test_if_unmodified_since_older_than_last_modified_gives_412():
    def status_for(if_unmodified_since):
        changed = datetime(2024, 6, 1, tzinfo=timezone.utc)
        return conditional(last_modified=changed, If_Unmodified_Since=if_unmodified_since).status_code

    assert status_for("Sat, 01 Jun 2024 00:00:00 GMT") == 200
    assert status_for("Fri, 31 May 2024 00:00:00 GMT") == 412


def test_412_is_sent_with_the_body_of_the_response():
    status, headers, body = send(conditional(If_Match='"other"'))

    assert status == "412 PRECONDITION FAILED"
    assert body == b"0123456789"


def test_make_conditional_leaves_other_methods_alone():
    response = Response("x")
    response.set_etag("v1")

    response.make_conditional(make_environ("POST", {"If-None-Match": '"v1"'}))
    assert response.status_code == 200
    assert "Date" not in response.headers


def test_make_conditional_takes_a_request_like_object():
    class FakeRequest:
        environ = make_environ("GET", {"If-None-Match": '"v1"'})

    response = Response("x")
    response.set_etag("v1")

    assert response.make_conditional(FakeRequest()) is response
    assert response.status_code == 304


def test_a_conditional_view_through_the_test_client():
    def report(environ, start_response):
        response = Response("the report", mimetype="text/plain")
        response.add_etag()
        return response.make_conditional(environ)(environ, start_response)

    client = Client(validator(report))
    with client.get("/") as first:
        assert first.status_code == 200
        etag = first.headers["ETag"]
    with client.get("/", headers={"If-None-Match": etag}) as second:
        assert second.status_code == 304
        assert second.data == b""
    with client.head("/") as head:
        assert head.data == b""
        assert head.headers["Content-Length"] == "10"


def test_single_byte_range_gives_206_with_the_slice():
    response = conditional(Range="bytes=2-5")

    assert response.status_code == 206
    status, headers, body = send(response)
    assert status == "206 PARTIAL CONTENT"
    assert body == b"2345"
    assert headers["Content-Range"] == "bytes 2-5/10"
    assert headers["Content-Length"] == "4"
    assert headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    "range_header, body, content_range",
    [
        ("bytes=-3", b"789", "bytes 7-9/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=8-20", b"89", "bytes 8-9/10"),
    ],
)
def test_open_and_suffix_ranges(range_header, body, content_range):
    response = conditional(Range=range_header)

    assert response.get_data() == body
    assert response.headers["Content-Range"] == content_range


@pytest.mark.parametrize("range_header", ["bytes=10-20", "bytes=5-2", "bytes=abc"])
def test_unsatisfiable_range_raises_416_with_the_length(range_header):
    with pytest.raises(RequestedRangeNotSatisfiable) as caught:
        conditional(Range=range_header)

    assert caught.value.code == 416
    assert caught.value.length == 10
    assert ("Content-Range", "bytes */10") in caught.value.get_headers()


def test_multiple_ranges_and_unknown_units_get_the_whole_body():
    for range_header in ("bytes=0-1, 4-5", "items=0-1"):
        response = conditional(Range=range_header)
        assert response.status_code == 200
        assert response.get_data() == b"0123456789"


def test_range_is_ignored_unless_ranges_are_accepted():
    response = conditional(Range="bytes=0-1", accept_ranges=False)

    assert response.status_code == 200
    assert response.get_data() == b"0123456789"


def test_if_range_with_the_current_etag_allows_the_range():
    assert conditional(Range="bytes=0-1", If_Range='"v1"').status_code == 206
    stale = conditional(Range="bytes=0-1", If_Range='"v0"')
    assert stale.status_code == 200
    assert stale.get_data() == b"0123456789"


def test_if_range_with_a_date_needs_an_exact_last_modified():
    changed = datetime(2024, 3, 1, tzinfo=timezone.utc)
    same = "Fri, 01 Mar 2024 00:00:00 GMT"
    later = "Sat, 02 Mar 2024 00:00:00 GMT"

    assert conditional(last_modified=changed, Range="bytes=0-1", If_Range=same).status_code == 206
    assert conditional(last_modified=changed, Range="bytes=0-1", If_Range=later).status_code == 200


def test_if_none_match_wins_over_range():
    assert conditional(Range="bytes=0-1", If_None_Match='"v1"').status_code == 304


def test_range_on_a_file_body_reads_only_the_slice(big_file):
    body = RecordingFile(big_file)
    response = Response(body, mimetype="application/octet-stream", direct_passthrough=True)

    response.make_conditional(
        make_environ("GET", {"Range": "bytes=50000-50999"}), accept_ranges=True, complete_length=100_000
    )
    status, headers, data = send(response)

    assert status == "206 PARTIAL CONTENT"
    assert headers["Content-Range"] == "bytes 50000-50999/100000"
    assert headers["Content-Length"] == "1000"
    assert data == bytes(i % 251 for i in range(50_000, 51_000))
    assert body.bytes_read == 1000
    assert body.closed


def test_range_on_a_wrapped_file_seeks_before_reading(big_file):
    file = RecordingFile(big_file)
    response = Response(FileWrapper(file, buffer_size=4096), direct_passthrough=True)

    last_ten_bytes = make_environ("GET", {"Range": "bytes=-10"})
    response.make_conditional(last_ten_bytes, accept_ranges=True, complete_length=100_000)

    assert send(response)[2] == bytes(i % 251 for i in range(99_990, 100_000))
    assert file.bytes_read == 10
    assert file.closed


def test_range_on_a_generator_skips_to_the_slice():
    response = Response(iter([b"0123", "4567", b"89"]))

    response.make_conditional(make_environ("GET", {"Range": "bytes=3-6"}), accept_ranges=True, complete_length=10)

    assert response.status_code == 206
    assert send(response)[2] == b"3456"


def test_a_streamed_body_without_complete_length_is_sent_whole():
    response = Response(iter([b"0123456789"]), direct_passthrough=True)

    response.make_conditional(make_environ("GET", {"Range": "bytes=0-1"}), accept_ranges=True)

    assert response.status_code == 200
    assert send(response)[2] == b"0123456789"


# -- sending over WSGI --------------------------------------------------------------


def test_head_sends_headers_but_no_body():
    produced = []

    def generate():
        produced.append(True)
        yield b"body"

    response = Response("Hello")

    status, headers, body = send(response, method="HEAD")
    assert (status, body) == ("200 OK", b"")
    assert headers["Content-Length"] == "5"
    assert send(Response(generate()), method="HEAD")[2] == b""
    assert produced == []


@pytest.mark.parametrize("code", [204, 304])
def test_statuses_without_a_body_send_none(code):
    status, headers, body = send(Response("ignored", status=code))

    assert status.startswith(str(code))
    assert body == b""
    assert "Content-Length" not in headers


def test_the_body_is_closed_even_when_not_sent():
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"x"])

        def close(self):
            closed.append(True)

    send(Response(Body()), method="HEAD")
    assert closed == [True]


def test_call_on_close_runs_once_when_the_iterator_is_closed():
    response = Response("done")
    calls = []

    @response.call_on_close
    def cleanup():
        calls.append("cleanup")

    status, headers, app_iter = start(response)
    assert b"".join(app_iter) == b"done"
    assert calls == []
    app_iter.close()
    app_iter.close()
    assert calls == ["cleanup"]
    assert cleanup.__name__ == "cleanup"


def test_closing_the_response_closes_the_body_and_runs_callbacks():
    closed = []
    body = io.BytesIO(b"data")

    with Response(body, direct_passthrough=True) as response:
        response.call_on_close(lambda: closed.append("callback"))
    assert body.closed
    assert closed == ["callback"]


def test_direct_passthrough_hands_the_body_over_untouched():
    body = FileWrapper(io.BytesIO(b"file data"))
    response = Response(body, direct_passthrough=True)

    assert response.get_app_iter(make_environ()) is body
    assert send(response)[2] == b"file data"


def test_direct_passthrough_still_runs_close_callbacks():
    calls = []
    response = Response(FileWrapper(io.BytesIO(b"file data")), direct_passthrough=True)
    response.call_on_close(lambda: calls.append("closed"))

    assert send(response)[2] == b"file data"
    assert calls == ["closed"]


def test_get_wsgi_response_returns_app_iter_status_and_header_list():
    app_iter, status, header_list = Response("hi", 201).get_wsgi_response(make_environ())

    assert status == "201 CREATED"
    assert ("Content-Length", "2") in header_list
    assert list(app_iter) == [b"hi"]
    app_iter.close()


def test_get_wsgi_headers_returns_a_copy():
    response = Response(["a"])

    headers = response.get_wsgi_headers(make_environ())
    assert headers["Content-Length"] == "1"
    assert "Content-Length" not in response.headers


def test_location_is_sent_as_an_ascii_uri():
    response = Response(status=302)
    response.location = "/wiki/Straße?q=ä"

    assert send(response)[1]["Location"] == "/wiki/Stra%C3%9Fe?q=%C3%A4"
    assert response.location == "/wiki/Straße?q=ä"


def test_relative_location_stays_relative_unless_autocorrected():
    class AbsoluteRedirect(Response):
        autocorrect_location_header = True

    relative = Response(status=302, headers={"Location": "../other"})
    absolute = AbsoluteRedirect(status=302, headers={"Location": "../other"})

    assert send(relative, path="/a/b/c")[1]["Location"] == "../other"
    assert send(absolute, path="/a/b/c")[1]["Location"] == "http://localhost/a/other"


def test_headers_changed_after_the_response_was_made_are_sent_as_changed():
    response = Response("hi")
    response.headers["X-Late"] = "1"
    response.location = "/wiki/Straße"

    status, headers, body = send(response)
    assert headers["X-Late"] == "1"
    assert headers["Location"] == "/wiki/Stra%C3%9Fe"
    assert headers["Content-Length"] == "2"


def test_a_body_replaced_after_the_response_was_made_is_encoded_when_sent():
    response = Response("hi")
    response.response = ["café", b"!"]

    assert send(response)[2] == "café!".encode()


def test_a_subclass_that_overrides_set_data_or_get_wsgi_headers_gets_them_called():
    class TaggedResponse(Response):
        def set_data(self, value):
            super().set_data(value)
            self.headers["X-Set-Data"] = "yes"

        def get_wsgi_headers(self, environ):
            headers = super().get_wsgi_headers(environ)
            headers["X-Sent-By"] = "TaggedResponse"
            return headers

    status, headers, body = send(TaggedResponse("hi"))
    assert headers["X-Set-Data"] == "yes"
    assert headers["X-Sent-By"] == "TaggedResponse"
    assert body == b"hi"


# -- converting other responses and apps ---------------------------------------------


def hello_app(environ, start_response):
    start_response("202 Accepted", [("Content-Type", "text/plain"), ("X-App", "plain")])
    return [b"Hello from ", environ["PATH_INFO"].encode()]


def test_force_type_runs_a_plain_wsgi_app():
    with Response.force_type(validator(hello_app), make_environ(path="/there")) as response:
        assert isinstance(response, Response)
        assert response.status == "202 Accepted"
        assert response.headers["X-App"] == "plain"
        assert response.get_data() == b"Hello from /there"


def test_force_type_changes_the_class_of_a_response_in_place():
    class JSONishResponse(Response):
        def shout(self):
            return self.get_data(as_text=True).upper()

    original = Response("quiet")
    converted = JSONishResponse.force_type(original)

    assert converted is original
    assert converted.shout() == "QUIET"


def test_force_type_needs_an_environ_for_a_wsgi_app():
    with pytest.raises(TypeError, match="environ"):
        Response.force_type(hello_app)


def test_from_app_builds_a_response_of_the_class():
    class MyResponse(Response):
        pass

    response = MyResponse.from_app(validator(hello_app), make_environ(path="/x"), buffered=True)

    assert type(response) is MyResponse
    assert response.status_code == 202
    assert response.get_data() == b"Hello from /x"
