"""URL routing: rules, converters, matching, redirects and building URLs."""
from __future__ import annotations

import uuid
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from microflask.toolkit.datastructures import MultiDict
from microflask.toolkit.exceptions import BadHost, HTTPException, MethodNotAllowed, NotFound
from microflask.toolkit.routing import (
    BaseConverter,
    BuildError,
    Map,
    RequestRedirect,
    Rule,
    ValidationError,
    WebsocketMismatch,
    parse_converter_args,
)


def redirect_target(adapter, path, method="GET", **kwargs):
    """The URL ``adapter.match`` redirects ``path`` to."""
    with pytest.raises(RequestRedirect) as info:
        adapter.match(path, method, **kwargs)
    return info.value.new_url


# -- the Quickstart's routes -------------------------------------------------


def test_quickstart_variable_rules():
    url_map = Map(
        [
            Rule("/user/<username>", endpoint="show_user_profile"),
            Rule("/post/<int:post_id>", endpoint="show_post"),
            Rule("/path/<path:subpath>", endpoint="show_subpath"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/user/alice") == ("show_user_profile", {"username": "alice"})
    assert adapter.match("/post/42") == ("show_post", {"post_id": 42})
    assert adapter.match("/path/a/b/c.txt") == ("show_subpath", {"subpath": "a/b/c.txt"})
    with pytest.raises(NotFound):
        adapter.match("/post/abc")


def test_quickstart_trailing_slash_redirects_but_missing_slash_does_not():
    url_map = Map([Rule("/projects/", endpoint="projects"), Rule("/about", endpoint="about")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/projects/") == ("projects", {})
    with pytest.raises(RequestRedirect) as info:
        adapter.match("/projects")
    assert info.value.code == 308
    assert info.value.new_url == "http://example.com/projects/"
    assert adapter.match("/about") == ("about", {})
    with pytest.raises(NotFound):
        adapter.match("/about/")


# -- converters --------------------------------------------------------------


def test_string_converter_length_arguments():
    url_map = Map(
        [
            Rule("/lang/<string(length=2):code>", endpoint="lang"),
            Rule("/nick/<string(minlength=3, maxlength=5):nick>", endpoint="nick"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/lang/de") == ("lang", {"code": "de"})
    assert adapter.match("/nick/bob") == ("nick", {"nick": "bob"})
    assert adapter.match("/nick/alice") == ("nick", {"nick": "alice"})
    for path in ("/lang/d", "/lang/deu", "/nick/al", "/nick/alexandra"):
        with pytest.raises(NotFound):
            adapter.match(path)


def test_int_converter_fixed_digits_min_max_and_signed():
    url_map = Map(
        [
            Rule("/year/<int(fixed_digits=4):year>", endpoint="year"),
            Rule("/page/<int(min=1, max=10):page>", endpoint="page"),
            Rule("/offset/<int(signed=True):offset>", endpoint="offset"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/year/2024") == ("year", {"year": 2024})
    assert adapter.match("/year/0099") == ("year", {"year": 99})
    assert adapter.match("/page/10") == ("page", {"page": 10})
    assert adapter.match("/offset/-3") == ("offset", {"offset": -3})
    assert adapter.match("/offset/3") == ("offset", {"offset": 3})
    for path in ("/year/999", "/year/20245", "/page/0", "/page/11", "/page/-1", "/offset/+3"):
        with pytest.raises(NotFound):
            adapter.match(path)
    assert adapter.build("year", {"year": 99}) == "/year/0099"
    assert adapter.build("offset", {"offset": -3}) == "/offset/-3"


def test_int_converter_rejects_absurdly_long_numbers_with_not_found():
    adapter = Map([Rule("/post/<int:post_id>", endpoint="post")]).bind("example.com")
    with pytest.raises(NotFound):
        adapter.match("/post/" + "9" * 100_000)


def test_float_converter():
    url_map = Map(
        [
            Rule("/price/<float:amount>", endpoint="price"),
            Rule("/delta/<float(signed=True, max=0):delta>", endpoint="delta"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/price/1.5") == ("price", {"amount": 1.5})
    assert adapter.match("/delta/-0.5") == ("delta", {"delta": -0.5})
    for path in ("/price/1", "/price/-1.5", "/delta/0.5"):
        with pytest.raises(NotFound):
            adapter.match(path)
    assert adapter.build("price", {"amount": 2}) == "/price/2.0"


def test_path_converter_spans_slashes_but_is_never_empty():
    adapter = Map([Rule("/files/<path:name>", endpoint="files")]).bind("example.com")
    assert adapter.match("/files/docs/2024/report.pdf") == ("files", {"name": "docs/2024/report.pdf"})
    with pytest.raises(NotFound):
        adapter.match("/files/")
    assert adapter.build("files", {"name": "docs/a b.txt"}) == "/files/docs/a%20b.txt"


def test_path_converter_in_the_middle_of_a_rule():
    adapter = Map([Rule("/wiki/<path:page>/edit", endpoint="edit"), Rule("/wiki/<path:page>", endpoint="show")]).bind(
        "example.com"
    )
    assert adapter.match("/wiki/Main/Page/edit") == ("edit", {"page": "Main/Page"})
    assert adapter.match("/wiki/Main/Page") == ("show", {"page": "Main/Page"})


def test_any_converter():
    url_map = Map([Rule("/<any(about, help, 'contact us'):page>", endpoint="page")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/about") == ("page", {"page": "about"})
    assert adapter.match("/contact us") == ("page", {"page": "contact us"})
    with pytest.raises(NotFound):
        adapter.match("/aboutx")
    assert adapter.build("page", {"page": "help"}) == "/help"
    with pytest.raises(ValueError, match="'nope' is not one of 'about', 'contact us', 'help'"):
        adapter.build("page", {"page": "nope"})


def test_uuid_converter_accepts_any_case_and_builds_lowercase():
    adapter = Map([Rule("/item/<uuid:item_id>", endpoint="item")]).bind("example.com")
    endpoint, values = adapter.match("/item/123E4567-E89B-12D3-A456-426614174000")
    assert endpoint == "item"
    assert values["item_id"] == uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
    assert adapter.build("item", values) == "/item/123e4567-e89b-12d3-a456-426614174000"
    with pytest.raises(NotFound):
        adapter.match("/item/not-a-uuid")


def test_custom_converter_with_its_own_regex_and_validation_error():
    class ListConverter(BaseConverter):
        regex = r"[a-z]+(?:,[a-z]+)*"

        def to_python(self, value):
            return value.split(",")

        def to_url(self, values):
            quote_one = super().to_url
            return ",".join(quote_one(value) for value in values)

    class EvenConverter(BaseConverter):
        regex = r"\d+"

        def to_python(self, value):
            if int(value) % 2:
                raise ValidationError()
            return int(value)

    url_map = Map(
        [
            Rule("/tags/<list:tags>", endpoint="tags"),
            Rule("/n/<even:number>", endpoint="even"),
            Rule("/n/<name>", endpoint="fallback"),
            Rule("/only/<even:number>", endpoint="only_even"),
        ],
        converters={"list": ListConverter, "even": EvenConverter},
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/tags/a,b,c") == ("tags", {"tags": ["a", "b", "c"]})
    assert adapter.build("tags", {"tags": ["x", "y"]}) == "/tags/x,y"
    assert adapter.match("/n/4") == ("even", {"number": 4})
    # The even converter rejects 3, so matching goes on to the next rule.
    assert adapter.match("/n/3") == ("fallback", {"name": "3"})
    with pytest.raises(NotFound):
        adapter.match("/only/3")


def test_converter_whose_regex_spans_slashes():
    class DateConverter(BaseConverter):
        regex = r"\d{4}/\d{2}/\d{2}"

    assert DateConverter.part_isolating is False
    url_map = Map([Rule("/archive/<date:day>/posts", endpoint="day")], converters={"date": DateConverter})
    adapter = url_map.bind("example.com")
    assert adapter.match("/archive/2024/01/31/posts") == ("day", {"day": "2024/01/31"})


def test_converters_can_be_added_after_the_map_exists():
    class UpperConverter(BaseConverter):
        def to_python(self, value):
            return value.upper()

    url_map = Map()
    url_map.converters["upper"] = UpperConverter
    url_map.add(Rule("/shout/<upper:word>", endpoint="shout"))
    assert url_map.bind("example.com").match("/shout/hi") == ("shout", {"word": "HI"})
    assert "upper" not in Map().converters


def test_to_url_quotes_non_ascii_and_reserved_characters_but_keeps_slashes():
    adapter = Map([Rule("/user/<name>", endpoint="user")]).bind("example.com")
    assert adapter.build("user", {"name": "Zoë"}) == "/user/Zo%C3%AB"
    assert adapter.build("user", {"name": "a b?c#d%e"}) == "/user/a%20b%3Fc%23d%25e"
    assert adapter.build("user", {"name": "a/b"}) == "/user/a/b"
    assert adapter.build("user", {"name": "x:y@z"}) == "/user/x:y@z"


def test_parse_converter_args_reads_literals_without_eval():
    assert parse_converter_args("4, signed=True") == ((4,), {"signed": True})
    assert parse_converter_args("about, 'contact us', \"x\"") == (("about", "contact us", "x"), {})
    assert parse_converter_args("min=-1.5, max=None, flag=False") == ((), {"min": -1.5, "max": None, "flag": False})
    assert parse_converter_args("a, b,") == (("a", "b"), {})
    for bad in ("x=", "a b", "__import__('os').system('true')", "x=1, x=2", "x=1, 2"):
        with pytest.raises(ValueError):
            parse_converter_args(bad)


# -- defaults ----------------------------------------------------------------


def test_defaults_are_merged_into_the_values():
    url_map = Map([Rule("/", endpoint="index", defaults={"page": 1}), Rule("/<int:page>", endpoint="index")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/") == ("index", {"page": 1})
    assert adapter.match("/2") == ("index", {"page": 2})
    assert adapter.build("index", {"page": 1}) == "/"
    assert adapter.build("index", {"page": 2}) == "/2"
    assert adapter.build("index") == "/"


def test_url_spelling_out_the_default_redirects_to_the_default_rule():
    url_map = Map(
        [Rule("/page/", endpoint="page", defaults={"page": 1}), Rule("/page/<int:page>", endpoint="page")]
    )
    adapter = url_map.bind("example.com")
    assert redirect_target(adapter, "/page/1") == "http://example.com/page/"
    assert redirect_target(adapter, "/page/1", query_args="q=x") == "http://example.com/page/?q=x"
    assert adapter.match("/page/2") == ("page", {"page": 2})


def test_redirect_defaults_can_be_turned_off():
    url_map = Map(
        [Rule("/page/", endpoint="page", defaults={"page": 1}), Rule("/page/<int:page>", endpoint="page")],
        redirect_defaults=False,
    )
    assert url_map.bind("example.com").match("/page/1") == ("page", {"page": 1})


# -- methods -----------------------------------------------------------------


def test_methods_are_uppercased_and_head_comes_with_get():
    rule = Rule("/x", endpoint="x", methods=["get", "post"])
    assert rule.methods == {"GET", "HEAD", "POST"}
    assert Rule("/y", endpoint="y", methods=["POST"]).methods == {"POST"}
    assert Rule("/z", endpoint="z").methods is None


def test_methods_as_a_single_string_are_refused():
    with pytest.raises(TypeError, match="list of strings"):
        Rule("/x", methods="GET")


def test_head_is_served_by_a_get_rule():
    adapter = Map([Rule("/x", endpoint="x", methods=["GET"])]).bind("example.com")
    assert adapter.match("/x", "HEAD") == ("x", {})


def test_method_not_allowed_lists_the_methods_of_every_rule_for_the_path():
    url_map = Map(
        [
            Rule("/item/<int:item_id>", endpoint="show", methods=["GET"]),
            Rule("/item/<item_id>", endpoint="update", methods=["POST"]),
            Rule("/item/<item_id>", endpoint="delete", methods=["DELETE"]),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/item/5", "POST") == ("update", {"item_id": "5"})
    assert adapter.match("/item/5", "delete") == ("delete", {"item_id": "5"})
    with pytest.raises(MethodNotAllowed) as info:
        adapter.match("/item/5", "PUT")
    assert info.value.valid_methods == ["DELETE", "GET", "HEAD", "POST"]
    assert ("Allow", "DELETE, GET, HEAD, POST") in info.value.get_headers()


def test_separate_rules_per_method_on_one_static_path():
    url_map = Map(
        [Rule("/login", endpoint="login_form", methods=["GET"]), Rule("/login", endpoint="login", methods=["POST"])]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/login", "GET") == ("login_form", {})
    assert adapter.match("/login", "POST") == ("login", {})
    with pytest.raises(MethodNotAllowed) as info:
        adapter.match("/login", "PUT")
    assert info.value.valid_methods == ["GET", "HEAD", "POST"]


def test_options_on_a_rule_without_it_is_method_not_allowed_and_allowed_methods_answers():
    url_map = Map([Rule("/x", endpoint="x", methods=["GET", "POST"]), Rule("/any", endpoint="any")])
    adapter = url_map.bind("example.com")
    with pytest.raises(MethodNotAllowed) as info:
        adapter.match("/x", "OPTIONS")
    assert info.value.valid_methods == ["GET", "HEAD", "POST"]
    assert adapter.allowed_methods("/x") == ["GET", "HEAD", "POST"]
    assert adapter.allowed_methods("/nowhere") == []
    assert adapter.allowed_methods("/any") == []


def test_a_static_rule_with_another_method_falls_back_to_a_dynamic_rule():
    url_map = Map([Rule("/user/me", endpoint="me", methods=["POST"]), Rule("/user/<name>", endpoint="user")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/user/me", "POST") == ("me", {})
    assert adapter.match("/user/me", "GET") == ("user", {"name": "me"})


# -- slashes and redirects ---------------------------------------------------


def test_strict_slash_redirect_keeps_the_query_string_and_script_name():
    url_map = Map([Rule("/projects/", endpoint="projects"), Rule("/team/<name>/", endpoint="member")])
    adapter = url_map.bind("example.com", script_name="/app", query_args="sort=asc&page=2")
    assert redirect_target(adapter, "/projects") == "http://example.com/app/projects/?sort=asc&page=2"
    new_url = redirect_target(adapter, "/team/ann", query_args={"tab": "a b"})
    assert new_url == "http://example.com/app/team/ann/?tab=a+b"


def test_strict_slash_redirect_quotes_the_path():
    adapter = Map([Rule("/<name>/", endpoint="folder")]).bind("example.com")
    assert redirect_target(adapter, "/x y") == "http://example.com/x%20y/"
    assert redirect_target(adapter, "/ü") == "http://example.com/%C3%BC/"


def test_redirect_response_is_a_308_with_location():
    adapter = Map([Rule("/projects/", endpoint="projects")]).bind("example.com")
    with pytest.raises(RequestRedirect) as info:
        adapter.match("/projects", query_args="a=1")
    response = info.value.get_response()
    assert response.status_code == 308
    assert response.headers["Location"] == "http://example.com/projects/?a=1"


def test_no_carriage_return_or_line_feed_reaches_the_location():
    adapter = Map([Rule("/<name>/", endpoint="folder")]).bind("example.com")
    url = redirect_target(adapter, "/a\r\nSet-Cookie: x=1", query_args="q=1\r\nX-Evil: 1")
    assert "\r" not in url and "\n" not in url
    assert url == "http://example.com/a%0D%0ASet-Cookie:%20x=1/?q=1%0D%0AX-Evil:%201"


def test_slash_redirect_only_for_a_method_the_rule_accepts():
    adapter = Map([Rule("/upload/", endpoint="upload", methods=["POST"])]).bind("example.com")
    assert redirect_target(adapter, "/upload", "POST") == "http://example.com/upload/"
    with pytest.raises(NotFound):
        adapter.match("/upload", "GET")


def test_strict_slashes_off_matches_both_spellings():
    url_map = Map(
        [
            Rule("/docs/", endpoint="docs", strict_slashes=False),
            Rule("/about", endpoint="about", strict_slashes=False),
            Rule("/user/<name>", endpoint="user", strict_slashes=False),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/docs") == ("docs", {})
    assert adapter.match("/docs/") == ("docs", {})
    assert adapter.match("/about/") == ("about", {})
    assert adapter.match("/user/ann/") == ("user", {"name": "ann"})
    assert Map([Rule("/a", endpoint="a")], strict_slashes=False).bind("x").match("/a/") == ("a", {})


def test_an_exact_rule_wins_over_a_relaxed_trailing_slash():
    url_map = Map(
        [Rule("/user/<name>", endpoint="user", strict_slashes=False), Rule("/user/<name>/", endpoint="user_slash")]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/user/ann/") == ("user_slash", {"name": "ann"})
    assert adapter.match("/user/ann") == ("user", {"name": "ann"})


def test_trailing_slash_after_a_path_variable():
    url_map = Map(
        [
            Rule("/tree/<path:p>", endpoint="file"),
            Rule("/tree/<path:p>/", endpoint="folder"),
            Rule("/docs/<path:p>/", endpoint="docs"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/tree/a/b/") == ("folder", {"p": "a/b"})
    assert adapter.match("/tree/a/b") == ("file", {"p": "a/b"})
    assert redirect_target(adapter, "/docs/guide/intro") == "http://example.com/docs/guide/intro/"


def test_empty_path_redirects_to_the_root():
    adapter = Map([Rule("/", endpoint="index")]).bind("example.com", script_name="/app")
    assert redirect_target(adapter, "") == "http://example.com/app/"


def test_merge_slashes_redirects_to_the_single_slash_url():
    url_map = Map([Rule("/a/b", endpoint="ab"), Rule("/x/<name>/y", endpoint="xy")])
    adapter = url_map.bind("example.com")
    assert redirect_target(adapter, "//a///b") == "http://example.com/a/b"
    assert redirect_target(adapter, "/x//n//y", query_args="q=1") == "http://example.com/x/n/y?q=1"
    # Extra leading slashes are simply dropped.
    assert adapter.match("//a/b") == ("ab", {})


def test_merge_slashes_can_be_turned_off_per_rule_or_map():
    adapter = Map([Rule("/a//b", endpoint="literal", merge_slashes=False)]).bind("example.com")
    assert adapter.match("/a//b") == ("literal", {})
    with pytest.raises(NotFound):
        adapter.match("/a/b")
    adapter = Map([Rule("/a/b", endpoint="ab")], merge_slashes=False).bind("example.com")
    with pytest.raises(NotFound):
        adapter.match("/a//b")


def test_rule_strings_have_their_slashes_merged():
    adapter = Map([Rule("/m//n", endpoint="mn")]).bind("example.com")
    assert adapter.match("/m/n") == ("mn", {})
    assert adapter.build("mn") == "/m/n"


def test_redirect_to_a_string_or_a_callable():
    url_map = Map(
        [
            Rule("/old/<int:post_id>", redirect_to="post/<post_id>"),
            Rule("/legacy/<name>", redirect_to=lambda adapter, name: f"/users/{name.lower()}"),
            Rule("/elsewhere", redirect_to="https://other.example/x"),
            Rule("/post/<int:post_id>", endpoint="post"),
        ]
    )
    adapter = url_map.bind("example.com", script_name="/app")
    assert redirect_target(adapter, "/old/7") == "http://example.com/app/post/7"
    assert redirect_target(adapter, "/legacy/ANN") == "http://example.com/users/ann"
    assert redirect_target(adapter, "/elsewhere") == "https://other.example/x"


def test_redirect_to_must_name_variables_of_the_rule():
    with pytest.raises(ValueError, match="not variables of the rule"):
        Map([Rule("/old/<a>", redirect_to="/new/<b>")])


def test_alias_rule_redirects_to_the_canonical_url():
    url_map = Map([Rule("/about", endpoint="about"), Rule("/about-us", endpoint="about", alias=True)])
    adapter = url_map.bind("example.com")
    assert redirect_target(adapter, "/about-us", query_args="x=1") == "http://example.com/about?x=1"
    assert adapter.build("about") == "/about"


# -- subdomains and hosts ----------------------------------------------------


def make_environ(host, path="/", **extra):
    environ = {"HTTP_HOST": host, "SCRIPT_NAME": "", "PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    environ.update(extra)
    setup_testing_defaults(environ)
    return environ


def test_subdomains_when_binding_by_hand():
    url_map = Map([Rule("/", endpoint="index"), Rule("/", subdomain="api", endpoint="api_index")])
    assert url_map.bind("example.com").match("/") == ("index", {})
    assert url_map.bind("example.com", subdomain="api").match("/") == ("api_index", {})
    with pytest.raises(NotFound):
        url_map.bind("example.com", subdomain="www").match("/")


def test_bind_to_environ_works_out_the_subdomain():
    url_map = Map([Rule("/", endpoint="index"), Rule("/", subdomain="api", endpoint="api_index")])
    for host, expected in [
        ("example.com", "index"),
        ("api.example.com", "api_index"),
        ("API.Example.COM:80", "api_index"),
    ]:
        adapter = url_map.bind_to_environ(make_environ(host), server_name="example.com")
        assert adapter.match() == (expected, {})
    https = make_environ("api.example.com:443", **{"wsgi.url_scheme": "https"})
    assert url_map.bind_to_environ(https, server_name="Example.com:443").match() == ("api_index", {})


def test_a_host_outside_the_server_name_matches_nothing():
    url_map = Map([Rule("/", endpoint="index"), Rule("/u", subdomain="<user>", endpoint="user")])
    for host in ("other.org", "example.com:8080", "badexample.com"):
        adapter = url_map.bind_to_environ(make_environ(host), server_name="example.com")
        with pytest.raises(NotFound):
            adapter.match("/")
        with pytest.raises(NotFound):
            adapter.match("/u")


def test_a_malformed_host_header_is_a_bad_request_where_the_host_is_used():
    url_map = Map([Rule("/", endpoint="index"), Rule("/o", endpoint="other", subdomain="a")])
    adapter = url_map.bind_to_environ(make_environ("exa mple.com"))
    assert adapter.match("/") == ("index", {})  # as Werkzeug: matching needs no host
    with pytest.raises(BadHost):
        adapter.server_name
    with pytest.raises(BadHost):
        adapter.build("index", force_external=True)
    with pytest.raises(BadHost):
        url_map.bind_to_environ(make_environ("exa mple.com"), server_name="example.com")


def test_subdomain_with_a_variable():
    url_map = Map([Rule("/", subdomain="<user>", endpoint="home"), Rule("/", endpoint="index")])
    adapter = url_map.bind_to_environ(make_environ("ann.example.com"), server_name="example.com")
    assert adapter.match() == ("home", {"user": "ann"})
    assert adapter.build("home", {"user": "bob"}) == "http://bob.example.com/"
    assert adapter.build("home", {"user": "ann"}) == "/"
    assert adapter.build("index") == "http://example.com/"


def test_building_for_another_subdomain_gives_an_absolute_url():
    url_map = Map([Rule("/", endpoint="index"), Rule("/x", subdomain="api", endpoint="api_x")])
    adapter = url_map.bind("example.com", script_name="/app")
    assert adapter.build("index") == "/app/"
    assert adapter.build("api_x") == "http://api.example.com/app/x"
    assert adapter.build("index", force_external=True) == "http://example.com/app/"
    assert adapter.build("index", force_external=True, url_scheme="https") == "https://example.com/app/"
    api = url_map.bind("example.com", subdomain="api")
    assert api.build("api_x") == "/x"
    assert api.build("index") == "http://example.com/"


def test_host_matching_with_variables_in_the_host():
    url_map = Map(
        [
            Rule("/", host="example.com", endpoint="index"),
            Rule("/", host="<user>.example.com", endpoint="user"),
            Rule("/admin", host="example.com:8080", endpoint="admin"),
        ],
        host_matching=True,
    )
    assert url_map.bind_to_environ(make_environ("example.com")).match() == ("index", {})
    assert url_map.bind_to_environ(make_environ("EXAMPLE.com:80")).match() == ("index", {})
    assert url_map.bind_to_environ(make_environ("ann.example.com")).match() == ("user", {"user": "ann"})
    assert url_map.bind_to_environ(make_environ("example.com:8080", "/admin")).match() == ("admin", {})
    with pytest.raises(NotFound):
        url_map.bind_to_environ(make_environ("other.org")).match()
    adapter = url_map.bind("example.com")
    assert adapter.build("index") == "/"
    assert adapter.build("user", {"user": "bob"}) == "http://bob.example.com/"
    with pytest.raises(RuntimeError, match="host matching"):
        url_map.bind("example.com", subdomain="api")


def test_international_server_names_are_idna_encoded():
    adapter = Map([Rule("/", endpoint="index")]).bind("Bücher.example")
    assert adapter.server_name == "xn--bcher-kva.example"
    assert adapter.build("index", force_external=True) == "http://xn--bcher-kva.example/"


# -- building URLs -----------------------------------------------------------


def test_build_appends_unknown_values_as_the_query_string():
    url_map = Map([Rule("/post/<int:post_id>", endpoint="post")])
    adapter = url_map.bind("example.com")
    assert adapter.build("post", {"post_id": 1, "q": "a b", "skip": None}) == "/post/1?q=a+b"
    assert adapter.build("post", {"post_id": 1, "tag": ["x", "y"]}) == "/post/1?tag=x&tag=y"
    assert adapter.build("post", {"post_id": 1, "q": "ü&="}) == "/post/1?q=%C3%BC%26%3D"
    assert adapter.build("post", {"post_id": 1, "q": "x"}, append_unknown=False) == "/post/1"


def test_build_accepts_a_multidict():
    adapter = Map([Rule("/search", endpoint="search")]).bind("example.com")
    values = MultiDict([("tag", "a"), ("tag", "b"), ("page", "2")])
    assert adapter.build("search", values) == "/search?tag=a&tag=b&page=2"


def test_build_sorts_query_parameters_only_when_asked():
    rules = [Rule("/s", endpoint="s")]
    values = {"b": 1, "a": 2}
    assert Map(rules).bind("x").build("s", values) == "/s?b=1&a=2"
    assert Map([rule.empty() for rule in rules], sort_parameters=True).bind("x").build("s", values) == "/s?a=2&b=1"


def test_build_chooses_the_rule_for_the_method():
    url_map = Map(
        [Rule("/items", endpoint="items", methods=["GET"]), Rule("/items/new", endpoint="items", methods=["POST"])]
    )
    adapter = url_map.bind("example.com")
    assert adapter.build("items") == "/items"
    assert adapter.build("items", method="POST") == "/items/new"


def test_build_only_rules_are_built_but_never_matched():
    url_map = Map([Rule("/static/<path:filename>", endpoint="cdn", build_only=True)])
    adapter = url_map.bind("example.com")
    assert adapter.build("cdn", {"filename": "app.js"}) == "/static/app.js"
    with pytest.raises(NotFound):
        adapter.match("/static/app.js")


def test_build_error_names_the_missing_values():
    adapter = Map([Rule("/user/<int:user_id>/<tab>", endpoint="user")]).bind("example.com")
    with pytest.raises(BuildError) as info:
        adapter.build("user", {"user_id": 1})
    assert str(info.value) == (
        "Could not build url for endpoint 'user' with values ['user_id']. Did you forget to specify values ['tab']?"
    )
    assert isinstance(info.value, LookupError)


def test_build_error_suggests_a_close_endpoint():
    adapter = Map([Rule("/user/<name>", endpoint="user_profile")]).bind("example.com")
    with pytest.raises(BuildError, match="Did you mean 'user_profile' instead?"):
        adapter.build("user_profil", {"name": "x"})
    with pytest.raises(BuildError) as info:
        adapter.build("zzz")
    assert str(info.value) == "Could not build url for endpoint 'zzz'."


def test_build_error_names_the_methods_the_endpoint_allows():
    adapter = Map([Rule("/upload", endpoint="upload", methods=["POST"])]).bind("example.com")
    with pytest.raises(BuildError, match=r"\('GET'\)\. Did you mean to use methods \['POST'\]\?"):
        adapter.build("upload", method="GET")


# -- precedence --------------------------------------------------------------


def test_a_static_rule_wins_over_a_dynamic_one():
    url_map = Map([Rule("/user/<name>", endpoint="user"), Rule("/user/me", endpoint="me")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/user/me") == ("me", {})
    assert adapter.match("/user/ann") == ("user", {"name": "ann"})


def test_more_specific_converters_are_tried_first():
    url_map = Map(
        [
            Rule("/<path:anything>", endpoint="catch_all"),
            Rule("/<name>", endpoint="name"),
            Rule("/<uuid:id>", endpoint="uuid"),
            Rule("/<int:number>", endpoint="number"),
            Rule("/static/<path:filename>", endpoint="static"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/static/css/site.css") == ("static", {"filename": "css/site.css"})
    assert adapter.match("/42") == ("number", {"number": 42})
    assert adapter.match("/ann") == ("name", {"name": "ann"})
    assert adapter.match("/123e4567-e89b-12d3-a456-426614174000")[0] == "uuid"
    assert adapter.match("/a/b") == ("catch_all", {"anything": "a/b"})


def test_more_static_text_in_a_segment_is_tried_first():
    url_map = Map([Rule("/<name>", endpoint="page"), Rule("/<name>.json", endpoint="json")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/report.json") == ("json", {"name": "report"})
    assert adapter.match("/report") == ("page", {"name": "report"})


def test_a_static_segment_is_tried_before_a_variable_at_every_step():
    url_map = Map([Rule("/<lang>/about", endpoint="localized"), Rule("/docs/<page>", endpoint="docs")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/docs/about") == ("docs", {"page": "about"})
    assert adapter.match("/en/about") == ("localized", {"lang": "en"})


def test_otherwise_rules_keep_their_registration_order():
    url_map = Map([Rule("/<a>", endpoint="first"), Rule("/<b>", endpoint="second")])
    assert url_map.bind("example.com").match("/x") == ("first", {"a": "x"})


def test_first_segments_of_any_length_keep_that_order():
    url_map = Map(
        [
            Rule("/p/<int:id>", endpoint="p"),
            Rule("/post/<name>", endpoint="post"),
            Rule("/posts/<int:n>", endpoint="posts"),
            Rule("/<page>/edit", endpoint="edit"),
            Rule("/<a>/<b>", endpoint="pair"),
        ]
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/p/1") == ("p", {"id": 1})
    assert adapter.match("/post/1") == ("post", {"name": "1"})
    assert adapter.match("/posts/2") == ("posts", {"n": 2})
    assert adapter.match("/posts/two") == ("pair", {"a": "posts", "b": "two"})
    assert adapter.match("/p/edit") == ("edit", {"page": "p"})
    assert adapter.match("/pos/t") == ("pair", {"a": "pos", "b": "t"})
    with pytest.raises(NotFound):
        adapter.match("/p")


# -- the map and its rules ---------------------------------------------------


def test_rules_added_after_the_first_match_are_matched():
    url_map = Map([Rule("/", endpoint="index")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/") == ("index", {})
    with pytest.raises(NotFound):
        adapter.match("/late")
    url_map.add(Rule("/late", endpoint="late"))
    assert adapter.match("/late") == ("late", {})
    assert adapter.build("late") == "/late"


def test_rule_attributes_repr_and_arbitrary_attributes():
    rule = Rule("/user/<name>", endpoint="user", methods=["GET"])
    rule.provide_automatic_options = True
    url_map = Map([rule])
    assert repr(rule) == "<Rule '/user/<name>' (GET, HEAD) -> user>"
    assert str(rule) == "/user/<name>"
    assert rule.map is url_map
    assert rule.arguments == {"name"}
    assert rule.provide_automatic_options is True
    assert repr(url_map) == "Map([<Rule '/user/<name>' (GET, HEAD) -> user>])"


def test_match_can_return_the_rule():
    rule = Rule("/post/<int:post_id>", endpoint="post")
    adapter = Map([rule]).bind("example.com")
    assert adapter.match("/post/3", return_rule=True) == (rule, {"post_id": 3})


def test_iter_rules_and_is_endpoint_expecting():
    url_map = Map(
        [Rule("/", endpoint="index"), Rule("/post/<int:post_id>", endpoint="post"), Rule("/p/<slug>", endpoint="post")]
    )
    assert [rule.rule for rule in url_map.iter_rules()] == ["/", "/post/<int:post_id>", "/p/<slug>"]
    assert [rule.rule for rule in url_map.iter_rules("post")] == ["/post/<int:post_id>", "/p/<slug>"]
    assert url_map.is_endpoint_expecting("post", "slug")
    assert not url_map.is_endpoint_expecting("post", "post_id", "slug")
    assert not url_map.is_endpoint_expecting("index", "page")


def test_empty_copies_an_unbound_rule_and_a_rule_binds_only_once():
    rule = Rule("/x/<int:n>", endpoint="x", defaults={"n": 1}, methods=["GET"])
    Map([rule])
    with pytest.raises(RuntimeError, match="already bound"):
        Map([rule])
    copy = rule.empty()
    assert copy.map is None
    assert (copy.rule, copy.endpoint, copy.defaults, copy.methods) == ("/x/<int:n>", "x", {"n": 1}, {"GET", "HEAD"})
    assert Map([copy]).bind("example.com").match("/x/5") == ("x", {"n": 1})


def test_provides_defaults_for_and_suitable_for():
    default = Rule("/page/", endpoint="page", defaults={"page": 1})
    numbered = Rule("/page/<int:page>", endpoint="page")
    Map([default, numbered])
    assert default.provides_defaults_for(numbered)
    assert not numbered.provides_defaults_for(default)
    assert default.suitable_for({"page": 1})
    assert not default.suitable_for({"page": 2})
    assert numbered.suitable_for({"page": 2}, "GET")
    assert not numbered.suitable_for({})


def test_test_and_dispatch():
    url_map = Map([Rule("/", endpoint="index"), Rule("/dir/", endpoint="dir")])
    adapter = url_map.bind("example.com")
    assert adapter.test("/")
    assert adapter.test("/dir")
    assert not adapter.test("/nope")
    assert adapter.dispatch(lambda endpoint, values: endpoint, "/") == "index"
    assert isinstance(adapter.dispatch(lambda endpoint, values: endpoint, "/dir"), RequestRedirect)
    with pytest.raises(NotFound):
        adapter.dispatch(lambda endpoint, values: endpoint, "/nope")
    assert isinstance(adapter.dispatch(lambda e, v: e, "/nope", catch_http_exceptions=True), NotFound)


def test_websocket_rules():
    url_map = Map([Rule("/ws", endpoint="socket", websocket=True), Rule("/page", endpoint="page")])
    with pytest.raises(WebsocketMismatch):
        url_map.bind("example.com").match("/ws")
    adapter = url_map.bind("example.com", url_scheme="wss")
    assert adapter.match("/ws") == ("socket", {})
    assert adapter.build("socket") == "wss://example.com/ws"
    assert url_map.bind("example.com").build("socket") == "ws://example.com/ws"
    upgrade = make_environ("example.com", "/ws", HTTP_CONNECTION="keep-alive, Upgrade", HTTP_UPGRADE="websocket")
    assert url_map.bind_to_environ(upgrade).match() == ("socket", {})
    with pytest.raises(ValueError, match="WebSocket"):
        Rule("/ws2", websocket=True, methods=["POST"])


# -- malformed rules ---------------------------------------------------------


@pytest.mark.parametrize(
    "string, error, message",
    [
        ("user/<name>", ValueError, "must start with a slash"),
        ("/user/<name", ValueError, "malformed variable"),
        ("/user/<na me>", ValueError, "malformed variable"),
        ("/<int(:n>", ValueError, "malformed variable"),
        ("/<a>/<a>", ValueError, "appears twice"),
        ("/<nope:a>", LookupError, "converter 'nope'"),
        ("/<int(digits=4):n>", ValueError, "bad arguments for converter 'int'"),
        ("/<int(x=):n>", ValueError, "cannot parse converter arguments"),
        ("/<any():page>", ValueError, "at least one item"),
    ],
)
def test_malformed_rules_are_refused_with_a_clear_error(string, error, message):
    with pytest.raises(error, match=message) as info:
        Map([Rule(string, endpoint="x")])
    assert repr(string) in str(info.value)


# -- odd input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/post/%zz", "/post/\x00", "/post/1|2", "/post/\ufffd", "/post/1.5", "/post/" + "1" * 5000, "/" + "a/" * 2000],
)
def test_odd_paths_give_not_found(path):
    adapter = Map([Rule("/post/<int:post_id>", endpoint="post"), Rule("/", endpoint="index")]).bind("example.com")
    with pytest.raises(NotFound):
        adapter.match(path)


def test_percent_signs_and_odd_characters_reach_string_variables_as_they_are():
    adapter = Map([Rule("/user/<name>", endpoint="user")]).bind("example.com")
    assert adapter.match("/user/%zz") == ("user", {"name": "%zz"})
    assert adapter.match("/user/a|b") == ("user", {"name": "a|b"})


def test_invalid_utf8_in_the_environ_path_is_replaced_not_raised():
    url_map = Map([Rule("/user/<name>", endpoint="user")])
    environ = make_environ("example.com", "/user/\xff\xfe")
    assert url_map.bind_to_environ(environ).match() == ("user", {"name": "\ufffd\ufffd"})
    environ = make_environ("example.com", "/user/\xc3\xa9")
    assert url_map.bind_to_environ(environ).match() == ("user", {"name": "é"})


def test_an_adapter_bound_to_a_request_keeps_its_script_name_and_query_string():
    url_map = Map([Rule("/docs/", endpoint="docs"), Rule("/", endpoint="index")])
    environ = make_environ("example.com", "/docs", SCRIPT_NAME="/\xc3\xa9t\xc3\xa9", QUERY_STRING="q=\xc3\xa9&x=1")
    adapter = url_map.bind_to_environ(environ)
    assert (adapter.script_name, adapter.query_args) == ("/été/", "q=é&x=1")
    assert redirect_target(adapter, None) == "http://example.com/%C3%A9t%C3%A9/docs/?q=%C3%A9&x=1"
    assert adapter.build("index") == "/%C3%A9t%C3%A9/"
    adapter.query_args = None
    adapter.script_name = "/app/"
    assert redirect_target(adapter, None) == "http://example.com/app/docs/"
    assert adapter.build("index") == "/app/"


def test_routing_inside_a_wsgi_application():
    url_map = Map([Rule("/", endpoint="index"), Rule("/user/<name>/", endpoint="user")])

    def app(environ, start_response):
        adapter = url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as exc:
            return exc(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"{endpoint} {values}".encode()]

    def call(path, query=""):
        environ = make_environ("example.com", path, QUERY_STRING=query)
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

        body = validator(app)(environ, start_response)
        try:
            data = b"".join(body)
        finally:
            body.close()
        return seen["status"], seen["headers"], data

    status, _, body = call("/user/ann/")
    assert (status, body) == (200, b"user {'name': 'ann'}")
    status, headers, _ = call("/user/ann", "tab=posts")
    assert status == 308
    assert headers["Location"] == "http://example.com/user/ann/?tab=posts"
    status, _, _ = call("/missing")
    assert status == 404


def test_an_endpoint_without_rules_is_a_key_error_as_in_werkzeug():
    url_map = Map([Rule("/post/<int:post_id>", endpoint="post")])
    with pytest.raises(KeyError) as excinfo:
        url_map.is_endpoint_expecting("missing", "post_id")
    assert excinfo.value.args == ("missing",)
    with pytest.raises(KeyError):
        url_map.is_endpoint_expecting("missing")
    with pytest.raises(KeyError):
        url_map.iter_rules("missing")
    assert url_map.is_endpoint_expecting("post")  # no arguments asked: any rule will do


def test_a_converter_changed_after_the_map_was_built_is_used_for_the_next_match():
    class Upper(BaseConverter):
        pass

    url_map = Map([Rule("/shout/<upper:word>", endpoint="shout")], converters={"upper": Upper})
    adapter = url_map.bind("example.com")
    assert adapter.match("/shout/hey") == ("shout", {"word": "hey"})
    Upper.to_python = lambda self, value: value.upper()  # after the matcher was built
    assert adapter.match("/shout/hey") == ("shout", {"word": "HEY"})
