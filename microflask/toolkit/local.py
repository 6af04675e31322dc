"""Context-local proxies: one global name, a different object per request.

``request``, ``session``, ``g`` and ``current_app`` are ``LocalProxy``
objects. Each looks up the object it stands for in a ``ContextVar`` every time
it is used, so the same global means this thread's (or this asyncio task's)
request. Outside a context, using one raises ``RuntimeError`` with a message
that says what to do.
"""
from __future__ import annotations

import copy
import operator
import typing as t
from contextvars import ContextVar

_T = t.TypeVar("_T")
_missing = object()


def _current(proxy: "LocalProxy[t.Any]") -> t.Any:
    """``proxy._get_current_object()``, looked up on the class (a subclass may
    override it) rather than through the proxy's own ``__getattribute__``."""
    return type(proxy)._get_current_object(proxy)


def _forward(op: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A dunder method that applies ``op`` to the proxied object."""

    def method(self: "LocalProxy", *args: t.Any, **kwargs: t.Any) -> t.Any:
        return op(_current(self), *args, **kwargs)

    return method


def _forward_reflected(op: t.Callable[[t.Any, t.Any], t.Any]) -> t.Callable[..., t.Any]:
    """``other <op> proxy``: the proxied object on the right."""

    def method(self: "LocalProxy", other: t.Any) -> t.Any:
        return op(other, _current(self))

    return method


class LocalProxy(t.Generic[_T]):
    """Forwards every operation to the object in a context variable.

    ``LocalProxy(var, "request")`` stands for ``var.get().request``; the name
    may be dotted. ``unbound_message`` is the ``RuntimeError`` raised when the
    variable has no value in the current context.
    """

    __slots__ = ("_var", "_path", "_unbound_message", "__wrapped__")

    def __init__(
        self,
        var: "ContextVar[t.Any]",
        name: t.Optional[str] = None,
        *,
        unbound_message: t.Optional[str] = None,
    ) -> None:
        object.__setattr__(self, "_var", var)
        object.__setattr__(self, "_path", tuple(name.split(".")) if name else ())
        object.__setattr__(self, "_unbound_message", unbound_message or f"object is not bound: {var.name}")
        object.__setattr__(self, "__wrapped__", var)

    def _get_current_object(self) -> _T:
        """The real object behind the proxy, for passing to code that needs it."""
        # The proxy's own slots are read through their descriptors: ``self._var``
        # would go through __getattribute__ below, a Python call each time.
        obj = _var_of(self).get(_missing)
        if obj is _missing:
            raise RuntimeError(_unbound_message_of(self))
        for name in _path_of(self):
            obj = getattr(obj, name)
        return obj  # type: ignore[return-value]

    def __getattribute__(self, name: str) -> t.Any:
        # Every name that is not the proxy's own is the proxied object's.
        # Deciding that here, rather than in __getattr__, spares each
        # ``request.method`` a failed lookup on the proxy first, which costs
        # more than the rest of the access (docs/performance.md).
        if name in _PROXY_NAMES:
            return object.__getattribute__(self, name)
        return getattr(type(self)._get_current_object(self), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(_current(self), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_current(self), name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # so isinstance(request, Request) holds
        try:
            return type(_current(self))
        except RuntimeError:
            return LocalProxy

    def __repr__(self) -> str:
        try:
            return repr(_current(self))
        except RuntimeError:
            return f"<{type(self).__name__} unbound>"

    def __bool__(self) -> bool:
        try:
            return bool(_current(self))
        except RuntimeError:
            return False

    def __dir__(self) -> t.List[str]:
        try:
            return dir(_current(self))
        except RuntimeError:
            return []

    def __hash__(self) -> int:
        return hash(_current(self))

    __str__ = _forward(str)
    __bytes__ = _forward(bytes)
    __format__ = _forward(format)
    __eq__ = _forward(operator.eq)  # type: ignore[assignment]
    __ne__ = _forward(operator.ne)  # type: ignore[assignment]
    __lt__ = _forward(operator.lt)
    __le__ = _forward(operator.le)
    __gt__ = _forward(operator.gt)
    __ge__ = _forward(operator.ge)
    __len__ = _forward(len)
    __iter__ = _forward(iter)
    __reversed__ = _forward(reversed)
    __contains__ = _forward(operator.contains)
    __getitem__ = _forward(operator.getitem)
    __setitem__ = _forward(operator.setitem)
    __delitem__ = _forward(operator.delitem)
    __call__ = _forward(lambda obj, *args, **kwargs: obj(*args, **kwargs))
    __enter__ = _forward(lambda obj: obj.__enter__())
    __exit__ = _forward(lambda obj, *args: obj.__exit__(*args))
    __add__ = _forward(operator.add)
    __sub__ = _forward(operator.sub)
    __mul__ = _forward(operator.mul)
    __truediv__ = _forward(operator.truediv)
    __floordiv__ = _forward(operator.floordiv)
    __mod__ = _forward(operator.mod)
    __and__ = _forward(operator.and_)
    __or__ = _forward(operator.or_)
    __xor__ = _forward(operator.xor)
    __radd__ = _forward_reflected(operator.add)
    __rsub__ = _forward_reflected(operator.sub)
    __rmul__ = _forward_reflected(operator.mul)
    __rmod__ = _forward_reflected(operator.mod)
    __neg__ = _forward(operator.neg)
    __pos__ = _forward(operator.pos)
    __invert__ = _forward(operator.invert)
    __int__ = _forward(int)
    __float__ = _forward(float)
    __index__ = _forward(operator.index)
    __copy__ = _forward(copy.copy)
    __deepcopy__ = _forward(copy.deepcopy)


# The names the proxy answers itself (its methods, its slots and what every
# object has); any other attribute is looked up on the proxied object.
_PROXY_NAMES = frozenset(dir(LocalProxy))
# Readers of the proxy's slots that do not pass through its __getattribute__.
_var_of = LocalProxy._var.__get__  # type: ignore[attr-defined]
_path_of = LocalProxy._path.__get__  # type: ignore[attr-defined]
_unbound_message_of = LocalProxy._unbound_message.__get__  # type: ignore[attr-defined]
