"""Config: loading settings from objects, Python files, data files, mappings and the environment."""
import errno
import json
import os
import sys
import textwrap
from datetime import timedelta

import pytest

from microflask.config import Config, ConfigAttribute, import_string


@pytest.fixture
def config(tmp_path):
    return Config(str(tmp_path))


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def settings_module(tmp_path, monkeypatch):
    """An importable module ``app_settings`` with two settings and a helper."""
    write(
        tmp_path / "app_settings.py",
        """
        SECRET_KEY = "dev"
        DEBUG = True
        helper = "lowercase names are not settings"

        class Production:
            DEBUG = False
            DATABASE_URI = "postgres://db"
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("app_settings", None)


# -- the dict itself -------------------------------------------------------------


def test_config_is_a_dict_filled_with_defaults():
    config = Config("/srv/app", {"DEBUG": False})
    assert isinstance(config, dict)
    assert config["DEBUG"] is False
    assert config.root_path == "/srv/app"
    config["TESTING"] = True
    assert config == {"DEBUG": False, "TESTING": True}


def test_defaults_are_copied_not_shared():
    defaults = {"DEBUG": False}
    Config("/srv/app", defaults)["DEBUG"] = True
    assert defaults == {"DEBUG": False}


def test_repr_shows_the_settings():
    assert repr(Config("/srv/app", {"DEBUG": True})) == "<Config {'DEBUG': True}>"


# -- from_object and import_string -----------------------------------------------


def test_from_object_takes_uppercase_attributes_of_a_class():
    class Settings:
        SECRET_KEY = "s3cret"
        MAX_CONTENT_LENGTH = 1024
        lowercase = "ignored"
        Mixed = "ignored"

    config = Config("/srv/app")
    config.from_object(Settings)
    assert config == {"SECRET_KEY": "s3cret", "MAX_CONTENT_LENGTH": 1024}


def test_from_object_reads_properties_of_an_instance():
    class Settings:
        HOST = "db.local"

        @property
        def DATABASE_URI(self):
            return f"postgres://{self.HOST}"

    config = Config("/srv/app")
    config.from_object(Settings())
    assert config["DATABASE_URI"] == "postgres://db.local"


def test_from_object_with_an_import_path_to_a_module(settings_module):
    config = Config("/srv/app")
    config.from_object("app_settings")
    assert config == {"SECRET_KEY": "dev", "DEBUG": True}


@pytest.mark.parametrize("path", ["app_settings.Production", "app_settings:Production"])
def test_from_object_with_an_import_path_to_a_class(settings_module, path):
    config = Config("/srv/app")
    config.from_object(path)
    assert config == {"DEBUG": False, "DATABASE_URI": "postgres://db"}


def test_import_string_finds_modules_submodules_and_attributes():
    import os.path

    assert import_string("os") is os
    assert import_string("os.path") is os.path
    assert import_string("os.path.join") is os.path.join
    assert import_string("os.path:join") is os.path.join
    assert import_string("json.decoder.JSONDecodeError") is json.JSONDecodeError


def test_import_string_names_the_missing_attribute(settings_module):
    with pytest.raises(ImportError, match=r"'app_settings' has no attribute 'Staging'"):
        import_string("app_settings.Staging")
    with pytest.raises(ImportError, match=r"'app_settings' has no attribute 'Staging'"):
        import_string("app_settings:Staging")


def test_import_string_names_the_missing_module():
    with pytest.raises(ImportError, match="no_such_package_xyz") as info:
        import_string("no_such_package_xyz.settings.Production")
    assert info.value.name == "no_such_package_xyz"
    with pytest.raises(ImportError, match="no_such_module_xyz"):
        Config("/srv/app").from_object("no_such_module_xyz")


def test_from_object_does_not_read_dict_keys():
    config = Config("/srv/app")
    config.from_object({"DEBUG": True})
    assert config == {}


# -- from_pyfile -----------------------------------------------------------------


def test_from_pyfile_runs_the_file_and_keeps_uppercase_names(config, tmp_path):
    write(
        tmp_path / "settings.cfg",
        """
        import os
        base = "/var/uploads"
        UPLOAD_FOLDER = os.path.join(base, "images")
        PERMANENT_SESSION_LIFETIME = 60 * 60
        CONFIG_FILE = __file__
        """,
    )
    assert config.from_pyfile("settings.cfg") is True
    assert config == {
        "UPLOAD_FOLDER": "/var/uploads/images",
        "PERMANENT_SESSION_LIFETIME": 3600,
        "CONFIG_FILE": str(tmp_path / "settings.cfg"),
    }


def test_from_pyfile_accepts_an_absolute_path(tmp_path):
    path = write(tmp_path / "settings.py", "SECRET_KEY = 'abc'\n")
    config = Config("/somewhere/else")
    config.from_pyfile(str(path))
    assert config["SECRET_KEY"] == "abc"


def test_from_pyfile_missing_file_names_the_file_and_the_reason(config, tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        config.from_pyfile("missing.cfg")
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == str(tmp_path / "missing.cfg")
    message = str(info.value)
    assert "Unable to load configuration file" in message
    assert "No such file or directory" in message
    assert "missing.cfg" in message


def test_from_pyfile_silent_ignores_missing_files_and_folders(config, tmp_path):
    (tmp_path / "a_folder").mkdir()
    write(tmp_path / "plain_file", "")
    assert config.from_pyfile("missing.cfg", silent=True) is False
    assert config.from_pyfile("a_folder", silent=True) is False  # EISDIR
    assert config.from_pyfile("plain_file/settings.cfg", silent=True) is False  # ENOTDIR
    assert config == {}


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX symlinks")
def test_from_pyfile_silent_still_raises_for_files_that_exist_but_cannot_be_read(config, tmp_path):
    (tmp_path / "loop.cfg").symlink_to("loop.cfg")  # opening it fails with ELOOP, not ENOENT
    with pytest.raises(OSError, match="loop.cfg") as info:
        config.from_pyfile("loop.cfg", silent=True)
    assert info.value.errno == errno.ELOOP


def test_from_pyfile_syntax_error_points_at_the_file(config, tmp_path):
    write(tmp_path / "broken.cfg", "DEBUG = True\nSECRET_KEY = = 'x'\n")
    with pytest.raises(SyntaxError) as info:
        config.from_pyfile("broken.cfg")
    assert info.value.filename == str(tmp_path / "broken.cfg")
    assert info.value.lineno == 2


def test_from_pyfile_error_raised_by_the_file_propagates(config, tmp_path):
    write(tmp_path / "settings.cfg", "SECRET_KEY = undefined_name\n")
    with pytest.raises(NameError, match="undefined_name"):
        config.from_pyfile("settings.cfg")
    assert config == {}


# -- from_envvar -----------------------------------------------------------------


def test_from_envvar_loads_the_file_the_variable_points_to(config, tmp_path, monkeypatch):
    path = write(tmp_path / "production.cfg", "SECRET_KEY = 'prod'\n")
    monkeypatch.setenv("MYAPP_SETTINGS", str(path))
    assert config.from_envvar("MYAPP_SETTINGS") is True
    assert config["SECRET_KEY"] == "prod"


@pytest.mark.parametrize("value", [None, ""])
def test_from_envvar_unset_variable_is_a_runtime_error_naming_it(config, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("MYAPP_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("MYAPP_SETTINGS", value)
    with pytest.raises(RuntimeError, match="'MYAPP_SETTINGS' is not set"):
        config.from_envvar("MYAPP_SETTINGS")
    assert config.from_envvar("MYAPP_SETTINGS", silent=True) is False


def test_from_envvar_missing_file(config, tmp_path, monkeypatch):
    monkeypatch.setenv("MYAPP_SETTINGS", str(tmp_path / "gone.cfg"))
    with pytest.raises(FileNotFoundError, match="gone.cfg"):
        config.from_envvar("MYAPP_SETTINGS")
    assert config.from_envvar("MYAPP_SETTINGS", silent=True) is False


# -- from_file -------------------------------------------------------------------


def test_from_file_with_json(config, tmp_path):
    (tmp_path / "config.json").write_text('{"SECRET_KEY": "j", "PORT": 8000, "ignored": 1}', encoding="utf-8")
    assert config.from_file("config.json", load=json.load) is True
    assert config == {"SECRET_KEY": "j", "PORT": 8000}


def test_from_file_reads_text_as_utf8(config, tmp_path):
    (tmp_path / "config.json").write_bytes('{"GREETING": "grüß dich"}'.encode("utf-8"))
    config.from_file("config.json", load=json.load)
    assert config["GREETING"] == "grüß dich"


def test_from_file_binary_mode_hands_bytes_to_load(config, tmp_path):
    (tmp_path / "config.bin").write_bytes(b"NAME=value")
    seen = []

    def load(file):
        data = file.read()
        seen.append(data)
        key, _, value = data.decode().partition("=")
        return {key: value}

    config.from_file("config.bin", load=load, text=False)
    assert seen == [b"NAME=value"]
    assert config == {"NAME": "value"}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_from_file_with_toml(config, tmp_path):
    import tomllib

    (tmp_path / "config.toml").write_text('SECRET_KEY = "t"\n[DATABASE]\nHOST = "db"\n', encoding="utf-8")
    config.from_file("config.toml", load=tomllib.load, text=False)
    assert config == {"SECRET_KEY": "t", "DATABASE": {"HOST": "db"}}


def test_from_file_missing_file(config, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Unable to load configuration file .*missing\.json"):
        config.from_file("missing.json", load=json.load)
    assert config.from_file("missing.json", load=json.load, silent=True) is False


def test_from_file_that_is_not_a_mapping_is_a_type_error(config, tmp_path):
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(TypeError, match=r"list\.json' loaded as a list, expected a mapping"):
        config.from_file("list.json", load=json.load)


def test_from_file_load_errors_propagate(config, tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        config.from_file("bad.json", load=json.load, silent=True)


# -- from_mapping ----------------------------------------------------------------


def test_from_mapping_keeps_uppercase_keys_from_mapping_and_keywords():
    config = Config("/srv/app")
    assert config.from_mapping({"SECRET_KEY": "m", "lower": 1, 42: "not a name"}, DEBUG=True, debug=False) is True
    assert config == {"SECRET_KEY": "m", "DEBUG": True}


def test_from_mapping_keywords_win_over_the_mapping():
    config = Config("/srv/app")
    config.from_mapping([("PORT", 1), ("HOST", "a")], PORT=2)
    assert config == {"PORT": 2, "HOST": "a"}


def test_from_mapping_with_nothing_is_a_no_op():
    config = Config("/srv/app", {"DEBUG": True})
    assert config.from_mapping() is True
    assert config == {"DEBUG": True}


# -- from_prefixed_env -----------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("FLASK_", "MYAPP_")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_from_prefixed_env_decodes_json_values(clean_env):
    clean_env.setenv("FLASK_PORT", "8000")
    clean_env.setenv("FLASK_RATIO", "0.5")
    clean_env.setenv("FLASK_TESTING", "true")
    clean_env.setenv("FLASK_NOTHING", "null")
    clean_env.setenv("FLASK_HOSTS", '["a", "b"]')
    clean_env.setenv("FLASK_LIMITS", '{"daily": 100}')
    clean_env.setenv("FLASK_QUOTED", '"42"')
    config = Config("/srv/app")
    assert config.from_prefixed_env() is True
    assert config == {
        "PORT": 8000,
        "RATIO": 0.5,
        "TESTING": True,
        "NOTHING": None,
        "HOSTS": ["a", "b"],
        "LIMITS": {"daily": 100},
        "QUOTED": "42",
    }


def test_from_prefixed_env_keeps_values_that_are_not_json_as_strings(clean_env):
    clean_env.setenv("FLASK_SECRET_KEY", "not-json")
    clean_env.setenv("FLASK_BROKEN", '{"a": ')
    clean_env.setenv("FLASK_TRUE", "True")  # Python spelling, not JSON
    clean_env.setenv("FLASK_EMPTY", "")
    config = Config("/srv/app")
    config.from_prefixed_env()
    assert config == {"SECRET_KEY": "not-json", "BROKEN": '{"a": ', "TRUE": "True", "EMPTY": ""}


def test_from_prefixed_env_only_reads_its_prefix(clean_env):
    clean_env.setenv("MYAPP_NAME", "mine")
    clean_env.setenv("MYAPPX_NAME", "not mine")
    clean_env.setenv("FLASK_NAME", "flask's")
    config = Config("/srv/app")
    config.from_prefixed_env("MYAPP")
    assert config == {"NAME": "mine"}


def test_from_prefixed_env_double_underscore_sets_nested_keys(clean_env):
    clean_env.setenv("FLASK_DB__HOST", "db.local")
    clean_env.setenv("FLASK_DB__PORT", "5432")
    clean_env.setenv("FLASK_CACHE__REDIS__URL", "redis://r")
    config = Config("/srv/app", {"DB": {"USER": "app", "PORT": 1}})
    config.from_prefixed_env()
    assert config == {
        "DB": {"USER": "app", "HOST": "db.local", "PORT": 5432},
        "CACHE": {"REDIS": {"URL": "redis://r"}},
    }


def test_from_prefixed_env_applies_variables_in_sorted_order(clean_env):
    # FLASK_DB replaces the whole dict, then FLASK_DB__HOST (sorted after it) sets a key in it.
    clean_env.setenv("FLASK_DB__HOST", "db.local")
    clean_env.setenv("FLASK_DB", '{"PORT": 5432}')
    config = Config("/srv/app")
    config.from_prefixed_env()
    assert config == {"DB": {"PORT": 5432, "HOST": "db.local"}}


def test_from_prefixed_env_nesting_into_a_non_dict_names_the_variable(clean_env):
    clean_env.setenv("FLASK_DB__HOST", "db.local")
    config = Config("/srv/app", {"DB": "sqlite://"})
    with pytest.raises(TypeError, match=r"'FLASK_DB__HOST' sets a key inside config\['DB'\], which is a str"):
        config.from_prefixed_env()


def test_from_prefixed_env_with_a_custom_loads(clean_env):
    clean_env.setenv("FLASK_WORKERS", "4")
    clean_env.setenv("FLASK_NAME", "web")

    def loads(value):
        return int(value)  # raises ValueError for "web", which stays a string

    config = Config("/srv/app")
    config.from_prefixed_env(loads=loads)
    assert config == {"WORKERS": 4, "NAME": "web"}


# -- get_namespace ---------------------------------------------------------------


@pytest.fixture
def image_config():
    return Config(
        "/srv/app",
        {
            "IMAGE_STORE_TYPE": "fs",
            "IMAGE_STORE_PATH": "/var/app/images",
            "IMAGE_STORE_BASE_URL": "http://img.example.com",
            "SECRET_KEY": "not in the namespace",
        },
    )


def test_get_namespace_trims_and_lowercases(image_config):
    assert image_config.get_namespace("IMAGE_STORE_") == {
        "type": "fs",
        "path": "/var/app/images",
        "base_url": "http://img.example.com",
    }


def test_get_namespace_can_keep_case_and_prefix(image_config):
    assert image_config.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "PATH": "/var/app/images",
        "BASE_URL": "http://img.example.com",
    }
    assert set(image_config.get_namespace("IMAGE_STORE_", trim_namespace=False)) == {
        "image_store_type",
        "image_store_path",
        "image_store_base_url",
    }


def test_get_namespace_with_no_match_is_empty(image_config):
    assert image_config.get_namespace("MAIL_") == {}


# -- ConfigAttribute -------------------------------------------------------------


class App:
    testing = ConfigAttribute("TESTING")
    permanent_session_lifetime = ConfigAttribute(
        "PERMANENT_SESSION_LIFETIME",
        get_converter=lambda value: value if isinstance(value, timedelta) else timedelta(seconds=value),
    )

    def __init__(self):
        self.config = Config("/srv/app", {"TESTING": False, "PERMANENT_SESSION_LIFETIME": 3600})


def test_config_attribute_reads_and_writes_the_config_key():
    app = App()
    assert app.testing is False
    app.testing = True
    assert app.config["TESTING"] is True
    app.config["TESTING"] = False
    assert app.testing is False


def test_config_attribute_converts_on_read():
    app = App()
    assert app.permanent_session_lifetime == timedelta(hours=1)
    app.permanent_session_lifetime = 60
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 60
    assert app.permanent_session_lifetime == timedelta(minutes=1)


def test_config_attribute_on_the_class_is_the_descriptor():
    assert isinstance(App.testing, ConfigAttribute)


def test_debug_is_false_by_default_and_follows_flask_debug(monkeypatch):
    from microflask import Flask

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert Flask(__name__).config["DEBUG"] is False
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert Flask(__name__).config["DEBUG"] is True
