"""The exceptions routing raises: redirects, misses and failed URL builds.

``MapAdapter.match`` turns the matcher's internal signals (``RequestPath``,
``RequestAliasRedirect``, ``NoMatch``) into HTTP errors from
``microflask.toolkit.exceptions`` or a ``RequestRedirect``; ``build`` raises
``BuildError``. Converters raise ``ValidationError`` to reject a value.
"""
from __future__ import annotations

import typing as t

from ..exceptions import BadRequest, HTTPException
from ..utils import redirect

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response
    from .map import MapAdapter
    from .rules import Rule


class RoutingException(Exception):
    """Base of every exception routing raises, HTTP-facing or internal."""


class RequestRedirect(HTTPException, RoutingException):
    """308: the URL is spelled differently; ``new_url`` is the right one.

    Raised for a missing trailing slash, merged slashes, alias rules,
    ``redirect_to`` and URLs that spell out a rule's default values. 308 keeps
    the method and body, so a redirected POST stays a POST.
    """

    code = 308

    def __init__(self, new_url: str) -> None:
        super().__init__(new_url)
        self.new_url = new_url

    def get_response(self, environ: t.Optional[t.Any] = None, scope: t.Optional[dict] = None) -> "Response":
        return redirect(self.new_url, self.code)


class RequestPath(RoutingException):
    """Internal: the matcher wants the client sent to ``path_info`` instead."""

    def __init__(self, path_info: str) -> None:
        super().__init__(path_info)
        self.path_info = path_info


class RequestAliasRedirect(RoutingException):
    """Internal: an alias rule matched; send the client to the canonical URL."""

    def __init__(self, matched_values: t.Dict[str, t.Any], endpoint: t.Any) -> None:
        super().__init__(matched_values, endpoint)
        self.matched_values = matched_values
        self.endpoint = endpoint


class NoMatch(Exception):
    """Internal: no rule matched the path.

    ``have_match_for`` holds the methods of rules that matched the path but
    not the method (a 405 if not empty); ``websocket_mismatch`` says a rule
    matched except for being (or not being) a WebSocket rule.
    """

    def __init__(self, have_match_for: t.Set[str], websocket_mismatch: bool) -> None:
        super().__init__(have_match_for, websocket_mismatch)
        self.have_match_for = have_match_for
        self.websocket_mismatch = websocket_mismatch


class ValidationError(ValueError):
    """Raised by a converter: this text (or value) is not one it accepts.

    While matching, the rule is skipped and the next candidate tried; while
    building, the rule is skipped and the next rule for the endpoint tried.
    """


class WebsocketMismatch(BadRequest):
    """400: the URL is a WebSocket endpoint and the request is plain HTTP, or the reverse."""


class BuildError(RoutingException, LookupError):
    """No rule of ``endpoint`` can be built from ``values`` (and ``method``).

    The message says why as precisely as it can: the values that are
    missing, the methods the endpoint allows, or the closest endpoint name.
    """

    def __init__(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: t.Optional[str],
        adapter: t.Optional["MapAdapter"] = None,
    ) -> None:
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values = values
        self.method = method
        self.adapter = adapter

    def __str__(self) -> str:
        message = f"Could not build url for endpoint {self.endpoint!r}"
        if self.method:
            message += f" ({self.method!r})"
        if self.values:
            message += f" with values {sorted(self.values)!r}"
        return message + "." + self._hint()

    def _hint(self) -> str:
        if self.adapter is None:
            return ""
        rules_by_endpoint = self.adapter.map._rules_by_endpoint
        rules = rules_by_endpoint.get(self.endpoint)
        if rules:
            return _hint_for_rules(rules, self.values, self.method)
        names = [name for name in rules_by_endpoint if isinstance(name, str)]
        if isinstance(self.endpoint, str):
            import difflib  # heavy: only this error message needs it

            close = difflib.get_close_matches(self.endpoint, names, n=1)
            if close:
                return f" Did you mean {close[0]!r} instead?"
        return ""


def _hint_for_rules(rules: t.Sequence["Rule"], values: t.Mapping[str, t.Any], method: t.Optional[str]) -> str:
    """Explain why the endpoint's rules did not fit, from the one that fits best."""
    if method is not None:
        allowing = [rule for rule in rules if rule.methods is None or method in rule.methods]
        if not allowing:
            methods = sorted(set().union(*(rule.methods or () for rule in rules)))
            return f" Did you mean to use methods {methods!r}?"
        rules = allowing
    missing_per_rule = [
        sorted(name for name in rule.arguments if name not in values and name not in (rule.defaults or ()))
        for rule in rules
    ]
    fewest_missing = min(missing_per_rule, key=len)
    if fewest_missing:
        return f" Did you forget to specify values {fewest_missing!r}?"
    return ""
