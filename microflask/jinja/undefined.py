"""The values a template gets for a name, attribute or item that does not exist.

The runtime returns an ``Undefined`` instead of raising at once, so that
``{{ missing }}`` prints nothing and ``{% if missing %}`` is false; using the
value in a way that needs a real one (arithmetic, a call, an attribute)
raises ``UndefinedError``. The subclasses change how forgiving that is.
"""
from __future__ import annotations

import typing as t

from .exceptions import UndefinedError
from .utils import missing, object_type_repr


class Undefined:
    """A missing value: empty when printed or iterated, false, and an error otherwise.

    ``hint`` replaces the generated message; ``obj`` and ``name`` say what was
    looked up on what (``obj`` stays ``missing`` for a plain variable).
    """

    __slots__ = (
        "_undefined_hint",
        "_undefined_obj",
        "_undefined_name",
        "_undefined_exception",
    )

    def __init__(
        self,
        hint: t.Optional[str] = None,
        obj: t.Any = missing,
        name: t.Optional[str] = None,
        exc: t.Type[Exception] = UndefinedError,
    ) -> None:
        self._undefined_hint = hint
        self._undefined_obj = obj
        self._undefined_name = name
        self._undefined_exception = exc

    @property
    def _undefined_message(self) -> str:
        """What went wrong, worded as Jinja words it."""
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return f"{self._undefined_name!r} is undefined"
        if not isinstance(self._undefined_name, str):
            return f"{object_type_repr(self._undefined_obj)} has no element {self._undefined_name!r}"
        return f"{object_type_repr(self._undefined_obj)!r} has no attribute {self._undefined_name!r}"

    def _fail_with_undefined_error(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        """Raise the error explaining what is undefined (any arguments are ignored)."""
        raise self._undefined_exception(self._undefined_message)

    def __getattr__(self, name: str) -> t.Any:
        # Python probes dunder names (__html__, __iter__ on old protocols,
        # copy/pickle hooks); they must look absent, not raise UndefinedError.
        if name[:2] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()

    __add__ = __radd__ = __sub__ = __rsub__ = _fail_with_undefined_error
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _fail_with_undefined_error
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = __call__ = __getitem__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error

    def __eq__(self, other: t.Any) -> bool:
        return type(self) is type(other)

    def __ne__(self, other: t.Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(type(self))

    def __str__(self) -> str:
        return ""

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Undefined"


class ChainableUndefined(Undefined):
    """An Undefined whose attributes and items are itself: ``{{ a.b.c }}`` prints nothing."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)

    def __getattr__(self, name: str) -> "ChainableUndefined":
        if name[:2] == "__":
            raise AttributeError(name)
        return self

    def __getitem__(self, key: t.Any) -> "ChainableUndefined":
        return self


class DebugUndefined(Undefined):
    """An Undefined that prints what was missing, as ``{{ name }}``, to spot it in the output."""

    __slots__ = ()

    def __str__(self) -> str:
        if self._undefined_hint:
            message = f"undefined value printed: {self._undefined_hint}"
        elif self._undefined_obj is missing:
            message = str(self._undefined_name)
        else:
            owner = object_type_repr(self._undefined_obj)
            message = f"no such element: {owner}[{self._undefined_name!r}]"
        return f"{{{{ {message} }}}}"


class StrictUndefined(Undefined):
    """An Undefined that fails on everything, printing and truth tests included."""

    __slots__ = ()

    __iter__ = __str__ = __len__ = Undefined._fail_with_undefined_error
    __eq__ = __ne__ = __bool__ = __hash__ = Undefined._fail_with_undefined_error
    __contains__ = Undefined._fail_with_undefined_error


def is_undefined(obj: t.Any) -> bool:
    """Whether ``obj`` is an Undefined (of any kind): what ``is defined`` tests."""
    return isinstance(obj, Undefined)
