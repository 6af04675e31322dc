"""The context globals: ``current_app``, ``g``, ``request`` and ``session``.

Two context variables hold the active contexts: the application context
(``app_ctx``) and the request context (``request_ctx``), both pushed by
``Flask.wsgi_app`` for each request. Every other name here is a proxy to an
attribute of one of them (see ``microflask.local``).
"""
from __future__ import annotations

import typing as t
from contextvars import ContextVar

from .local import LocalProxy

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

Something here needs the current application (current_app, g, url_for...),
but no application context is active. Wrap the code in
`with app.app_context():`, or run it inside a request."""

_no_req_msg = """\
Working outside of request context.

Something here needs the current request (request, session...), but no
request is being handled. In tests, wrap the code in
`with app.test_request_context():` or make a request with app.test_client()."""

_cv_app: "ContextVar[AppContext]" = ContextVar("microflask.app_ctx")
_cv_request: "ContextVar[RequestContext]" = ContextVar("microflask.request_ctx")

app_ctx: "AppContext" = LocalProxy(_cv_app, unbound_message=_no_app_msg)  # type: ignore[assignment]
current_app: "Flask" = LocalProxy(_cv_app, "app", unbound_message=_no_app_msg)  # type: ignore[assignment]
g: "_AppCtxGlobals" = LocalProxy(_cv_app, "g", unbound_message=_no_app_msg)  # type: ignore[assignment]

request_ctx: "RequestContext" = LocalProxy(_cv_request, unbound_message=_no_req_msg)  # type: ignore[assignment]
request: "Request" = LocalProxy(_cv_request, "request", unbound_message=_no_req_msg)  # type: ignore[assignment]
session: "SessionMixin" = LocalProxy(_cv_request, "session", unbound_message=_no_req_msg)  # type: ignore[assignment]
