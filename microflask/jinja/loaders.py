"""Loaders: where an Environment finds a template's source by name.

``Environment.get_template(name)`` asks its loader for ``(source, filename,
uptodate)``, compiles the source and caches the Template until ``uptodate()``
turns false. Loaders read and check names; they do not compile or cache.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import posixpath
import typing as t

from .exceptions import TemplateNotFound

if t.TYPE_CHECKING:  # pragma: no cover
    from .environment import Environment, Template

# What ``get_source`` returns: the text, the file it came from (or None), and
# a callable saying whether a Template compiled from it is still current.
Source = t.Tuple[str, t.Optional[str], t.Optional[t.Callable[[], bool]]]


def split_template_path(template: str) -> t.List[str]:
    """The segments of a ``/``-separated template name, refusing to climb out.

    Empty and ``.`` segments are dropped; a ``..`` segment, or one containing
    the OS path separator, raises TemplateNotFound, so no name can reach a file
    outside the loader's folders.
    """
    pieces = []
    for piece in template.split("/"):
        if piece == os.path.pardir or os.path.sep in piece or (os.path.altsep and os.path.altsep in piece):
            raise TemplateNotFound(template)
        if piece and piece != ".":
            pieces.append(piece)
    return pieces


class BaseLoader:
    """The loader interface. Subclasses override ``get_source`` (and ``list_templates``).

    A loader that builds Templates some other way than from source sets
    ``has_source_access = False`` and overrides ``load``.
    """

    has_source_access = True

    def get_source(self, environment: "Environment", template: str) -> Source:
        """``(source, filename, uptodate)`` for ``template``, or raise TemplateNotFound."""
        if not self.has_source_access:
            raise RuntimeError(f"{type(self).__name__} cannot provide access to the source")
        raise TemplateNotFound(template)

    def list_templates(self) -> t.List[str]:
        """The sorted names of every template this loader can find."""
        raise TypeError("this loader cannot iterate over all templates")

    def load(
        self,
        environment: "Environment",
        name: str,
        globals: t.Optional[t.MutableMapping[str, t.Any]] = None,
    ) -> "Template":
        """Get the source of ``name``, compile it and wrap it in the environment's Template class."""
        if globals is None:
            globals = {}
        source, filename, uptodate = self.get_source(environment, name)
        code = environment.compile(source, name, filename)
        return environment.template_class.from_code(environment, code, globals, uptodate)


def _file_uptodate(filename: str) -> t.Tuple[float, t.Callable[[], bool]]:
    """The file's mtime now, and a check that it has not changed since (nor vanished)."""
    mtime = os.path.getmtime(filename)

    def uptodate() -> bool:
        try:
            return os.path.getmtime(filename) == mtime
        except OSError:
            return False

    return mtime, uptodate


def _read_file(filename: str, encoding: str) -> Source:
    _, uptodate = _file_uptodate(filename)
    with open(filename, encoding=encoding) as file:
        source = file.read()
    return source, os.path.normpath(filename), uptodate


def _walk_templates(root: str, followlinks: bool) -> t.Iterator[str]:
    """Every file under ``root``, as a ``/``-separated name relative to it."""
    for dirpath, _, filenames in os.walk(root, followlinks=followlinks):
        relative = os.path.relpath(dirpath, root)
        for filename in filenames:
            path = filename if relative == os.curdir else os.path.join(relative, filename)
            yield path.replace(os.path.sep, "/")


class FileSystemLoader(BaseLoader):
    """Templates from one or more folders, searched in order.

    A Template is out of date once its file's modification time changes.
    ``followlinks`` only affects ``list_templates`` walking symlinked folders.
    """

    def __init__(
        self,
        searchpath: t.Union[str, "os.PathLike[str]", t.Sequence[t.Union[str, "os.PathLike[str]"]]],
        encoding: str = "utf-8",
        followlinks: bool = False,
    ) -> None:
        if isinstance(searchpath, (str, os.PathLike)):
            searchpath = [searchpath]
        self.searchpath = [os.fspath(path) for path in searchpath]
        self.encoding = encoding
        self.followlinks = followlinks

    def get_source(self, environment: "Environment", template: str) -> Source:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            # posixpath: the template name is "/"-separated whatever the OS.
            filename = posixpath.join(folder, *pieces)
            if os.path.isfile(filename):
                return _read_file(filename, self.encoding)
        plural = "path" if len(self.searchpath) == 1 else "paths"
        folders = ", ".join(repr(folder) for folder in self.searchpath)
        raise TemplateNotFound(template, f"{template!r} not found in search {plural}: {folders}")

    def list_templates(self) -> t.List[str]:
        found = set()
        for folder in self.searchpath:
            found.update(_walk_templates(folder, self.followlinks))
        return sorted(found)


class PackageLoader(BaseLoader):
    """Templates from the ``package_path`` folder inside an importable package.

    The package is imported and its folder found through its import spec, so
    namespace packages work too; packages imported from zip files do not.
    """

    def __init__(self, package_name: str, package_path: str = "templates", encoding: str = "utf-8") -> None:
        # "./templates/" and "templates" name the same folder.
        package_path = os.path.normpath(package_path).rstrip(os.path.sep)
        if package_path == os.path.curdir:
            package_path = ""
        self.package_name = package_name
        self.package_path = package_path
        self.encoding = encoding

        importlib.import_module(package_name)
        spec = importlib.util.find_spec(package_name)
        if spec is None:
            raise ValueError(f"The {package_name!r} package was not installed in a way that PackageLoader understands.")
        if spec.submodule_search_locations:
            package_folders = list(spec.submodule_search_locations)
        elif spec.origin and os.path.isfile(spec.origin):
            package_folders = [os.path.dirname(spec.origin)]
        else:
            raise ValueError(f"The {package_name!r} package was not installed in a way that PackageLoader understands.")

        for folder in package_folders:
            root = os.path.join(folder, package_path)
            if os.path.isdir(root):
                self._template_root = root
                break
        else:
            raise ValueError(f"PackageLoader could not find a {package_path!r} directory in the {package_name!r} package.")

    def get_source(self, environment: "Environment", template: str) -> Source:
        filename = os.path.normpath(os.path.join(self._template_root, *split_template_path(template)))
        if not os.path.isfile(filename):
            raise TemplateNotFound(template)
        return _read_file(filename, self.encoding)

    def list_templates(self) -> t.List[str]:
        return sorted(_walk_templates(self._template_root, followlinks=False))


class DictLoader(BaseLoader):
    """Templates from a dict of name -> source; a Template is stale once its entry changes."""

    def __init__(self, mapping: t.Mapping[str, str]) -> None:
        self.mapping = mapping

    def get_source(self, environment: "Environment", template: str) -> Source:
        if template not in self.mapping:
            raise TemplateNotFound(template)
        source = self.mapping[template]
        return source, None, lambda: source == self.mapping.get(template)

    def list_templates(self) -> t.List[str]:
        return sorted(self.mapping)


class FunctionLoader(BaseLoader):
    """Templates from a function of the name.

    It returns the source as a string, a ``(source, filename, uptodate)``
    tuple, or None when there is no such template.
    """

    def __init__(self, load_func: t.Callable[[str], t.Union[str, Source, None]]) -> None:
        self.load_func = load_func

    def get_source(self, environment: "Environment", template: str) -> Source:
        result = self.load_func(template)
        if result is None:
            raise TemplateNotFound(template)
        if isinstance(result, str):
            return result, None, None
        return result


class PrefixLoader(BaseLoader):
    """Delegates by the name's first segment: ``"admin/index.html"`` goes to ``mapping["admin"]``."""

    def __init__(self, mapping: t.Mapping[str, BaseLoader], delimiter: str = "/") -> None:
        self.mapping = mapping
        self.delimiter = delimiter

    def get_loader(self, template: str) -> t.Tuple[BaseLoader, str]:
        """The loader for ``template``'s prefix, and the rest of the name."""
        prefix, delimiter, name = template.partition(self.delimiter)
        if not delimiter or prefix not in self.mapping:
            raise TemplateNotFound(template)
        return self.mapping[prefix], name

    def get_source(self, environment: "Environment", template: str) -> Source:
        loader, name = self.get_loader(template)
        try:
            return loader.get_source(environment, name)
        except TemplateNotFound as error:
            # Name the template as the caller asked for it, prefix included.
            raise TemplateNotFound(template) from error

    def load(
        self,
        environment: "Environment",
        name: str,
        globals: t.Optional[t.MutableMapping[str, t.Any]] = None,
    ) -> "Template":
        loader, local_name = self.get_loader(name)
        try:
            return loader.load(environment, local_name, globals)
        except TemplateNotFound as error:
            raise TemplateNotFound(name) from error

    def list_templates(self) -> t.List[str]:
        return sorted(
            prefix + self.delimiter + name
            for prefix, loader in self.mapping.items()
            for name in loader.list_templates()
        )


class ChoiceLoader(BaseLoader):
    """Tries each loader in turn; the first that has the template wins."""

    def __init__(self, loaders: t.Sequence[BaseLoader]) -> None:
        self.loaders = loaders

    def get_source(self, environment: "Environment", template: str) -> Source:
        for loader in self.loaders:
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                pass
        raise TemplateNotFound(template)

    def load(
        self,
        environment: "Environment",
        name: str,
        globals: t.Optional[t.MutableMapping[str, t.Any]] = None,
    ) -> "Template":
        for loader in self.loaders:
            try:
                return loader.load(environment, name, globals)
            except TemplateNotFound:
                pass
        raise TemplateNotFound(name)

    def list_templates(self) -> t.List[str]:
        found = set()
        for loader in self.loaders:
            found.update(loader.list_templates())
        return sorted(found)
