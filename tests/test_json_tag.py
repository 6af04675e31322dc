"""Tagged JSON (``microflask.json.tag``): the lossless JSON that session cookies use.

The expected strings were observed from Flask's own serializer for the same
values, so a cookie written by either one can be read by the other.
"""
from __future__ import annotations

import collections
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from microflask import Flask
from microflask.json.tag import (
    JSONTag,
    PassDict,
    PassList,
    TagBytes,
    TagDateTime,
    TagDict,
    TaggedJSONSerializer,
    TagMarkup,
    TagTuple,
    TagUUID,
)
from microflask.markup import Markup

SOME_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.fixture
def serializer():
    return TaggedJSONSerializer()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": 1, "b": [1, 2]}, '{"a":1,"b":[1,2]}'),
        ((1, 2, "x"), '{" t":[1,2,"x"]}'),
        ((), '{" t":[]}'),
        (b"\x00\xffhello", '{" b":"AP9oZWxsbw=="}'),
        (b"", '{" b":""}'),
        (Markup("<b>x</b>"), '{" m":"<b>x</b>"}'),
        (SOME_UUID, '{" u":"12345678123456781234567812345678"}'),
        (datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc), '{" d":"Wed, 21 Oct 2015 07:28:00 GMT"}'),
        ({" t": "a"}, '{" di":{" t__":"a"}}'),
        ({" di": {" t": 1}}, '{" di":{" di__":{" di":{" t__":1}}}}'),
        ({" t__": 1}, '{" t__":1}'),
        ({"é": "ü\u2028"}, '{"\\u00e9":"\\u00fc\\u2028"}'),
        ({}, "{}"),
        ([None, True, False, 1.5, "s"], '[null,true,false,1.5,"s"]'),
    ],
)
def test_dumps_matches_flask_and_loads_back(serializer, value, expected):
    assert serializer.dumps(value) == expected
    loaded = serializer.loads(expected)
    assert loaded == value
    assert type(loaded) is type(value)


def test_nested_values_round_trip_with_their_types(serializer):
    session = {
        "_permanent": True,
        "user_id": 42,
        "csrf": b"\x01\x02",
        "flashes": [("message", Markup("<i>hi</i>"))],
        "k": [(1, b"a"), {"n": {" m": Markup("&")}}],
        "seen": {"at": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "id": SOME_UUID},
    }
    text = serializer.dumps(session)
    assert text == (
        '{"_permanent":true,"user_id":42,"csrf":{" b":"AQI="},'
        '"flashes":[{" t":["message",{" m":"<i>hi</i>"}]}],'
        '"k":[{" t":[1,{" b":"YQ=="}]},{"n":{" di":{" m__":{" m":"&"}}}}],'
        '"seen":{"at":{" d":"Thu, 02 Jan 2020 03:04:05 GMT"},"id":{" u":"12345678123456781234567812345678"}}}'
    )
    loaded = serializer.loads(text)
    assert loaded == session
    assert type(loaded["flashes"][0]) is tuple
    assert type(loaded["flashes"][0][1]) is Markup
    assert type(loaded["k"][1]["n"][" m"]) is Markup


def test_bytes_input_loads_like_text(serializer):
    assert serializer.loads(b'{" t":[1]}') == (1,)


def test_keys_are_sorted_inside_an_app_context(serializer):
    value = {"z": 1, "a": (2, {"y": 1, "b": 2})}
    assert serializer.dumps(value) == '{"z":1,"a":{" t":[2,{"y":1,"b":2}]}}'
    with Flask(__name__).app_context():
        assert serializer.dumps(value) == '{"a":{" t":[2,{"b":2,"y":1}]},"z":1}'


def test_naive_and_aware_datetimes_load_as_aware_utc_without_microseconds(serializer):
    naive = datetime(2015, 10, 21, 7, 28, 0, 123456)
    in_paris = datetime(2015, 10, 21, 9, 28, tzinfo=timezone(timedelta(hours=2)))
    expected = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
    assert serializer.dumps(naive) == serializer.dumps(in_paris) == '{" d":"Wed, 21 Oct 2015 07:28:00 GMT"}'
    assert serializer.loads(serializer.dumps(naive)) == expected
    assert serializer.loads(serializer.dumps(in_paris)).tzinfo is timezone.utc


def test_subclasses_load_as_their_base_types(serializer):
    point = collections.namedtuple("Point", "x y")(1, 2)
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    assert serializer.dumps(point) == '{" t":[1,2]}'
    assert serializer.dumps(ordered) == '{"b":1,"a":2}'
    assert type(serializer.loads(serializer.dumps(point))) is tuple
    assert type(serializer.loads(serializer.dumps(ordered))) is dict


def test_anything_with_html_loads_as_markup(serializer):
    class Widget:
        def __html__(self):
            return "<b>widget</b>"

    assert serializer.loads(serializer.dumps(Widget())) == Markup("<b>widget</b>")


def test_a_plain_date_is_written_untagged_and_loads_as_text(serializer):
    assert serializer.dumps(date(2020, 1, 2)) == '"Thu, 02 Jan 2020 00:00:00 GMT"'


def test_unserializable_values_raise_type_error(serializer):
    with pytest.raises(TypeError):
        serializer.dumps({"s": {1, 2}})


def test_tag_and_untag_work_one_level_at_a_time(serializer):
    assert serializer.tag({"a": (1,)}) == {"a": {" t": [1]}}
    assert serializer.untag({" t": [1]}) == (1,)
    assert serializer.untag({" t": [1], "x": 1}) == {" t": [1], "x": 1}
    assert serializer.untag({" nope": 1}) == {" nope": 1}
    assert serializer.untag(5) == 5


def test_default_tags_order_and_keys(serializer):
    assert TaggedJSONSerializer.default_tags == [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]
    assert [type(tag) for tag in serializer.order] == TaggedJSONSerializer.default_tags
    assert sorted(serializer.tags) == [" b", " d", " di", " m", " t", " u"]
    assert all(tag.serializer is serializer for tag in serializer.order)


class TagOrderedDict(JSONTag):
    """Keeps an OrderedDict's type and order, as in Flask's documentation example."""

    __slots__ = ()
    key = " od"

    def check(self, value):
        return isinstance(value, collections.OrderedDict)

    def to_json(self, value):
        return [[key, self.serializer.tag(item)] for key, item in value.items()]

    def to_python(self, value):
        return collections.OrderedDict(value)


class NeverTag(JSONTag):
    """Accepts nothing: a serializer with it added asks each of its tags in turn."""

    __slots__ = ()

    def check(self, value):
        return False


class PlainStr(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1, 2.5, None, True, False, "x"]},
        {" t": 1},
        {" t": 1, "x": 2},
        {"nested": {" di": {"k": (1, b"x")}}},
        [{"a": (1,)}, b"x", [], {}],
        {"m": Markup("<b>"), "s": PlainStr("plain"), "d": datetime(2020, 1, 2, 3, 4, 5)},
        collections.OrderedDict(b=1, a=(2,)),
        ["é", {"k": {"k2": [[None]]}}],
        {1: "an int key"},
        "text",
        3,
    ],
)
def test_the_default_tags_give_what_asking_each_tag_in_turn_gives(value):
    default = TaggedJSONSerializer()
    general = TaggedJSONSerializer()
    general.register(NeverTag)

    assert default.tag(value) == general.tag(value)
    assert default.dumps(value) == general.dumps(value)
    assert default.loads(default.dumps(value)) == general.loads(general.dumps(value))


class TagInt(JSONTag):
    """Ints as text, to show that a tag put first is asked about plain values."""

    __slots__ = ()
    key = " i"

    def check(self, value):
        return type(value) is int

    def to_json(self, value):
        return str(value)

    def to_python(self, value):
        return int(value)


def test_a_tag_registered_first_is_asked_about_plain_values_too(serializer):
    serializer.register(TagInt, index=0)

    text = serializer.dumps({"n": 1, "l": [2, "x"]})
    assert text == '{"n":{" i":"1"},"l":[{" i":"2"},"x"]}'
    assert serializer.loads(text) == {"n": 1, "l": [2, "x"]}


def test_a_tag_put_into_the_order_list_directly_is_asked_too(serializer):
    serializer.order.insert(0, TagInt(serializer))
    assert serializer.dumps([1]) == '[{" i":"1"}]'


def test_a_subclass_that_overrides_tag_sees_every_value():
    seen = []

    class Recording(TaggedJSONSerializer):
        def tag(self, value):
            seen.append(value)
            return super().tag(value)

    assert Recording().dumps({"a": [1, "x"], "b": (2,)}) == '{"a":[1,"x"],"b":{" t":[2]}}'
    assert seen == [{"a": [1, "x"], "b": (2,)}, [1, "x"], 1, "x", (2,), 2]


def test_custom_tag_registered_with_index_goes_before_the_general_one(serializer):
    serializer.register(TagOrderedDict, index=0)
    ordered = collections.OrderedDict([("b", (1,)), ("a", b"x")])
    text = serializer.dumps(ordered)
    assert text == '{" od":[["b",{" t":[1]}],["a",{" b":"eA=="}]]}'
    loaded = serializer.loads(text)
    assert type(loaded) is collections.OrderedDict
    assert list(loaded.items()) == [("b", (1,)), ("a", b"x")]


def test_custom_tag_registered_at_the_end_is_never_reached_by_a_subclass_of_dict(serializer):
    serializer.register(TagOrderedDict)
    assert type(serializer.order[-1]) is TagOrderedDict
    assert serializer.dumps(collections.OrderedDict(a=1)) == '{"a":1}'
    # Its key is registered all the same, so a dict that looks like it is escaped.
    assert serializer.dumps({" od": 1}) == '{" di":{" od__":1}}'


def test_registering_a_taken_key_is_a_key_error(serializer):
    class OtherTuple(TagTuple):
        __slots__ = ()

    with pytest.raises(KeyError, match="' t' is already registered"):
        serializer.register(OtherTuple)
    assert type(serializer.tags[" t"]) is TagTuple


def test_force_replaces_the_tag_with_that_key(serializer):
    class ListedTuple(JSONTag):
        """Tuples written as the word "tuple" then the items, to tell them apart."""

        __slots__ = ()
        key = " t"

        def check(self, value):
            return isinstance(value, tuple)

        def to_json(self, value):
            return ["tuple", *value]

        def to_python(self, value):
            return tuple(value[1:])

    serializer.register(ListedTuple, force=True)
    assert type(serializer.tags[" t"]) is ListedTuple
    assert TagTuple not in [type(tag) for tag in serializer.order]
    assert serializer.dumps((1, 2)) == '{" t":["tuple",1,2]}'
    assert serializer.loads('{" t":["tuple",1,2]}') == (1, 2)


def test_base_tag_methods_must_be_implemented(serializer):
    tag = JSONTag(serializer)
    for method in (tag.check, tag.to_json, tag.to_python):
        with pytest.raises(NotImplementedError, match="JSONTag must implement"):
            method(1)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "",
        '{"a":',
        '{" b":"abc"}',
        '{" b":"\\u00e9"}',
        '{" u":"zz"}',
        '{" d":"garbage"}',
        '{" di":{}}',
        '{" di":{"a":1,"b__":2}}',
        '{" di":{"x":1}}',
        "[" * 100_000 + "]" * 100_000,
        '{" t":' * 5_000 + "1" + "}" * 5_000,
    ],
)
def test_malformed_input_is_a_value_error(serializer, text):
    with pytest.raises(ValueError):
        serializer.loads(text)


def test_undecodable_bytes_are_a_value_error(serializer):
    with pytest.raises(ValueError):
        serializer.loads(b"\xff")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{" t":5}', "tag ' t' expects an array, got int"),
        ('{" t":"ab"}', "tag ' t' expects an array, got str"),
        ('{" b":5}', "tag ' b' expects a base64 string, got int"),
        ('{" m":5}', "tag ' m' expects an HTML string, got int"),
        ('{" u":[]}', "tag ' u' expects a hex UUID string, got list"),
        ('{" d":5}', "tag ' d' expects an HTTP date string, got int"),
        ('{" di":5}', "tag ' di' expects an object with one key, got int"),
    ],
)
def test_tagged_value_of_the_wrong_json_type_is_a_type_error(serializer, text, message):
    with pytest.raises(TypeError, match=message):
        serializer.loads(text)


def test_a_subclass_that_overrides_tag_sees_every_nested_value():
    seen = []

    class Watching(TaggedJSONSerializer):
        def tag(self, value):
            seen.append(value)
            return super().tag(value)

    Watching().dumps({"user": "ann", "ids": [1, 2]})
    assert "ann" in seen and 1 in seen and 2 in seen
