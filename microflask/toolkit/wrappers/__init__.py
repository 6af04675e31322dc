"""The plain request and response objects: ``werkzeug.wrappers``.

``Request`` is a lazy view of one WSGI environ; ``Response`` is a body, a
status and headers that is itself a WSGI application. They know nothing of
apps or URL rules: Flask's ``Request`` and ``Response``, which do, are
subclasses of these in ``microflask.wrappers``.
"""
from .request import Request
from .response import Response

__all__ = ["Request", "Response"]
