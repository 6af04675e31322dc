"""``flask.json``: JSON functions that follow the current application.

Inside an application context, ``dumps``, ``dump``, ``loads`` and ``load``
use ``current_app.json`` (the app's JSON provider, see ``provider``); outside
one they use the standard library with the same extra types. ``jsonify``
builds a response and so needs an app. Session JSON lives in ``json.tag``.
"""
from __future__ import annotations

import json as _json
import typing as t
import warnings

from ..globals import _cv_app, _no_app_msg
from ..markup import Markup
from .provider import _default

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response

__all__ = ["JSONDecoder", "JSONEncoder", "dump", "dumps", "htmlsafe_dumps", "jsonify", "load", "loads"]


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """``obj`` as a JSON string, by ``current_app.json.dumps`` when an app is active.

    Without an app, ``json.dumps`` with the provider's extra types (dates,
    decimals, UUIDs, dataclasses, Markup); keys are then not sorted.
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialise ``obj`` as JSON into the text file ``fp``, like ``dumps``."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        app_ctx.app.json.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: t.Union[str, bytes], **kwargs: t.Any) -> t.Any:
    """The value of the JSON in ``s`` (str or bytes), by ``current_app.json.loads``
    when an app is active, else ``json.loads``."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """The value of the JSON read from ``fp``, like ``loads``."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> "Response":
    """A JSON ``Response`` of the arguments: ``current_app.json.response(...)``.

    ``jsonify(user)`` sends one value, ``jsonify(1, 2)`` a list and
    ``jsonify(name="x")`` an object; mixing positional and keyword arguments
    is a ``TypeError``. It needs an application (or request) context.
    """
    # The context variable, as the functions above read it: an attribute
    # read through the ``current_app`` proxy costs about a sixth of a small jsonify().
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        raise RuntimeError(_no_app_msg)
    return app_ctx.app.json.response(*args, **kwargs)


def htmlsafe_dumps(obj: t.Any, **kwargs: t.Any) -> Markup:
    """``dumps(obj)`` made safe to put inside HTML, even a ``<script>`` element.

    ``<``, ``>``, ``&`` and ``'`` are written as JSON escapes (``\\u003c``...),
    which mean the same to a JSON or JavaScript parser but cannot close a tag,
    start an entity or end a single-quoted attribute. The template filter
    ``tojson`` uses it; the result is Markup, so it is not escaped again.
    """
    return Markup(
        dumps(obj, **kwargs)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


def _warn_json_class_deprecated(name: str) -> None:
    warnings.warn(
        f"'{name}' is deprecated (Flask removed it in 2.3). Customize 'app.json' instead.",
        DeprecationWarning,
        stacklevel=4,
    )


class JSONEncoder(_json.JSONEncoder):
    """Flask 2.2's deprecated encoder class: ``json.JSONEncoder`` plus the
    types ``app.json`` serialises (dates, Decimal, UUID, dataclasses,
    ``__html__``). Subclass it as ``app.json_encoder`` only to run old code;
    new code customizes ``app.json``."""

    def __init__(self, **kwargs: t.Any) -> None:
        _warn_json_class_deprecated("JSONEncoder")
        super().__init__(**kwargs)

    def default(self, o: t.Any) -> t.Any:
        return _default(o)


class JSONDecoder(_json.JSONDecoder):
    """Flask 2.2's deprecated decoder class: ``json.JSONDecoder`` as it is."""

    def __init__(self, **kwargs: t.Any) -> None:
        _warn_json_class_deprecated("JSONDecoder")
        super().__init__(**kwargs)
