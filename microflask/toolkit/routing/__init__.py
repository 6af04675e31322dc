"""URL routing: which view does this URL mean, and what URL does this view have?

``Map`` holds the ``Rule``s, ``Map.bind_to_environ`` gives a ``MapAdapter``
per request, and the adapter's ``match`` and ``build`` answer the two
questions. Converters type the variables of a rule. Serving the matched view
and turning routing exceptions into responses is the framework's job.
"""
from __future__ import annotations

from .converters import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    NumberConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from .exceptions import (
    BuildError,
    NoMatch,
    RequestAliasRedirect,
    RequestPath,
    RequestRedirect,
    RoutingException,
    ValidationError,
    WebsocketMismatch,
)
from .map import Map, MapAdapter
from .matcher import Matcher
from .rules import Rule, RulePart, parse_converter_args

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "MapAdapter",
    "Matcher",
    "NoMatch",
    "NumberConverter",
    "PathConverter",
    "RequestAliasRedirect",
    "RequestPath",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "RulePart",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "WebsocketMismatch",
    "parse_converter_args",
]
