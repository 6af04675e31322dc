"""Application configuration: ``app.config``, a dict with ways to fill it.

An app's settings are loaded once, at start-up, before the first request:
from objects and modules, Python files, data files (JSON, TOML), mappings and
``FLASK_*`` environment variables. Only UPPERCASE keys are taken from objects
and files, so lowercase names stay free for helpers. Config does not validate
values and does not watch files for changes.
"""
from __future__ import annotations

import errno
import importlib
import json
import os
import types
import typing as t

_T = t.TypeVar("_T")

# A missing file is what ``silent=True`` forgives; a file that exists but
# cannot be read (permissions, a broken disk) is always an error.
_MISSING_FILE_ERRNOS = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})


def import_string(import_name: str) -> t.Any:
    """The module or object an import path names.

    ``'pkg.mod'`` is a module, ``'pkg.mod:Obj'`` and ``'pkg.mod.Obj'`` are
    the attribute ``Obj`` of ``pkg.mod``. Raises ``ImportError`` naming the
    module or the attribute that could not be found.
    """
    if ":" in import_name:
        module_name, _, attribute = import_name.partition(":")
    else:
        try:
            return importlib.import_module(import_name)
        except ModuleNotFoundError as error:
            # Re-raise when a parent package is missing; when only the last
            # part is missing it may be an attribute rather than a module.
            if error.name != import_name or "." not in import_name:
                raise
        module_name, _, attribute = import_name.rpartition(".")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImportError(
            f"cannot import {import_name!r}: module {module_name!r} has no attribute {attribute!r}"
        ) from None


class ConfigAttribute(t.Generic[_T]):
    """An app attribute that reads and writes one config key.

    ``testing = ConfigAttribute("TESTING")`` on the Flask class makes
    ``app.testing`` and ``app.config["TESTING"]`` the same value.
    ``get_converter`` converts on read, for example seconds to a timedelta.
    """

    def __init__(self, name: str, get_converter: t.Optional[t.Callable[[t.Any], _T]] = None) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    def __get__(self, obj: t.Any, owner: t.Optional[type] = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.config[self.__name__]
        if self.get_converter is not None:
            value = self.get_converter(value)
        return value  # type: ignore[no-any-return]

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        obj.config[self.__name__] = value


class Config(dict):
    """A dict of settings that can load itself from objects, files and the environment.

    ``root_path`` is the folder relative file names are resolved against
    (the app's root path); ``defaults`` fills the dict first.
    """

    def __init__(self, root_path: t.Union[str, "os.PathLike[str]"], defaults: t.Optional[t.Mapping[str, t.Any]] = None) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python config file whose path is in the environment variable ``variable_name``.

        An unset or empty variable raises ``RuntimeError``, or returns
        ``False`` with ``silent=True`` (which also forgives a missing file).
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set, so no configuration was loaded"
                " from it. Set it to the path of a Python configuration file."
            )
        return self.from_pyfile(filename, silent=silent)

    def from_prefixed_env(self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads) -> bool:
        """Load every environment variable named ``{prefix}_KEY`` as ``config["KEY"]``.

        Each value goes through ``loads`` (JSON by default, so ``42``, ``true``
        and ``[1, 2]`` become numbers, booleans and lists); a value ``loads``
        rejects stays a string. ``__`` in a name sets a nested key:
        ``FLASK_DB__HOST`` sets ``config["DB"]["HOST"]``, making ``config["DB"]``
        a dict if it is not there. Variables are read in sorted order.
        """
        prefix = f"{prefix}_"
        for variable_name in sorted(os.environ):
            if not variable_name.startswith(prefix):
                continue
            raw_value = os.environ[variable_name]
            try:
                value = loads(raw_value)
            except Exception:  # whatever ``loads`` raises means "not encoded": keep the text
                value = raw_value
            *parents, key = variable_name[len(prefix):].split("__")
            self._nested_dict(parents, variable_name)[key] = value
        return True

    def _nested_dict(self, keys: t.List[str], variable_name: str) -> t.MutableMapping[str, t.Any]:
        """The dict at ``self[keys[0]][keys[1]]...``, creating empty dicts on the way."""
        current: t.MutableMapping[str, t.Any] = self
        for depth, key in enumerate(keys):
            if key not in current:
                current[key] = {}
            current = current[key]
            if not isinstance(current, t.MutableMapping):
                path = "".join(f"[{k!r}]" for k in keys[: depth + 1])
                raise TypeError(
                    f"The environment variable {variable_name!r} sets a key inside config{path},"
                    f" which is a {type(current).__name__}, not a dict."
                )
        return current

    def from_pyfile(self, filename: t.Union[str, "os.PathLike[str]"], silent: bool = False) -> bool:
        """Run a Python file as a module and load its UPPERCASE names, as ``from_object`` does.

        ``filename`` is absolute or relative to ``root_path``. With
        ``silent=True`` a missing file returns ``False`` instead of raising.
        Returns ``True`` when the file was loaded.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "rb") as file:
                source = file.read()
        except OSError as error:
            self._raise_unless_silently_missing(error, path, silent)
            return False
        module = types.ModuleType("config")
        module.__file__ = path
        # Compiling with the real path makes errors in the file point at it.
        exec(compile(source, path, "exec"), module.__dict__)
        self.from_object(module)
        return True

    def from_object(self, obj: t.Union[object, str]) -> None:
        """Load the UPPERCASE attributes of a module or class (or an import path naming one).

        ``from_object("myapp.default_settings")`` imports the module first.
        Lowercase attributes are ignored. A class with ``@property`` settings
        must be instantiated first; a dict does not work here (its keys are
        not attributes): use ``from_mapping``.
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        for name in dir(obj):
            if name.isupper():
                self[name] = getattr(obj, name)

    def from_file(
        self,
        filename: t.Union[str, "os.PathLike[str]"],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file with ``load`` and update from the mapping it returns.

        ``app.config.from_file("config.json", load=json.load)``, or
        ``from_file("config.toml", load=tomllib.load, text=False)`` since
        tomllib reads bytes. Text files are read as UTF-8. Only UPPERCASE keys
        are kept. With ``silent=True`` a missing file returns ``False``.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r", encoding="utf-8") if text else open(path, "rb") as file:
                data = load(file)
        except OSError as error:
            self._raise_unless_silently_missing(error, path, silent)
            return False
        if not isinstance(data, t.Mapping):
            raise TypeError(
                f"Configuration file {os.fspath(path)!r} loaded as a {type(data).__name__},"
                " expected a mapping of setting names to values."
            )
        return self.from_mapping(data)

    def from_mapping(self, mapping: t.Optional[t.Mapping[str, t.Any]] = None, **kwargs: t.Any) -> bool:
        """Update like ``dict.update``, but keep only UPPERCASE keys. Always returns ``True``."""
        items: t.Dict[str, t.Any] = {}
        if mapping is not None:
            items.update(mapping)
        items.update(kwargs)
        for key, value in items.items():
            if isinstance(key, str) and key.isupper():
                self[key] = value
        return True

    def get_namespace(self, namespace: str, lowercase: bool = True, trim_namespace: bool = True) -> t.Dict[str, t.Any]:
        """The settings whose keys start with ``namespace``, as a new dict.

        ``get_namespace("IMAGE_STORE_")`` turns ``IMAGE_STORE_PATH`` into
        ``path``: the prefix is cut (``trim_namespace``) and the rest
        lowercased (``lowercase``), ready to pass as keyword arguments.
        """
        found = {}
        for key, value in self.items():
            if not isinstance(key, str) or not key.startswith(namespace):
                continue
            if trim_namespace:
                key = key[len(namespace):]
            if lowercase:
                key = key.lower()
            found[key] = value
        return found

    @staticmethod
    def _raise_unless_silently_missing(error: OSError, path: t.Union[str, "os.PathLike[str]"], silent: bool) -> None:
        """Forgive a missing file when ``silent``; otherwise raise an error naming the file."""
        if silent and error.errno in _MISSING_FILE_ERRNOS:
            return
        # OSError(errno, ...) builds the matching subclass (FileNotFoundError...),
        # so callers can still catch the specific kind.
        raise OSError(error.errno, f"Unable to load configuration file ({error.strerror})", os.fspath(path)) from error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
