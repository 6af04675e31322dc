"""Benchmark: form posts and file uploads through the same app in several frameworks.

Run ``python benchmarks/bench_forms.py``. Each framework gets a view that
reads a 10-field urlencoded form and one that reads a 256 KiB multipart
upload; both are called in process as WSGI apps and checked before timing,
as in ``bench_app.py``. Then microflask alone parses a 200 MB upload, made
up on the fly, to show that its memory use does not grow with the body.
"""
from __future__ import annotations

import io
import os
import random
import sys
import time
import tracemalloc
import typing as t
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from harness import (  # noqa: E402
    WSGIApp,
    call_app,
    distribution_version,
    ignore_start_response,
    measure_side_by_side,
    print_targets_met,
    try_import,
)

MB = 1_000_000  # throughput is in MB/s of request body, decimal megabytes

# -- the requests -------------------------------------------------------------------

# Ten fields a sign-up form might send; spaces, "@", "&" and an accent make
# every framework percent-decode and UTF-8-decode for real.
FORM_FIELDS = [
    ("first_name", "Zoë"), ("last_name", "Smith"), ("email", "zoe.smith@example.com"),
    ("phone", "+44 20 7946 0958"), ("street", "221B Baker Street"), ("city", "London"),
    ("postcode", "NW1 6XE"), ("country", "GB"), ("company", "Smith & Sons"), ("newsletter", "yes"),
]
FORM_NAMES = [name for name, _ in FORM_FIELDS]
FORM_BODY = urlencode(FORM_FIELDS).encode("ascii")
FORM_REPLY = ",".join(value for _, value in FORM_FIELDS)

BOUNDARY = "----microflaskBenchBoundary7MA4YWxkTrZu0gW"
UPLOAD_SIZE = 256 * 1024
# Seeded random bytes: a JPEG-like payload, with the occasional CR and "-"
# that make a parser look twice at a possible delimiter.
UPLOAD_DATA = random.Random(256).getrandbits(8 * UPLOAD_SIZE).to_bytes(UPLOAD_SIZE, "little")
UPLOAD_TITLE = "Holiday photos"
UPLOAD_REPLY = f"{UPLOAD_SIZE} bytes, {UPLOAD_TITLE}"


def upload_head(title: str) -> bytes:
    """A multipart body up to the file's bytes: the text field, then the file part's headers."""
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\n'
        f"{title}\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode("utf-8")


UPLOAD_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode("ascii")
UPLOAD_BODY = upload_head(UPLOAD_TITLE) + UPLOAD_DATA + UPLOAD_TAIL


class Scenario(t.NamedTuple):
    title: str
    path: str
    content_type: str
    body: bytes
    reply: str  # the text/* body every framework must send back


SCENARIOS = [
    Scenario("urlencoded form, 10 fields: POST /form", "/form", "application/x-www-form-urlencoded", FORM_BODY, FORM_REPLY),
    Scenario(
        f"multipart upload, {UPLOAD_SIZE // 1024} KiB file + 1 field: POST /upload",
        "/upload", f"multipart/form-data; boundary={BOUNDARY}", UPLOAD_BODY, UPLOAD_REPLY,
    ),
]
UPLOAD_SCENARIO = 1


# -- the app, once per framework ----------------------------------------------------


def build_flask_style(flask_class: t.Any, request: t.Any) -> WSGIApp:
    """The app for microflask and Flask, which share one API."""
    app = flask_class(__name__)

    @app.post("/form")
    def form() -> str:
        return ",".join(request.form[name] for name in FORM_NAMES)

    @app.post("/upload")
    def upload() -> str:
        size = len(request.files["file"].read())
        return f"{size} bytes, {request.form['title']}"

    return app


def build_microflask() -> WSGIApp:
    from microflask import Flask, request

    return build_flask_style(Flask, request)


def build_flask() -> WSGIApp:
    from flask import Flask, request

    return build_flask_style(Flask, request)


def build_bottle() -> WSGIApp:
    import bottle

    app = bottle.Bottle()
    request = bottle.request

    @app.post("/form")
    def form() -> str:
        # getunicode: Bottle's plain item access gives latin-1 "native" strings.
        return ",".join(request.forms.getunicode(name) for name in FORM_NAMES)

    @app.post("/upload")
    def upload() -> str:
        size = len(request.files["file"].file.read())
        return f"{size} bytes, {request.forms.getunicode('title')}"

    return app


def build_falcon() -> WSGIApp:
    import falcon

    text_type = "text/html; charset=utf-8"  # what the others send for a str

    class Form:
        def on_post(self, req: t.Any, resp: t.Any) -> None:
            fields = req.get_media()  # Falcon 4 decodes urlencoded bodies into a dict
            resp.content_type = text_type
            resp.text = ",".join(fields[name] for name in FORM_NAMES)

    class Upload:
        def on_post(self, req: t.Any, resp: t.Any) -> None:
            # Falcon's multipart form streams: parts are read in order, once.
            size, title = None, None
            for part in req.get_media():
                if part.name == "file":
                    size = len(part.stream.read())
                elif part.name == "title":
                    title = part.text
            resp.content_type = text_type
            resp.text = f"{size} bytes, {title}"

    app = falcon.App()
    app.add_route("/form", Form())
    app.add_route("/upload", Upload())
    return app


# (name, module that must be importable, builder), microflask first: the baseline.
FRAMEWORKS = [
    ("microflask", "microflask", build_microflask),
    ("flask", "flask", build_flask),
    ("bottle", "bottle", build_bottle),
    ("falcon", "falcon", build_falcon),
]


# -- calling and checking -------------------------------------------------------------


def make_environ(scenario: Scenario) -> t.Dict[str, t.Any]:
    environ: t.Dict[str, t.Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": scenario.path,
        "CONTENT_TYPE": scenario.content_type,
        "CONTENT_LENGTH": str(len(scenario.body)),
    }
    setup_testing_defaults(environ)
    environ["wsgi.errors"] = io.StringIO()  # keep peers' error logging off the terminal
    return environ


def request_once(app: WSGIApp, environ: t.Dict[str, t.Any], body: bytes) -> None:
    # A fresh environ and input stream each time, as a server gives every
    # request; BytesIO shares ``body`` rather than copying it.
    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    call_app(app, environ)


def problem_with(app: WSGIApp, scenario: Scenario) -> t.Optional[str]:
    """What is wrong with the app's response to ``scenario``, or None if it is right."""
    seen: t.Dict[str, t.Any] = {}

    def start_response(status: str, headers: t.List[t.Tuple[str, str]], exc_info: t.Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    environ = make_environ(scenario)
    environ["wsgi.input"] = io.BytesIO(scenario.body)
    try:
        iterable = app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    except Exception as e:
        return f"raised {e!r}"
    if "status" not in seen:
        return "start_response was never called"
    if not seen["status"].startswith("200"):
        return f"status {seen['status']!r}, expected 200; body {body[:200]!r}"
    content_type = next((value for name, value in seen["headers"] if name.lower() == "content-type"), "")
    if not content_type.startswith("text/"):
        return f"Content-Type {content_type!r}, expected text/*"
    if body != scenario.reply.encode("utf-8"):
        return f"body {body[:80]!r}, expected {scenario.reply!r}"
    return None


def time_scenarios(apps: t.Dict[str, WSGIApp]) -> t.Tuple[t.Dict[str, t.List[t.Optional[float]]], bool]:
    """Seconds per request, per framework and scenario (None where its response
    was wrong, so it was not timed), and whether every response was right."""
    results: t.Dict[str, t.List[t.Optional[float]]] = {name: [] for name in apps}
    all_right = True
    for scenario in SCENARIOS:
        right_apps = {}
        for name, app in apps.items():
            problem = problem_with(app, scenario)
            if problem is None:
                right_apps[name] = app
            else:
                print(f"{name}, {scenario.title}: wrong response, not timed: {problem}")
                all_right = False
        environ = make_environ(scenario)
        calls = [lambda app=app: request_once(app, environ, scenario.body) for app in right_apps.values()]
        timings = dict(zip(right_apps, measure_side_by_side(calls)))
        for name in apps:
            results[name].append(timings.get(name))
    return results, all_right


def print_throughput_table(scenario: Scenario, rows: t.Sequence[t.Tuple[str, t.Optional[float]]]) -> None:
    """Time per request, MB of body per second, and ``peer / microflask`` (the first row)."""
    baseline = rows[0][1]
    lines = [("framework", "µs/request", "MB/s", "peer / microflask")]
    for name, seconds in rows:
        if seconds is None:
            lines.append((name, "refused", "-", "-"))
        else:
            ratio = f"{seconds / baseline:.2f}x" if baseline else "-"
            lines.append((name, f"{seconds * 1e6:.2f}", f"{len(scenario.body) / seconds / MB:.1f}", ratio))
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    print(f"{scenario.title} ({len(scenario.body):,} bytes)")
    for number, line in enumerate(lines):
        print("  ".join([line[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(line[1:], widths[1:])]))
        if number == 0:
            print("  ".join("-" * width for width in widths))


# -- a 200 MB upload, microflask alone ------------------------------------------------

BIG_UPLOAD_SIZE = 200 * MB
MEMORY_TARGET = 20 * 1024 * 1024


class GeneratedUpload:
    """A multipart body with a file of ``size`` bytes, made up as it is read.

    It stands in for a server's ``wsgi.input``: the body never exists whole,
    so whatever memory the parse takes is the parser's own.
    """

    _BLOCK = UPLOAD_DATA[: 64 * 1024]

    def __init__(self, size: int) -> None:
        self._head = upload_head(UPLOAD_TITLE)
        self._file_left = size
        self._tail = UPLOAD_TAIL
        self.length = len(self._head) + size + len(self._tail)

    def read(self, size: int = -1) -> bytes:
        if self._head:
            piece, self._head = self._head, b""
        elif self._file_left:
            wanted = len(self._BLOCK) if size < 0 else size
            piece = self._BLOCK[: min(wanted, len(self._BLOCK), self._file_left)]
            self._file_left -= len(piece)
        else:
            piece, self._tail = self._tail, b""
        return piece


def big_upload_view_app() -> WSGIApp:
    """microflask with a view that takes an upload's size without reading it into memory."""
    from microflask import Flask, request

    app = Flask(__name__)

    @app.post("/upload")
    def upload() -> str:
        stream = request.files["file"].stream
        return f"{stream.seek(0, os.SEEK_END)} bytes, {request.form['title']}"

    return app


def post_big_upload(app: WSGIApp, size: int) -> bytes:
    body = GeneratedUpload(size)
    environ = make_environ(SCENARIOS[UPLOAD_SCENARIO])
    environ["CONTENT_LENGTH"] = str(body.length)
    environ["wsgi.input"] = body
    response = app(environ, ignore_start_response)
    try:
        return b"".join(response)
    finally:
        getattr(response, "close", lambda: None)()


def max_rss_bytes() -> t.Optional[int]:
    """This process's peak resident memory so far (Unix only, else None)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KiB


def measure_big_upload() -> bool:
    """Print the memory a 200 MB upload takes microflask; whether it is under the target.

    Run before any peer is imported. The first, small upload loads what
    uploads load on first use (tempfile), so the measured ones count only
    parsing. The second is traced by tracemalloc; the first big one is not,
    so its RSS growth is not tracemalloc's own bookkeeping.
    """
    app = big_upload_view_app()
    expected = f"{BIG_UPLOAD_SIZE} bytes, {UPLOAD_TITLE}".encode("utf-8")
    warm_up = post_big_upload(app, 1024 * 1024)
    if not warm_up.startswith(b"1048576 bytes"):
        print(f"200 MB upload: wrong response to the warm-up, not measured: {warm_up[:100]!r}")
        return False

    rss_before = max_rss_bytes()
    started = time.perf_counter()
    reply = post_big_upload(app, BIG_UPLOAD_SIZE)
    elapsed = time.perf_counter() - started
    rss_after = max_rss_bytes()

    tracemalloc.start()
    post_big_upload(app, BIG_UPLOAD_SIZE)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    if reply != expected:
        print(f"200 MB upload: wrong response {reply[:100]!r}, expected {expected!r}")
        return False
    print(f"microflask, {BIG_UPLOAD_SIZE // MB} MB multipart upload (spooled to a temporary file by default)")
    print(f"  time {elapsed:.2f} s wall, {BIG_UPLOAD_SIZE / elapsed / MB:.0f} MB/s")
    print(f"  tracemalloc peak: {traced_peak / 1024 / 1024:.2f} MiB")
    if rss_before is not None and rss_after is not None:
        print(f"  peak RSS growth:  {(rss_after - rss_before) / 1024 / 1024:.2f} MiB")
    met = traced_peak < MEMORY_TARGET
    print(f"  peak memory < {MEMORY_TARGET // 1024 // 1024} MiB: {'met' if met else 'NOT MET'}\n")
    return True


# -- acceptance targets -------------------------------------------------------------

# (scenario index, peer, minimum peer/microflask ratio): the forms issue's targets.
TARGETS = [(UPLOAD_SCENARIO, "flask", 5.0), (UPLOAD_SCENARIO, "falcon", 1.0)]


def print_targets(results: t.Dict[str, t.List[t.Optional[float]]]) -> None:
    print_targets_met(results, TARGETS, [scenario.title for scenario in SCENARIOS])


def main() -> None:
    # First, while only microflask is loaded, so peak RSS means something.
    big_upload_right = measure_big_upload()
    apps = {}
    for name, module, build in FRAMEWORKS:
        if try_import(module) is None:
            print(f"{name} is not installed (pip install {name}); skipped")
        else:
            apps[name] = build()
    results, all_right = time_scenarios(apps)
    version = ".".join(map(str, sys.version_info[:3]))
    installed = ", ".join(f"{name} {distribution_version(name)}" for name in apps)
    print(f"Python {version}; {installed}; CPU time per request, best round\n")
    for index, scenario in enumerate(SCENARIOS):
        print_throughput_table(scenario, [(name, timings[index]) for name, timings in results.items()])
        print()
    print_targets(results)
    sys.exit(0 if all_right and big_upload_right else 1)


if __name__ == "__main__":
    main()
