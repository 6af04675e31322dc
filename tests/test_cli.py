"""Flask's command line: app discovery, ``ScriptInfo`` and the app context,
``AppGroup`` and the ``FlaskGroup`` root (with its ``.env`` loading), and the
built-in ``run``, ``routes`` and ``shell``."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
import typing as t

import pytest

import microflask
from microflask import Flask, current_app
from microflask.cli import (
    AppGroup,
    FlaskGroup,
    NoAppException,
    ScriptInfo,
    find_best_app,
    locate_app,
    pass_script_info,
    prepare_import,
    with_appcontext,
)
from microflask.commands import Group, CliRunner

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(microflask.__file__)))
wired = pytest.mark.skipif(not hasattr(Flask, "cli"), reason="app.cli is wired by the lead")

APP_MODULE = """
from microflask import Flask
app = Flask(__name__)

@app.route("/")
def index():
    return "index"

@app.post("/users/<int:id>")
def update_user(id):
    return "updated"
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[pathlib.Path]:
    """Each test in an empty folder, with sys.path, sys.modules and FLASK_* variables restored."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("FLASK_APP", "FLASK_DEBUG", "FLASK_SKIP_DOTENV", "FLASK_RUN_FROM_CLI", "FLASK_RUN_PORT"):
        monkeypatch.delenv(name, raising=False)
    modules_before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - modules_before:
        if not name.startswith("microflask"):
            del sys.modules[name]


def write(path: pathlib.Path, source: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def invoke(cli: Group, args: t.List[str], app: t.Optional[Flask] = None, **kwargs: t.Any) -> t.Any:
    """Run ``cli`` in-process; with ``app``, commands load that app."""
    if app is not None:
        kwargs.setdefault("obj", ScriptInfo(create_app=lambda: app))
    return CliRunner().invoke(cli, args, **kwargs)


# -- discovery ------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["app", "application", "my_custom_name"])
def test_the_app_is_found_by_its_usual_names_or_as_the_only_instance(isolated: pathlib.Path, attribute: str) -> None:
    write(isolated / "found_app.py", f"from microflask import Flask\n{attribute} = Flask('found')\n")
    assert locate_app(prepare_import("found_app.py"), None).import_name == "found"


def test_two_apps_in_a_module_must_be_named() -> None:
    module = type(sys)("two_apps")
    module.one, module.two = Flask("one"), Flask("two")
    with pytest.raises(NoAppException, match="multiple Flask applications in module 'two_apps'.*'two_apps:name'"):
        find_best_app(module)


@pytest.mark.parametrize("factory", ["create_app", "make_app"])
def test_a_factory_is_called_without_arguments(isolated: pathlib.Path, factory: str) -> None:
    write(isolated / "factory_app.py", f"from microflask import Flask\ndef {factory}():\n    return Flask('made')\n")
    assert locate_app(prepare_import("factory_app.py"), None).import_name == "made"


def test_a_factory_that_needs_arguments_is_reported() -> None:
    module = type(sys)("needs_args")
    module.create_app = lambda config: Flask("x")  # a lambda is not a function def: not a factory
    exec("def create_app(config):\n    return None\n", module.__dict__)
    with pytest.raises(NoAppException, match="factory 'create_app' in module 'needs_args', but could not call it"):
        find_best_app(module)


def test_a_type_error_inside_the_factory_is_not_mistaken_for_wrong_arguments() -> None:
    module = type(sys)("broken_factory")
    exec("def create_app():\n    return len(1)\n", module.__dict__)
    with pytest.raises(TypeError, match="has no len"):
        find_best_app(module)


def test_a_module_without_an_app_says_how_to_name_one() -> None:
    with pytest.raises(NoAppException, match="Failed to find Flask application or factory in module 'empty'"):
        find_best_app(type(sys)("empty"))


def test_module_colon_name_and_a_factory_call_with_literal_arguments(isolated: pathlib.Path) -> None:
    write(
        isolated / "named.py",
        """
        from microflask import Flask
        main_app = Flask("main")
        def create_app(name, *, testing=False):
            app = Flask(name)
            app.testing = testing
            return app
        """,
    )
    assert ScriptInfo("named:main_app").load_app().import_name == "main"
    app = ScriptInfo("named:create_app('made', testing=True)").load_app()
    assert (app.import_name, app.testing) == ("made", True)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("named:create_app(open('x'))", "Failed to parse arguments as literal values"),
        ("named:factories.create()", "Function reference must be a simple name"),
        ("named:1 +", "Failed to parse '1 \\+' as an attribute name or function call"),
        ("named:missing", "Failed to find attribute 'missing' in 'named'"),
        ("named:not_an_app", "A valid Flask application was not obtained from 'named:not_an_app'"),
        ("named:create_app(1, 2, 3)", "The factory 'create_app\\(1, 2, 3\\)' in module 'named' could not be called"),
        ("no_such_module", "Could not import 'no_such_module'"),
    ],
)
def test_bad_app_specifications_name_the_problem(isolated: pathlib.Path, spec: str, message: str) -> None:
    write(isolated / "named.py", "from microflask import Flask\nnot_an_app = 42\ndef create_app(name):\n    return Flask(name)\n")
    with pytest.raises(NoAppException, match=message):
        ScriptInfo(spec).load_app()


def test_an_import_error_inside_the_app_module_is_shown_as_such(isolated: pathlib.Path) -> None:
    write(isolated / "broken.py", "import a_module_that_does_not_exist\n")
    with pytest.raises(NoAppException) as caught:
        ScriptInfo("broken").load_app()
    assert "While importing 'broken', an ImportError was raised" in caught.value.message
    assert "a_module_that_does_not_exist" in caught.value.message


def test_a_file_path_puts_its_folder_on_sys_path(isolated: pathlib.Path) -> None:
    write(isolated / "src" / "service.py", APP_MODULE)
    assert prepare_import("src/service.py") == "service"
    assert sys.path[0] == os.path.realpath(isolated / "src")
    assert ScriptInfo("src/service.py").load_app().import_name == "service"


def test_a_module_inside_a_package_is_imported_by_its_dotted_name(isolated: pathlib.Path) -> None:
    write(isolated / "shop" / "__init__.py", "")
    write(isolated / "shop" / "web.py", APP_MODULE)
    assert prepare_import(str(isolated / "shop" / "web.py")) == "shop.web"
    assert prepare_import(str(isolated / "shop" / "__init__.py")) == "shop"
    assert sys.path[0] == os.path.realpath(isolated)


def test_without_a_path_wsgi_py_is_tried_before_app_py(isolated: pathlib.Path) -> None:
    write(isolated / "app.py", "from microflask import Flask\napp = Flask('from_app_py')\n")
    assert ScriptInfo().load_app().import_name == "from_app_py"
    write(isolated / "wsgi.py", "from microflask import Flask\napp = Flask('from_wsgi_py')\n")
    assert ScriptInfo().load_app().import_name == "from_wsgi_py"


def test_without_any_app_the_error_lists_the_ways_to_give_one() -> None:
    with pytest.raises(NoAppException, match="--app' option, 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py'"):
        ScriptInfo().load_app()


def test_load_app_loads_once_and_applies_flask_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def create_app() -> Flask:
        calls.append(1)
        app = Flask("debuggable")
        app.debug = False
        return app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    info = ScriptInfo(create_app=create_app)
    assert info.load_app() is info.load_app()
    assert calls == [1] and info.load_app().debug is True  # FLASK_DEBUG overrides the app's own setting
    assert ScriptInfo(create_app=create_app, set_debug_flag=False).load_app().debug is False


# -- AppGroup, app context and ScriptInfo ---------------------------------------------------


def test_nested_groups() -> None:
    root = AppGroup("root")

    @root.group()
    def db() -> None:
        """Database commands."""

    @db.command(with_appcontext=False)
    def migrate(steps: int = 1) -> int:
        return steps

    assert isinstance(db, AppGroup)
    assert invoke(root, ["db", "migrate", "--steps", "3"]).return_value == 3
    assert "db  Database commands." in invoke(root, ["--help"]).output

    flask_group = FlaskGroup()

    @flask_group.group()
    def tools() -> None:
        """The root's nested groups are AppGroups too."""

    assert type(tools) is AppGroup


def test_app_group_commands_run_in_the_app_context() -> None:
    app = Flask("context_app")
    group = AppGroup("tools")

    @group.command()
    def which_app() -> str:
        return current_app.name

    assert invoke(group, ["which-app"], app=app).return_value == "context_app"


def test_without_a_script_info_a_command_finds_the_app_itself(isolated: pathlib.Path) -> None:
    write(isolated / "app.py", "from microflask import Flask\napp = Flask('found_by_itself')\n")
    group = AppGroup("tools")

    @group.command()
    def which_app() -> str:
        return current_app.name

    assert invoke(group, ["which-app"]).return_value == "found_by_itself"


def test_with_appcontext_and_pass_script_info() -> None:
    app = Flask("info_app")
    group = Group("tools")

    @group.command()
    @pass_script_info
    @with_appcontext
    def inspect_info(info: ScriptInfo, key: str) -> t.Tuple[str, bool]:
        info.data[key] = True
        return current_app.name, info.load_app() is app

    info = ScriptInfo(create_app=lambda: app)
    result = invoke(group, ["inspect-info", "seen"], obj=info)
    assert result.return_value == ("info_app", True)
    assert info.data == {"seen": True}


def test_with_appcontext_outside_a_command_line_is_an_error() -> None:
    @with_appcontext
    def needs_app() -> None:
        pass

    with pytest.raises(RuntimeError, match="no command line invocation in progress"):
        needs_app()


# -- routes -------------------------------------------------------------------------------


def routes_app() -> Flask:
    app = Flask("routes_app")
    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/users/<int:id>", "update_user", lambda id: "", methods=["POST", "PUT"])
    app.add_url_rule("/about", "about", lambda: "")
    return app


def test_routes_prints_a_table_sorted_by_endpoint() -> None:
    result = invoke(FlaskGroup(), ["routes"], app=routes_app())
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Endpoint     Methods    Rule\n"
        "-----------  ---------  -----------------------\n"
        "about        GET        /about\n"
        "index        GET        /\n"
        "static       GET        /static/<path:filename>\n"
        "update_user  POST, PUT  /users/<int:id>\n"
    )


@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("rule", ["index", "about", "static", "update_user"]),
        ("match", ["static", "index", "update_user", "about"]),
        ("methods", ["static", "index", "about", "update_user"]),  # stable: match order within equal methods
    ],
)
def test_routes_sorting(sort: str, endpoints: t.List[str]) -> None:
    result = invoke(FlaskGroup(), ["routes", "--sort", sort], app=routes_app())
    assert [line.split()[0] for line in result.output.splitlines()[2:]] == endpoints


def test_routes_all_methods_and_an_empty_app() -> None:
    result = invoke(FlaskGroup(), ["routes", "-s", "rule", "--all-methods"], app=routes_app())
    assert "index        GET, HEAD, OPTIONS" in result.output
    assert "update_user  OPTIONS, POST, PUT" in result.output
    empty = invoke(FlaskGroup(), ["routes"], app=Flask("empty", static_folder=None))
    assert empty.output == "No routes were registered.\n"


# -- shell ------------------------------------------------------------------------------------


def test_shell_has_the_app_and_the_shell_context(tmp_path: pathlib.Path) -> None:
    app = Flask("shell_app")
    app.shell_context_processor(lambda: {"answer": 42})
    startup = write(tmp_path / "startup.py", "greeting = 'hello'\n")
    result = invoke(
        FlaskGroup(), ["shell"], app=app, env={"PYTHONSTARTUP": str(startup)},
        input="print(app.name, answer, greeting)\nfrom microflask import current_app\nprint(current_app.name)\n",
    )
    assert result.exit_code == 0, result.output
    assert "App: shell_app" in result.output
    assert "shell_app 42 hello" in result.output
    assert result.output.count("shell_app") >= 3  # banner, the print, current_app


# -- run ----------------------------------------------------------------------------------------


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> t.Dict[str, t.Any]:
    """What ``run`` would have passed to the development server."""
    calls: t.Dict[str, t.Any] = {}

    def fake_run_simple(host: str, port: int, app: t.Any, **options: t.Any) -> None:
        calls.update(host=host, port=port, app=app, **options)

    monkeypatch.setattr("microflask.toolkit.serving.run_simple", fake_run_simple)
    return calls


def test_run_defaults(served: t.Dict[str, t.Any]) -> None:
    app = Flask("served_app")
    result = invoke(FlaskGroup(), ["run"], app=app)
    assert result.exit_code == 0, result.output
    assert "Debug mode: off" in result.output
    assert (served["host"], served["port"], served["app"]) == ("127.0.0.1", 5000, app)
    assert (served["use_reloader"], served["use_debugger"], served["threaded"]) == (False, False, True)
    assert served["ssl_context"] is None


def test_run_options(served: t.Dict[str, t.Any]) -> None:
    args = ["run", "-h", "0.0.0.0", "-p", "8000", "--debug", "--no-reload", "--without-threads",
            "--extra-files", os.pathsep.join(["a.cfg", "b.cfg"])]
    result = invoke(FlaskGroup(), args, app=Flask("served_app"))
    assert result.exit_code == 0, result.output
    assert "Debug mode: on" in result.output
    assert (served["host"], served["port"], served["use_reloader"], served["use_debugger"]) == ("0.0.0.0", 8000, False, True)
    assert served["threaded"] is False
    assert served["extra_files"] == ["a.cfg", "b.cfg"]


def test_run_port_from_the_environment(served: t.Dict[str, t.Any]) -> None:
    invoke(FlaskGroup(), ["run"], app=Flask("served_app"), env={"FLASK_RUN_PORT": "8123"})
    assert served["port"] == 8123
    bad = invoke(FlaskGroup(), ["run"], app=Flask("served_app"), env={"FLASK_RUN_PORT": "http"})
    assert bad.exit_code == 2 and "Invalid value for FLASK_RUN_PORT ('http')" in bad.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cert", "adhoc"], "adhoc certificates are not supported"),
        (["--key", "key.pem"], "'--cert' must also be specified"),
        (["--cert", "missing.pem", "--key", "key.pem"], "File 'missing.pem' does not exist"),
    ],
)
def test_run_certificate_errors(served: t.Dict[str, t.Any], args: t.List[str], message: str) -> None:
    result = invoke(FlaskGroup(), ["run", *args], app=Flask("served_app"))
    assert result.exit_code == 2
    assert message in result.output
    assert served == {}


def make_certificate(folder: pathlib.Path) -> None:
    """A throwaway self-signed ``cert.pem`` and its ``key.pem`` in ``folder``."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl binary to make a certificate")
    subprocess.run(
        # An EC key: generated in milliseconds, where RSA takes a while.
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost"],
        cwd=folder, check=True, capture_output=True, timeout=30,
    )


def test_run_cert_and_key_become_the_servers_ssl_context(served: t.Dict[str, t.Any], isolated: pathlib.Path) -> None:
    import ssl

    make_certificate(isolated)
    result = invoke(FlaskGroup(), ["run", "--cert", "cert.pem", "--key", "key.pem"], app=Flask("served_app"))
    assert result.exit_code == 0, result.output
    assert isinstance(served["ssl_context"], ssl.SSLContext)
    assert served["ssl_context"].protocol == ssl.PROTOCOL_TLS_SERVER
    assert "request_handler" not in served  # the server speaks TLS itself


def test_run_reports_a_certificate_it_cannot_load(served: t.Dict[str, t.Any], isolated: pathlib.Path) -> None:
    make_certificate(isolated)
    write(isolated / "garbage.pem", "not a certificate\n")
    result = invoke(FlaskGroup(), ["run", "--cert", "garbage.pem", "--key", "key.pem"], app=Flask("served_app"))
    assert result.exit_code == 2
    assert "Error: Could not load the certificate 'garbage.pem' with the key 'key.pem'" in result.output
    assert served == {}


# -- the root command and its .env files ---------------------------------------------------------


def test_root_app_option_and_flask_app(isolated: pathlib.Path) -> None:
    write(isolated / "site_app.py", APP_MODULE)
    by_option = invoke(FlaskGroup(), ["--app", "site_app", "routes"])
    assert by_option.exit_code == 0, by_option.output
    assert "update_user  POST" in by_option.output
    by_env = invoke(FlaskGroup(), ["routes"], env={"FLASK_APP": "site_app"})
    assert by_env.output == by_option.output


def test_root_reports_a_missing_app() -> None:
    result = invoke(FlaskGroup(), ["routes"])
    assert result.exit_code == 2
    assert "Error: Could not locate a Flask application." in result.output


def test_root_version() -> None:
    result = invoke(FlaskGroup(), ["--version"])
    assert result.output == f"Python {'.'.join(map(str, sys.version_info[:3]))}\nmicroflask {microflask.__version__}\n"


def test_flaskenv_is_loaded_before_the_app_is_looked_for(isolated: pathlib.Path) -> None:
    write(isolated / "env_app.py", APP_MODULE)
    write(isolated / ".flaskenv", "FLASK_APP=env_app\n")
    assert invoke(FlaskGroup(), ["routes"]).exit_code == 0
    assert invoke(FlaskGroup(), ["routes"], env={"FLASK_SKIP_DOTENV": "1"}).exit_code == 2
    assert invoke(FlaskGroup(load_dotenv=False), ["routes"]).exit_code == 2


def test_env_file_option(isolated: pathlib.Path, served: t.Dict[str, t.Any]) -> None:
    write(isolated / "prod.env", "FLASK_RUN_PORT=9000\n")
    invoke(FlaskGroup(), ["-e", "prod.env", "run"], app=Flask("served_app"))
    assert served["port"] == 9000
    missing = invoke(FlaskGroup(), ["--env-file", "nope.env", "run"])
    assert missing.exit_code == 2 and "File 'nope.env' does not exist" in missing.output


# -- through the real command line ----------------------------------------------------------------


def run_cli(cwd: pathlib.Path, *args: str, **popen: t.Any) -> t.Any:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "PYTHON"))}
    env["PYTHONPATH"] = PROJECT_ROOT
    command = [sys.executable, "-m", "microflask", *args]
    if popen:
        return subprocess.Popen(command, cwd=cwd, env=env, **popen)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_a_factory_app_from_the_command_line(isolated: pathlib.Path) -> None:
    write(
        isolated / "factory_site.py",
        """
        from microflask import Flask
        def create_app(prefix="/"):
            app = Flask(__name__, static_folder=None)
            app.add_url_rule(prefix + "hello", "hello", lambda: "hi")
            return app
        """,
    )
    completed = run_cli(isolated, "--app", "factory_site:create_app('/v1/')", "routes")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[2] == "hello     GET      /v1/hello"
    failed = run_cli(isolated, "--app", "factory_site:create_app(", "routes")
    assert failed.returncode == 2
    assert "Error: Failed to parse 'create_app(' as an attribute name or function call." in failed.stderr


def test_run_serves_the_app(isolated: pathlib.Path) -> None:
    import urllib.request

    write(isolated / "app.py", APP_MODULE)
    server = run_cli(isolated, "run", "--port", "0", stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        address = None
        for line in server.stderr:  # type: ignore[union-attr]
            if "Running on http://" in line:
                address = line.split("Running on ")[1].strip()
                break
        assert address is not None
        with urllib.request.urlopen(address + "/", timeout=10) as response:
            assert response.read() == b"index"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]


def test_run_serves_https_with_a_certificate(isolated: pathlib.Path) -> None:
    import ssl
    import urllib.request

    make_certificate(isolated)
    write(
        isolated / "app.py",
        """
        from microflask import Flask, request
        app = Flask(__name__)

        @app.route("/")
        def index():
            return request.scheme
        """,
    )
    server = run_cli(isolated, "run", "--port", "0", "--cert", "cert.pem", "--key", "key.pem",
                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        address = None
        for line in server.stderr:  # type: ignore[union-attr]
            if "Running on " in line:
                address = line.split("Running on ")[1].strip()
                break
        assert address is not None and address.startswith("https://")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # self-signed: not verified
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen(address + "/", context=context, timeout=10) as response:
            assert response.read() == b"https"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]


# -- app.cli (wired by the lead) -----------------------------------------------------------------


@wired
def test_app_cli_commands_and_the_test_runner() -> None:
    app = Flask("cli_app")

    @app.cli.command()
    def create_user(name: str, admin: bool = False) -> str:
        """Create a user."""
        print(f"{current_app.name}: {name} admin={admin}")
        return name

    assert app.cli.name == "cli_app"
    result = app.test_cli_runner().invoke(args=["create-user", "ada", "--admin"])
    assert (result.exit_code, result.output, result.return_value) == (0, "cli_app: ada admin=True\n", "ada")


@wired
def test_the_root_lists_and_runs_the_apps_commands(isolated: pathlib.Path) -> None:
    write(
        isolated / "app.py",
        """
        from microflask import Flask
        app = Flask(__name__)

        @app.cli.command()
        def init_db(drop: bool = False):
            '''Create the database tables.'''
            print("dropped" if drop else "created")
        """,
    )
    listing = invoke(FlaskGroup(), ["--help"])
    assert "  init-db  Create the database tables." in listing.output
    assert "  routes   Show all registered routes" in listing.output
    assert invoke(FlaskGroup(), ["init-db", "--drop"]).output == "dropped\n"


def test_a_command_with_click_decorators_is_a_clear_error():
    def greet(name):
        return name

    greet.__click_params__ = ["an argument click would read"]
    with pytest.raises(TypeError, match="click decorators"):
        AppGroup("tools").command()(greet)
