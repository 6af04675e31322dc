"""Tagged JSON: lossless JSON for the values a session holds (``flask.json.tag``).

The cookie session serialises ``session`` with a ``TaggedJSONSerializer``
before signing it. Values JSON cannot tell apart (tuples, bytes, Markup,
UUIDs, datetimes) become one-key objects such as ``{" t": [1, 2]}`` and come
back as the same type. It neither signs nor compresses: ``sessions`` does that.
"""
from __future__ import annotations

import binascii
import sys
import typing as t
from datetime import datetime

from ..http import http_date, parse_date
from ..markup import Markup
from . import dumps as _json_dumps
from . import loads as _json_loads

if t.TYPE_CHECKING:  # pragma: no cover
    from uuid import UUID

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


class JSONTag:
    """One kind of value the serializer can tag, to be subclassed.

    A tag recognises its values (``check``), turns them into JSON-able data
    (``to_json``) and back (``to_python``). Tagged values are written as
    ``{key: to_json(value)}``; a tag without a ``key`` only passes through
    a container, tagging what is inside it.
    """

    __slots__ = ("serializer",)

    #: The name marking a tagged value in JSON, such as ``" t"``. A leading
    #: space keeps it apart from the keys people usually write.
    key: t.Optional[str] = None

    def __init__(self, serializer: "TaggedJSONSerializer") -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Whether ``value`` is one this tag serialises."""
        raise NotImplementedError(f"{type(self).__name__} must implement check()")

    def to_json(self, value: t.Any) -> t.Any:
        """``value`` as data JSON can hold; tag nested values with ``self.serializer.tag``."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_json()")

    def to_python(self, value: t.Any) -> t.Any:
        """The value that ``to_json`` turned into ``value``.

        Values nested inside ``value`` have already been untagged.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement to_python()")

    def tag(self, value: t.Any) -> t.Any:
        """``value`` as a tagged JSON object: ``{self.key: self.to_json(value)}``."""
        return {self.key: self.to_json(value)}

    def _expect(self, value: t.Any, json_type: type, description: str) -> None:
        """Refuse a payload of the wrong JSON type, which only a forged or
        corrupted document can contain."""
        if not isinstance(value, json_type):
            raise TypeError(f"tag {self.key!r} expects {description}, got {type(value).__name__}")


class TagDict(JSONTag):
    """A dict whose only key is a registered tag, such as ``{" t": 1}``.

    Written as is it would load as a tagged value, so its key is escaped with
    a ``"__"`` suffix: ``{" di": {" t__": 1}}``.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in self.serializer.tags

    def to_json(self, value: t.Dict[str, t.Any]) -> t.Dict[str, t.Any]:
        ((key, item),) = value.items()
        return {f"{key}__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Dict[str, t.Any]:
        self._expect(value, dict, "an object with one key")
        if len(value) != 1:
            raise ValueError(f"tag {self.key!r} expects an object with one key, got {len(value)} keys")
        ((key, item),) = value.items()
        if not key.endswith("__"):
            raise ValueError(f"tag {self.key!r} expects a key ending in '__', got {key!r}")
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Any other dict: stays an object, its values are tagged."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict)

    def to_json(self, value: t.Dict[t.Any, t.Any]) -> t.Dict[t.Any, t.Any]:
        tag = self.serializer.tag
        return {key: tag(item) for key, item in value.items()}

    # A plain object needs no marker: JSON already loads it as a dict.
    tag = to_json


class TagTuple(JSONTag):
    """A tuple (named tuples too), written as a tagged array; loads as a plain tuple."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Tuple[t.Any, ...]) -> t.List[t.Any]:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Tuple[t.Any, ...]:
        self._expect(value, list, "an array")
        return tuple(value)


class PassList(JSONTag):
    """A list: stays an array, its items are tagged."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, list)

    def to_json(self, value: t.List[t.Any]) -> t.List[t.Any]:
        tag = self.serializer.tag
        return [tag(item) for item in value]

    # A plain array needs no marker: JSON already loads it as a list.
    tag = to_json


class TagBytes(JSONTag):
    """Bytes, written as standard base64 with padding."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: bytes) -> str:
        # binascii is what base64 wraps, and is built in: nothing to import.
        return binascii.b2a_base64(value, newline=False).decode("ascii")

    def to_python(self, value: t.Any) -> bytes:
        self._expect(value, str, "a base64 string")
        return binascii.a2b_base64(value)


class TagMarkup(JSONTag):
    """Anything with an ``__html__`` method, such as Markup; loads as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> str:
        return str(value.__html__())

    def to_python(self, value: t.Any) -> Markup:
        self._expect(value, str, "an HTML string")
        return Markup(value)


class TagUUID(JSONTag):
    """A ``uuid.UUID``, written as its 32 hex digits."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        # A UUID can only exist once its module is imported; don't import it to look.
        uuid = sys.modules.get("uuid")
        return uuid is not None and isinstance(value, uuid.UUID)

    def to_json(self, value: "UUID") -> str:
        return value.hex

    def to_python(self, value: t.Any) -> "UUID":
        self._expect(value, str, "a hex UUID string")
        from uuid import UUID

        return UUID(value)


class TagDateTime(JSONTag):
    """A datetime, written as an HTTP date in UTC to the second.

    It loads as an aware UTC datetime: a naive one is taken to be UTC, an
    aware one is moved to UTC, and microseconds are dropped.
    """

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: datetime) -> str:
        return http_date(value)

    def to_python(self, value: t.Any) -> datetime:
        self._expect(value, str, "an HTTP date string")
        moment = parse_date(value)
        if moment is None:
            raise ValueError(
                f"tag {self.key!r} expects an HTTP date such as 'Wed, 21 Oct 2015 07:28:00 GMT', got {value!r}"
            )
        return moment


class TaggedJSONSerializer:
    """JSON that round-trips dicts, lists, tuples, bytes, Markup, UUIDs and datetimes.

    ``dumps`` tags every value that plain JSON would lose, ``loads`` untags
    them. The output is the same as Flask's, so either can read a session
    cookie the other wrote. Add a type with ``register``.
    """

    __slots__ = ("tags", "order")

    #: The tags every new serializer starts with, in the order they are tried.
    #: Containers come first; ``TagDict`` must come before ``PassDict``.
    default_tags: t.List[t.Type[JSONTag]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        #: The tags that have a key, by key: what ``untag`` looks up.
        self.tags: t.Dict[str, JSONTag] = {}
        #: Every tag, in the order ``tag`` tries them; the first match wins.
        self.order: t.List[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(self, tag_class: t.Type[JSONTag], force: bool = False, index: t.Optional[int] = None) -> None:
        """Add ``tag_class(self)`` to the tags that ``tag`` tries.

        ``index`` is its place in the order (``list.insert`` rules), by default
        the end; put a tag for a special case of another type before it. A key
        that is already registered is a ``KeyError`` unless ``force`` is true,
        which replaces the old tag everywhere.
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            previous = self.tags.get(key)
            if previous is not None:
                if not force:
                    raise KeyError(f"Tag {key!r} is already registered.")
                self.order.remove(previous)
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: t.Any) -> t.Any:
        """``value`` as JSON-able data, tagged by the first tag whose ``check`` accepts it.

        Values no tag accepts (str, numbers, None...) are returned as they are.
        """
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: t.Any) -> t.Any:
        """The value a tagged object such as ``{" t": [1, 2]}`` stands for.

        Anything else, including objects with more than one key, is returned
        as it is. Values nested inside ``value`` are not looked at.
        """
        if not isinstance(value, dict) or len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_tree(self, value: t.Any) -> t.Any:
        """``value`` loaded from JSON with every tagged object in it untagged, innermost first."""
        if isinstance(value, dict):
            return self.untag({key: self._untag_tree(item) for key, item in value.items()})
        if isinstance(value, list):
            return [self._untag_tree(item) for item in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """``value`` tagged and written as compact JSON by ``microflask.json.dumps``.

        Inside an app context the app's JSON provider writes it (so keys are
        sorted by default). Types no tag or provider knows raise ``TypeError``.
        """
        return _json_dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: t.Union[str, bytes]) -> t.Any:
        """The value that ``dumps`` wrote as ``value``.

        Malformed input raises ``ValueError`` (its subclasses
        ``json.JSONDecodeError``, ``UnicodeDecodeError`` and ``binascii.Error``
        included) for text that is not JSON, nesting too deep to walk, or a
        tagged value that cannot be read, and ``TypeError`` for a tagged value of the wrong JSON
        type, such as ``{" t": 5}``.
        """
        try:
            return self._untag_tree(_json_loads(value))
        except RecursionError:
            raise ValueError("tagged JSON is nested too deeply to load") from None
