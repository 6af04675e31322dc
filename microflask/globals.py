"""The context globals: ``current_app``, ``g``, ``request`` and ``session``.

Two context variables hold the active contexts: the application context
(``app_ctx``) and the request context (``request_ctx``), both pushed by
``Flask.wsgi_app`` for each request. Every other name here is a proxy to an
attribute of one of them (see ``microflask.toolkit.local``).
"""
from __future__ import annotations

import typing as t
import warnings
from contextvars import ContextVar

from .toolkit.local import LocalProxy

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


class _ContextStack:
    """Flask 2.2's deprecated ``_app_ctx_stack`` and ``_request_ctx_stack``:
    the old stack interface (``top``, ``push``, ``pop``) over one of the
    context variables, for extensions written before they existed."""

    def __init__(self, kind: str, context_var: "ContextVar[t.Any]") -> None:
        self.kind = kind
        self.context_var = context_var

    def _warn(self) -> None:
        warnings.warn(
            f"'_{self.kind}_ctx_stack' is deprecated (Flask removed it in 2.3). Use 'g' to store data,"
            f" or '{self.kind}_ctx' to reach the current context.",
            DeprecationWarning,
            stacklevel=3,
        )

    @property
    def top(self) -> t.Any:
        """The active context, or None."""
        self._warn()
        return self.context_var.get(None)

    def push(self, context: t.Any) -> None:
        self._warn()
        context.push()

    def pop(self) -> t.Any:
        self._warn()
        context = self.context_var.get(None)
        if context is not None:
            context.pop()
        return context


_stacks = {
    "_app_ctx_stack": _ContextStack("app", _cv_app),
    "_request_ctx_stack": _ContextStack("request", _cv_request),
}


def __getattr__(name: str) -> t.Any:
    stack = _stacks.get(name)
    if stack is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    stack._warn()
    return stack
