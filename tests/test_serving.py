"""The development server: run_simple over real HTTP and HTTPS, Ctrl+C, the reloader.

Servers that run_simple starts run in subprocesses on port 0 (the port is
read back from the " * Running on" line), with bounded waits, and are
always stopped. make_server is also exercised in-process, in a thread.
HTTPS tests make a throwaway self-signed certificate with the openssl binary.
"""
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from wsgiref.validate import validator

import pytest

from microflask.toolkit import serving
from microflask.toolkit.serving import WSGIRequestHandler, is_running_from_reloader, make_server, run_simple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "hello_toolkit.py")

# A script run as `python app.py [--reload] [--debug]` or `python -m app`. The
# reloader tests touch the module `watched`, the extra file `settings.cfg`
# and the module `unwatched`, excluded by a pattern.
APP_SOURCE = """\
import os
import sys

import unwatched
import watched
from wsgiref.validate import validator

from microflask.toolkit.serving import run_simple


def app(environ, start_response):
    if environ["PATH_INFO"] == "/boom":
        raise ValueError("<script>alert(1)</script>")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{os.getpid()} {environ['wsgi.multithread']} {environ['wsgi.url_scheme']}".encode()]


if __name__ == "__main__":
    run_simple(
        "127.0.0.1", 0, validator(app),
        use_reloader="--reload" in sys.argv, use_debugger="--debug" in sys.argv, reloader_interval=0.05,
        extra_files=["settings.cfg"], exclude_patterns=["*unwatched.py"],
        ssl_context=("cert.pem", "key.pem") if "--tls" in sys.argv else None,
    )
    print("run_simple returned", file=sys.stderr)
"""


# The test certificates are self-signed: the client does not verify them.
UNVERIFIED = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=3, context=UNVERIFIED) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _wait_for(condition, what, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class _Server:
    """A server subprocess with its stderr in a file."""

    def __init__(self, tmp_path, *args, as_module=False):
        (tmp_path / "app.py").write_text(APP_SOURCE)
        for name in ("watched.py", "unwatched.py", "settings.cfg"):
            (tmp_path / name).write_text("VALUE = 1\n")
        self.log_path = tmp_path / "stderr.log"
        target = ["-m", "app"] if as_module else [str(tmp_path / "app.py")]
        python_path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
        environ = {**os.environ, "PYTHONPATH": python_path}
        with open(self.log_path, "w") as log:
            # A session of its own, so that "Ctrl+C" can go to the whole group.
            self.process = subprocess.Popen(
                [sys.executable, *target, *args], cwd=tmp_path, env=environ,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
            )
        try:
            port = _wait_for(self._port, "the 'Running on' line")
        except BaseException:
            self.stop()
            raise
        self.url = f"{self.scheme}://127.0.0.1:{port}"

    def log(self):
        return self.log_path.read_text()

    def _port(self):
        assert self.process.poll() is None, f"server exited early:\n{self.log()}"
        match = re.search(r"Running on (https?)://127\.0\.0\.1:(\d+)", self.log())
        if match is None:
            return None
        self.scheme = match.group(1)
        return int(match.group(2))

    def get(self, path="/"):
        return _get(self.url + path)

    def pid_serving(self):
        return int(self.get("/")[2].split()[0])

    def press_ctrl_c(self):
        os.killpg(self.process.pid, signal.SIGINT)  # as a terminal does: to the whole group
        return self.process.wait(timeout=10)

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*args, as_module=False):
        servers.append(_Server(tmp_path, *args, as_module=as_module))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(cert_file, key_file): a self-signed certificate for localhost and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl binary to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        # An EC key: generated in milliseconds, where RSA takes a while.
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
        check=True, capture_output=True, timeout=30,
    )
    return cert, key


def test_example_app_answers_over_http():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, EXAMPLE, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        def answer():
            try:
                return _get(base + "/hello/W%C3%B6rld")
            except OSError:
                assert server.poll() is None, "server exited early"
                return None

        assert _wait_for(answer, "the example server")[::2] == (200, "Hello, Wörld!")
        assert _get(base + "/nowhere")[0] == 404
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=5)
    assert b"Running on http://127.0.0.1:%d" % port in errors


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX signals")
class TestRunSimple:
    def test_prints_where_it_runs_and_serves_threaded(self, start_server):
        server = start_server()
        status, _, body = server.get("/")
        assert (status, body.split()[1:]) == (200, ["True", "http"])  # wsgi.multithread: threaded by default
        log = server.log()
        assert log.startswith("WARNING: This is a development server.")
        assert f" * Running on {server.url}\nPress CTRL+C to quit\n" in log
        # One line per request, written once the response has gone out.
        _wait_for(lambda: '"GET / HTTP/1.1" 200' in server.log(), "the request's log line")

    def test_ssl_context_serves_https_and_says_so(self, start_server, certificate, tmp_path):
        for path in certificate:
            shutil.copy(path, tmp_path)
        server = start_server("--tls")
        assert server.url.startswith("https://127.0.0.1:")
        assert f" * Running on {server.url}\n" in server.log()
        status, _, body = server.get("/")
        assert (status, body.split()[2]) == (200, "https")

    def test_ctrl_c_stops_it_cleanly(self, start_server):
        server = start_server()
        server.get("/")
        assert server.press_ctrl_c() == 0
        assert "Traceback" not in server.log()
        assert "run_simple returned" in server.log()

    def test_an_app_error_is_a_500_and_a_logged_traceback(self, start_server):
        server = start_server()
        status, headers, body = server.get("/boom")
        assert (status, headers["Content-Type"]) == (500, "text/html; charset=utf-8")
        assert "<h1>Internal Server Error</h1>" in body
        assert "alert" not in body  # without the debugger, no details leave the server
        assert "ValueError: <script>alert(1)</script>" in server.log()
        assert server.get("/")[0] == 200  # and it keeps serving

    def test_the_debugger_shows_an_escaped_traceback_page(self, start_server):
        server = start_server("--debug")
        status, headers, body = server.get("/boom")
        assert (status, headers["Content-Type"]) == (500, "text/html; charset=utf-8")
        assert "<script>" not in body
        assert "ValueError: &lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert " * Debugger is active!" in server.log()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX signals")
class TestReloader:
    @pytest.mark.parametrize("as_module", [False, True], ids=["python app.py", "python -m app"])
    def test_a_changed_module_restarts_the_server(self, start_server, tmp_path, as_module):
        server = start_server("--reload", "--debug", as_module=as_module)
        first_child = server.pid_serving()
        assert first_child != server.process.pid  # the first process only supervises

        watched = tmp_path / "watched.py"
        _touch(watched)
        def another_child():
            # Every request is answered, by the old child or the new: none is lost in the switch.
            pid = server.pid_serving()
            return pid if pid != first_child else None

        second_child = _wait_for(another_child, "a new child")

        assert second_child != server.process.pid
        log = server.log()
        assert f" * Detected change in {str(watched)!r}, reloading" in log
        assert log.count(" * Restarting with stat") == 2
        assert log.count(" * Running on") == 1  # the socket stays open across restarts
        assert log.count(" * Debugger is active!") == 2  # once per serving child

        assert server.press_ctrl_c() == 0
        assert "Traceback" not in server.log()

    def test_each_child_of_the_reloader_serves_https(self, start_server, certificate, tmp_path):
        for path in certificate:
            shutil.copy(path, tmp_path)
        server = start_server("--reload", "--tls")
        first_child = server.pid_serving()
        _touch(tmp_path / "watched.py")
        _wait_for(lambda: server.pid_serving() != first_child, "a new child")
        status, _, body = server.get("/")
        assert (status, body.split()[2]) == (200, "https")
        assert server.log().count(" * Running on https://") == 1

    def test_extra_files_are_watched_and_excluded_paths_are_not(self, start_server, tmp_path):
        server = start_server("--reload")
        first_child = server.pid_serving()

        _touch(tmp_path / "unwatched.py")
        time.sleep(0.3)  # six looks at the files
        assert server.pid_serving() == first_child

        _touch(tmp_path / "settings.cfg")
        _wait_for(lambda: server.pid_serving() != first_child, "a new child")
        assert f" * Detected change in {str(tmp_path / 'settings.cfg')!r}, reloading" in server.log()

    def test_terminating_the_reloader_stops_its_child(self, start_server):
        server = start_server("--reload")
        child = server.pid_serving()
        server.process.terminate()
        assert server.process.wait(timeout=10) == 0
        _wait_for(lambda: not _process_exists(child), "the child to exit")

    def test_is_running_from_reloader_reads_the_environment(self, monkeypatch):
        monkeypatch.delenv("MICROFLASK_RUN_MAIN", raising=False)
        assert is_running_from_reloader() is False
        monkeypatch.setenv("MICROFLASK_RUN_MAIN", "true")
        assert is_running_from_reloader() is True


def _touch(path):
    mtime = path.stat().st_mtime + 5  # clearly newer, whatever the clock's resolution
    os.utime(path, (mtime, mtime))


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- make_server, in-process --------------------------------------------------


def _echo_environ(seen):
    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]

    return app


@contextlib.contextmanager
def _serving(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{server.server_address[0]}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_make_server_on_port_zero_serves_a_clean_environ():
    seen = {}
    server = make_server("127.0.0.1", 0, validator(_echo_environ(seen)), threaded=True)
    with _serving(server) as url:
        status, _, body = _get(url + "/path?q=1")
    assert (status, body) == (200, str(os.getpid()))
    assert (seen["PATH_INFO"], seen["QUERY_STRING"]) == ("/path", "q=1")
    assert (seen["wsgi.multithread"], seen["wsgi.multiprocess"]) == (True, False)
    assert "PATH" not in seen and "HOME" not in seen  # the process environment stays out


def test_an_app_error_answers_500_without_details(capsys):
    def broken(environ, start_response):
        raise RuntimeError("secret detail")

    with _serving(make_server("127.0.0.1", 0, validator(broken))) as url:
        status, headers, body = _get(url)
    assert (status, headers["Content-Type"]) == (500, "text/html; charset=utf-8")
    assert "Internal Server Error" in body and "secret detail" not in body
    assert "RuntimeError: secret detail" in capsys.readouterr().err


def test_passthrough_errors_lets_the_exception_reach_the_caller():
    def broken(environ, start_response):
        raise RuntimeError("for the debugger of your IDE")

    def request():
        with contextlib.suppress(OSError):  # the connection is dropped, unanswered
            _get(f"http://127.0.0.1:{server.server_port}/")

    server = make_server("127.0.0.1", 0, validator(broken), passthrough_errors=True)
    server.timeout = 5  # handle_request() gives up if no request arrives
    client = threading.Thread(target=request)
    client.start()
    try:
        with pytest.raises(RuntimeError, match="for the debugger of your IDE"):
            server.handle_request()
    finally:
        server.server_close()
        client.join(timeout=5)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 3.12+: fork() in a threaded process
def test_processes_serves_each_request_in_a_forked_process():
    seen = {}
    with _serving(make_server("127.0.0.1", 0, validator(_echo_environ(seen)), processes=2)) as url:
        status, _, body = _get(url)
    assert status == 200 and int(body) != os.getpid()


def test_an_ipv6_address_gets_an_ipv6_socket():
    try:
        server = make_server("::1", 0, validator(_echo_environ({})))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with _serving(server) as url:
        assert _get(url.replace("http://::1", "http://[::1]"))[0] == 200


# -- HTTPS, in-process -----------------------------------------------------------


def _scheme_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['wsgi.url_scheme']} HTTPS={environ.get('HTTPS')}".encode()]


def _get_https(server, path="/"):
    connection = http.client.HTTPSConnection("127.0.0.1", server.server_port, timeout=3, context=UNVERIFIED)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _send_plain_http(server):
    """What a plain-HTTP request to ``server`` gets back before the connection ends."""
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=3) as plain:
        plain.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        try:
            return plain.recv(1024)
        except ConnectionResetError:
            return b""


@pytest.mark.parametrize(
    "mode",
    [
        {"threaded": True},
        {"threaded": False},
        pytest.param(
            {"processes": 2},
            marks=[
                pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
                pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # 3.12+: fork() in a threaded process
            ],
        ),
    ],
    ids=["threaded", "single", "processes"],
)
def test_ssl_context_tuple_serves_https(certificate, mode):
    server = make_server("127.0.0.1", 0, validator(_scheme_app), ssl_context=certificate, **mode)
    with _serving(server):
        assert _get_https(server) == (200, "https HTTPS=on")


def test_the_framework_sees_an_https_request(certificate):
    from microflask import Flask, request

    app = Flask("tls_app")

    @app.route("/where")
    def where():
        return f"{request.scheme} {request.is_secure} {request.url}"

    server = make_server("127.0.0.1", 0, validator(app), ssl_context=certificate)
    with _serving(server):
        status, body = _get_https(server, "/where")
    assert (status, body) == (200, f"https True https://127.0.0.1:{server.server_port}/where")


def test_an_ssl_context_object_and_a_custom_request_handler(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    logged = []

    class RecordingHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            logged.append((self.requestline, code))

    server = make_server("127.0.0.1", 0, validator(_scheme_app), request_handler=RecordingHandler, ssl_context=context)
    with _serving(server):
        assert _get_https(server, "/x") == (200, "https HTTPS=on")
    assert server.ssl_context is context
    assert logged == [("GET /x HTTP/1.1", "200")]


def test_plain_http_to_the_https_port_is_dropped_and_logged(certificate, capsys):
    # One thread: had the failed connection stuck the server, the next request would time out.
    server = make_server("127.0.0.1", 0, validator(_scheme_app), ssl_context=certificate)
    with _serving(server):
        assert _send_plain_http(server) == b""
        assert _get_https(server) == (200, "https HTTPS=on")
    log = capsys.readouterr().err
    assert re.search(r"127\.0\.0\.1 - - \[.+\] TLS handshake failed: .*http request", log)
    assert "Traceback" not in log


def test_a_silent_client_cannot_hold_the_server(certificate, capsys, monkeypatch):
    monkeypatch.setattr(serving, "TLS_HANDSHAKE_TIMEOUT_SECONDS", 0.2)
    server = make_server("127.0.0.1", 0, validator(_scheme_app), ssl_context=certificate)
    with _serving(server), socket.create_connection(("127.0.0.1", server.server_port)):
        # The single thread is busy waiting for the silent client's hello...
        started = time.monotonic()
        assert _get_https(server) == (200, "https HTTPS=on")
        # ...for no longer than the handshake time limit.
        assert time.monotonic() - started < 2
    assert "TLS handshake failed" in capsys.readouterr().err


def test_ssl_context_errors_name_the_problem(certificate, tmp_path):
    cert, key = certificate
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    missing = str(tmp_path / "missing.pem")

    def run(ssl_context):
        # make_server checks what run_simple checks, and cannot serve forever if it wrongly accepts.
        make_server("127.0.0.1", 0, _scheme_app, ssl_context=ssl_context).server_close()

    with pytest.raises(FileNotFoundError, match=re.escape(f"The TLS certificate file {missing!r} does not exist.")):
        run((missing, key))
    with pytest.raises(FileNotFoundError, match=re.escape(f"The TLS private key file {missing!r} does not exist.")):
        run((cert, missing))
    with pytest.raises(ValueError, match=re.escape(f"Could not load the certificate {str(garbage)!r} with the key {key!r}")):
        run((str(garbage), key))
    with pytest.raises(ValueError, match=re.escape("ssl_context is a client context")):
        run(ssl.create_default_context())
    with pytest.raises(ValueError, match=re.escape("ssl_context is a client context")):
        run(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    with pytest.raises(TypeError, match=re.escape("ssl_context must be an ssl.SSLContext or a (cert_file, key_file) tuple")):
        run(cert)


def test_adhoc_certificates_are_refused_with_a_recipe():
    with pytest.raises(ValueError, match="needs a third-party library") as caught:
        run_simple("127.0.0.1", 0, _scheme_app, ssl_context="adhoc")
    assert "openssl req -x509" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"static_files": {"/static": "."}}, ValueError, "static_files is not supported"),
        ({"reloader_type": "watchdog"}, ValueError, "reloader_type must be 'auto' or 'stat'"),
        ({"threaded": True, "processes": 4}, ValueError, "threaded=True and processes=4 cannot be combined"),
        ({"port": "5000"}, TypeError, "port must be an int, not str"),
    ],
)
def test_unsupported_options_fail_clearly(options, error, message):
    arguments = {"hostname": "127.0.0.1", "port": 0, "application": _echo_environ({}), **options}
    with pytest.raises(error, match=re.escape(message)):
        run_simple(**arguments)
