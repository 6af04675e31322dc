"""Sessions: the interface the request context uses to load and save them.

``RequestContext.session`` asks ``app.session_interface.open_session`` for
the session the first time a view uses it, and ``Flask.process_response``
hands it back to ``save_session``. This module holds the interface and the
null session used when none can be opened; the signed-cookie implementation
builds on it.
"""
from __future__ import annotations

import typing as t
from collections.abc import MutableMapping
from datetime import datetime, timezone

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


class NullSession(SessionMixin, dict):  # type: ignore[misc]
    """The session when none could be opened: readable, and empty; writing
    to it explains that a secret key is needed."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the"
            " secret_key on the application to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail  # type: ignore[assignment]
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

