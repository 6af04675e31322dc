"""Benchmark: the Request and Response work every request does.

Run ``python benchmarks/bench_wrappers.py``. It times building a small
response and sending it through WSGI, and wrapping an environ in a request
and reading what routing reads, then checks the issue's two targets. When
Werkzeug is installed, its wrappers are timed too and the ratio printed.
"""
from __future__ import annotations

import os
import sys
import typing as t

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from harness import format_time, measure, print_table, try_import  # noqa: E402

from microflask.toolkit.test import create_environ  # noqa: E402
from microflask.toolkit.wrappers import Request, Response  # noqa: E402

Operation = t.Callable[[], t.Any]

SMALL_RESPONSE = "Response('Hello World!')"
SMALL_RESPONSE_SENT = "  + sent: b''.join(response(environ, ...))"
REQUEST_ROUTING = "Request(environ) + .method .path .args (no query)"

# The targets for microflask alone, on the project's machine with
# Python 3.11: (operation label, most seconds it may take).
TARGETS = [(SMALL_RESPONSE_SENT, 1.2e-6), (REQUEST_ROUTING, 0.6e-6)]


def start_response(status: str, headers: t.List[t.Tuple[str, str]], exc_info: t.Any = None) -> None:
    """A server's start_response that keeps nothing, so only the app is timed."""


def send(response: t.Any, environ: t.Dict[str, t.Any]) -> bytes:
    """Call ``response`` as a WSGI app and read its body, as the issue's targets are measured."""
    return b"".join(response(environ, start_response))


def operations(response_class: t.Any, request_class: t.Any) -> t.List[t.Tuple[str, Operation]]:
    """The timed operations, as ``(label, callable)``, for one pair of wrapper classes.

    Each callable does its work inline, not through a helper like ``send``,
    so that the helper's own call is not timed as well.
    """
    environ = create_environ("/")
    head_environ = create_environ("/", method="HEAD")
    query_environ = create_environ("/search?q=flask&page=2&sort=new")

    def read_method_and_path() -> None:
        request = request_class(environ)
        request.method
        request.path

    def read_routing_attributes() -> None:
        request = request_class(environ)
        request.method
        request.path
        request.args

    return [
        (SMALL_RESPONSE, lambda: response_class("Hello World!")),
        (SMALL_RESPONSE_SENT, lambda: b"".join(response_class("Hello World!")(environ, start_response))),
        ("  the same, bytes body", lambda: b"".join(response_class(b"Hello World!")(environ, start_response))),
        ("  the same, for a HEAD request", lambda: b"".join(
            response_class("Hello World!")(head_environ, start_response)
        )),
        ("Response(b'{...}', mimetype='application/json')", lambda: response_class(
            b'{"a":1}', mimetype="application/json"
        )),
        ("str body and a header given, sent", lambda: b"".join(
            response_class("Hello World!", headers=[("X-Frame-Options", "DENY")])(environ, start_response)
        )),
        ("generator body, sent", lambda: b"".join(
            response_class(iter([b"Hello ", b"World!"]))(environ, start_response)
        )),
        ("Request(environ) + .method .path", read_method_and_path),
        (REQUEST_ROUTING, read_routing_attributes),
        ("Request(environ).args, 3-field query", lambda: request_class(query_environ).args),
    ]


def time_operations(response_class: t.Any, request_class: t.Any) -> t.List[float]:
    # Both libraries must send the same bytes, or the comparison means nothing.
    assert send(response_class("Hello World!"), create_environ("/")) == b"Hello World!"
    timings = []
    for _, operation in operations(response_class, request_class):
        operation()  # warm caches before timing
        timings.append(measure(operation))
    return timings


def main() -> None:
    ours = time_operations(Response, Request)
    werkzeug_wrappers = try_import("werkzeug.wrappers")
    if werkzeug_wrappers is not None:
        theirs: t.List[t.Optional[float]] = list(
            time_operations(werkzeug_wrappers.Response, werkzeug_wrappers.Request)
        )
    else:
        theirs = [None] * len(ours)
    labels = [label for label, _ in operations(Response, Request)]
    version = ".".join(map(str, sys.version_info[:3]))
    print_table(f"Request and Response hot paths (Python {version})", list(zip(labels, ours, theirs)), peer="werkzeug")
    print()
    print("Targets (microflask alone, Python 3.11 on the project's machine)")
    timing_of = dict(zip(labels, ours))
    for label, limit in TARGETS:
        if sys.version_info[:2] == (3, 11):
            verdict = "met" if timing_of[label] < limit else "NOT MET"
        else:
            verdict = "(not judged: this is not Python 3.11)"
        print(f"  {label.strip()} < {format_time(limit)}: {format_time(timing_of[label])} {verdict}")


if __name__ == "__main__":
    main()
