"""The development server: ``run_simple`` on the stdlib's ``wsgiref``.

It accepts connections, builds a WSGI environ per request and calls the
application; everything after that is the application's business. On request
it speaks HTTPS (``ssl_context``), restarts itself when a source file changes
(the stat reloader) and shows tracebacks in the browser (``microflask.toolkit.debug``).
It is for development only: no generated certificates, no static-file
serving, no hardening.
"""
from __future__ import annotations

import fnmatch
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import typing as t
from socketserver import ThreadingMixIn
from wsgiref import simple_server

from .debug import DebuggedApplication
from .exceptions import InternalServerError

#: Set to ``"true"`` in the environment of the child process the reloader runs.
RELOADER_ENV_VAR = "MICROFLASK_RUN_MAIN"
#: The listening socket's file descriptor, handed from the reloader to its child.
SERVER_FD_ENV_VAR = "MICROFLASK_SERVER_FD"
#: The exit code by which the child asks the reloader to start it again.
RELOAD_EXIT_CODE = 3
#: How long a reloading child lets the requests in progress finish.
RELOAD_GRACE_SECONDS = 2.0
#: How long a new connection may take to complete its TLS handshake: a client
#: that connects and stays silent must not hold a server thread (or, without
#: threads, the whole server) forever.
TLS_HANDSHAKE_TIMEOUT_SECONDS = 10.0


def _log(message: str) -> None:
    # Flushed at once: when stderr is a pipe, Python 3.8 buffers it, and a
    # killed server would take its startup lines with it.
    print(message, file=sys.stderr, flush=True)


# -- serving ------------------------------------------------------------------


class _ServerHandler(simple_server.ServerHandler):
    """Runs the application for one request (wsgiref's handler, adjusted)."""

    # The server's process environment is not request data: keep it out of
    # every WSGI environ (wsgiref copies it in, as a CGI gateway would).
    os_environ: t.Dict[str, str] = {}
    passthrough_errors = False

    def handle_error(self) -> None:
        if self.passthrough_errors:
            raise  # the exception being handled, out to the server and beyond
        super().handle_error()

    def close(self) -> None:
        # As wsgiref's close(), which logs the request, but also after an
        # error passed through before any status was set.
        try:
            code = self.status.split(" ", 1)[0] if self.status else "-"
            self.request_handler.log_request(code, self.bytes_sent)
        finally:
            simple_server.SimpleHandler.close(self)

    def error_output(self, environ: t.Dict[str, t.Any], start_response: t.Callable) -> t.List[bytes]:
        error = InternalServerError()
        start_response(f"500 {error.name.upper()}", error.get_headers(environ), sys.exc_info())
        return [error.get_body(environ).encode()]


class WSGIRequestHandler(simple_server.WSGIRequestHandler):
    """Handles one connection: parses the request, runs the app, logs a line."""

    server: "BaseWSGIServer"

    def handle(self) -> None:
        # As wsgiref's own handle(), but the environ tells the truth about
        # threads and processes, and errors may pass through.
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():  # it has sent the 400 itself
            return
        handler = _ServerHandler(
            self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
            multithread=self.server.multithread, multiprocess=self.server.multiprocess,
        )
        handler.request_handler = self  # wsgiref logs the request through it
        handler.passthrough_errors = self.server.passthrough_errors
        handler.run(self.server.get_app())

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002 - stdlib signature
        _log(f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}")


class BaseWSGIServer(simple_server.WSGIServer):
    """A single-threaded server: one request at a time."""

    multithread = False
    multiprocess = False

    def __init__(
        self,
        host: str,
        port: int,
        app: t.Callable,
        handler: t.Optional[t.Type[simple_server.WSGIRequestHandler]] = None,
        passthrough_errors: bool = False,
        ssl_context: t.Any = None,
        fd: t.Optional[int] = None,
    ) -> None:
        # An IPv6 literal such as "::1" needs an IPv6 socket.
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.passthrough_errors = passthrough_errors
        #: The ``ssl.SSLContext`` each connection is wrapped with, or None for plain HTTP.
        self.ssl_context = None if ssl_context is None else _server_ssl_context(ssl_context)
        super().__init__((host, port), handler or WSGIRequestHandler, bind_and_activate=fd is None)
        if fd is not None:
            self._adopt_listening_socket(fd)
        self.set_app(app)

    def _adopt_listening_socket(self, fd: int) -> None:
        """Serve on a socket the reloader already bound, instead of binding anew."""
        self.socket.close()
        self.socket = socket.socket(fileno=fd)
        self.server_address = self.socket.getsockname()
        self.server_name = socket.getfqdn(self.server_address[0])
        self.server_port = self.server_address[1]
        self.setup_environ()

    def setup_environ(self) -> None:
        super().setup_environ()
        if self.ssl_context is not None:
            # wsgiref derives wsgi.url_scheme from it, whatever the handler class.
            self.base_environ["HTTPS"] = "on"

    def get_request(self) -> t.Tuple[socket.socket, t.Any]:
        connection, client_address = super().get_request()
        if self.ssl_context is None:
            return connection, client_address
        # The handshake waits for finish_request: the accepting loop must not
        # stall on one slow or silent client.
        try:
            tls_connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        except OSError:
            connection.close()
            raise  # socketserver drops the connection and accepts the next one
        return tls_connection, client_address

    def finish_request(self, request: t.Any, client_address: t.Any) -> None:
        # Runs in the request's own thread (or process) when there is one.
        if self.ssl_context is not None and not _tls_handshake(request, client_address):
            return  # socketserver closes the connection
        super().finish_request(request, client_address)

    def handle_error(self, request: t.Any, client_address: t.Any) -> None:
        if self.passthrough_errors:
            self.shutdown_request(request)  # the client gets no answer, but no hang either
            raise
        super().handle_error(request, client_address)

    def _drain(self, timeout: float) -> None:
        """Stop ``serve_forever`` (running in another thread) once the request
        in hand is answered. Connections not yet accepted stay queued on the
        socket, for whoever listens on it next."""
        self.shutdown()


def _tls_handshake(connection: t.Any, client_address: t.Any) -> bool:
    """Complete the TLS handshake of an accepted connection, within a time
    limit. A failure (a client speaking plain HTTP, an unknown CA, a silent
    client) is logged, and False tells the caller to drop the connection."""
    import ssl  # optional and heavy: only HTTPS servers need it

    timeout = connection.gettimeout()
    connection.settimeout(TLS_HANDSHAKE_TIMEOUT_SECONDS)
    try:
        connection.do_handshake()
    except (ssl.SSLError, OSError) as error:  # OSError: reset, or the time limit
        _log(f"{client_address[0]} - - [{time.strftime('%d/%b/%Y %H:%M:%S')}] TLS handshake failed: {error}")
        return False
    connection.settimeout(timeout)
    return True


def load_ssl_context(cert_file: str, pkey_file: t.Optional[str] = None) -> t.Any:
    """A server ``ssl.SSLContext`` loaded from a PEM certificate file and its
    private key file (None when the key is in the certificate file)."""
    import ssl  # optional and heavy: only HTTPS servers need it

    for what, path in (("certificate", cert_file), ("private key", pkey_file)):
        # Checked here because ssl's own error does not name the file.
        if path is not None and not os.path.isfile(path):
            raise FileNotFoundError(f"The TLS {what} file {path!r} does not exist.")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_file, pkey_file)
    except (ssl.SSLError, OSError) as error:
        raise ValueError(
            f"Could not load the certificate {cert_file!r} with the key {pkey_file!r}"
            f" (expected a PEM certificate and its PEM private key): {error}"
        ) from None
    return context


def _server_ssl_context(value: t.Any) -> t.Any:
    """The ``ssl.SSLContext`` that a run_simple/make_server ``ssl_context`` argument stands for."""
    import ssl  # optional and heavy: only HTTPS servers need it

    if isinstance(value, ssl.SSLContext):
        # Caught here, not at the first connection: there it would stop the server.
        if value.protocol == ssl.PROTOCOL_TLS_CLIENT or value.check_hostname:
            raise ValueError(
                "ssl_context is a client context, one that checks host names (ssl.create_default_context()"
                " without a purpose makes one): a server needs ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER) or"
                " ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)."
            )
        return value
    if value == "adhoc":
        raise ValueError(
            "ssl_context='adhoc' is not supported: generating a certificate needs a third-party library."
            " Make a self-signed one with `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
            " -out cert.pem -days 30 -subj /CN=localhost` and pass ssl_context=('cert.pem', 'key.pem')."
        )
    if isinstance(value, tuple) and len(value) in (1, 2):
        return load_ssl_context(*value)
    raise TypeError(
        "ssl_context must be an ssl.SSLContext or a (cert_file, key_file) tuple of PEM file paths,"
        f" not {type(value).__name__} ({value!r})."
    )


class ThreadedWSGIServer(ThreadingMixIn, BaseWSGIServer):
    """One thread per request, so a slow view does not block the others."""

    multithread = True
    # Request threads do not keep the process alive: Ctrl+C is never stuck
    # behind a slow or endless (streaming) response.
    daemon_threads = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        self._requests_in_flight = 0
        self._request_finished = threading.Condition()
        super().__init__(*args, **kwargs)

    def process_request(self, request: t.Any, client_address: t.Any) -> None:
        with self._request_finished:
            self._requests_in_flight += 1
        super().process_request(request, client_address)

    def process_request_thread(self, request: t.Any, client_address: t.Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._request_finished:
                self._requests_in_flight -= 1
                self._request_finished.notify_all()

    def _drain(self, timeout: float) -> None:
        """As for one thread, then wait up to ``timeout`` seconds for the
        requests in progress to be answered."""
        super()._drain(timeout)
        with self._request_finished:
            self._request_finished.wait_for(lambda: self._requests_in_flight == 0, timeout)


if hasattr(os, "fork"):
    from socketserver import ForkingMixIn

    class ForkingWSGIServer(ForkingMixIn, BaseWSGIServer):
        """One forked process per request, at most ``processes`` at a time."""

        multiprocess = True

        def __init__(self, host: str, port: int, app: t.Callable, processes: int = 40, **kwargs: t.Any) -> None:
            self.max_children = processes
            super().__init__(host, port, app, **kwargs)


def make_server(
    host: str,
    port: int,
    app: t.Callable,
    threaded: bool = False,
    processes: int = 1,
    request_handler: t.Optional[t.Type[simple_server.WSGIRequestHandler]] = None,
    passthrough_errors: bool = False,
    ssl_context: t.Any = None,
    fd: t.Optional[int] = None,
) -> BaseWSGIServer:
    """A bound, listening server for ``app``; call ``serve_forever()`` on it.

    ``port=0`` picks a free port (read it back from ``server.server_port``).
    ``ssl_context`` (an ``ssl.SSLContext`` or a ``(cert_file, key_file)``
    tuple) serves HTTPS. ``fd`` serves on an already listening socket
    instead of binding one.
    """
    if threaded and processes > 1:
        raise ValueError(f"threaded=True and processes={processes} cannot be combined: choose threads or processes.")
    options = {"handler": request_handler, "passthrough_errors": passthrough_errors, "ssl_context": ssl_context, "fd": fd}
    if threaded:
        return ThreadedWSGIServer(host, port, app, **options)
    if processes > 1:
        if not hasattr(os, "fork"):
            raise ValueError(f"processes={processes} needs os.fork, which this platform does not have.")
        return ForkingWSGIServer(host, port, app, processes=processes, **options)
    return BaseWSGIServer(host, port, app, **options)


def _log_startup(server: BaseWSGIServer, hostname: str) -> None:
    _log(
        "WARNING: This is a development server. Do not use it in production;"
        " run the app under a production WSGI server instead."
    )
    port = server.server_port
    if hostname in ("0.0.0.0", "::"):
        _log(f" * Running on all addresses ({hostname})")
        hostname = "127.0.0.1" if hostname == "0.0.0.0" else "::1"
    display_host = f"[{hostname}]" if ":" in hostname else hostname
    scheme = "http" if server.ssl_context is None else "https"
    _log(f" * Running on {scheme}://{display_host}:{port}")
    _log("Press CTRL+C to quit")


def run_simple(
    hostname: str,
    port: int,
    application: t.Callable,
    use_reloader: bool = False,
    use_debugger: bool = False,
    use_evalex: bool = True,
    extra_files: t.Optional[t.Iterable[str]] = None,
    exclude_patterns: t.Optional[t.Iterable[str]] = None,
    reloader_interval: float = 1,
    reloader_type: str = "auto",
    threaded: bool = True,
    processes: int = 1,
    request_handler: t.Optional[t.Type[simple_server.WSGIRequestHandler]] = None,
    static_files: t.Optional[t.Dict[str, str]] = None,
    passthrough_errors: bool = False,
    ssl_context: t.Any = None,
) -> None:
    """Serve ``application`` on ``hostname:port`` until interrupted (Ctrl+C).

    ``use_reloader`` restarts the server when a loaded module's file (or one
    of ``extra_files``) changes, skipping paths that match a glob in
    ``exclude_patterns``. ``use_debugger`` shows tracebacks in the browser;
    ``use_evalex`` is accepted and ignored: the debug page runs no code.
    ``passthrough_errors`` lets an application's exception escape to the
    server instead of becoming a 500 page. ``ssl_context`` serves HTTPS: an
    ``ssl.SSLContext`` or a ``(cert_file, key_file)`` tuple of PEM files
    (``"adhoc"`` is not supported). ``static_files`` is not supported.
    """
    if not isinstance(port, int):
        raise TypeError(f"port must be an int, not {type(port).__name__} ({port!r}).")
    if static_files:
        raise ValueError(
            "static_files is not supported: serve static files from the application"
            " (the framework's static folder) instead."
        )
    if reloader_type not in ("auto", "stat"):
        raise ValueError(f"reloader_type must be 'auto' or 'stat', not {reloader_type!r}: only the stat reloader exists.")
    if use_debugger:
        application = DebuggedApplication(application, evalex=use_evalex)

    child_of_reloader = use_reloader and is_running_from_reloader()
    server = make_server(
        hostname, port, application, threaded, processes, request_handler, passthrough_errors, ssl_context,
        fd=int(os.environ[SERVER_FD_ENV_VAR]) if child_of_reloader else None,
    )
    if not child_of_reloader:
        _log_startup(server, hostname)
    if use_debugger and (child_of_reloader or not use_reloader):
        _log(" * Debugger is active!")
    try:
        if use_reloader:
            _run_with_reloader(server, extra_files or (), exclude_patterns or (), reloader_interval)
        else:
            server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl+C is how one stops a development server: no traceback
    finally:
        server.server_close()


# -- the reloader -------------------------------------------------------------


def is_running_from_reloader() -> bool:
    """True in the child process that the reloader runs (and restarts)."""
    return os.environ.get(RELOADER_ENV_VAR) == "true"


def _run_with_reloader(
    server: BaseWSGIServer, extra_files: t.Iterable[str], exclude_patterns: t.Iterable[str], interval: float
) -> None:
    """Parent: run children until one exits for good. Child: serve and watch."""
    # `kill` (SIGTERM) should end the parent through the same clean path as
    # Ctrl+C, so that it stops its child instead of leaving it serving.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if not is_running_from_reloader():
        server.socket.set_inheritable(True)
        os.environ[SERVER_FD_ENV_VAR] = str(server.fileno())
        sys.exit(_restart_until_done())

    watcher = _FileWatcher(extra_files, exclude_patterns)  # before serving: no change goes unseen
    # A short poll interval: on a change, serving stops within 0.1 s.
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), name="microflask-server", daemon=True)
    serving.start()
    parent = os.getppid()
    while True:
        time.sleep(interval)
        changed = watcher.changed_file()
        if changed is not None:
            _log(f" * Detected change in {changed!r}, reloading")
            # Requests already accepted are answered; the next child takes the rest.
            server._drain(RELOAD_GRACE_SECONDS)
            sys.exit(RELOAD_EXIT_CODE)
        if os.getppid() != parent:  # the reloader died without stopping us
            sys.exit(0)


def _restart_until_done() -> int:
    """Run this program again as a child, as long as it exits asking for it."""
    command = _command_to_rerun()
    environ = {**os.environ, RELOADER_ENV_VAR: "true"}
    while True:
        _log(" * Restarting with stat")
        exit_code = subprocess.call(command, env=environ, close_fds=False)
        if exit_code != RELOAD_EXIT_CODE:
            return exit_code


def _command_to_rerun() -> t.List[str]:
    """The command line that started this process, with this interpreter."""
    if sys.version_info >= (3, 10):
        return [sys.executable, *sys.orig_argv[1:]]
    warning_options = [f"-W{option}" for option in sys.warnoptions]
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    if spec is None:  # `python script.py`: argv[0] is the script
        return [sys.executable, *warning_options, os.path.abspath(sys.argv[0]), *sys.argv[1:]]
    # `python -m name`: the spec names "name", or "name.__main__" for a package.
    module = spec.name[: -len(".__main__")] if spec.name.endswith(".__main__") else spec.name
    return [sys.executable, *warning_options, "-m", module, *sys.argv[1:]]


class _FileWatcher:
    """Remembers the modification time of every watched file: those of all
    loaded modules, plus ``extra_files``, minus paths matching an exclude glob."""

    def __init__(self, extra_files: t.Iterable[str], exclude_patterns: t.Iterable[str]) -> None:
        self._extra_files = [os.path.abspath(path) for path in extra_files]
        patterns = list(exclude_patterns)
        self._excluded = re.compile("|".join(map(fnmatch.translate, patterns))) if patterns else None
        self._mtimes: t.Dict[str, float] = {}
        self.changed_file()  # the first look only records

    def changed_file(self) -> t.Optional[str]:
        """The first watched file whose mtime differs from last time, if any."""
        for path in self._paths():
            try:
                mtime = os.stat(path).st_mtime
            except OSError:  # deleted, or not a real file (a module inside a zip)
                continue
            # "!=" and not ">": a version-control checkout can move mtimes back.
            if self._mtimes.setdefault(path, mtime) != mtime:
                return path
        return None

    def _paths(self) -> t.Iterator[str]:
        module_files = [getattr(module, "__file__", None) for module in list(sys.modules.values())]
        for path in module_files + self._extra_files:
            if path and (self._excluded is None or not self._excluded.match(path)):
                yield path
