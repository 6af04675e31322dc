"""The layers import only downwards: toolkit and template engine never the framework.

``microflask.toolkit`` (Werkzeug's role), ``microflask.jinja`` and
``microflask.markup`` (Jinja's and MarkupSafe's) must work without the
framework: every module at ``microflask/*.py`` but ``markup.py``, and
``microflask/json/``. The template engine does not use the toolkit either,
and ``markup`` stands alone. The modules standing in for Flask's other
dependencies, ``signals``, ``signing``, ``commands`` and ``dotenv`` (blinker,
itsdangerous, click, python-dotenv), stand alone as those packages do: they
import nothing from microflask, neither the framework nor a lower layer nor
each other. Checked twice: by reading every import statement (in functions
and under ``TYPE_CHECKING`` too), and by importing the modules in a fresh
interpreter and looking at what got loaded.
"""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "microflask"

# The top-level parts of microflask that are not the framework.
LOWER_LAYERS = ("toolkit", "jinja", "markup")

# The modules at microflask/*.py that stand in for Flask's other dependencies
# (blinker, itsdangerous, click, python-dotenv), which do not know Flask.
STAND_INS = ("signals", "signing", "commands", "dotenv")


def module_name(path):
    """``microflask/toolkit/routing/map.py`` -> ``microflask.toolkit.routing.map``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name):
    """Whether ``name`` (``microflask.x.y``) is a module or package of the source tree."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def is_framework(name):
    """Whether importing ``name`` means importing the framework: the package
    ``microflask`` itself (whose names are the framework's) or any module of
    it outside the lower layers."""
    parts = name.split(".")
    if parts[0] != "microflask":
        return False
    return len(parts) == 1 or parts[1] not in LOWER_LAYERS


def is_toolkit(name):
    return name == "microflask.toolkit" or name.startswith("microflask.toolkit.")


def is_microflask(name):
    return name == "microflask" or name.startswith("microflask.")


def imports_of(path, source=None):
    """``(line, statement, imported module)`` for every import in the file
    (or in ``source``, read as that file), wherever it is (module level,
    function, ``if TYPE_CHECKING``, ``try``), relative ones resolved; also
    ``importlib.import_module("...")`` calls with a literal name."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path))
    this_module = module_name(path)
    # The package relative imports start from: the module's own for a package's __init__.
    package = this_module if path.name == "__init__.py" else this_module.rpartition(".")[0]

    def resolve(level, name):
        if level == 0:
            return name
        base = package.split(".")
        if level - 1 >= len(base):
            return f"(beyond the top package: {'.' * level}{name})"
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([name] if name else []))

    lines = source.splitlines()

    def text(node):
        """The statement as written, on one line."""
        return " ".join(" ".join(lines[node.lineno - 1 : node.end_lineno]).split())

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)):
            statement = text(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, statement, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.level, node.module or "")
            for alias in node.names:
                # "from pkg import name": the submodule pkg.name if there is
                # one, else a name defined in pkg (so pkg is what is imported).
                submodule = f"{base}.{alias.name}"
                yield node.lineno, statement, submodule if is_module(submodule) else base
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            if name.startswith("."):
                level = len(name) - len(name.lstrip("."))
                yield node.lineno, statement, resolve(level, name[level:])
            else:
                yield node.lineno, statement, name


def lower_layer_files():
    files = sorted((PACKAGE / "toolkit").rglob("*.py")) + sorted((PACKAGE / "jinja").rglob("*.py"))
    return files + [PACKAGE / "markup.py"]


def stand_in_files():
    return [PACKAGE / f"{name}.py" for name in STAND_INS]


def offences(files, forbidden, what):
    """The failure message lines: ``file:line: statement (imports module: what)``."""
    found = []
    for path in files:
        for line, statement, imported in imports_of(path):
            if forbidden(imported):
                found.append(f"{path.relative_to(ROOT)}:{line}: {statement}  ({imported} is {what})")
    return found


def test_the_layers_are_where_the_checks_look():
    assert (PACKAGE / "toolkit" / "routing").is_dir()
    assert (PACKAGE / "jinja" / "__init__.py").is_file()
    assert (PACKAGE / "markup.py").is_file()
    assert len(lower_layer_files()) > 20
    assert all(path.is_file() for path in stand_in_files())


def test_the_import_reader_resolves_relative_imports():
    """The checker itself: relative imports and names imported from a package."""
    source = (
        "import typing as t\n"
        "from ... import app\n"
        "from ...globals import _cv_app\n"
        "from ... import markup, toolkit\n"
        "from .. import wrappers\n"
        "from . import rules\n"
        "if t.TYPE_CHECKING:\n"
        "    from ...json.provider import JSONProvider\n"
        "def f():\n"
        "    from microflask import Flask\n"
        "    import importlib; importlib.import_module('...helpers', __package__)\n"
    )
    found = imports_of(PACKAGE / "toolkit" / "routing" / "_probe.py", source)
    seen = [imported for _, _, imported in sorted(found, key=lambda item: item[0])]
    assert seen == [
        "typing",
        "microflask.app",
        "microflask.globals",
        "microflask.markup",
        "microflask.toolkit",
        "microflask.toolkit.wrappers",
        "microflask.toolkit.routing.rules",
        "microflask.json.provider",
        "microflask",
        "importlib",
        "microflask.helpers",
    ]
    assert [name for name in seen if is_framework(name)] == [
        "microflask.app",
        "microflask.globals",
        "microflask.json.provider",
        "microflask",
        "microflask.helpers",
    ]


def test_the_toolkit_the_template_engine_and_markup_never_import_the_framework():
    found = offences(lower_layer_files(), is_framework, "the framework")
    assert not found, "A lower layer imports the framework:\n" + "\n".join(found)


def test_the_template_engine_does_not_import_the_toolkit():
    files = sorted((PACKAGE / "jinja").rglob("*.py"))
    found = offences(files, is_toolkit, "the toolkit")
    assert not found, "The template engine imports the toolkit:\n" + "\n".join(found)


@pytest.mark.parametrize("name", STAND_INS)
def test_the_stand_ins_for_flasks_dependencies_import_nothing_from_microflask(name):
    """Not the framework, which they must not know (blinker, itsdangerous,
    click and python-dotenv do not know Flask), nor the toolkit or another
    stand-in: each is the framework's to import, as itsdangerous is Flask's."""
    found = offences([PACKAGE / f"{name}.py"], is_microflask, "part of microflask")
    assert not found, f"microflask/{name}.py imports from microflask:\n" + "\n".join(found)


def test_markup_imports_nothing_from_microflask():
    found = offences([PACKAGE / "markup.py"], is_microflask, "part of microflask")
    assert not found, "microflask/markup.py imports from microflask:\n" + "\n".join(found)


def loaded_by(module):
    """The microflask modules a fresh interpreter has loaded after importing ``module``."""
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(name for name in sys.modules"
        " if name == 'microflask' or name.startswith('microflask.'))))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=str(ROOT), env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "module",
    ["microflask.toolkit.routing", "microflask.toolkit.wrappers", "microflask.jinja", "microflask.markup"]
    + [f"microflask.{name}" for name in STAND_INS],
)
def test_importing_a_lower_layer_or_a_stand_in_loads_no_framework_module(module):
    loaded = loaded_by(module)

    assert module in loaded
    # The package itself is always imported first; it loads its names lazily.
    # (A stand-in is a module at microflask/*.py, so it is not counted itself.)
    framework = [name for name in loaded if is_framework(name) and name not in ("microflask", module)]
    assert not framework, f"importing {module} loaded framework modules: {framework}"
    if not module.startswith("microflask.toolkit"):
        toolkit = [name for name in loaded if is_toolkit(name)]
        assert not toolkit, f"importing {module} loaded toolkit modules: {toolkit}"
    if module == "microflask.markup" or module.rpartition(".")[2] in STAND_INS:
        assert loaded == ["microflask", module]
