"""The request and response objects: ``flask.wrappers`` for microflask users.

``Request`` is a lazy view of one WSGI environ; ``Response`` is a body, a
status and headers that is itself a WSGI application.
"""
from .request import Request
from .response import Response

__all__ = ["Request", "Response"]
