"""The test tools: EnvironBuilder, run_wsgi_app and the Client with cookies and redirects."""
import gc
import io
import json
import warnings
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import Authorization, MultiDict
from microflask.toolkit.test import Client, ClientRedirectError, EnvironBuilder, TestResponse, create_environ, run_wsgi_app
from microflask.toolkit.wrappers import Request, Response


@Request.application
def echo_app(request):
    """Answers with what it received, as JSON."""
    return Response(
        json.dumps(
            {
                "method": request.method,
                "path": request.path,
                "url": request.url,
                "args": request.args.to_dict(flat=False),
                "form": request.form.to_dict(flat=False),
                "data": request.get_data(as_text=True),
                "cookies": request.cookies.to_dict(),
                "content_type": request.content_type,
            }
        ),
        mimetype="application/json",
    )


def echo(response):
    with response:
        return json.loads(response.get_data())


# -- EnvironBuilder ----------------------------------------------------------------


def test_builder_defaults_describe_a_get_to_localhost():
    environ = create_environ()
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["PATH_INFO"] == "/"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["QUERY_STRING"] == ""
    assert environ["HTTP_HOST"] == "localhost"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("localhost", "80")
    assert environ["wsgi.url_scheme"] == "http"
    assert environ["wsgi.input"].read() == b""


def test_builder_encodes_non_ascii_paths_the_wsgi_way():
    builder = EnvironBuilder("/caf\u00e9 bar", query_string="q=\u00e9 t")
    assert builder.path == "/caf%C3%A9%20bar"
    environ = builder.get_environ()
    assert environ["PATH_INFO"] == "/caf\u00e9 bar".encode("utf-8").decode("latin-1")
    assert environ["QUERY_STRING"] == "q=%C3%A9%20t"
    assert environ["REQUEST_URI"] == "/caf%C3%A9%20bar?q=%C3%A9%20t"


def test_builder_takes_a_query_string_from_the_path_or_as_args():
    assert create_environ("/search?q=x&page=2")["QUERY_STRING"] == "q=x&page=2"
    assert create_environ("/", query_string={"tag": ["a", "b"]})["QUERY_STRING"] == "tag=a&tag=b"
    with pytest.raises(ValueError, match="query string"):
        EnvironBuilder("/?a=1", query_string="b=2")


def test_builder_args_can_be_edited():
    builder = EnvironBuilder("/?a=1")
    builder.args.add("b", "2")
    assert builder.query_string == "a=1&b=2"
    assert builder.args == MultiDict([("a", "1"), ("b", "2")])


def test_builder_accepts_a_full_url_as_path():
    builder = EnvironBuilder("https://example.com:8443/app/page?x=1")
    assert (builder.url_scheme, builder.host, builder.server_name, builder.server_port) == (
        "https", "example.com:8443", "example.com", 8443
    )
    assert builder.base_url == "https://example.com:8443/"
    assert builder.path == "/app/page"
    assert builder.query_string == "x=1"


def test_builder_base_url_sets_the_script_root():
    environ = create_environ("/page", base_url="http://example.com/app/")
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/page"
    with pytest.raises(ValueError, match="query string"):
        EnvironBuilder(base_url="http://example.com/?x=1")


def test_builder_encodes_a_dict_as_a_urlencoded_form():
    builder = EnvironBuilder(method="POST", data={"name": "Ada L", "n": 3})
    assert builder.content_type == "application/x-www-form-urlencoded"
    environ = builder.get_environ()
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "14"
    assert environ["wsgi.input"].read() == b"name=Ada+L&n=3"


def test_builder_sends_raw_data_and_json():
    environ = create_environ(method="POST", data="h\u00e9", content_type="text/plain")
    assert environ["wsgi.input"].read() == "h\u00e9".encode("utf-8")
    assert environ["CONTENT_LENGTH"] == "3"
    environ = create_environ(method="POST", json={"a": [1]})
    assert environ["CONTENT_TYPE"] == "application/json"
    assert json.loads(environ["wsgi.input"].read()) == {"a": [1]}
    with pytest.raises(TypeError):
        EnvironBuilder(data=b"x", json={})


def test_builder_json_dumps_can_be_swapped():
    class SortedBuilder(EnvironBuilder):
        json_dumps = staticmethod(lambda obj: json.dumps(obj, sort_keys=True))

    environ = SortedBuilder(json={"b": 1, "a": 2}).get_environ()
    assert environ["wsgi.input"].read() == b'{"a": 2, "b": 1}'


def test_builder_sends_files_as_multipart_form_data():
    builder = EnvironBuilder(method="POST", data={"upload": (io.BytesIO(b"x"), "a.txt"), "note": "hi"})
    assert builder.content_type == "multipart/form-data"
    assert builder.files["upload"].filename == "a.txt"
    request = builder.get_request()
    assert request.content_type.startswith("multipart/form-data; boundary=")
    assert request.form["note"] == "hi"
    assert request.files["upload"].read() == b"x"
    assert request.files["upload"].mimetype == "text/plain"


def test_builder_refuses_files_in_a_urlencoded_body():
    builder = EnvironBuilder(
        method="POST", data={"upload": (io.BytesIO(b"x"), "a.txt")}, content_type="application/x-www-form-urlencoded"
    )
    with pytest.raises(ValueError, match="multipart/form-data"):
        builder.get_environ()


def test_builder_mimetype_adds_a_charset_for_text():
    assert EnvironBuilder(mimetype="text/plain").content_type == "text/plain; charset=utf-8"


def test_builder_headers_become_http_keys():
    environ = create_environ(headers=[("X-Tag", "a"), ("X-Tag", "b"), ("Accept", "text/html")])
    assert environ["HTTP_X_TAG"] == "a, b"
    assert environ["HTTP_ACCEPT"] == "text/html"
    assert "HTTP_CONTENT_TYPE" not in environ


def test_builder_refuses_header_injection():
    with pytest.raises(ValueError):
        create_environ(headers={"X-Evil": "a\r\nSet-Cookie: x=1"})


def test_builder_auth_from_a_pair_or_an_authorization():
    assert create_environ(auth=("ada", "pw"))["HTTP_AUTHORIZATION"] == "Basic YWRhOnB3"
    bearer = Authorization("bearer", token="abc123")
    assert create_environ(auth=bearer)["HTTP_AUTHORIZATION"] == "Bearer abc123"


def test_builder_environ_base_and_overrides():
    environ = create_environ(
        environ_base={"REMOTE_ADDR": "1.2.3.4", "PATH_INFO": "/lost"}, environ_overrides={"SERVER_PORT": "8000"}
    )
    assert environ["REMOTE_ADDR"] == "1.2.3.4"
    assert environ["PATH_INFO"] == "/"
    assert environ["SERVER_PORT"] == "8000"


def test_builder_recreates_an_environ():
    original = create_environ("/a%3Fb?x=1", "https://example.com/root", method="PUT", headers={"X-Id": "9"})
    copy = EnvironBuilder.from_environ(original).get_environ()
    for key in ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "HTTP_HOST", "HTTP_X_ID"):
        assert copy[key] == original[key], key


def test_get_request_uses_the_request_class():
    class MyRequest(Request):
        pass

    request = EnvironBuilder("/x").get_request(MyRequest)
    assert isinstance(request, MyRequest)
    assert request.path == "/x"


# -- run_wsgi_app ----------------------------------------------------------------


def test_run_wsgi_app_returns_body_status_and_headers():
    app_iter, status, headers = run_wsgi_app(validator(echo_app), create_environ("/hi"), buffered=True)
    assert status == "200 OK"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(b"".join(app_iter))["path"] == "/hi"


def test_run_wsgi_app_collects_the_write_callable_first():
    def legacy_app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    app_iter, _, _ = run_wsgi_app(legacy_app, create_environ(), buffered=True)
    assert b"".join(app_iter) == b"written returned"


def test_run_wsgi_app_waits_for_a_lazy_start_response():
    def lazy_app(environ, start_response):
        start_response("201 CREATED", [("Content-Type", "text/plain")])
        yield b"made"

    app_iter, status, _ = run_wsgi_app(lazy_app, create_environ())
    assert status == "201 CREATED"
    assert list(app_iter) == [b"made"]


def test_run_wsgi_app_closes_the_body_when_buffered():
    closed = []

    class Body(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"x"])

    run_wsgi_app(app, create_environ(), buffered=True)
    assert closed == [True]


def test_run_wsgi_app_complains_if_start_response_is_never_called():
    with pytest.raises(RuntimeError, match="start_response"):
        run_wsgi_app(lambda environ, start_response: [], create_environ())


# -- the Client --------------------------------------------------------------------


def test_client_sends_args_form_and_json():
    client = Client(validator(echo_app))
    assert echo(client.get("/search", query_string={"q": "x"}))["args"] == {"q": ["x"]}
    assert echo(client.post("/form", data={"a": ["1", "2"]}))["form"] == {"a": ["1", "2"]}
    sent = echo(client.put("/doc", json={"k": "v"}))
    assert sent["method"] == "PUT"
    assert json.loads(sent["data"]) == {"k": "v"}


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch", "options", "trace"])
def test_client_has_a_shortcut_per_method(method):
    client = Client(validator(echo_app))
    assert echo(getattr(client, method)("/"))["method"] == method.upper()


def test_client_head_request():
    with Client(validator(echo_app)).head("/") as response:
        assert response.status_code == 200
        assert response.request.method == "HEAD"


def test_client_accepts_a_builder_an_environ_or_a_request():
    client = Client(validator(echo_app))
    assert echo(client.open(EnvironBuilder("/built")))["path"] == "/built"
    assert echo(client.open(create_environ("/environ")))["path"] == "/environ"
    assert echo(client.open(Request.from_values("/request")))["path"] == "/request"


def test_test_response_knows_its_request_and_text():
    response = Client(validator(echo_app)).get("/r?x=1", buffered=True)
    assert isinstance(response, TestResponse)
    assert response.request.args["x"] == "1"
    assert response.history == ()
    assert json.loads(response.text)["path"] == "/r"
    assert response.json["path"] == "/r"


def test_streamed_response_is_closed_with_the_response():
    events = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            yield b"one "
            yield b"two"
        finally:
            events.append("closed")

    client = Client(validator(app))
    response = client.get("/")
    assert events == []  # still streaming: the body has not been read
    response.close()
    assert events == ["closed"]
    assert client.get("/").get_data() == b"one two"  # read to the end: closed
    assert events == ["closed", "closed"]
    client.get("/", buffered=True)
    assert events == ["closed", "closed", "closed"]


def test_client_uses_a_custom_response_wrapper():
    class JSONResponse(Response):
        def payload(self):
            return json.loads(self.get_data())

    response = Client(validator(echo_app), JSONResponse).get("/p", buffered=True)
    assert isinstance(response, TestResponse) and isinstance(response, JSONResponse)
    assert response.payload()["path"] == "/p"


# -- cookies -------------------------------------------------------------------------


@Request.application
def cookie_app(request):
    """Answers with the cookies it got; some paths set or delete cookies."""
    response = Response(json.dumps(request.cookies.to_dict()), mimetype="application/json")
    if request.path == "/visit":
        response.set_cookie("visits", str(int(request.cookies.get("visits", "0")) + 1))
    elif request.path == "/logout":
        response.delete_cookie("visits")
    elif request.path == "/admin/login":
        response.set_cookie("token", "t1", path="/admin")
    elif request.path == "/short":
        response.set_cookie("flash", "hi", max_age=0)
    elif request.path == "/domain":
        response.set_cookie("shared", "yes", domain="example.com")
    elif request.path == "/foreign":
        response.set_cookie("tracker", "1", domain="other.org")
    return response


def cookies_sent(response):
    with response:
        return json.loads(response.get_data())


def test_client_keeps_cookies_between_requests():
    client = Client(validator(cookie_app))
    assert cookies_sent(client.get("/visit")) == {}
    assert cookies_sent(client.get("/visit")) == {"visits": "1"}
    assert cookies_sent(client.get("/")) == {"visits": "2"}
    assert client.get_cookie("visits").value == "2"
    assert cookies_sent(client.get("/logout")) == {"visits": "2"}
    assert client.get_cookie("visits") is None
    assert cookies_sent(client.get("/")) == {}


def test_cookie_path_limits_where_it_is_sent():
    client = Client(validator(cookie_app))
    cookies_sent(client.get("/admin/login"))
    assert client.get_cookie("token", path="/admin").value == "t1"
    assert cookies_sent(client.get("/admin")) == {"token": "t1"}
    assert cookies_sent(client.get("/admin/panel")) == {"token": "t1"}
    assert cookies_sent(client.get("/administrator")) == {}


def test_cookie_with_max_age_zero_is_not_kept():
    client = Client(validator(cookie_app))
    cookies_sent(client.get("/short"))
    assert client.get_cookie("flash") is None


def test_domain_cookies_reach_subdomains_and_foreign_domains_are_refused():
    client = Client(validator(cookie_app))
    cookies_sent(client.get("/domain", "http://www.example.com/"))
    cookies_sent(client.get("/foreign", "http://www.example.com/"))
    assert client.get_cookie("shared", domain="example.com").value == "yes"
    assert client.get_cookie("tracker", domain="other.org") is None
    assert cookies_sent(client.get("/", "http://api.example.com/")) == {"shared": "yes"}
    assert cookies_sent(client.get("/")) == {}


def test_cookies_can_be_set_and_deleted_by_hand():
    client = Client(validator(cookie_app))
    client.set_cookie("theme", "dark")
    client.set_cookie("other", "x", domain="example.com")
    assert cookies_sent(client.get("/")) == {"theme": "dark"}
    client.delete_cookie("theme")
    assert cookies_sent(client.get("/")) == {}


def test_explicit_cookie_header_is_sent_with_the_jar():
    client = Client(validator(cookie_app))
    client.set_cookie("jar", "1")
    assert cookies_sent(client.get("/", headers={"Cookie": "manual=2"})) == {"manual": "2", "jar": "1"}


def test_client_without_cookies():
    client = Client(validator(cookie_app), use_cookies=False)
    cookies_sent(client.get("/visit"))
    assert cookies_sent(client.get("/visit")) == {}
    with pytest.raises(TypeError, match="use_cookies"):
        client.get_cookie("visits")


# -- redirects ----------------------------------------------------------------------


@Request.application
def redirect_app(request):
    targets = {
        "/old": ("/new", 301),
        "/form": ("/thanks?ok=1", 303),
        "/keep": ("/echo", 307),
        "/chain": ("/old", 302),
        "/relative/a": ("b", 302),
        "/loop": ("/loop", 302),
        "/away": ("http://other.example/", 302),
        "/sub": ("http://api.localhost/echo", 302),
    }
    if request.path in targets:
        location, code = targets[request.path]
        response = Response("moved", code)
        response.headers["Location"] = location
        response.set_cookie("seen", request.path)
        return response
    return echo_app.__wrapped__(request)


def test_follow_redirects_records_history():
    client = Client(validator(redirect_app))
    response = client.get("/chain", follow_redirects=True)
    with response:
        assert json.loads(response.get_data())["path"] == "/new"
    assert [r.status_code for r in response.history] == [302, 301]
    assert [r.request.path for r in response.history] == ["/chain", "/old"]
    assert response.request.path == "/new"


def test_303_turns_a_post_into_a_get_without_body():
    client = Client(validator(redirect_app))
    sent = echo(client.post("/form", data={"a": "1"}, follow_redirects=True))
    assert sent["method"] == "GET"
    assert sent["args"] == {"ok": ["1"]}
    assert sent["data"] == "" and sent["content_type"] is None


def test_307_keeps_the_method_and_body():
    client = Client(validator(redirect_app))
    sent = echo(client.post("/keep", data=b"payload", content_type="text/plain", follow_redirects=True))
    assert sent["method"] == "POST"
    assert sent["data"] == "payload"
    assert sent["content_type"] == "text/plain"


def test_relative_location_is_resolved_against_the_request():
    sent = echo(Client(validator(redirect_app)).get("/relative/a", follow_redirects=True))
    assert sent["path"] == "/relative/b"


def test_redirect_keeps_the_script_root_and_cookies():
    client = Client(validator(redirect_app))
    sent = echo(client.get("/relative/a", "http://localhost/app/", follow_redirects=True))
    assert sent["url"] == "http://localhost/app/relative/b"
    assert sent["cookies"] == {"seen": "/relative/a"}


def test_redirect_loop_gives_up():
    with pytest.raises(ClientRedirectError, match="loop"):
        Client(validator(redirect_app)).get("/loop", follow_redirects=True)


def test_external_and_subdomain_redirects_are_not_followed():
    client = Client(validator(redirect_app))
    with pytest.raises(RuntimeError, match="external"):
        client.get("/away", follow_redirects=True)
    with pytest.raises(RuntimeError, match="subdomain"):
        client.get("/sub", follow_redirects=True)
    allowing = Client(validator(redirect_app), allow_subdomain_redirects=True)
    assert echo(allowing.get("/sub", follow_redirects=True))["url"] == "http://api.localhost/echo"


def test_redirect_is_returned_as_is_without_follow_redirects():
    with Client(validator(redirect_app)).get("/old") as response:
        assert response.status_code == 301
        assert response.headers["Location"] == "/new"


def test_flask_2_2_cookie_signature_with_server_name_first_still_works():
    def show_cookie(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ.get("HTTP_COOKIE", "").encode()]

    client = Client(validator(show_cookie))
    client.set_cookie("localhost", "flavour", "oatmeal")
    assert client.get("/").text == "flavour=oatmeal"
    client.delete_cookie("localhost", "flavour")
    assert client.get("/").text == ""


def test_a_response_without_content_type_is_seen_without_one():
    # A 204 (and a 304) sends no Content-Type; the client must not invent one.
    from microflask import Flask

    app = Flask(__name__)

    @app.route("/empty")
    def empty():
        return "", 204

    response = app.test_client().get("/empty")
    assert response.status_code == 204
    assert "Content-Type" not in response.headers


# -- the request body the client encodes -------------------------------------------


@Request.application
def upload_size_app(request):
    return Response(str(len(request.files["f"].read())))


def resource_warnings_while(action):
    """The ResourceWarnings raised while ``action`` runs and its garbage is collected."""
    gc.collect()  # earlier tests' garbage is not this action's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
        gc.collect()
    return [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]


@pytest.mark.parametrize("size", [10, 600 * 1024], ids=["in memory", "past the spool threshold"])
def test_an_upload_leaves_no_unclosed_file_behind(size):
    client = Client(validator(upload_size_app))

    def upload():
        response = client.post("/", data={"f": (io.BytesIO(b"x" * size), "f.bin")})
        assert response.get_data() == str(size).encode()

    assert resource_warnings_while(upload) == []


def recording_bodies(app, bodies):
    """``app`` under the validator, with each request's ``wsgi.input`` noted
    in ``bodies`` before the validator wraps it."""
    checked = validator(app)

    def recorder(environ, start_response):
        bodies.append(environ["wsgi.input"])
        return checked(environ, start_response)

    return recorder


def test_the_encoded_body_is_closed_once_the_response_is_done():
    bodies = []
    client = Client(recording_bodies(upload_size_app, bodies))
    response = client.post("/", data={"f": (io.BytesIO(b"abc"), "f.bin")})
    assert not bodies[-1].closed  # a streamed response may still read it
    assert response.get_data() == b"3"
    assert bodies[-1].closed
    client.post("/", data={"f": (io.BytesIO(b"abc"), "f.bin")}, buffered=True)
    assert bodies[-1].closed
    client.post("/", data={"f": (io.BytesIO(b"abc"), "f.bin")}).close()
    assert bodies[-1].closed


def test_a_streamed_response_can_read_the_upload_while_it_streams():
    @Request.application
    def lazy_app(request):
        def chunks():
            yield b"bytes received: "
            yield str(len(request.get_data())).encode()

        return Response(chunks())

    bodies = []
    client = Client(recording_bodies(lazy_app, bodies))
    response = client.post("/", data={"f": (io.BytesIO(b"x" * 700_000), "f.bin")})
    assert response.request.content_length > 700_000
    assert response.get_data() == b"bytes received: %d" % response.request.content_length
    assert bodies[-1].closed


def test_the_client_closes_upload_files_but_not_a_callers_input_stream():
    # As Werkzeug's client: files given in data= are closed with the builder it makes.
    client = Client(validator(echo_app))
    upload = io.BytesIO(b"abc")
    client.post("/", data={"f": (upload, "f.bin")}).close()
    assert upload.closed
    raw = io.BytesIO(b"raw body")
    assert echo(client.post("/", input_stream=raw, content_type="text/plain"))["data"] == "raw body"
    assert not raw.closed


def test_a_307_redirect_with_an_upload_leaves_no_unclosed_file_behind():
    @Request.application
    def moved_app(request):
        if request.path == "/old":
            return Response(status=307, headers={"Location": "/new"})
        return Response(str(len(request.files["f"].read())))

    client = Client(validator(moved_app))

    def upload():
        response = client.post("/old", data={"f": (io.BytesIO(b"x" * 600_000), "f.bin")}, follow_redirects=True)
        assert response.get_data() == b"600000"
        assert [old.status_code for old in response.history] == [307]

    assert resource_warnings_while(upload) == []


def test_an_environ_builder_used_directly_keeps_its_body_open():
    builder = EnvironBuilder(method="POST", data={"f": (io.BytesIO(b"abc"), "f.bin")})
    environ = builder.get_environ()
    builder.close()
    assert not environ["wsgi.input"].closed
    request = Request(environ)
    assert request.files["f"].read() == b"abc"
    request.close()
    environ["wsgi.input"].close()
