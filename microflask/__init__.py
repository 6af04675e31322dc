"""microflask: Flask's documented API in pure Python, with no dependencies.

The package is three layers, in three folders. ``microflask.toolkit`` plays
Werkzeug's role (routing, wrappers, http, exceptions...), ``microflask.jinja``
and ``microflask.markup`` play Jinja's and MarkupSafe's, and the modules at
the top (app, ctx, globals, helpers, ...) play Flask's, with one module each
for Flask's smaller dependencies (signing, signals, commands, dotenv). Lower
layers never import higher ones.

This module offers the names ``flask`` does. Each is imported on first use
(PEP 562's module ``__getattr__``), so ``import microflask`` is nearly free
and a tool that only needs ``microflask.markup`` never loads the framework.
"""
from __future__ import annotations

import importlib

# Not ``import typing``: it alone would double the cost of importing this package.
TYPE_CHECKING = False

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "Flask": "app",
    "Blueprint": "blueprints",
    "Config": "config",
    "after_this_request": "ctx",
    "copy_current_request_context": "ctx",
    "has_app_context": "ctx",
    "has_request_context": "ctx",
    "current_app": "globals",
    "g": "globals",
    "request": "globals",
    "session": "globals",
    "abort": "helpers",
    "flash": "helpers",
    "get_flashed_messages": "helpers",
    "get_template_attribute": "helpers",
    "get_debug_flag": "helpers",
    "get_load_dotenv": "helpers",
    "make_response": "helpers",
    "redirect": "helpers",
    "send_file": "helpers",
    "send_from_directory": "helpers",
    "stream_with_context": "helpers",
    "url_for": "helpers",
    "jsonify": "json",
    "Markup": "markup",
    "appcontext_popped": "signals",
    "appcontext_pushed": "signals",
    "appcontext_tearing_down": "signals",
    "before_render_template": "signals",
    "got_request_exception": "signals",
    "message_flashed": "signals",
    "request_finished": "signals",
    "request_started": "signals",
    "request_tearing_down": "signals",
    "signals_available": "signals",
    "template_rendered": "signals",
    "escape": "markup",
    "Request": "wrappers",
    "render_template": "templating",
    "render_template_string": "templating",
    "stream_template": "templating",
    "stream_template_string": "templating",
    "Response": "wrappers",
    # Deprecated in Flask 2.2; looked up afresh each time, so each use warns.
    "_app_ctx_stack": "globals",
    "_request_ctx_stack": "globals",
}

__all__ = sorted(name for name in _EXPORTS if not name.startswith("_"))

# Captured now: importing the submodule ``microflask.globals`` later binds the
# name ``globals`` in this namespace, hiding the builtin.
_namespace = globals()

if TYPE_CHECKING:  # pragma: no cover
    from .app import Flask
    from .blueprints import Blueprint
    from .config import Config
    from .ctx import after_this_request, copy_current_request_context, has_app_context, has_request_context
    from .globals import current_app, g, request, session
    from .helpers import (
        abort,
        flash,
        get_debug_flag,
        get_flashed_messages,
        get_template_attribute,
        get_load_dotenv,
        make_response,
        redirect,
        send_file,
        send_from_directory,
        stream_with_context,
        url_for,
    )
    from .json import jsonify
    from .markup import Markup, escape
    from .signals import (
        appcontext_popped,
        appcontext_pushed,
        appcontext_tearing_down,
        before_render_template,
        got_request_exception,
        message_flashed,
        request_finished,
        request_started,
        request_tearing_down,
        signals_available,
        template_rendered,
    )
    from .templating import render_template, render_template_string, stream_template, stream_template_string
    from .wrappers import Request, Response


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'microflask' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    if not name.startswith("_"):
        _namespace[name] = value  # later lookups skip this function
    return value


def __dir__() -> "list[str]":
    return sorted(set(_namespace) | set(_EXPORTS))
