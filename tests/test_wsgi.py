"""The WSGI helpers: host and URL from the environ, and the guarded body stream."""
import io
import tempfile
from wsgiref.validate import validator

import pytest

from microflask.toolkit.exceptions import BadHost, BadRequest, ClientDisconnected, RequestEntityTooLarge
from microflask.toolkit.test import Client
from microflask.toolkit.wrappers import Response
from microflask.toolkit.wsgi import (
    ClosingIterator,
    FileWrapper,
    LimitedStream,
    get_content_length,
    get_current_url,
    get_host,
    get_input_stream,
    host_is_trusted,
    responder,
    wrap_file,
)


def make_environ(**extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    environ.update(extra)
    return environ


class UnreadableStream(io.RawIOBase):
    """Fails the test if anything tries to read the body."""

    def read(self, size=-1):
        raise AssertionError("the body must not be read")

    readline = read


class TricklingStream(io.RawIOBase):
    """Hands out a few bytes per read, like a slow socket."""

    def __init__(self, data, step=3):
        self.data = data
        self.step = step

    def read(self, size=-1):
        size = self.step if size is None or size < 0 else min(size, self.step)
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


# -- host --------------------------------------------------------------------


def test_host_comes_from_the_host_header():
    assert get_host(make_environ(HTTP_HOST="example.com:8080")) == "example.com:8080"


def test_host_falls_back_to_server_name_and_port():
    assert get_host(make_environ(SERVER_NAME="example.org", SERVER_PORT="8000")) == "example.org:8000"


@pytest.mark.parametrize(
    "scheme, host, expected",
    [
        ("http", "example.com:80", "example.com"),
        ("https", "example.com:443", "example.com"),
        ("https", "example.com:80", "example.com:80"),
        ("http", "[::1]:80", "[::1]"),
    ],
)
def test_host_drops_the_default_port_of_the_scheme(scheme, host, expected):
    assert get_host(make_environ(HTTP_HOST=host, **{"wsgi.url_scheme": scheme})) == expected


def test_x_forwarded_host_is_not_trusted():
    environ = make_environ(HTTP_HOST="example.com", HTTP_X_FORWARDED_HOST="evil.com")
    assert get_host(environ) == "example.com"


@pytest.mark.parametrize(
    "host", ["a b.com", "evil.com\r\nX-Injected: 1", "exa\x00mple.com", "\u00e9vil.com", "x.com:80a"]
)
def test_malformed_host_is_a_bad_request(host):
    with pytest.raises(BadHost) as info:
        get_host(make_environ(HTTP_HOST=host))
    assert info.value.code == 400


def test_trusted_hosts_accept_listed_names_and_refuse_others():
    environ = make_environ(HTTP_HOST="example.com:8080")
    assert get_host(environ, trusted_hosts=["example.com"]) == "example.com:8080"
    with pytest.raises(BadHost):
        get_host(make_environ(HTTP_HOST="evil.com"), trusted_hosts=["example.com"])


def test_trusted_host_with_leading_dot_covers_subdomains():
    trusted = [".example.com"]
    assert host_is_trusted("example.com", trusted)
    assert host_is_trusted("api.example.com", trusted)
    assert host_is_trusted("API.Example.com:8443", trusted)
    assert not host_is_trusted("badexample.com", trusted)
    assert not host_is_trusted("example.com.evil.org", trusted)


def test_trusted_host_entry_with_port_requires_that_port():
    assert host_is_trusted("example.com:8080", ["example.com:8080"])
    assert not host_is_trusted("example.com:9090", ["example.com:8080"])


# -- current URL ---------------------------------------------------------------


def test_current_url_has_every_part():
    environ = make_environ(
        HTTP_HOST="example.com", SCRIPT_NAME="/app", PATH_INFO="/page", QUERY_STRING="a=1&b=2"
    )
    assert get_current_url(environ) == "http://example.com/app/page?a=1&b=2"
    assert get_current_url(environ, strip_querystring=True) == "http://example.com/app/page"
    assert get_current_url(environ, root_only=True) == "http://example.com/app/"
    assert get_current_url(environ, host_only=True) == "http://example.com/"


def test_current_url_percent_encodes_a_non_ascii_path():
    # WSGI gives the path as the UTF-8 bytes spelled as latin-1 characters.
    path_info = "/caf\u00e9 menu".encode("utf-8").decode("latin-1")
    environ = make_environ(HTTP_HOST="example.com", PATH_INFO=path_info, QUERY_STRING="q=%C3%A9")
    assert get_current_url(environ) == "http://example.com/caf%C3%A9%20menu?q=%C3%A9"


def test_current_url_checks_trusted_hosts():
    with pytest.raises(BadHost):
        get_current_url(make_environ(HTTP_HOST="evil.com"), trusted_hosts=["example.com"])


# -- content length ------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42), ("0", 0), (" 7 ", 7), ("", None), ("-1", None), ("abc", None),
        ("+5", None), ("5_0", None), ("\u0665", None), ("9" * 5000, None),
    ],
)
def test_content_length_is_a_non_negative_int_or_none(value, expected):
    assert get_content_length(make_environ(CONTENT_LENGTH=value)) == expected


def test_content_length_is_unknown_for_chunked_bodies():
    environ = make_environ(CONTENT_LENGTH="10", HTTP_TRANSFER_ENCODING="gzip, Chunked")
    assert get_content_length(environ) is None


# -- the guarded input stream ----------------------------------------------------


def test_input_stream_stops_at_content_length():
    environ = make_environ(CONTENT_LENGTH="5", **{"wsgi.input": io.BytesIO(b"hello, and more")})
    stream = get_input_stream(environ)
    assert stream.read() == b"hello"
    assert stream.read() == b""


def test_input_stream_without_length_is_empty():
    environ = make_environ(**{"wsgi.input": UnreadableStream()})
    assert get_input_stream(environ).read() == b""


def test_input_stream_without_length_can_return_the_raw_input():
    raw = io.BytesIO(b"raw")
    assert get_input_stream(make_environ(**{"wsgi.input": raw}), safe_fallback=False) is raw


def test_too_large_declared_length_is_refused_before_reading():
    environ = make_environ(CONTENT_LENGTH="1000", **{"wsgi.input": UnreadableStream()})
    with pytest.raises(RequestEntityTooLarge) as info:
        get_input_stream(environ, max_content_length=100)
    assert info.value.code == 413


def test_terminated_input_of_unknown_length_is_read_to_its_end():
    environ = make_environ(**{"wsgi.input": io.BytesIO(b"chunked body"), "wsgi.input_terminated": True})
    assert get_input_stream(environ).read() == b"chunked body"


def test_terminated_input_is_counted_against_the_limit():
    environ = make_environ(**{"wsgi.input": io.BytesIO(b"x" * 11), "wsgi.input_terminated": True})
    stream = get_input_stream(environ, max_content_length=10)
    assert stream.read(4) == b"xxxx"
    with pytest.raises(RequestEntityTooLarge):
        stream.read()


def test_terminated_input_within_the_limit_reads_fully():
    environ = make_environ(**{"wsgi.input": io.BytesIO(b"line 1\nline 2"), "wsgi.input_terminated": True})
    stream = get_input_stream(environ, max_content_length=13)
    assert stream.readline() == b"line 1\n"
    assert stream.read() == b"line 2"
    assert stream.read() == b""


# -- LimitedStream ---------------------------------------------------------------


def test_limited_stream_reads_in_pieces_and_reports_position():
    stream = LimitedStream(io.BytesIO(b"abcdefgh-not-part-of-body"), 8)
    assert stream.read(3) == b"abc"
    assert stream.tell() == 3
    assert not stream.is_exhausted
    assert stream.read(100) == b"defgh"
    assert stream.is_exhausted
    assert stream.read(1) == b""


def test_limited_stream_reads_lines():
    stream = LimitedStream(io.BytesIO(b"one\ntwo\nthree\nignored"), 14)
    assert stream.readline() == b"one\n"
    assert stream.readline(2) == b"tw"
    assert stream.readlines() == [b"o\n", b"three\n"]
    assert list(LimitedStream(io.BytesIO(b"a\nb\nc"), 4)) == [b"a\n", b"b\n"]


def test_limited_stream_joins_short_reads():
    stream = LimitedStream(TricklingStream(b"0123456789"), 10)
    assert stream.read() == b"0123456789"


def test_limited_stream_raises_when_the_client_disconnects():
    stream = LimitedStream(io.BytesIO(b"only 9 by"), 20)
    with pytest.raises(ClientDisconnected) as info:
        stream.read()
    assert isinstance(info.value, BadRequest)
    assert "9 of the 20 bytes" in info.value.description


def test_limited_stream_readline_notices_a_disconnect():
    stream = LimitedStream(io.BytesIO(b"partial\n"), 50)
    assert stream.readline() == b"partial\n"
    with pytest.raises(ClientDisconnected):
        stream.readline()


class SizeRecordingStream(io.BytesIO):
    """A BytesIO that remembers the largest size it was asked to read."""

    largest_request = 0

    def read(self, size=-1):
        self.largest_request = max(self.largest_request, size)
        return super().read(size)

    def readline(self, size=-1):
        self.largest_request = max(self.largest_request, size)
        return super().readline(size)


@pytest.mark.parametrize("declared", [10**9, 10**25])
def test_a_lying_content_length_is_a_disconnect_not_a_huge_read(declared):
    raw = SizeRecordingStream(b"short body")
    with pytest.raises(ClientDisconnected):
        LimitedStream(raw, declared).read()
    assert raw.largest_request <= 1024 * 1024


def test_a_lying_content_length_does_not_break_readline():
    raw = SizeRecordingStream(b"line\n" + b"x" * 200_000 + b"\nend")
    stream = LimitedStream(raw, 10**25)
    assert stream.readline() == b"line\n"
    assert stream.readline() == b"x" * 200_000 + b"\n"
    assert stream.readline() == b"end"
    assert raw.largest_request <= 1024 * 1024


def test_limited_stream_exhaust_skips_the_rest():
    raw = io.BytesIO(b"0123456789after")
    stream = LimitedStream(raw, 10)
    stream.read(2)
    stream.exhaust(chunk_size=3)
    assert stream.is_exhausted
    assert raw.read() == b"after"


def test_limited_stream_never_closes_the_server_stream():
    raw = io.BytesIO(b"data")
    LimitedStream(raw, 4).close()
    assert not raw.closed


# -- response helpers --------------------------------------------------------------


def test_closing_iterator_closes_the_iterable_then_runs_callbacks_once():
    calls = []

    class Body:
        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            calls.append("body")

    iterator = ClosingIterator(Body(), [lambda: calls.append("first"), lambda: calls.append("second")])
    assert list(iterator) == [b"a", b"b"]
    iterator.close()
    iterator.close()
    assert calls == ["body", "first", "second"]


def test_closing_iterator_accepts_a_single_callback():
    calls = []
    iterator = ClosingIterator([b"x"], lambda: calls.append("done"))
    iterator.close()
    assert calls == ["done"]


def test_file_wrapper_reads_in_chunks_and_closes_the_file():
    file = io.BytesIO(b"abcdefg")
    wrapper = FileWrapper(file, buffer_size=3)
    assert list(wrapper) == [b"abc", b"def", b"g"]
    assert wrapper.seekable()
    wrapper.close()
    assert file.closed


def test_wrap_file_prefers_the_servers_file_wrapper():
    class ServerWrapper:
        def __init__(self, file, buffer_size):
            self.file, self.buffer_size = file, buffer_size

    with tempfile.TemporaryFile() as file:
        wrapped = wrap_file({"wsgi.file_wrapper": ServerWrapper}, file, 1024)
        assert isinstance(wrapped, ServerWrapper)
        assert wrapped.buffer_size == 1024
        assert isinstance(wrap_file({}, file), FileWrapper)


def test_wrapped_file_is_served_as_a_response_body():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return wrap_file(environ, io.BytesIO(b"file contents"), buffer_size=4)

    with Client(validator(app)).get("/") as response:
        assert response.get_data() == b"file contents"


def test_responder_turns_a_response_factory_into_an_app():
    @responder
    def app(environ, start_response):
        return Response(f"path is {environ['PATH_INFO']}", mimetype="text/plain")

    with Client(validator(app)).get("/here") as response:
        assert response.text == "path is /here"
    assert app.__name__ == "app"
