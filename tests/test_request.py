"""The Request object: a lazy view of a WSGI environ."""
import io
from datetime import datetime, timezone
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import ImmutableMultiDict, MultiDict
from microflask.toolkit.exceptions import BadHost, BadRequest, NotFound, RequestEntityTooLarge
from microflask.toolkit.test import Client, create_environ
from microflask.toolkit.wrappers import Request, Response


class UnreadableStream(io.RawIOBase):
    """Fails the test if anything tries to read the body."""

    def read(self, size=-1):
        raise AssertionError("the body must not be read")

    readline = read


# -- the URL ------------------------------------------------------------------


def test_url_parts_of_an_app_mounted_below_the_root():
    request = Request.from_values("/caf\u00e9/menu?dish=cr%C3%AApe&x=1", base_url="http://example.com/shop/")
    assert request.method == "GET"
    assert request.scheme == "http"
    assert request.host == "example.com"
    assert request.root_path == request.script_root == "/shop"
    assert request.path == "/caf\u00e9/menu"
    assert request.query_string == b"dish=cr%C3%AApe&x=1"
    assert request.full_path == "/caf\u00e9/menu?dish=cr%C3%AApe&x=1"
    assert request.host_url == "http://example.com/"
    assert request.root_url == request.url_root == "http://example.com/shop/"
    assert request.base_url == "http://example.com/shop/caf%C3%A9/menu"
    assert request.url == "http://example.com/shop/caf%C3%A9/menu?dish=cr%C3%AApe&x=1"
    assert request.args["dish"] == "cr\u00eape"


def test_full_path_keeps_the_question_mark_without_a_query():
    assert Request.from_values("/page").full_path == "/page?"


def test_path_always_starts_with_a_slash():
    assert Request(create_environ(environ_overrides={"PATH_INFO": ""})).path == "/"


def test_path_with_invalid_utf8_is_decoded_with_replacement():
    request = Request(create_environ(environ_overrides={"PATH_INFO": "/\xff"}))
    assert request.path == "/\ufffd"


def test_https_request_is_secure_and_keeps_a_non_default_port():
    request = Request.from_values("/", base_url="https://example.com:8443/")
    assert request.is_secure
    assert request.host == "example.com:8443"
    assert request.server == ("example.com", 8443)
    assert request.url == "https://example.com:8443/"


def test_untrusted_host_is_a_bad_request():
    class TrustingRequest(Request):
        trusted_hosts = ["example.com", ".example.org"]

    assert TrustingRequest.from_values("/", "http://api.example.org/").host == "api.example.org"
    request = TrustingRequest.from_values("/", "http://evil.com/")
    with pytest.raises(BadHost) as info:
        request.url
    assert info.value.code == 400
    assert "invalid URL" in repr(request)


def test_repr_names_url_and_method():
    assert repr(Request.from_values("/x")) == "<Request 'http://localhost/x' [GET]>"


# -- args, form, values, cookies -------------------------------------------------


def test_args_keep_repeated_and_blank_values():
    request = Request.from_values("/?tag=a&tag=b&empty=&plus=a+b&bad=%zz")
    assert isinstance(request.args, ImmutableMultiDict)
    assert request.args.getlist("tag") == ["a", "b"]
    assert request.args["empty"] == ""
    assert request.args["plus"] == "a b"
    assert request.args["bad"] == "%zz"
    assert request.args.get("page", 1, type=int) == 1


def test_missing_arg_is_a_bad_request_key_error():
    with pytest.raises(BadRequest) as info:
        Request.from_values("/").args["missing"]
    assert isinstance(info.value, KeyError)


def test_form_values_and_data_of_a_urlencoded_post():
    request = Request.from_values("/?source=query", method="POST", data={"name": "Ada", "tag": ["x", "y"]})
    assert request.mimetype == "application/x-www-form-urlencoded"
    assert request.form["name"] == "Ada"
    assert request.form.getlist("tag") == ["x", "y"]
    assert request.values["source"] == "query"
    assert request.values["name"] == "Ada"
    assert request.data == b""  # the form parser used the body up
    assert not request.files


def test_values_of_a_get_request_ignore_the_body():
    request = Request.from_values("/?a=1", data={"b": "2"})
    assert request.values.to_dict() == {"a": "1"}


def test_get_data_first_then_form_still_parses():
    request = Request.from_values("/", method="POST", data={"a": "1"})
    assert request.get_data() == b"a=1"
    assert request.form["a"] == "1"


def test_cookies_are_parsed_into_an_immutable_multidict():
    request = Request.from_values("/", headers={"Cookie": 'theme=dark; lang="en"; theme=light'})
    assert isinstance(request.cookies, ImmutableMultiDict)
    assert request.cookies["theme"] == "dark"
    assert request.cookies.getlist("theme") == ["dark", "light"]
    assert request.cookies["lang"] == "en"


def test_storage_classes_can_be_swapped():
    class ListRequest(Request):
        parameter_storage_class = MultiDict

    request = ListRequest.from_values("/?a=1")
    request.args["b"] = "2"
    assert request.args.to_dict() == {"a": "1", "b": "2"}
    empty = ListRequest.from_values("/").args
    empty["c"] = "3"
    assert ListRequest.from_values("/").args == {}


def test_a_subclass_can_define_its_own_args():
    class DefaultPageRequest(Request):
        @property
        def args(self):
            return ImmutableMultiDict({"page": "1"})

    assert DefaultPageRequest.from_values("/").args["page"] == "1"


# -- body limits -----------------------------------------------------------------


def test_stream_never_reads_past_content_length():
    environ = create_environ(method="POST", input_stream=io.BytesIO(b"hello world"), content_length=5)
    request = Request(environ)
    assert request.get_data() == b"hello"
    assert environ["wsgi.input"].read() == b" world"


def test_body_without_content_length_reads_as_empty():
    environ = create_environ(method="POST", environ_overrides={"wsgi.input": UnreadableStream()})
    environ.pop("CONTENT_LENGTH", None)
    assert Request(environ).get_data() == b""


def test_body_over_max_content_length_is_refused_before_reading():
    class LimitedRequest(Request):
        max_content_length = 10

    environ = create_environ(method="POST", data={"a": "x" * 50})
    environ["wsgi.input"] = UnreadableStream()
    request = LimitedRequest(environ)
    for read_body in (lambda: request.form, lambda: request.get_data(), lambda: request.stream):
        with pytest.raises(RequestEntityTooLarge) as info:
            read_body()
        assert info.value.code == 413


def test_form_over_max_form_memory_size_is_refused():
    class SmallFormRequest(Request):
        max_form_memory_size = 10

    with pytest.raises(RequestEntityTooLarge):
        SmallFormRequest.from_values("/", method="POST", data={"a": "x" * 50}).form


def test_too_many_form_fields_are_refused():
    class FewFieldsRequest(Request):
        max_form_parts = 3

    request = FewFieldsRequest.from_values("/", method="POST", data={f"f{i}": "v" for i in range(4)})
    with pytest.raises(RequestEntityTooLarge):
        request.form


def test_chunked_body_is_read_and_counted_against_the_limit():
    class LimitedRequest(Request):
        max_content_length = 8

    def chunked_request(body):
        environ = create_environ(method="POST", headers={"Transfer-Encoding": "chunked"})
        environ.update({"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True})
        return LimitedRequest(environ)

    small = chunked_request(b"12345678")
    assert small.content_length is None
    assert small.get_data() == b"12345678"
    with pytest.raises(RequestEntityTooLarge):
        chunked_request(b"123456789").get_data()


def test_shallow_request_refuses_to_read_the_body():
    request = Request(create_environ(method="POST", data=b"secret"), shallow=True)
    with pytest.raises(RuntimeError, match="shallow"):
        request.get_data()
    assert "werkzeug.request" not in request.environ


def test_input_stream_is_the_raw_server_stream():
    environ = create_environ(method="POST", data=b"body")
    assert Request(environ).input_stream is environ["wsgi.input"]


def test_get_data_as_text_and_without_cache():
    request = Request.from_values("/", method="POST", data="h\u00e9llo".encode("utf-8"))
    assert request.get_data(cache=False, as_text=True) == "h\u00e9llo"
    assert request.get_data() == b""  # the uncached read used the body up


# -- JSON ------------------------------------------------------------------------


def test_json_body_is_parsed_and_cached():
    request = Request.from_values("/", method="POST", json={"items": [1, 2]})
    assert request.is_json
    assert request.json == {"items": [1, 2]}
    assert request.get_json() is request.json


def test_structured_json_mimetypes_count_as_json():
    request = Request.from_values("/", method="POST", data=b"[1]", content_type="application/vnd.api+json")
    assert request.is_json
    assert request.json == [1]


def test_json_with_the_wrong_content_type_is_a_bad_request():
    request = Request.from_values("/", method="POST", data=b'{"a": 1}', content_type="text/plain")
    with pytest.raises(BadRequest) as info:
        request.json
    assert info.value.code == 400
    assert "application/json" in info.value.description
    assert request.get_json(silent=True) is None
    assert request.get_json(force=True) == {"a": 1}


@pytest.mark.parametrize("body", [b"{not json", b'"\xff\xfe\xfa"', b"[" * 100_000])
def test_invalid_json_is_a_bad_request_or_none_when_silent(body):
    request = Request.from_values("/", method="POST", data=body, content_type="application/json")
    assert request.get_json(silent=True) is None
    with pytest.raises(BadRequest) as info:
        request.get_json()
    assert "Failed to decode JSON object" in info.value.description


def test_on_json_loading_failed_can_supply_a_value():
    class LenientRequest(Request):
        def on_json_loading_failed(self, e):
            return {"error": "no json" if e is None else "bad json"}

    assert LenientRequest.from_values("/", data=b"x").json == {"error": "no json"}
    bad = LenientRequest.from_values("/", data=b"x", content_type="application/json")
    assert bad.json == {"error": "bad json"}


def test_json_module_can_be_swapped():
    class Loader:
        @staticmethod
        def loads(data):
            return {"loaded": data.decode()}

    class CustomRequest(Request):
        json_module = Loader

    assert CustomRequest.from_values("/", json=1).json == {"loaded": "1"}


# -- typed headers ---------------------------------------------------------------


def test_content_headers():
    request = Request.from_values(
        "/",
        method="POST",
        data=b"<p/>",
        content_type="Text/HTML; charset=latin-1",
        headers={"Content-Encoding": "gzip", "Content-MD5": "abc=="},
    )
    assert request.content_type == "Text/HTML; charset=latin-1"
    assert request.mimetype == "text/html"
    assert request.mimetype_params == {"charset": "latin-1"}
    assert request.content_length == 4
    assert request.content_encoding == "gzip"
    assert request.content_md5 == "abc=="


def test_negotiation_headers():
    request = Request.from_values(
        "/",
        headers={
            "Accept": "text/html;q=0.9, application/json",
            "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8",
            "Accept-Encoding": "gzip, br;q=0.5",
            "Accept-Charset": "utf-8",
        },
    )
    assert request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    assert request.accept_languages.best == "fr-CH"
    assert "gzip" in request.accept_encodings
    assert request.accept_charsets.quality("utf-8") == 1


def test_missing_accept_header_is_not_provided():
    accept = Request.from_values("/").accept_mimetypes
    assert not accept.provided
    assert accept.best_match(["text/plain"], default="text/html") == "text/html"


def test_authorization_header():
    request = Request.from_values("/", auth=("ada", "s3cret:pw"))
    assert request.authorization.type == "basic"
    assert request.authorization.username == "ada"
    assert request.authorization.password == "s3cret:pw"


def test_caching_and_conditional_headers():
    request = Request.from_values(
        "/",
        headers={
            "Cache-Control": "no-cache, max-age=60",
            "Pragma": "no-cache",
            "If-None-Match": '"abc", W/"def"',
            "If-Match": "*",
            "If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT",
            "Range": "bytes=0-99",
            "If-Range": '"abc"',
        },
    )
    assert request.cache_control.max_age == 60
    assert request.cache_control.no_cache
    assert "no-cache" in request.pragma
    assert request.if_none_match.contains("abc")
    assert request.if_none_match.contains_weak("def")
    assert request.if_match.star_tag
    assert request.if_modified_since == datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)
    assert request.range.ranges == [(0, 100)]
    assert request.if_range.etag == "abc"


def test_other_request_headers():
    request = Request.from_values(
        "/",
        headers={
            "Date": "Sun, 06 Nov 1994 08:49:37 GMT",
            "Max-Forwards": "3",
            "Origin": "https://app.example",
            "Referer": "https://example.com/from",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "X-Token, Content-Type",
        },
    )
    assert request.date.year == 1994
    assert request.max_forwards == 3
    assert request.origin == "https://app.example"
    assert request.referrer == "https://example.com/from"
    assert request.access_control_request_method == "PUT"
    assert "x-token" in request.access_control_request_headers


@pytest.mark.parametrize(
    "header, attribute",
    [
        ("Date", "date"),
        ("If-Modified-Since", "if_modified_since"),
        ("If-Unmodified-Since", "if_unmodified_since"),
        ("Max-Forwards", "max_forwards"),
        ("Range", "range"),
        ("Authorization", "authorization"),
    ],
)
def test_malformed_headers_read_as_none(header, attribute):
    request = Request.from_values("/", headers={header: "\x01garbage;;=,,"})
    assert getattr(request, attribute) is None


@pytest.mark.parametrize(
    "header, attribute",
    [
        ("Accept", "accept_mimetypes"),
        ("Accept-Language", "accept_languages"),
        ("Cache-Control", "cache_control"),
        ("If-None-Match", "if_none_match"),
        ("Pragma", "pragma"),
        ("Cookie", "cookies"),
    ],
)
def test_malformed_headers_read_as_empty_structures(header, attribute):
    request = Request.from_values("/", headers={header: '\x01;;=,,"'})
    value = getattr(request, attribute)
    assert value is not None
    assert len(value) == 0


def test_missing_headers_read_as_none_or_empty():
    request = Request.from_values("/")
    assert request.authorization is None
    assert request.range is None
    assert request.if_modified_since is None
    assert request.content_type is None
    assert request.mimetype == ""
    assert request.content_length is None
    assert not request.if_none_match
    assert not request.pragma
    assert request.origin is None


def test_user_agent_is_parsed_lightly():
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
    )
    agent = Request.from_values("/", headers={"User-Agent": chrome}).user_agent
    assert (agent.browser, agent.version, agent.platform) == ("chrome", "120.0.0.0", "windows")
    assert str(agent) == agent.string == chrome
    assert agent


@pytest.mark.parametrize(
    "string, browser, platform",
    [
        ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "firefox", "linux"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "safari",
            "iphone",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
            "edge",
            "macos",
        ),
        ("Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1) Gecko Firefox/2.0", "firefox", "windows"),
    ],
)
def test_user_agent_recognises_common_browsers(string, browser, platform):
    agent = Request.from_values("/", headers={"User-Agent": string}).user_agent
    assert (agent.browser, agent.platform) == (browser, platform)


def test_user_agent_language_and_unknown_agents():
    old = Request.from_values("/", headers={"User-Agent": "Mozilla/5.0 (Windows; U; en-US) Firefox/2.0"})
    assert old.user_agent.language == "en-US"
    curl = Request.from_values("/", headers={"User-Agent": "curl/8.0"}).user_agent
    assert curl.browser is None and not curl
    assert str(Request.from_values("/").user_agent) == ""


def test_client_address_and_access_route():
    environ = create_environ(environ_base={"REMOTE_ADDR": "10.0.0.9", "REMOTE_USER": "ada"})
    request = Request(environ)
    assert request.remote_addr == "10.0.0.9"
    assert request.remote_user == "ada"
    assert request.access_route == ["10.0.0.9"]
    forwarded = Request.from_values("/", headers={"X-Forwarded-For": "203.0.113.5, 10.0.0.1,"})
    assert forwarded.access_route == ["203.0.113.5", "10.0.0.1"]


def test_server_flags():
    request = Request.from_values("/", multithread=True, run_once=True)
    assert request.is_multithread is True
    assert request.is_multiprocess is False
    assert request.is_run_once is True


# -- laziness ----------------------------------------------------------------------


def test_parsed_values_are_cached():
    request = Request.from_values("/?a=1", method="POST", data={"b": "2"}, headers={"Cookie": "c=3"})
    for name in ("args", "form", "values", "cookies", "headers", "accept_mimetypes", "url", "user_agent"):
        assert getattr(request, name) is getattr(request, name), name


def test_creating_a_request_parses_nothing():
    environ = create_environ("/?a=1", environ_overrides={"wsgi.input": UnreadableStream()})
    request = Request(environ)
    assert environ["werkzeug.request"] is request
    assert "args" not in vars(request)
    assert request.args["a"] == "1"
    assert "args" in vars(request)


# -- standalone use ------------------------------------------------------------------


@Request.application
def hello_app(request):
    if request.path == "/missing":
        raise NotFound()
    return Response(f"Hello {request.args.get('name', 'World')}!", mimetype="text/plain")


def test_application_decorator_makes_a_wsgi_app():
    client = Client(validator(hello_app))
    with client.get("/?name=Ada") as response:
        assert response.status_code == 200
        assert response.text == "Hello Ada!"
    with client.get("/missing") as response:
        assert response.status_code == 404


def test_application_decorator_works_on_methods():
    class Greeter:
        greeting = "Hi"

        @Request.application
        def __call__(self, request):
            return Response(f"{self.greeting} {request.method}")

    with Client(validator(Greeter())).post("/") as response:
        assert response.text == "Hi POST"


def test_request_as_context_manager():
    with Request.from_values("/") as request:
        assert request.path == "/"


def test_from_values_accepts_environ_builder_arguments():
    request = Request.from_values(
        "/submit", base_url="https://example.com", method="put", query_string={"q": "x y"}, headers={"X-Id": "7"}
    )
    assert request.method == "PUT"
    assert request.url == "https://example.com/submit?q=x+y"
    assert request.headers["X-Id"] == "7"
