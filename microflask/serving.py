"""The development server: ``run_simple`` on the stdlib's ``wsgiref``.

It accepts connections, builds a WSGI environ per request and calls the
application; everything after that is the application's business. It is
for development only: no TLS, no process management, no hardening.
"""
from __future__ import annotations

import socket
import sys
import typing as t
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow view does not block the others."""

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    """Logs one line per request to stderr, like Werkzeug's server."""

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002 - stdlib signature
        sys.stderr.write(f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}\n")


def _server_class(hostname: str, threaded: bool) -> t.Type[WSGIServer]:
    base = _ThreadingWSGIServer if threaded else WSGIServer
    if ":" in hostname:  # an IPv6 literal such as "::1"
        return type("_IPv6Server", (base,), {"address_family": socket.AF_INET6})
    return base


def run_simple(
    hostname: str,
    port: int,
    application: t.Callable,
    use_reloader: bool = False,
    use_debugger: bool = False,
    threaded: bool = True,
    **options: t.Any,
) -> None:
    """Serve ``application`` on ``hostname:port`` until interrupted.

    ``use_reloader`` and ``use_debugger`` are accepted for compatibility;
    the reloader and debugger arrive with the framework's dev-server work.
    """
    server = make_server(
        hostname, port, application,
        server_class=_server_class(hostname, threaded), handler_class=_QuietHandler,
    )
    display_host = f"[{hostname}]" if ":" in hostname else hostname
    sys.stderr.write(f" * Running on http://{display_host}:{server.server_port} (Press CTRL+C to quit)\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
