"""Sessions: data kept across requests in a signed cookie, and the interface that loads and saves them.

``RequestContext.session`` asks ``app.session_interface.open_session`` for
the session the first time a view uses it, and ``Flask.process_response``
hands it back to ``save_session``. The default interface keeps the whole
session in a cookie signed with ``SECRET_KEY`` (``microflask.signing``):
the client can read it but not change it. Nothing here encrypts, and nothing
is stored on the server.
"""
from __future__ import annotations

import typing as t
from collections.abc import MutableMapping
from datetime import datetime, timezone

from .toolkit.datastructures import CallbackDict
from .json.tag import TaggedJSONSerializer
from .signing import BadData, Signer, URLSafeTimedSerializer

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .wrappers import Request, Response


class SessionMixin(MutableMapping):  # type: ignore[type-arg]
    """What every session offers on top of a dict: ``permanent``, ``new``,
    ``modified`` and ``accessed`` flags."""

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (``PERMANENT_SESSION_LIFETIME``)."""
        return self.get("_permanent", False)

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: Whether the session was just created (no cookie came with the request).
    new = False
    #: Whether the session was changed; set on writes to the top level only.
    modified = True
    #: Whether the session was read or written (adds ``Vary: Cookie``).
    accessed = True


def _record_change(session: "SecureCookieSession") -> None:
    session.modified = session.accessed = True


class SecureCookieSession(CallbackDict, SessionMixin):  # type: ignore[misc]
    """The session the cookie interface opens: a dict that records its use.

    Reading it (``[]``, ``get``, ``in``, ``setdefault``, ``pop``) sets
    ``accessed``, so the response gets ``Vary: Cookie``; changing its top
    level sets ``modified`` too (``CallbackDict`` reports every change), so
    the cookie is written again. Changing a value in place
    (``session["cart"].append(x)``) is not seen: assign it again or set
    ``session.modified = True``.
    """

    #: Set when no valid cookie came with the request.
    new = False
    modified = False
    accessed = False

    def __init__(self, initial: t.Union[t.Mapping[str, t.Any], t.Iterable[t.Tuple[str, t.Any]], None] = None) -> None:
        # What CallbackDict.__init__(initial, _record_change) does, in one
        # step: a session is made on every request that uses one.
        dict.__init__(self, initial or ())
        self.on_update = _record_change

    def __getitem__(self, key: str) -> t.Any:
        self.accessed = True
        return dict.__getitem__(self, key)

    def __setitem__(self, key: str, value: t.Any) -> None:
        # The usual write, made without CallbackDict's two calls to reach _record_change.
        dict.__setitem__(self, key, value)
        self.modified = self.accessed = True

    def get(self, key: str, default: t.Any = None) -> t.Any:
        self.accessed = True
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return dict.__contains__(self, key)

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        self.accessed = True
        return super().setdefault(key, default)

    def pop(self, key: str, *default: t.Any) -> t.Any:
        self.accessed = True
        return super().pop(key, *default)


class NullSession(SecureCookieSession):
    """The session when none could be opened (no secret key): reading it
    works and finds it empty; writing to it raises an error saying why."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the"
            " secret_key on the application to something unique and secret."
        )

    __setitem__ = __delitem__ = __ior__ = _fail  # type: ignore[assignment]
    clear = pop = popitem = update = setdefault = _fail  # type: ignore[assignment]
    del _fail


class SessionInterface:
    """How the app loads and saves sessions; replace ``app.session_interface``
    with a subclass to store sessions elsewhere.

    ``open_session`` returns None when it cannot open one (no secret key,
    say); the request then gets ``make_null_session``'s null session, and
    ``save_session`` is not called for it.
    """

    null_session_class: t.Type[NullSession] = NullSession
    #: A marker for interfaces that pickle session data (none here do).
    pickle_based = False

    def make_null_session(self, app: "Flask") -> NullSession:
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: "Flask") -> str:
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: "Flask") -> t.Optional[str]:
        """``SESSION_COOKIE_DOMAIN``; unset means the cookie is for this host only."""
        return app.config["SESSION_COOKIE_DOMAIN"] or None

    def get_cookie_path(self, app: "Flask") -> str:
        """``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: "Flask") -> bool:
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: "Flask") -> bool:
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: "Flask") -> t.Optional[str]:
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: "Flask", session: SessionMixin) -> t.Optional[datetime]:
        """When a permanent session's cookie expires; None for a browser-session cookie."""
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: "Flask", session: SessionMixin) -> bool:
        """Set the cookie when the session changed, or to refresh a permanent one."""
        return session.modified or (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"])

    def open_session(self, app: "Flask", request: "Request") -> t.Optional[SessionMixin]:
        """Load the session for ``request``; None means use a null session."""
        return None

    def save_session(self, app: "Flask", session: SessionMixin, response: "Response") -> None:
        """Store ``session`` (usually as a cookie on ``response``)."""



#: The serializer of cookie sessions, shared by every app: it has no per-app state.
session_json_serializer = TaggedJSONSerializer()

# Cached signing serializers, by everything that makes one; cleared when it
# grows past this many entries (each new secret key adds one).
_MAX_CACHED_SERIALIZERS = 32


class SecureCookieSessionInterface(SessionInterface):
    """Keeps the session in a cookie: tagged JSON, zlib-compressed when that
    helps, base64 and signed with the app's ``SECRET_KEY``.

    The cookie is signed with a timestamp and refused once older than
    ``PERMANENT_SESSION_LIFETIME``. ``SECRET_KEY_FALLBACKS`` lists older keys
    that still verify while every new cookie is signed with ``SECRET_KEY``.
    A missing, tampered, expired or unreadable cookie gives a new empty
    session, never an error.
    """

    #: Separates session signatures from other things the same key signs.
    salt = "cookie-session"
    #: SHA-1, the signer's default (hashlib is imported when the first signer is made).
    digest_method = staticmethod(Signer.default_digest_method)
    #: How the HMAC key is derived from the secret key and salt (see ``Signer``).
    key_derivation = "hmac"
    serializer = session_json_serializer
    session_class = SecureCookieSession

    def __init__(self) -> None:
        self._serializers: t.Dict[t.Tuple[t.Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: "Flask") -> t.Optional[URLSafeTimedSerializer]:
        """The serializer that signs and reads this app's session cookies, or
        None when the app has no ``secret_key``.

        Building one derives an HMAC key per secret key, so it is built once
        and reused while the keys and the settings above stay the same.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or ()
        if isinstance(fallbacks, (str, bytes)):
            # Taken as a list, "old-key" would make each letter a valid key.
            raise TypeError("SECRET_KEY_FALLBACKS must be a list of keys, not a single str or bytes")
        # The keys, then the four settings: a flat tuple, as the settings are
        # always the last four items it cannot be read two ways.
        cache_key = (secret_key, *fallbacks, self.salt, self.key_derivation, self.digest_method, self.serializer)
        serializer = self._serializers.get(cache_key)
        if serializer is None:
            serializer = URLSafeTimedSerializer(
                [secret_key, *fallbacks],
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
            )
            if len(self._serializers) >= _MAX_CACHED_SERIALIZERS:
                self._serializers.clear()
            self._serializers[cache_key] = serializer
        return serializer

    def open_session(self, app: "Flask", request: "Request") -> t.Optional[SecureCookieSession]:
        """The session in the request's cookie; a new empty one if there is
        no valid cookie; None (a null session) without a secret key."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if value:
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                data = serializer.loads(value, max_age=max_age)
            except BadData:
                data = None
            # Only a holder of the key can sign a non-dict, but it must still not be a 500.
            if isinstance(data, dict):
                return self.session_class(data)
        # Flask's cookie sessions always report new as False, even without a cookie.
        return self.session_class()

    def save_session(self, app: "Flask", session: SessionMixin, response: "Response") -> None:
        """Write the session into a ``Set-Cookie`` header when it changed (or
        to refresh a permanent one); delete the cookie when it was emptied.

        Any response that depended on the session gets ``Vary: Cookie``, so
        that caches do not serve one user's page to another.
        """
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        vary = session.accessed
        if not session:
            if session.modified:
                response.delete_cookie(
                    name, domain=domain, path=path, secure=secure, samesite=samesite, httponly=httponly
                )
                vary = True
        elif self.should_set_cookie(app, session):
            serializer = self.get_signing_serializer(app)
            response.set_cookie(
                name,
                serializer.dumps(dict(session)),  # type: ignore[union-attr,arg-type]
                expires=self.get_expiration_time(app, session),
                httponly=httponly,
                domain=domain,
                path=path,
                secure=secure,
                samesite=samesite,
            )
            vary = True
        if vary:
            _vary_on_cookie(response)


def _vary_on_cookie(response: "Response") -> None:
    """Add ``Cookie`` to the ``Vary`` header. Most responses have none yet,
    and adding it directly skips parsing and rewriting the header set."""
    headers = response.headers
    if "Vary" in headers:
        response.vary.add("Cookie")
    else:
        headers.add("Vary", "Cookie")
