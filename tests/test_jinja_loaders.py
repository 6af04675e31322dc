"""Loaders: finding a template's source by name, refusing to leave their folders,
and telling the environment when a cached template is out of date.

Messages were observed from Jinja 3.1 and are hard-coded.
"""
from __future__ import annotations

import os
import sys

import pytest

from microflask.jinja import Environment
from microflask.jinja.exceptions import TemplateNotFound
from microflask.jinja.loaders import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    FileSystemLoader,
    FunctionLoader,
    PackageLoader,
    PrefixLoader,
    split_template_path,
)

ENV = None  # loaders ignore the environment argument of get_source


@pytest.fixture
def folder(tmp_path):
    """A template folder: ``a.html``, ``sub/b.txt`` and a hidden file."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text("Hello {{ name }}!", encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_text("sub", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    return tmp_path


def set_mtime(path, seconds):
    os.utime(path, (seconds, seconds))


# -- split_template_path -----------------------------------------------------------


@pytest.mark.parametrize(
    "name, pieces",
    [("a/b", ["a", "b"]), ("./a//b/", ["a", "b"]), ("a/./b", ["a", "b"]), ("/abs/x", ["abs", "x"]), ("...", ["..."])],
)
def test_split_template_path_drops_empty_and_dot_segments(name, pieces):
    assert split_template_path(name) == pieces


@pytest.mark.parametrize("name", ["..", "../secret.txt", "a/../../b", "a/.."])
def test_split_template_path_refuses_parent_segments(name):
    with pytest.raises(TemplateNotFound) as error:
        split_template_path(name)
    assert error.value.name == name


# -- FileSystemLoader --------------------------------------------------------------


def test_filesystem_loader_returns_source_filename_and_uptodate(folder):
    loader = FileSystemLoader(str(folder))
    source, filename, uptodate = loader.get_source(ENV, "sub/b.txt")
    assert source == "sub"
    assert filename == os.path.join(str(folder), "sub", "b.txt")
    assert uptodate() is True


def test_filesystem_loader_accepts_a_pathlike_and_a_list(folder, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    (other / "c.html").write_text("C", encoding="utf-8")
    (other / "a.html").write_text("shadowed", encoding="utf-8")
    loader = FileSystemLoader([folder, other])
    assert loader.searchpath == [str(folder), str(other)]
    assert loader.get_source(ENV, "c.html")[0] == "C"
    assert loader.get_source(ENV, "a.html")[0] == "Hello {{ name }}!"
    assert loader.list_templates() == [".hidden", "a.html", "c.html", "sub/b.txt"]


def test_filesystem_loader_names_the_search_paths_when_not_found(folder, tmp_path_factory):
    with pytest.raises(TemplateNotFound, match=r"^'nope.html' not found in search path: '.*'$") as error:
        FileSystemLoader(folder).get_source(ENV, "nope.html")
    assert error.value.name == "nope.html"
    other = tmp_path_factory.mktemp("other")
    with pytest.raises(TemplateNotFound, match="not found in search paths: "):
        FileSystemLoader([folder, other]).get_source(ENV, "nope.html")


def test_filesystem_loader_does_not_serve_folders(folder):
    with pytest.raises(TemplateNotFound):
        FileSystemLoader(folder).get_source(ENV, "sub")


@pytest.mark.parametrize("name", ["../outside.txt", "sub/../../outside.txt", "..", "sub/../../../etc/passwd"])
def test_filesystem_loader_refuses_path_traversal(folder, name):
    templates = folder / "templates"
    templates.mkdir()
    (folder / "outside.txt").write_text("secret", encoding="utf-8")
    with pytest.raises(TemplateNotFound):
        FileSystemLoader(templates).get_source(ENV, name)


def test_filesystem_loader_treats_absolute_names_as_relative(folder):
    assert FileSystemLoader(folder).get_source(ENV, "/a.html")[0] == "Hello {{ name }}!"


def test_filesystem_loader_reads_with_the_given_encoding(tmp_path):
    (tmp_path / "latin.txt").write_bytes("café".encode("latin-1"))
    assert FileSystemLoader(tmp_path, encoding="latin-1").get_source(ENV, "latin.txt")[0] == "café"


def test_filesystem_uptodate_turns_false_when_the_file_changes_or_vanishes(folder):
    path = folder / "a.html"
    set_mtime(path, 1_000_000)
    _, _, uptodate = FileSystemLoader(folder).get_source(ENV, "a.html")
    assert uptodate() is True
    set_mtime(path, 2_000_000)
    assert uptodate() is False
    set_mtime(path, 1_000_000)
    assert uptodate() is True
    path.unlink()
    assert uptodate() is False


def test_filesystem_list_templates_of_a_missing_folder_is_empty(tmp_path):
    assert FileSystemLoader(tmp_path / "nowhere").list_templates() == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_followlinks_makes_list_templates_enter_linked_folders(folder, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "linked.html").write_text("L", encoding="utf-8")
    os.symlink(elsewhere, folder / "link", target_is_directory=True)
    assert "link/linked.html" not in FileSystemLoader(folder).list_templates()
    assert "link/linked.html" in FileSystemLoader(folder, followlinks=True).list_templates()


# -- DictLoader and FunctionLoader ---------------------------------------------------


def test_dict_loader_serves_the_mapping_and_notices_changes():
    mapping = {"x": "X", "y/z": "Z"}
    loader = DictLoader(mapping)
    source, filename, uptodate = loader.get_source(ENV, "x")
    assert (source, filename, uptodate()) == ("X", None, True)
    mapping["x"] = "X2"
    assert uptodate() is False
    assert loader.list_templates() == ["x", "y/z"]
    with pytest.raises(TemplateNotFound, match="^q$"):
        loader.get_source(ENV, "q")


def test_function_loader_accepts_a_string_a_triple_or_none():
    def uptodate():
        return True

    sources = {"plain": "P", "full": ("F", "full.txt", uptodate)}
    loader = FunctionLoader(sources.get)
    assert loader.get_source(ENV, "plain") == ("P", None, None)
    assert loader.get_source(ENV, "full") == ("F", "full.txt", uptodate)
    with pytest.raises(TemplateNotFound, match="^other$"):
        loader.get_source(ENV, "other")
    with pytest.raises(TypeError, match="this loader cannot iterate over all templates"):
        loader.list_templates()


# -- PrefixLoader and ChoiceLoader --------------------------------------------------


def test_prefix_loader_delegates_by_the_first_segment(folder):
    loader = PrefixLoader({"app": DictLoader({"x": "X"}), "fs": FileSystemLoader(folder)})
    assert loader.get_source(ENV, "app/x")[0] == "X"
    assert loader.get_source(ENV, "fs/sub/b.txt")[0] == "sub"
    assert loader.list_templates() == ["app/x", "fs/.hidden", "fs/a.html", "fs/sub/b.txt"]


@pytest.mark.parametrize("name", ["app/q", "nop/x", "noslash"])
def test_prefix_loader_reports_the_full_name_when_not_found(name):
    loader = PrefixLoader({"app": DictLoader({"x": "X"})})
    with pytest.raises(TemplateNotFound) as error:
        loader.get_source(ENV, name)
    assert error.value.name == name


def test_prefix_loader_with_another_delimiter():
    loader = PrefixLoader({"a": DictLoader({"y/z": "Z"})}, delimiter=":")
    assert loader.get_source(ENV, "a:y/z")[0] == "Z"


def test_choice_loader_takes_the_first_loader_that_has_the_template(folder):
    loader = ChoiceLoader([DictLoader({"a.html": "from dict"}), FileSystemLoader(folder)])
    assert loader.get_source(ENV, "a.html")[0] == "from dict"
    assert loader.get_source(ENV, "sub/b.txt")[0] == "sub"
    assert loader.list_templates() == [".hidden", "a.html", "sub/b.txt"]
    with pytest.raises(TemplateNotFound, match="^zz$"):
        loader.get_source(ENV, "zz")


# -- BaseLoader ----------------------------------------------------------------------


def test_base_loader_has_no_templates():
    with pytest.raises(TemplateNotFound, match="^x$"):
        BaseLoader().get_source(ENV, "x")
    with pytest.raises(TypeError, match="this loader cannot iterate over all templates"):
        BaseLoader().list_templates()


def test_a_loader_without_source_access_says_so():
    class CompiledOnly(BaseLoader):
        has_source_access = False

    with pytest.raises(RuntimeError, match="CompiledOnly cannot provide access to the source"):
        CompiledOnly().get_source(ENV, "x")


# -- PackageLoader -------------------------------------------------------------------


@pytest.fixture
def packages(tmp_path, monkeypatch):
    """A package ``shop`` with ``templates/`` and ``emails/``, one without, and a namespace package."""
    root = tmp_path / "site-packages"
    (root / "shop" / "templates" / "orders").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (root / "shop" / "templates" / "index.html").write_text("Shop", encoding="utf-8")
    (root / "shop" / "templates" / "orders" / "list.html").write_text("Orders", encoding="utf-8")
    (root / "shop" / "emails").mkdir()
    (root / "shop" / "emails" / "welcome.txt").write_text("Welcome", encoding="utf-8")
    (root / "bare").mkdir()
    (root / "bare" / "__init__.py").write_text("", encoding="utf-8")
    (root / "spaced" / "templates").mkdir(parents=True)
    (root / "spaced" / "templates" / "n.html").write_text("N", encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in ("shop", "bare", "spaced"):
        sys.modules.pop(name, None)


def test_package_loader_reads_the_templates_folder_of_a_package(packages):
    loader = PackageLoader("shop")
    source, filename, uptodate = loader.get_source(ENV, "orders/list.html")
    assert source == "Orders"
    assert filename == str(packages / "shop" / "templates" / "orders" / "list.html")
    assert uptodate() is True
    assert loader.list_templates() == ["index.html", "orders/list.html"]


def test_package_loader_with_another_folder(packages):
    for path in ("emails", "emails/", "./emails"):
        assert PackageLoader("shop", path).get_source(ENV, "welcome.txt")[0] == "Welcome"


def test_package_loader_works_on_namespace_packages(packages):
    assert PackageLoader("spaced").get_source(ENV, "n.html")[0] == "N"


def test_package_loader_refuses_path_traversal(packages):
    with pytest.raises(TemplateNotFound):
        PackageLoader("shop").get_source(ENV, "../__init__.py")


def test_package_loader_reports_missing_templates_and_folders(packages):
    with pytest.raises(TemplateNotFound, match="^nope.html$"):
        PackageLoader("shop").get_source(ENV, "nope.html")
    with pytest.raises(ValueError, match="PackageLoader could not find a 'templates' directory in the 'bare' package."):
        PackageLoader("bare")
    with pytest.raises(ValueError, match="could not find a 'nothere' directory in the 'shop' package"):
        PackageLoader("shop", "nothere")
    with pytest.raises(ImportError):
        PackageLoader("no_such_package_here")


# -- Through an Environment ------------------------------------------------------------


def test_environment_renders_from_a_filesystem_loader(folder):
    env = Environment(loader=FileSystemLoader(folder))
    template = env.get_template("a.html")
    assert template.render(name="World") == "Hello World!"
    assert template.filename == os.path.join(str(folder), "a.html")
    assert env.list_templates() == [".hidden", "a.html", "sub/b.txt"]


def test_auto_reload_picks_up_a_changed_file(folder):
    path = folder / "a.html"
    set_mtime(path, 1_000_000)
    env = Environment(loader=FileSystemLoader(folder), auto_reload=True)
    assert env.get_template("a.html").render(name="A") == "Hello A!"
    path.write_text("Bye {{ name }}", encoding="utf-8")
    set_mtime(path, 2_000_000)
    assert env.get_template("a.html").render(name="A") == "Bye A"


def test_a_custom_loader_only_needs_get_source():
    class UpperLoader(BaseLoader):
        def get_source(self, environment, template):
            return "{{ greeting|upper }} from " + template, None, lambda: True

    env = Environment(loader=UpperLoader())
    assert env.get_template("custom").render(greeting="hi") == "HI from custom"


def test_prefix_and_choice_loaders_through_an_environment(folder):
    env = Environment(
        loader=ChoiceLoader([PrefixLoader({"mail": DictLoader({"w.txt": "Welcome {{ name }}"})}), FileSystemLoader(folder)])
    )
    assert env.get_template("mail/w.txt").render(name="Ann") == "Welcome Ann"
    assert env.get_template("a.html").render(name="Bob") == "Hello Bob!"
    with pytest.raises(TemplateNotFound):
        env.get_template("mail/missing.txt")


def test_a_template_name_cannot_escape_the_folder_through_an_environment(folder):
    (folder / "sub" / "inner.html").write_text("{% include '../../outside.txt' %}", encoding="utf-8")
    (folder.parent / "outside.txt").write_text("secret", encoding="utf-8")
    env = Environment(loader=FileSystemLoader(folder / "sub"))
    with pytest.raises(TemplateNotFound):
        env.get_template("../a.html")
    with pytest.raises(TemplateNotFound):
        env.get_template("inner.html").render()
