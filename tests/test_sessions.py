"""Cookie sessions (``microflask.sessions``): what a view keeps in ``session``
comes back on the next request, signed so that the client cannot change it.

The expected cookie was made by Flask 3.1 from the same key and time, so a
session cookie written by either one is read by the other.
"""
from __future__ import annotations

import uuid
import warnings
from datetime import datetime, timedelta, timezone

import pytest

from microflask import Flask, has_request_context, request, session
from microflask.markup import Markup
from microflask.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)
from microflask.signing import URLSafeTimedSerializer

from conftest import SIGNED_AT, URLSAFE_ALPHABET, validated



@pytest.fixture
def app(app):
    """The shared test app with a secret key and views to set, read and clear the session."""
    app.secret_key = "secret-key"

    @app.route("/set/<key>/<value>")
    def set_value(key, value):
        session[key] = value
        return "set"

    @app.route("/read")
    def read():
        return repr(sorted(session.items()))

    @app.route("/get/<key>")
    def get_value(key):
        return str(session.get(key))

    @app.route("/clear")
    def clear():
        session.clear()
        return "cleared"

    @app.route("/untouched")
    def untouched():
        return "no session here"

    return app


def session_cookie(response):
    """The ``Set-Cookie`` header for the session in ``response``, or None."""
    headers = [header for header in response.headers.getlist("Set-Cookie") if header.startswith("session=")]
    assert len(headers) <= 1
    return headers[0] if headers else None


def cookie_value(response):
    return session_cookie(response).split(";")[0].partition("=")[2]


def read_with_cookie(app, value):
    """What ``/read`` shows for a request that sends ``session=value``."""
    client = app.test_client()
    client.set_cookie("session", value)
    response = client.get("/read")
    assert response.status_code == 200
    return response.text


# -- the basics ---------------------------------------------------------------------------


def test_a_value_set_in_one_request_is_read_in_the_next(client):
    assert client.get("/set/user/ana").text == "set"
    assert client.get("/get/user").text == "ana"
    assert client.get("/get/missing").text == "None"


def test_the_cookie_matches_flasks_byte_for_byte(app, clock):
    @app.route("/flask-example")
    def flask_example():
        session["username"] = "admin"
        session["n"] = (1, 2)
        return ""

    response = app.test_client().get("/flask-example")
    assert cookie_value(response) == (
        "eyJuIjp7IiB0IjpbMSwyXX0sInVzZXJuYW1lIjoiYWRtaW4ifQ.ZVPxAA.WxfgJCR50VNbdAESna2bUkRdcCA"
    )
    assert session_cookie(response).endswith("; HttpOnly; Path=/")


def test_a_large_session_is_compressed(app, clock):
    @app.route("/cart")
    def cart():
        session["cart"] = ["apple"] * 20
        return ""

    value = cookie_value(app.test_client().get("/cart"))
    assert value == ".eJyrVkpOLCpRsopWSiwoyElV0hmkdGwtAPajNdU.ZVPxAA.AuM2uswnMGqbqQ_1ZWAO3-luY-Q"
    assert "apple" in read_with_cookie(app, value)


SOME_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        42,
        2.5,
        "ünïcode ✓ <b>",
        [1, "two", [3]],
        (1, "two", (3,)),
        {"nested": {"tuple": (1, 2), "list": [b"\x00\xff"]}},
        b"\x00raw\xffbytes",
        Markup("<b>safe</b>"),
        SOME_UUID,
        datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc),
        {" t": "looks like a tag"},
        {" di": {" t": 1}},
        (),
        {},
    ],
    ids=repr,
)
def test_every_tagged_type_survives_a_real_cookie(app, value):
    @app.route("/store")
    def store():
        session["value"] = value
        return ""

    @app.route("/load")
    def load():
        loaded = session["value"]
        assert type(loaded) is type(value)
        assert loaded == value
        return "same"

    client = app.test_client()
    client.get("/store")
    assert client.get("/load").text == "same"


def test_a_cookie_session_is_never_marked_new_as_in_flask(app):
    value = cookie_value(app.test_client().get("/set/user/ana"))
    interface = app.session_interface
    with app.test_request_context():
        fresh = interface.open_session(app, request._get_current_object())
    with app.test_request_context(headers={"Cookie": f"session={value}"}):
        loaded = interface.open_session(app, request._get_current_object())
    assert fresh == {} and not fresh.new
    assert loaded == {"user": "ana"} and not loaded.new
    for opened in (fresh, loaded):
        assert not opened.modified and not opened.accessed


# -- SecureCookieSession itself -------------------------------------------------------------


def test_reads_set_accessed_and_writes_set_modified():
    data = SecureCookieSession({"a": 1})
    assert not data.accessed and not data.modified and not data.new
    assert "a" in data
    assert data.accessed and not data.modified

    data = SecureCookieSession({"a": 1})
    assert data["a"] == 1 and data.get("b") is None
    assert data.accessed and not data.modified

    data = SecureCookieSession({"a": 1})
    data["b"] = 2
    assert data.accessed and data.modified


@pytest.mark.parametrize(
    ("change", "modifies"),
    [
        (lambda s: s.__delitem__("a"), True),
        (lambda s: s.pop("a"), True),
        (lambda s: s.pop("missing", None), False),
        (lambda s: s.setdefault("a", 5), False),
        (lambda s: s.setdefault("new", 5), True),
        (lambda s: s.update(b=1), True),
        (lambda s: s.popitem(), True),
        (lambda s: s.clear(), True),
        (lambda s: s.__ior__({"b": 1}), True),
        (lambda s: setattr(s, "permanent", True), True),
        (lambda s: s.permanent, False),
    ],
)
def test_which_operations_modify(change, modifies):
    data = SecureCookieSession({"a": 1})
    change(data)
    assert data.modified is modifies
    assert data.accessed


def test_in_place_changes_need_modified_set_by_hand(client, app):
    @app.route("/start")
    def start():
        session["items"] = []
        return ""

    @app.route("/append")
    def append():
        session["items"].append("x")
        return ""

    @app.route("/append-and-mark")
    def append_and_mark():
        session["items"].append("y")
        session.modified = True
        return ""

    client.get("/start")
    client.get("/append")
    assert client.get("/get/items").text == "[]"
    client.get("/append-and-mark")
    assert client.get("/get/items").text == "['y']"


def test_session_types():
    assert isinstance(SecureCookieSession(), SessionMixin)
    assert isinstance(SecureCookieSession(), dict)
    assert SecureCookieSession([("a", 1)]) == {"a": 1}
    assert issubclass(NullSession, SecureCookieSession)


# -- refusing bad cookies ----------------------------------------------------------------------


def good_cookie(app):
    return cookie_value(app.test_client().get("/set/user/ana"))


def test_a_good_cookie_is_read(app):
    assert read_with_cookie(app, good_cookie(app)) == "[('user', 'ana')]"


def test_any_changed_character_gives_an_empty_session(app):
    value = good_cookie(app)
    for index, char in enumerate(value):
        if char in URLSAFE_ALPHABET:
            forged = value[:index] + ("A" if char != "A" else "B") + value[index + 1:]
            assert read_with_cookie(app, forged) == "[]", forged


@pytest.mark.parametrize(
    "forge",
    [
        lambda value: value[:-1],
        lambda value: value[: len(value) // 2],
        lambda value: value.split(".")[0],
        lambda value: value.replace(".", "", 1),
        lambda value: "." + value,
        lambda value: value + ".extra",
        lambda value: "garbage",
        lambda value: "...",
        lambda value: "ünïcode.ünïcode.ünïcode",
        lambda value: '"quoted;value"',
        lambda value: "x" * 4000,
    ],
    ids=["last char cut", "halved", "payload only", "separator removed", "fake compression mark",
         "extra part", "garbage", "dots", "non-ascii", "quoted", "long"],
)
def test_truncated_or_garbage_cookies_give_an_empty_session(app, forge):
    assert read_with_cookie(app, forge(good_cookie(app))) == "[]"


def test_a_cookie_signed_with_another_key_gives_an_empty_session(app):
    other = validated(Flask("other"))
    other.secret_key = "another-key"
    other.route("/set/<key>/<value>")(lambda key, value: session.__setitem__(key, value) or "set")
    foreign = cookie_value(other.test_client().get("/set/user/admin"))
    assert read_with_cookie(app, foreign) == "[]"


def test_a_validly_signed_value_that_is_not_a_session_is_ignored(app):
    serializer = app.session_interface.get_signing_serializer(app)
    for not_a_dict in [[1, 2], "text", 5, None]:
        assert read_with_cookie(app, serializer.dumps(not_a_dict)) == "[]"


def test_an_expired_cookie_gives_an_empty_session(app, clock):
    app.permanent_session_lifetime = timedelta(minutes=10)
    value = good_cookie(app)
    clock.now = SIGNED_AT + 600
    assert read_with_cookie(app, value) == "[('user', 'ana')]"
    clock.now = SIGNED_AT + 601
    assert read_with_cookie(app, value) == "[]"


def test_lifetime_may_be_given_in_seconds(app, clock):
    app.config["PERMANENT_SESSION_LIFETIME"] = 30
    value = good_cookie(app)
    clock.now = SIGNED_AT + 31
    assert read_with_cookie(app, value) == "[]"


# -- key rotation -------------------------------------------------------------------------------


def test_old_keys_in_fallbacks_still_verify_and_the_new_key_signs(app):
    old_value = good_cookie(app)
    app.secret_key = "new-key"
    assert read_with_cookie(app, old_value) == "[]"

    app.config["SECRET_KEY_FALLBACKS"] = ["secret-key"]
    assert read_with_cookie(app, old_value) == "[('user', 'ana')]"

    client = app.test_client()
    client.set_cookie("session", old_value)
    new_value = cookie_value(client.get("/set/role/editor"))
    assert URLSafeTimedSerializer("new-key", salt="cookie-session", signer_kwargs={"key_derivation": "hmac"}).loads(
        new_value
    ) == {"user": "ana", "role": "editor"}

    app.config["SECRET_KEY_FALLBACKS"] = []
    assert read_with_cookie(app, new_value) == "[('role', 'editor'), ('user', 'ana')]"
    assert read_with_cookie(app, old_value) == "[]"


def test_fallbacks_must_be_a_list(app):
    app.config["SECRET_KEY_FALLBACKS"] = "old-key"
    with pytest.raises(TypeError, match="SECRET_KEY_FALLBACKS must be a list of keys"):
        app.session_interface.get_signing_serializer(app)


def test_the_signing_serializer_is_reused_until_the_keys_change(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    app.config["SECRET_KEY_FALLBACKS"] = ["old"]
    assert interface.get_signing_serializer(app) is not first
    app.secret_key = None
    assert interface.get_signing_serializer(app) is None


# -- what the response carries -------------------------------------------------------------------


def test_reading_the_session_adds_vary_cookie(client):
    client.get("/set/user/ana")
    response = client.get("/get/user")
    assert response.headers["Vary"] == "Cookie"
    assert session_cookie(response) is None  # read, not changed: no new cookie


def test_a_membership_test_counts_as_reading(client, app):
    @app.route("/is-user")
    def is_user():
        return str("user" in session)

    assert client.get("/is-user").headers["Vary"] == "Cookie"


def test_a_view_that_ignores_the_session_adds_nothing(client):
    client.get("/set/user/ana")
    response = client.get("/untouched")
    assert "Vary" not in response.headers
    assert session_cookie(response) is None


def test_vary_cookie_is_added_to_an_existing_vary(client, app):
    @app.route("/negotiated")
    def negotiated():
        session["seen"] = True
        return "x", {"Vary": "Accept-Encoding"}

    assert client.get("/negotiated").headers["Vary"] == "Accept-Encoding, Cookie"


def test_an_emptied_session_deletes_its_cookie(client):
    client.get("/set/user/ana")
    assert client.get_cookie("session") is not None
    response = client.get("/clear")
    header = session_cookie(response)
    assert header.startswith("session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;")
    assert response.headers["Vary"] == "Cookie"
    assert client.get_cookie("session") is None


def test_reading_an_empty_session_sends_no_cookie(client):
    response = client.get("/get/user")
    assert session_cookie(response) is None
    assert response.headers["Vary"] == "Cookie"


def test_a_browser_session_cookie_has_no_expiry(client):
    header = session_cookie(client.get("/set/user/ana"))
    assert "Expires" not in header and "Max-Age" not in header


def test_a_permanent_session_cookie_expires_after_the_lifetime(app, client):
    app.permanent_session_lifetime = timedelta(days=7)

    @app.route("/remember")
    def remember():
        session.permanent = True
        session["user"] = "ana"
        return ""

    before = datetime.now(timezone.utc).replace(microsecond=0)
    header = session_cookie(client.get("/remember"))
    expires = client.get_cookie("session").expires
    assert "Expires=" in header
    assert before + timedelta(days=7) <= expires <= datetime.now(timezone.utc) + timedelta(days=7)
    assert client.get("/get/_permanent").text == "True"


def test_a_permanent_session_is_refreshed_on_every_later_request(app, client):
    """Its cookie is sent again, with a new expiry, whether or not the view
    uses the session: the session stays alive while the user browses."""

    @app.route("/remember")
    def remember():
        session.permanent = True
        return ""

    client.get("/remember")
    assert session_cookie(client.get("/get/user")) is not None
    untouched = client.get("/untouched")
    assert session_cookie(untouched) is not None
    assert untouched.headers["Vary"] == "Cookie"  # so that no cache shares the refreshed cookie
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert session_cookie(client.get("/get/user")) is None
    assert session_cookie(client.get("/untouched")) is None


def test_cookie_attributes_come_from_config(app):
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    response = app.test_client().get("/set/user/ana", base_url="https://www.example.com")
    header = response.headers["Set-Cookie"]
    assert header.startswith("sid=")
    attributes = header.split("; ")[1:]
    assert attributes == ["Domain=example.com", "Secure", "Path=/app", "SameSite=Lax"]


def test_the_cookie_path_defaults_to_the_application_root(app):
    app.config["APPLICATION_ROOT"] = "/shop"
    response = app.test_client().get("/set/user/ana")
    assert session_cookie(response).endswith("; Path=/shop")


def test_a_cookie_over_the_size_limit_warns(app, client):
    @app.route("/big")
    def big():
        session["blob"] = uuid.UUID(int=0).hex + "".join(str(uuid.uuid4()) for _ in range(150))
        return ""

    with pytest.warns(UserWarning, match="'session' cookie is .* bytes long"):
        client.get("/big")


def test_a_small_cookie_does_not_warn(client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.get("/set/user/ana")


# -- no secret key ----------------------------------------------------------------------------------


def test_without_a_secret_key_the_session_is_a_readable_null_session():
    app = validated(Flask("keyless"))

    @app.route("/")
    def index():
        assert isinstance(session._get_current_object(), NullSession)
        return repr((session.get("user"), "user" in session, len(session)))

    response = app.test_client().get("/")
    assert response.text == "(None, False, 0)"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.__setitem__("user", "ana"),
        lambda s: s.__delitem__("user"),
        lambda s: s.update(user="ana"),
        lambda s: s.setdefault("user", "ana"),
        lambda s: s.pop("user", None),
        lambda s: s.clear(),
        lambda s: setattr(s, "permanent", True),
    ],
)
def test_writing_to_the_null_session_says_to_set_a_secret_key(write):
    app = Flask("keyless")
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="no secret key was set. Set the secret_key"):
            write(session._get_current_object())


def test_null_session_interface_methods():
    interface = SessionInterface()
    app = Flask("keyless")
    null = interface.make_null_session(app)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())
    assert interface.open_session(app, None) is None


# -- replacing the interface --------------------------------------------------------------------------


def test_a_subclass_can_change_salt_and_cookie_settings(app):
    class ShortLived(SecureCookieSessionInterface):
        salt = "short-lived"

        def get_cookie_name(self, app):
            return "short"

    default_value = good_cookie(app)
    app.session_interface = ShortLived()
    client = app.test_client()
    response = client.get("/set/user/ana")
    value = response.headers["Set-Cookie"].split(";")[0].partition("=")[2]
    assert response.headers["Set-Cookie"].startswith("short=")
    assert value.split(".")[2] != default_value.split(".")[2]
    assert client.get("/get/user").text == "ana"


def test_digest_and_key_derivation_defaults_match_flask():
    interface = SecureCookieSessionInterface()
    assert interface.salt == "cookie-session"
    assert interface.key_derivation == "hmac"
    assert interface.digest_method().name == "sha1"
    assert interface.pickle_based is False


# -- session_transaction ----------------------------------------------------------------------------------


def test_session_transaction_writes_what_the_next_request_reads(client):
    with client.session_transaction() as sess:
        assert sess == {}
        sess["user"] = "ana"
    assert client.get("/get/user").text == "ana"


def test_session_transaction_reads_what_a_request_wrote(client):
    client.get("/set/user/ana")
    with client.session_transaction() as sess:
        assert sess["user"] == "ana"
        del sess["user"]
    assert client.get("/read").text == "[]"
    assert client.get_cookie("session") is None


def test_session_transaction_does_not_leave_a_request_context_active(client):
    with client.session_transaction() as sess:
        assert not has_request_context()
        sess["seen"] = True
    assert not has_request_context()


def test_session_transaction_for_a_path_and_host(app):
    app.config["SESSION_COOKIE_PATH"] = "/admin"
    client = app.test_client()
    with client.session_transaction("/admin/", base_url="http://shop.test") as sess:
        sess["user"] = "root"
    assert client.get_cookie("session", domain="shop.test", path="/admin") is not None
    assert client.get_cookie("session") is None


def test_session_transaction_discards_changes_when_the_block_fails(client):
    with pytest.raises(ZeroDivisionError):
        with client.session_transaction() as sess:
            sess["user"] = "ana"
            1 / 0
    assert client.get_cookie("session") is None


def test_session_transaction_needs_a_session(client, app):
    app.secret_key = None
    with pytest.raises(RuntimeError, match="Session backend did not open a session. Check the configuration"):
        with client.session_transaction():
            pass


def test_session_transaction_needs_cookies(app):
    client = app.test_client(use_cookies=False)
    with pytest.raises(RuntimeError, match="cookies enabled"):
        with client.session_transaction():
            pass
