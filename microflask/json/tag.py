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

from ..globals import _cv_app
from ..toolkit.http import http_date, parse_date
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
        from uuid import UUID  # heavy: only a session holding a UUID needs it

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


# The tag classes a new serializer starts with, in their order.
_BUILTIN_TAG_ORDER: t.List[t.Type[JSONTag]] = [
    TagDict,
    PassDict,
    TagTuple,
    PassList,
    TagBytes,
    TagMarkup,
    TagUUID,
    TagDateTime,
]

# Values of these exact types are written as they are: no default tag claims
# them (a subclass such as a str with ``__html__`` is a different type).
_UNTAGGED_TYPES = frozenset((str, int, float, bool, type(None)))


class TaggedJSONSerializer:
    """JSON that round-trips dicts, lists, tuples, bytes, Markup, UUIDs and datetimes.

    ``dumps`` tags every value that plain JSON would lose, ``loads`` untags
    them. The output is the same as Flask's, so either can read a session
    cookie the other wrote. Add a type with ``register``.
    """

    __slots__ = ("tags", "order", "_default_order")

    #: The tags every new serializer starts with, in the order they are tried.
    #: Containers come first; ``TagDict`` must come before ``PassDict``.
    default_tags: t.List[t.Type[JSONTag]] = list(_BUILTIN_TAG_ORDER)

    def __init__(self) -> None:
        #: The tags that have a key, by key: what ``untag`` looks up.
        self.tags: t.Dict[str, JSONTag] = {}
        #: Every tag, in the order ``tag`` tries them; the first match wins.
        self.order: t.List[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)
        # ``tag`` finds a default tag by the value's type while ``order`` is
        # still this list of the built-in tags: any change to it (``register``
        # adds or replaces a tag object) makes the comparison fail, and ``tag``
        # falls back to asking each tag in turn.
        by_type = [type(tag) for tag in self.order] == _BUILTIN_TAG_ORDER
        self._default_order = list(self.order) if by_type else None

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
        if self.order == self._default_order:
            return self._tag_by_type(value)
        return self._tag_in_order(value)

    def _tag_in_order(self, value: t.Any) -> t.Any:
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def _tag_by_type(self, value: t.Any) -> t.Any:
        """``tag`` for the default tags, without asking eight ``check`` methods
        about every str and number: plain values, and dicts and lists of them,
        are recognised by their exact type; anything else takes the general way."""
        kind = type(value)
        if kind in _UNTAGGED_TYPES:
            return value
        tag = self.tag  # each item goes through tag() itself, as a subclass may override it
        if kind is dict:
            tags = self.tags
            tagged: t.Dict[t.Any, t.Any] = {}
            for key, item in value.items():
                if key in tags and len(value) == 1:  # TagDict's case: its key needs escaping
                    return self._tag_in_order(value)
                tagged[key] = tag(item)
            return tagged
        if kind is list:
            return [tag(item) for item in value]
        return self._tag_in_order(value)

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
        """``value`` loaded from JSON with every tagged object in it untagged, innermost first.

        The containers JSON loading made are new and ours, so their items are
        replaced in place (a dict's keys stay the same, so iterating it is safe).
        """
        untag_tree = self._untag_tree
        if isinstance(value, dict):
            for key, item in value.items():
                if type(item) not in _UNTAGGED_TYPES:
                    value[key] = untag_tree(item)
            return self.untag(value)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if type(item) not in _UNTAGGED_TYPES:
                    value[index] = untag_tree(item)
        return value

    def dumps(self, value: t.Any) -> str:
        """``value`` tagged and written as compact JSON by ``microflask.json.dumps``.

        Inside an app context the app's JSON provider writes it (so keys are
        sorted by default). Types no tag or provider knows raise ``TypeError``.
        """
        tagged = self.tag(value)
        # What microflask.json.dumps does, without its extra call: sessions
        # are written on every request that changes one.
        app_ctx = _cv_app.get(None)
        if app_ctx is not None:
            return app_ctx.app.json.dumps(tagged, separators=(",", ":"))  # type: ignore[no-any-return]
        return _json_dumps(tagged, separators=(",", ":"))

    def loads(self, value: t.Union[str, bytes]) -> t.Any:
        """The value that ``dumps`` wrote as ``value``.

        Malformed input raises ``ValueError`` (its subclasses
        ``json.JSONDecodeError``, ``UnicodeDecodeError`` and ``binascii.Error``
        included) for text that is not JSON, nesting too deep to walk, or a
        tagged value that cannot be read, and ``TypeError`` for a tagged value of the wrong JSON
        type, such as ``{" t": 5}``.
        """
        app_ctx = _cv_app.get(None)  # as in dumps
        try:
            data = app_ctx.app.json.loads(value) if app_ctx is not None else _json_loads(value)
            return self._untag_tree(data)
        except RecursionError:
            raise ValueError("tagged JSON is nested too deeply to load") from None
