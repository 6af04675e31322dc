"""The debug traceback page: WSGI middleware that shows a crash in the browser.

``DebuggedApplication`` wraps an application during development (the server
adds it with ``use_debugger=True``). When an exception escapes the app, it
logs the traceback and answers 500 with an HTML page of it: frames, files,
lines and source, every piece escaped. It shows no local variables and runs
no code: there is no console, no PIN and no evalex.
"""
from __future__ import annotations

import sys
import traceback
import typing as t
from html import escape

WSGIEnvironment = t.Dict[str, t.Any]

_PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    # All text on the page is escaped; this is the second lock on the door:
    # even injected markup could load or run nothing.
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
]

_STYLE = """
body { font: 15px/1.4 sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
.message { font: 1.1em monospace; white-space: pre-wrap; background: #fde8e8; padding: .6em; }
.chain { font-style: italic; margin: 1.6em 0 .6em; }
ol { list-style: none; padding: 0; }
li { margin: .4em 0; border-left: 3px solid #ccc; padding-left: .6em; }
.where { color: #555; }
code { display: block; font: .95em monospace; background: #f4f4f4; padding: .3em; white-space: pre-wrap; }
details pre { font: .85em monospace; white-space: pre-wrap; background: #f4f4f4; padding: .6em; }
"""

_CAUSE_NOTE = "The above exception was the direct cause of the following exception:"
_CONTEXT_NOTE = "During handling of the above exception, another exception occurred:"


def _exception_chain(
    error: "traceback.TracebackException",
) -> t.List[t.Tuple[t.Optional[str], "traceback.TracebackException"]]:
    """The chained exceptions, oldest first, each with the note that links it
    to the one before it (as Python prints them)."""
    chain: t.List[t.Tuple[t.Optional[str], "traceback.TracebackException"]] = []
    current: t.Optional["traceback.TracebackException"] = error
    while current is not None:
        if current.__cause__ is not None:
            chain.append((_CAUSE_NOTE, current))
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            chain.append((_CONTEXT_NOTE, current))
            current = current.__context__
        else:
            chain.append((None, current))
            current = None
    chain.reverse()
    return chain


def _render_exception(error: "traceback.TracebackException") -> str:
    frames = "".join(
        f'<li><div class="where">File <b>{escape(frame.filename)}</b>, line {frame.lineno},'
        f" in <b>{escape(frame.name)}</b></div>"
        + (f"<code>{escape(frame.line)}</code>" if frame.line else "")
        + "</li>\n"
        for frame in error.stack
    )
    message = "".join(error.format_exception_only()).strip()
    return f'<ol>\n{frames}</ol>\n<p class="message">{escape(message)}</p>\n'


def render_traceback_html(exc: BaseException) -> str:
    """A complete HTML page showing ``exc`` and its traceback, all escaped.

    Chained exceptions (``raise ... from ...`` or raised while handling
    another) are shown oldest first, as Python prints them. No local
    variables are shown.
    """
    return _render_page(type(exc), traceback.TracebackException(type(exc), exc, exc.__traceback__))


def _render_page(exc_type: t.Type[BaseException], error: "traceback.TracebackException") -> str:
    title = "".join(error.format_exception_only()).strip().splitlines()[0]
    sections = "".join(
        (f'<p class="chain">{escape(note)}</p>\n' if note else "") + _render_exception(part)
        for note, part in _exception_chain(error)
    )
    return (
        "<!doctype html>\n<html lang=en>\n<meta charset=utf-8>\n"
        f"<title>{escape(title)} // microflask debugger</title>\n"
        f"<style>{_STYLE}</style>\n"
        f"<h1>{escape(exc_type.__name__)}</h1>\n"
        "<p>The application raised an exception while handling this request."
        " Most recent call last:</p>\n"
        f"{sections}"
        "<details><summary>The traceback as text</summary>\n"
        f"<pre>{escape(''.join(error.format()))}</pre></details>\n"
        "<p><i>This page is shown because the debugger is on. Never leave it on in production.</i></p>\n"
    )


class DebuggedApplication:
    """WSGI middleware: an exception escaping ``app`` becomes a 500 traceback page.

    The traceback is also written to ``environ['wsgi.errors']``. If the
    response had already started when the error happened, the page cannot be
    sent any more: the error is logged and raised to the server, which drops
    the connection. ``evalex`` is accepted for compatibility and ignored:
    this debugger never runs code sent from the browser.
    """

    def __init__(self, app: t.Callable, evalex: bool = False) -> None:
        self.app = app
        self.evalex = evalex

    def __call__(self, environ: WSGIEnvironment, start_response: t.Callable) -> t.Iterable[bytes]:
        try:
            body = self.app(environ, start_response)
        except Exception as error:
            return self._error_page(error, environ, start_response)
        return _GuardedBody(body, self, environ, start_response)

    def _error_page(self, error: Exception, environ: WSGIEnvironment, start_response: t.Callable) -> t.List[bytes]:
        # The first frame is the one here that caught the error: not news.
        caught_at = error.__traceback__
        frames = caught_at.tb_next if caught_at is not None and caught_at.tb_next is not None else caught_at
        report = traceback.TracebackException(type(error), error, frames)
        environ["wsgi.errors"].write("".join(report.format()))
        # Passing exc_info lets us replace headers the app already set; if
        # they were already sent, start_response raises the error itself.
        start_response("500 INTERNAL SERVER ERROR", list(_PAGE_HEADERS), sys.exc_info())
        # "replace": a message may hold lone surrogates (from undecodable OS data).
        return [_render_page(type(error), report).encode("utf-8", "replace")]


class _GuardedBody:
    """The app's response body, watched for an exception while it is iterated."""

    def __init__(
        self, body: t.Iterable[bytes], debugger: DebuggedApplication, environ: WSGIEnvironment, start_response: t.Callable
    ) -> None:
        self._body = body
        self._debugger = debugger
        self._environ = environ
        self._start_response = start_response

    def __iter__(self) -> t.Iterator[bytes]:
        try:
            yield from self._body
        except Exception as error:
            yield from self._debugger._error_page(error, self._environ, self._start_response)

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
