"""The app's logger, ``app.logger``: a standard ``logging.Logger`` named after the app.

Created on first use of ``app.logger``. During a request, records written
through the default handler go to the WSGI server's error stream
(``environ["wsgi.errors"]``); outside one, to ``sys.stderr``. It configures
only the app's own logger, never the root logger or other libraries' loggers.
"""
from __future__ import annotations

import logging
import sys
import typing as t

from .globals import _cv_request

if t.TYPE_CHECKING:  # pragma: no cover
    from .app import Flask


class _WSGIErrorsStream:
    """A file-like stand-in for whichever error stream is current.

    A logging handler keeps one stream for its lifetime, but the right stream
    changes with each request, so this object looks it up on every write.
    """

    def _get_current_object(self) -> t.TextIO:
        """The current request's ``wsgi.errors``, or ``sys.stderr`` outside a request."""
        ctx = _cv_request.get(None)
        if ctx is None:
            return sys.stderr
        return ctx.request.environ.get("wsgi.errors", sys.stderr)  # type: ignore[no-any-return]

    def write(self, text: str) -> int:
        return self._get_current_object().write(text)

    def flush(self) -> None:
        self._get_current_object().flush()

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._get_current_object(), name)

    def __repr__(self) -> str:
        return f"<wsgi_errors_stream {self._get_current_object()!r}>"


wsgi_errors_stream: t.TextIO = _WSGIErrorsStream()  # type: ignore[assignment]
"""Where the default handler writes: ``environ["wsgi.errors"]`` in a request, else ``sys.stderr``."""


def has_level_handler(logger: logging.Logger) -> bool:
    """Whether a handler on ``logger`` or an ancestor it propagates to would emit its records.

    That is, a handler whose level lets through the logger's effective
    level. When one exists, adding the default handler would print twice.
    """
    level = logger.getEffectiveLevel()
    current: t.Optional[logging.Logger] = logger
    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent
    return False


default_handler = logging.StreamHandler(wsgi_errors_stream)
"""The handler ``create_logger`` adds when nothing else would print the app's records."""
default_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))


def create_logger(app: "Flask") -> logging.Logger:
    """The logger named ``app.name``, ready to print.

    In debug mode a logger with no level of its own is set to ``DEBUG``.
    ``default_handler`` is added only when no handler already configured
    (on the logger or above it) would emit at the logger's level, so
    ``logging.basicConfig`` or a handler added by the user is respected.
    """
    logger = logging.getLogger(app.name)
    if app.debug and logger.level == logging.NOTSET:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
