"""Safe HTML strings: ``Markup`` and ``escape`` (MarkupSafe's API).

A template's ``{{ value }}`` is escaped unless the value is already
``Markup``, a ``str`` subclass that says "this text is HTML, send it as is".
Operations on a ``Markup`` escape their other operands, so the result stays
safe. This module sanitizes nothing: ``Markup(untrusted)`` trusts it blindly.
"""
from __future__ import annotations

import operator
import typing as t


def escape(s: t.Any) -> "Markup":
    """``s`` as HTML text: ``& < > " '`` become entities, the result is Markup.

    An object with an ``__html__`` method is trusted: its HTML is used as is.
    Anything else is converted with ``str()`` first, so ``None`` is ``'None'``.
    """
    # A plain str has no __html__; skipping that lookup is the common case.
    if type(s) is not str:
        html = getattr(s, "__html__", None)
        if html is not None:
            return Markup(html())
        s = str(s)
    # Measured: five str.replace calls beat one str.translate about 2x on the
    # short values templates mostly escape, and 3-4x on text that needs
    # escaping. "&" goes first, so the entities added after it stay intact.
    return str.__new__(
        Markup,
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;"),
    )


def escape_silent(s: t.Any) -> "Markup":
    """Like ``escape``, but ``None`` becomes an empty Markup."""
    if s is None:
        return Markup()
    return escape(s)


def soft_str(s: t.Any) -> str:
    """``str(s)``, except that a string (Markup included) is returned unchanged."""
    if isinstance(s, str):
        return s
    return str(s)


class Markup(str):
    """A string that is safe to insert into HTML without escaping.

    ``Markup("<em>%s</em>") % user_input`` escapes the input and keeps the
    tags. Methods that build a new string from this one return Markup, with
    any string arguments escaped; ``unescape`` and ``striptags`` turn it back
    into plain text (``str``).
    """

    __slots__ = ()

    def __new__(cls, base: t.Any = "", encoding: t.Optional[str] = None, errors: str = "strict") -> "Markup":
        if hasattr(base, "__html__"):
            base = base.__html__()
        if encoding is None:
            return super().__new__(cls, base)
        return super().__new__(cls, base, encoding, errors)

    def __html__(self) -> "Markup":
        return self

    def __html_format__(self, format_spec: str) -> "Markup":
        if format_spec:
            raise ValueError(f"Markup cannot be formatted with a format spec ({format_spec!r}): it is HTML, not text")
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({super().__repr__()})"

    # -- Operators: the other operand is escaped ------------------------------

    def __add__(self, other: t.Any) -> "Markup":
        if isinstance(other, str) or hasattr(other, "__html__"):
            return self.__class__(super().__add__(self.escape(other)))
        return NotImplemented

    def __radd__(self, other: t.Any) -> "Markup":
        if isinstance(other, str) or hasattr(other, "__html__"):
            return self.escape(other).__add__(self)
        return NotImplemented

    def __mul__(self, count: t.Any) -> "Markup":
        if isinstance(count, int):
            return self.__class__(super().__mul__(count))
        return NotImplemented

    __rmul__ = __mul__

    def __mod__(self, args: t.Any) -> "Markup":
        """``%`` formatting; every value (in a tuple or a mapping) is escaped."""
        if isinstance(args, tuple):
            wrapped: t.Any = tuple(_EscapingArg(value, self.escape) for value in args)
        elif hasattr(type(args), "__getitem__") and not isinstance(args, str):
            # A mapping (for "%(name)s"): escape each value as it is looked up.
            wrapped = _EscapingArg(args, self.escape)
        else:
            wrapped = (_EscapingArg(args, self.escape),)
        return self.__class__(super().__mod__(wrapped))

    # -- Building strings: the arguments are escaped --------------------------

    def join(self, seq: t.Iterable[t.Any]) -> "Markup":
        return self.__class__(super().join(map(self.escape, seq)))

    def format(self, *args: t.Any, **kwargs: t.Any) -> "Markup":
        """``str.format`` with every argument escaped.

        An argument with ``__html_format__(spec)`` formats itself as HTML; one
        with only ``__html__`` is used as is and accepts no format spec.
        """
        escape_arg = self.escape
        return self.__class__(
            super().format(
                *[_EscapingArg(value, escape_arg) for value in args],
                **{name: _EscapingArg(value, escape_arg) for name, value in kwargs.items()},
            )
        )

    def format_map(self, mapping: t.Mapping[str, t.Any]) -> "Markup":  # type: ignore[override]
        return self.__class__(super().format_map(_EscapingArg(mapping, self.escape)))

    def replace(self, old: str, new: t.Any, count: int = -1) -> "Markup":  # type: ignore[override]
        """``str.replace``; ``old`` is matched as it is, ``new`` is escaped."""
        return self.__class__(super().replace(old, self.escape(new), count))

    # Searching and trimming take their arguments as the markup spells them.

    def partition(self, sep: str) -> t.Tuple["Markup", "Markup", "Markup"]:  # type: ignore[override]
        cls = self.__class__
        head, found, tail = super().partition(sep)
        return cls(head), cls(found), cls(tail)

    def rpartition(self, sep: str) -> t.Tuple["Markup", "Markup", "Markup"]:  # type: ignore[override]
        cls = self.__class__
        head, found, tail = super().rpartition(sep)
        return cls(head), cls(found), cls(tail)

    def split(self, sep: t.Optional[str] = None, maxsplit: int = -1) -> t.List["Markup"]:  # type: ignore[override]
        return [self.__class__(part) for part in super().split(sep, maxsplit)]

    def rsplit(self, sep: t.Optional[str] = None, maxsplit: int = -1) -> t.List["Markup"]:  # type: ignore[override]
        return [self.__class__(part) for part in super().rsplit(sep, maxsplit)]

    def splitlines(self, keepends: bool = False) -> t.List["Markup"]:  # type: ignore[override]
        return [self.__class__(line) for line in super().splitlines(keepends)]


    # -- Back to plain text ----------------------------------------------------

    def unescape(self) -> str:
        """The text this HTML stands for: entities decoded, a plain ``str``."""
        from html import unescape  # heavy: html.entities is a big table, and markup stays light

        return unescape(str(self))

    def striptags(self) -> str:
        """The text without comments and tags, whitespace collapsed, entities
        decoded: ``Markup("<em>Hi</em> &amp; bye").striptags() == "Hi & bye"``.
        """
        # Comments go first, so a tag inside a comment cannot end it early.
        text = _remove_spans(str(self), "<!--", "-->")
        text = _remove_spans(text, "<", ">")
        return Markup(" ".join(text.split())).unescape()

    @classmethod
    def escape(cls, s: t.Any) -> "Markup":
        """``escape(s)``, as an instance of this class (for Markup subclasses)."""
        escaped = escape(s)
        if escaped.__class__ is not cls:
            return cls(escaped)
        return escaped  # type: ignore[return-value]


def _returning_markup(name: str, escape_args: bool) -> t.Callable[..., Markup]:
    """The str method ``name`` with a Markup result, and string arguments
    escaped when they become part of the text (a fill character)."""
    method = getattr(str, name)

    def wrapper(self: Markup, *args: t.Any, **kwargs: t.Any) -> Markup:
        if escape_args:
            escape_arg = self.escape
            args = tuple(escape_arg(arg) if isinstance(arg, str) else arg for arg in args)
            kwargs = {key: escape_arg(arg) if isinstance(arg, str) else arg for key, arg in kwargs.items()}
        return self.__class__(method(self, *args, **kwargs))

    wrapper.__name__ = name
    wrapper.__qualname__ = f"Markup.{name}"
    wrapper.__doc__ = method.__doc__
    return wrapper


for _name in ("ljust", "rjust", "center"):
    setattr(Markup, _name, _returning_markup(_name, escape_args=True))
for _name in (
    "__getitem__", "capitalize", "title", "lower", "upper", "casefold", "strip", "lstrip", "rstrip",
    "expandtabs", "swapcase", "zfill", "translate", "removeprefix", "removesuffix",
):
    if hasattr(str, _name):  # removeprefix and removesuffix are new in Python 3.9
        setattr(Markup, _name, _returning_markup(_name, escape_args=False))
del _name


class _EscapingArg:
    """A value given to ``Markup % ...`` or ``Markup.format``; it escapes itself
    as the formatting reads it, whether as a whole, an item or an attribute."""

    __slots__ = ("_value", "_escape")

    def __init__(self, value: t.Any, escape: t.Callable[[t.Any], Markup]) -> None:
        self._value = value
        self._escape = escape

    def __getitem__(self, key: t.Any) -> "_EscapingArg":
        return _EscapingArg(self._value[key], self._escape)

    def __getattr__(self, name: str) -> "_EscapingArg":
        return _EscapingArg(getattr(self._value, name), self._escape)

    def __str__(self) -> str:
        return str(self._escape(self._value))

    def __repr__(self) -> str:
        return str(self._escape(repr(self._value)))

    def __int__(self) -> int:
        return int(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __index__(self) -> int:  # for %x and %o
        return operator.index(self._value)

    def __format__(self, format_spec: str) -> str:
        value = self._value
        # The two HTML methods are trusted when they return Markup; a plain
        # str they return is escaped like any other text (as MarkupSafe does).
        if hasattr(value, "__html_format__"):
            return str(self._escape(value.__html_format__(format_spec)))
        if hasattr(value, "__html__"):
            if format_spec:
                raise ValueError(
                    f"cannot apply format spec {format_spec!r} to {type(value).__name__}: it has __html__ but"
                    " no __html_format__ to say how its HTML is formatted"
                )
            return str(self._escape(value.__html__()))
        return str(self._escape(format(value, format_spec)))


def _remove_spans(text: str, start_mark: str, end_mark: str) -> str:
    """``text`` without each span from ``start_mark`` to the next ``end_mark``.

    One left-to-right pass, so the time is linear in ``len(text)`` whatever it
    holds; a start mark that is never closed is kept with the rest of the text.
    """
    pieces = []
    position = 0
    while True:
        start = text.find(start_mark, position)
        if start == -1:
            break
        # Searching from start + 1 lets the marks overlap: HTML reads "<!-->"
        # as a whole (empty) comment.
        end = text.find(end_mark, start + 1)
        if end == -1:
            break
        pieces.append(text[position:start])
        position = end + len(end_mark)
    pieces.append(text[position:])
    return "".join(pieces)
