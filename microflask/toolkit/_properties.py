"""The descriptors the toolkit's Request and Response are declared with.

``cached_property`` makes lazy parsing cheap: a request parses its headers,
cookies and form only when a view first asks, then keeps the result.
``environ_property`` and ``header_property`` turn one WSGI environ key or one
header into a typed attribute, so the wrappers declare fields instead of
writing a getter and setter for each. ``utils`` re-exports all three, as
``werkzeug.utils`` has them; they live down here so the wrappers need not
import ``utils``, whose ``redirect`` builds a Response.
"""
from __future__ import annotations

import typing as t

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
        # setattr, never obj.__dict__: see "What CPython makes cheap or
        # dear" in docs/performance.md.
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
