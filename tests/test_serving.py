"""The development server, through the README's example app over real HTTP."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "hello_toolkit.py")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_example_app_answers_over_http():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, EXAMPLE, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 10
        while True:
            try:
                status, body = _get(base + "/hello/W%C3%B6rld")
                break
            except OSError:
                assert server.poll() is None and time.time() < deadline, "server did not start"
                time.sleep(0.05)
        assert (status, body.decode()) == (200, "Hello, Wörld!")
        assert _get(base + "/nowhere")[0] == 404
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=5)
    assert b"Running on http://127.0.0.1:%d" % port in errors
