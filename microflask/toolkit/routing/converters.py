"""Converters: the typed variables of a URL rule, such as ``<int:post_id>``.

A converter says which text a variable may match (``regex``), how that text
becomes a Python value after a match (``to_python``) and how a value becomes
URL text when a URL is built (``to_url``). ``weight`` orders variables that
could match the same text: lower goes first. Matching itself is the matcher's.
"""
from __future__ import annotations

import re
import typing as t
from urllib.parse import quote

from .exceptions import ValidationError

if t.TYPE_CHECKING:  # pragma: no cover
    import uuid

    from .map import Map

#: Characters a URL path may hold literally (RFC 3986 ``pchar`` and ``/``).
#: Everything else, non-ASCII text included, is percent-encoded as UTF-8.
PATH_SAFE = "/:@!$&'()*+,;="

# CPython's own guard against quadratic int() parsing, applied on every
# version: no URL integer needs more digits than this.
_MAX_DIGITS = 4300


class BaseConverter:
    """A variable that matches one path segment and keeps it as text.

    Subclass it for custom converters: set ``regex``, and override
    ``to_python`` (raise ``ValidationError`` to reject) and ``to_url``.
    ``part_isolating`` says the regex never matches ``/``; a subclass that
    sets its own ``regex`` gets it worked out from whether ``/`` appears.
    """

    regex = "[^/]+"
    weight = 100
    part_isolating = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: "Map", *args: t.Any, **kwargs: t.Any) -> None:
        self.map = map

    def to_python(self, value: str) -> t.Any:
        return value

    def to_url(self, value: t.Any) -> str:
        return quote(str(value), safe=PATH_SAFE)


class UnicodeConverter(BaseConverter):
    """The default converter (``<name>``, ``<string:name>``): one segment of text.

    ``<string(length=2):lang>`` demands exactly two characters;
    ``minlength`` and ``maxlength`` bound the length instead.
    """

    def __init__(
        self,
        map: "Map",
        minlength: int = 1,
        maxlength: t.Optional[int] = None,
        length: t.Optional[int] = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            repeat = f"{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else int(maxlength)
            repeat = f"{{{int(minlength)},{upper}}}"
        self.regex = f"[^/]{repeat}"


class PathConverter(BaseConverter):
    """``<path:subpath>``: the rest of the path, slashes included (never empty)."""

    regex = "[^/].*?"
    weight = 200
    part_isolating = False


class AnyConverter(BaseConverter):
    """``<any(about, help, "contact us"):page>``: exactly one of the given items."""

    weight = 50

    def __init__(self, map: "Map", *items: t.Any) -> None:
        super().__init__(map)
        if not items:
            raise ValueError("any() needs at least one item to match, such as any(about, help)")
        self.items = {str(item) for item in items}
        self.regex = "(?:" + "|".join(re.escape(item) for item in sorted(self.items)) + ")"

    def to_url(self, value: t.Any) -> str:
        text = str(value)
        if text not in self.items:
            valid = ", ".join(repr(item) for item in sorted(self.items))
            raise ValueError(f"{text!r} is not one of {valid}")
        return super().to_url(text)


class NumberConverter(BaseConverter):
    """Shared behaviour of ``int`` and ``float``: bounds, sign and fixed width.

    ``min`` and ``max`` bound the value; ``signed=True`` allows a leading
    ``-``; ``fixed_digits`` demands (and, when building, pads to) that many
    characters.
    """

    weight = 50
    num_convert: t.Callable[[str], t.Any] = int

    def __init__(
        self,
        map: "Map",
        fixed_digits: int = 0,
        min: t.Optional[t.Union[int, float]] = None,
        max: t.Optional[t.Union[int, float]] = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map)
        if signed:
            self.regex = f"-?{self.regex}"
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> t.Any:
        if len(value) > _MAX_DIGITS or (self.fixed_digits and len(value) != self.fixed_digits):
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError:
            raise ValidationError() from None
        if (self.min is not None and number < self.min) or (self.max is not None and number > self.max):
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        text = str(self.num_convert(value))
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text


class IntegerConverter(NumberConverter):
    """``<int:post_id>``: a non-negative integer (``signed=True`` for negatives)."""

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """``<float:price>``: a decimal with a dot, such as ``1.5`` (not ``1``)."""

    regex = r"\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: "Map",
        min: t.Optional[float] = None,
        max: t.Optional[float] = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter):
    """``<uuid:id>``: a UUID in any letter case, matched as a ``uuid.UUID``."""

    regex = "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    weight = 50

    def to_python(self, value: str) -> "uuid.UUID":
        import uuid  # heavy: only a matched <uuid:...> part needs it

        return uuid.UUID(value)

    def to_url(self, value: t.Any) -> str:
        return str(value)


#: The converters every map knows, by the name used in rule strings.
DEFAULT_CONVERTERS: t.Dict[str, t.Type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}
