"""Benchmark: a request that reads a counter from a signed cookie, increments it and signs it again.

Run ``python benchmarks/bench_session.py``. microflask and Flask keep the
counter in their cookie session (``session["counter"] += 1``); Bottle in a
signed cookie (``request.get_cookie(name, secret=...)`` and
``response.set_cookie(name, value, secret=...)``). Each app is called in
process as a WSGI app, with the cookie its own first response set, so the
timed request verifies a signature, decodes, encodes and signs once. Every
framework's cookie round trip is checked before it is timed.
"""
from __future__ import annotations

import io
import os
import sys
import typing as t
from wsgiref.util import setup_testing_defaults

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

from harness import (  # noqa: E402
    WSGIApp,
    call_app,
    distribution_version,
    measure_side_by_side,
    print_ratio_table,
    try_import,
)

SECRET = "a long, random and secret key for the benchmark"
PATH = "/counter"
# The session issue's target: at least this many times faster than Flask.
TARGET_RATIO_FLASK = 5.0


# -- the app, once per framework -------------------------------------------------


def build_flask_style(flask_class: t.Any, session: t.Any) -> WSGIApp:
    """The app for microflask and Flask, which share one API."""
    app = flask_class(__name__)
    app.secret_key = SECRET

    @app.route(PATH)
    def counter() -> str:
        session["counter"] = session.get("counter", 0) + 1
        return str(session["counter"])

    return app


def build_microflask() -> WSGIApp:
    from microflask import Flask, session

    return build_flask_style(Flask, session)


def build_flask() -> WSGIApp:
    from flask import Flask, session

    return build_flask_style(Flask, session)


def build_bottle() -> WSGIApp:
    import bottle

    app = bottle.Bottle()

    @app.route(PATH)
    def counter() -> str:
        # A str value: Bottle deprecates signing other types (it pickles them).
        value = int(bottle.request.get_cookie("counter", secret=SECRET, default="0")) + 1
        bottle.response.set_cookie("counter", str(value), secret=SECRET, httponly=True)
        return str(value)

    return app


# (name, module that must be importable, builder), microflask first: the baseline.
FRAMEWORKS = [
    ("microflask", "microflask", build_microflask),
    ("flask", "flask", build_flask),
    ("bottle", "bottle", build_bottle),
]


# -- calling and checking ---------------------------------------------------------


def make_environ(cookie: t.Optional[str]) -> t.Dict[str, t.Any]:
    environ: t.Dict[str, t.Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": PATH}
    setup_testing_defaults(environ)
    environ["wsgi.errors"] = io.StringIO()  # keep peers' error logging off the terminal
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call(app: WSGIApp, cookie: t.Optional[str]) -> t.Tuple[str, str, t.Optional[str]]:
    """``(status, body, the name=value the response sets)`` for a request with ``cookie``."""
    seen: t.Dict[str, t.Any] = {}

    def start_response(status: str, headers: t.List[t.Tuple[str, str]], exc_info: t.Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    iterable = app(make_environ(cookie), start_response)
    try:
        body = b"".join(iterable).decode()
    finally:
        if hasattr(iterable, "close"):
            iterable.close()
    set_cookies = [value for name, value in seen["headers"] if name.lower() == "set-cookie"]
    return seen["status"], body, set_cookies[0].split(";")[0] if set_cookies else None


def checked_cookie(app: WSGIApp) -> t.Tuple[t.Optional[str], t.Optional[str]]:
    """The cookie that holds counter 1, and what went wrong if the app does
    not count 1, 2, 3 over three requests each sending the previous cookie."""
    cookie = None
    first_cookie = None
    for expected in ("1", "2", "3"):
        try:
            status, body, cookie = call(app, cookie)
        except Exception as error:
            return None, f"raised {error!r}"
        if not status.startswith("200") or body != expected:
            return None, f"status {status!r}, body {body[:80]!r}, expected 200 and {expected!r}"
        if cookie is None:
            return None, f"no cookie was set with counter {expected}"
        first_cookie = first_cookie or cookie
    return first_cookie, None


def request_once(app: WSGIApp, environ: t.Dict[str, t.Any]) -> None:
    # A fresh copy of the environ each time: frameworks cache parsed values in it.
    call_app(app, dict(environ))


def main() -> None:
    apps = {}
    for name, module, build in FRAMEWORKS:
        if try_import(module) is None:
            print(f"{name} is not installed (pip install {name}); skipped")
        else:
            apps[name] = build()
    environs = {}
    all_right = True
    for name, app in apps.items():
        cookie, problem = checked_cookie(app)
        if problem is None:
            environs[name] = make_environ(cookie)
        else:
            print(f"{name}: wrong response, not timed: {problem}")
            all_right = False
    calls = [lambda app=apps[name], environ=environ: request_once(app, environ) for name, environ in environs.items()]
    timings = dict(zip(environs, measure_side_by_side(calls)))
    version = ".".join(map(str, sys.version_info[:3]))
    installed = ", ".join(f"{name} {distribution_version(name)}" for name in apps)
    print(f"\nPython {version}; {installed}; CPU time per request, best round\n")
    print_ratio_table(
        f"signed cookie counter: GET {PATH} (verify, decode, +1, encode, sign)",
        [(name, timings.get(name)) for name in apps],
    )
    print()
    ours, flask = timings.get("microflask"), timings.get("flask")
    label = f"Target: flask / microflask >= {TARGET_RATIO_FLASK:g}x:"
    if ours is None or flask is None:
        print(f"{label} not measured")
    else:
        ratio = flask / ours
        print(f"{label} {ratio:.2f}x {'met' if ratio >= TARGET_RATIO_FLASK else 'NOT MET'}")
    sys.exit(0 if all_right else 1)


if __name__ == "__main__":
    main()
