"""microflask: Flask's documented API in pure Python, with no dependencies.

The package is three layers. The toolkit (routing, exceptions, http,
datastructures, formparser, wrappers, utils, urls, wsgi, test, serving)
plays Werkzeug's role; ``microflask.jinja`` plays Jinja's; the framework
modules built on both (app, ctx, globals, helpers, ...) play Flask's. Lower
layers never import higher ones. This module re-exports what ``flask`` does.
"""
from .app import Flask
from .config import Config
from .ctx import after_this_request, copy_current_request_context, has_app_context, has_request_context
from .globals import current_app, g, request, session
from .helpers import (
    abort,
    get_debug_flag,
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
from .wrappers import Request, Response

__version__ = "0.1.0"

__all__ = [
    "Config", "Flask", "Markup", "Request", "Response", "abort", "after_this_request",
    "copy_current_request_context", "current_app", "escape", "g", "get_debug_flag",
    "get_load_dotenv", "has_app_context", "has_request_context", "jsonify", "make_response",
    "redirect", "request", "send_file", "send_from_directory", "session", "stream_with_context",
    "url_for",
]
