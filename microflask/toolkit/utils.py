"""Small building blocks the toolkit's Request and Response are made of.

``cached_property`` makes lazy parsing cheap: a request parses its headers,
cookies and form only when a view first asks, then keeps the result.
``environ_property`` and ``header_property`` turn one WSGI environ key or one
header into a typed attribute, so the wrappers declare fields instead of
writing a getter and setter for each. ``redirect`` builds a redirect response.
"""
from __future__ import annotations

import typing as t
from html import escape

if t.TYPE_CHECKING:  # pragma: no cover
    from .wrappers import Response

_T = t.TypeVar("_T")
_missing = object()


class cached_property(t.Generic[_T]):
    """A property computed on first access and stored as an instance attribute.

    Being a non-data descriptor, later reads find the stored value first and
    never call back into Python code: the cache costs one dict lookup.
    Assigning to the attribute replaces the value; deleting it forgets it.
    """

    def __init__(
        self, fget: t.Callable[[t.Any], _T], name: t.Optional[str] = None, doc: t.Optional[str] = None
    ) -> None:
        self.fget = fget
        self.__name__ = name or fget.__name__
        self.__doc__ = doc or fget.__doc__
        self.__module__ = fget.__module__

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    def __get__(self, obj: t.Any, owner: t.Optional[type] = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.fget(obj)
        # Set as an attribute rather than into obj.__dict__: reading
        # __dict__ makes CPython build a dict that slows every later read.
        setattr(obj, self.__name__, value)
        return value


class _DictStorageProperty:
    """A typed view of one key in a mapping that the instance holds.

    Subclasses say which mapping (``lookup``). ``load_func`` converts the raw
    string on read (a failing conversion reads as ``default``); ``dump_func``
    converts on write; ``None`` written removes the key.
    """

    read_only = False

    def __init__(
        self,
        name: str,
        default: t.Any = None,
        load_func: t.Optional[t.Callable[[str], t.Any]] = None,
        dump_func: t.Optional[t.Callable[[t.Any], str]] = None,
        read_only: t.Optional[bool] = None,
        doc: t.Optional[str] = None,
    ) -> None:
        self.name = name
        self.default = default
        self.load_func = load_func
        self.dump_func = dump_func
        if read_only is not None:
            self.read_only = read_only
        self.__doc__ = doc

    def lookup(self, obj: t.Any) -> t.MutableMapping[str, t.Any]:
        raise NotImplementedError

    def __get__(self, obj: t.Any, owner: t.Optional[type] = None) -> t.Any:
        if obj is None:
            return self
        raw = self.lookup(obj).get(self.name, _missing)
        if raw is _missing:
            return self.default
        if self.load_func is None:
            return raw
        try:
            return self.load_func(raw)
        except (ValueError, TypeError):
            return self.default

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        if self.read_only:
            raise AttributeError(f"{self.name!r} is read-only")
        if value is None:
            self.__delete__(obj)
            return
        if self.dump_func is not None:
            value = self.dump_func(value)
        self.lookup(obj)[self.name] = value

    def __delete__(self, obj: t.Any) -> None:
        if self.read_only:
            raise AttributeError(f"{self.name!r} is read-only")
        self.lookup(obj).pop(self.name, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class environ_property(_DictStorageProperty):
    """An attribute read from ``obj.environ[name]``; read-only by default."""

    read_only = True

    def lookup(self, obj: t.Any) -> t.MutableMapping[str, t.Any]:
        return obj.environ


class header_property(_DictStorageProperty):
    """An attribute backed by the header ``name`` in ``obj.headers``."""

    def lookup(self, obj: t.Any) -> t.MutableMapping[str, t.Any]:
        return obj.headers


_CHARSET_MIMETYPES = frozenset(
    {"application/ecmascript", "application/javascript", "application/sql", "application/xml",
     "application/xml-dtd", "application/xml-external-parsed-entity"}
)


def get_content_type(mimetype: str, charset: str) -> str:
    """The Content-Type for ``mimetype``, with ``; charset=`` for textual types."""
    if (
        mimetype.startswith("text/")
        or mimetype in _CHARSET_MIMETYPES
        or mimetype.endswith("+xml")
    ) and "charset" not in mimetype:
        return f"{mimetype}; charset={charset}"
    return mimetype


def redirect(location: str, code: int = 302, Response: t.Optional[t.Type["Response"]] = None) -> "Response":
    """A response that sends the client to ``location`` with status ``code``.

    Non-ASCII locations are percent-encoded; the body is a short HTML page
    with the link, for clients that do not follow redirects.
    """
    from .urls import iri_to_uri

    if Response is None:
        from .wrappers import Response
    html_location = escape(location)
    response = Response(
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{html_location}">{html_location}</a>. If not, click the link.\n',
        code,
        mimetype="text/html",
    )
    response.headers["Location"] = iri_to_uri(location, safe_conversion=True)
    return response


# Names Windows reserves for devices in every folder ("nul.txt" is a device too).
_WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


def secure_filename(filename: str) -> str:
    """A version of an uploaded file's name that is safe to save under.

    Non-ASCII letters are reduced to ASCII (accents dropped), path
    separators and whitespace become ``_``, anything but letters, digits,
    ``_``, ``.`` and ``-`` is removed, leading and trailing dots and
    underscores are stripped (no hidden files, no ``..``), and Windows
    device names get a ``_`` in front on every platform. The result may be
    empty: the caller must then choose a name.
    """
    import unicodedata

    filename = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    filename = filename.replace("/", " ").replace("\\", " ")
    filename = "_".join(filename.split())
    filename = "".join(char for char in filename if char.isalnum() or char in "._-").strip("._")
    if filename and filename.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES:
        filename = f"_{filename}"
    return filename
