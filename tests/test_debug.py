"""The debug traceback page: DebuggedApplication and render_traceback_html.

Each test serves a request through wsgiref's real server-side handler (so
start_response behaves as a server's does, headers sent or not) with the
application wrapped in wsgiref's validator.
"""
import io
import os
from wsgiref.handlers import SimpleHandler
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

from microflask.toolkit.debug import DebuggedApplication, render_traceback_html


def _serve(app, path="/", query=""):
    """Run one GET through a wsgiref handler; return (status, headers, body, log)."""
    environ = {"SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    output, errors = io.BytesIO(), io.StringIO()
    SimpleHandler(io.BytesIO(), output, errors, environ).run(validator(DebuggedApplication(app)))
    head, _, body = output.getvalue().partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return status_line.split(" ", 1)[1], headers, body.decode("utf-8"), errors.getvalue()


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]


def crashes_with_markup(environ, start_response):
    raise ValueError("<script>alert('pwned')</script>")


def test_a_working_app_passes_through_untouched():
    status, headers, body, log = _serve(hello)
    assert (status, headers["Content-Type"], body, log) == ("200 OK", "text/plain", "Hello", "")


def test_an_exception_becomes_a_500_traceback_page():
    status, headers, body, _ = _serve(crashes_with_markup)
    assert status == "500 INTERNAL SERVER ERROR"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.startswith("<!doctype html>")
    assert "<h1>ValueError</h1>" in body
    assert "in <b>crashes_with_markup</b>" in body
    assert "test_debug.py" in body


def test_the_page_escapes_the_message_and_the_source_lines():
    _, headers, body, _ = _serve(crashes_with_markup)
    assert "<script>" not in body
    assert "ValueError: &lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in body
    assert "<code>raise ValueError(&quot;&lt;script&gt;" in body  # the source line
    # A second lock: the page may not run or load anything even if injected.
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_traceback_is_logged_to_wsgi_errors():
    _, _, _, log = _serve(crashes_with_markup)
    assert log.startswith("Traceback (most recent call last):")
    assert "in crashes_with_markup" in log
    assert os.path.join("microflask", "debug.py") not in log  # the middleware's own frame is left out
    assert log.rstrip().endswith("ValueError: <script>alert('pwned')</script>")


def test_local_variables_are_not_shown():
    def leaky(environ, start_response):
        secret = "hunter" + "2"  # noqa: F841 - the local the page must not show
        raise RuntimeError("boom")

    _, _, body, _ = _serve(leaky)
    assert "hunter2" not in body
    assert "RuntimeError: boom" in body


def test_headers_set_before_the_crash_are_replaced():
    def sets_headers_then_crashes(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"), ("X-Partial", "yes")])
        raise KeyError("missing")

    status, headers, body, _ = _serve(sets_headers_then_crashes)
    assert status == "500 INTERNAL SERVER ERROR"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "X-Partial" not in headers
    assert "KeyError: &#x27;missing&#x27;" in body


def test_an_exception_before_the_first_chunk_still_gets_the_page():
    closed = []

    class Body:
        def __iter__(self):
            raise LookupError("while streaming")
            yield b"never"  # noqa: unreachable - makes this a generator

        def close(self):
            closed.append(True)

    def lazy(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body()

    status, _, body, log = _serve(lazy)
    assert status == "500 INTERNAL SERVER ERROR"
    assert "LookupError: while streaming" in body
    assert "LookupError: while streaming" in log
    assert closed == [True]  # the app's iterable is still closed


def test_an_exception_after_the_response_started_is_logged_and_aborts():
    closed = []

    def stream(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            yield b"first part, "
            raise OSError("disk vanished mid-stream")
        finally:
            closed.append(True)

    status, headers, body, log = _serve(stream)
    # The status line and first chunk were already sent: no page can follow.
    assert (status, headers["Content-Type"]) == ("200 OK", "text/plain")
    assert body == "first part, "
    assert "OSError: disk vanished mid-stream" in log
    assert closed == [True]


def test_evalex_is_accepted_and_runs_nothing():
    debugged = DebuggedApplication(hello, evalex=True)
    assert debugged.app is hello
    status, _, body, _ = _serve(crashes_with_markup, query="__debugger__=yes&cmd=print(1)")
    assert status == "500 INTERNAL SERVER ERROR"
    assert "<form" not in body and "<script" not in body


def _raise_chained():
    try:
        {}["key"]
    except KeyError as error:
        raise ValueError("bad config") from error


def test_render_traceback_html_shows_chained_exceptions_oldest_first():
    try:
        _raise_chained()
    except ValueError as error:
        page = render_traceback_html(error)
    frames = page.index("<ol>")  # past the title, which names the last exception
    cause, note, effect = (
        page.index("KeyError: &#x27;key&#x27;", frames),
        page.index("The above exception was the direct cause of the following exception:", frames),
        page.index("ValueError: bad config", frames),
    )
    assert cause < note < effect
    assert "in <b>_raise_chained</b>" in page
    assert "<pre>Traceback (most recent call last):" in page  # the text version, for copying


def test_render_traceback_html_escapes_file_names():
    code = compile("raise TypeError('x')", "<b>evil</b>.py", "exec")
    try:
        exec(code)
    except TypeError as error:
        page = render_traceback_html(error)
    assert "<b>evil" not in page
    assert "&lt;b&gt;evil&lt;/b&gt;.py" in page


def test_a_message_that_cannot_be_encoded_does_not_break_the_page():
    def undecodable(environ, start_response):
        raise ValueError("name: \udcff")  # a lone surrogate, as os.fsdecode makes

    status, _, body, _ = _serve(undecodable)
    assert status == "500 INTERNAL SERVER ERROR"
    assert "ValueError: name: ?" in body
