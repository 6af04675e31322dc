"""MultiDict family, Headers, EnvironHeaders and FileStorage, used as an app would."""
from __future__ import annotations

import copy
import io
import pickle
import tempfile
import wsgiref.util
import wsgiref.validate
from pathlib import Path

import pytest

from microflask.toolkit.datastructures import (
    CallbackDict,
    CombinedMultiDict,
    EnvironHeaders,
    FileStorage,
    Headers,
    ImmutableDict,
    ImmutableList,
    ImmutableMultiDict,
    ImmutableOrderedMultiDict,
    ImmutableTypeConversionDict,
    MultiDict,
    OrderedMultiDict,
    TypeConversionDict,
    iter_multi_items,
)
from microflask.toolkit.exceptions import BadRequest, BadRequestKeyError

# -- MultiDict -----------------------------------------------------------------


def test_multidict_keeps_every_value_and_indexing_gives_the_first():
    form = MultiDict([("tag", "a"), ("tag", "b"), ("page", "2")])
    assert form["tag"] == "a"
    assert form.getlist("tag") == ["a", "b"]
    assert form.getlist("missing") == []
    assert len(form) == 2
    assert list(form) == ["tag", "page"]
    assert "tag" in form and "nope" not in form


def test_multidict_from_dict_expands_list_values_and_drops_empty_lists():
    d = MultiDict({"a": [1, 2], "b": (3,), "c": 4, "d": []})
    assert d.getlist("a") == [1, 2]
    assert d.getlist("b") == [3]
    assert d["c"] == 4
    assert "d" not in d


@pytest.mark.parametrize("cls", [MultiDict, ImmutableMultiDict, OrderedMultiDict, ImmutableOrderedMultiDict])
def test_multidict_turned_into_a_plain_dict_keeps_first_values(cls):
    args = cls([("tag", "a"), ("tag", "b"), ("page", "2")])
    merged = {"page": "1"}
    merged.update(args)

    def keywords(**kwargs):
        return kwargs

    assert dict(args) == {"tag": "a", "page": "2"}
    assert {**args} == {"tag": "a", "page": "2"}
    assert keywords(**args) == {"tag": "a", "page": "2"}
    assert merged == {"page": "2", "tag": "a"}


def test_multidict_from_multidict_copies_the_lists():
    original = MultiDict([("a", 1), ("a", 2)])
    clone = MultiDict(original)
    clone.add("a", 3)
    assert original.getlist("a") == [1, 2]
    assert clone.getlist("a") == [1, 2, 3]


def test_missing_key_is_a_bad_request_key_error():
    args = MultiDict()
    with pytest.raises(BadRequestKeyError) as caught:
        args["q"]
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, BadRequest)
    assert caught.value.code == 400
    assert caught.value.args == ("q",)


def test_get_converts_with_type_and_falls_back_to_default():
    args = MultiDict([("page", "3"), ("page", "4"), ("size", "big"), ("none", None)])
    assert args.get("page") == "3"
    assert args.get("page", type=int) == 3
    assert args.get("size", 10, type=int) == 10  # ValueError
    assert args.get("none", 7, type=int) == 7  # TypeError
    assert args.get("missing", "x") == "x"
    assert args.getlist("page", type=int) == [3, 4]
    assert MultiDict([("n", "1"), ("n", "x"), ("n", "2")]).getlist("n", type=int) == [1, 2]


def test_add_appends_and_setitem_replaces():
    d = MultiDict()
    d.add("a", 1)
    d.add("a", 2)
    assert d.getlist("a") == [1, 2]
    d["a"] = 3
    assert d.getlist("a") == [3]
    d.setlist("a", iter([4, 5]))
    assert d.getlist("a") == [4, 5]


def test_setdefault_and_setlistdefault():
    d = MultiDict([("a", 1)])
    assert d.setdefault("a", 9) == 1
    assert d.setdefault("b", 2) == 2
    assert d.getlist("b") == [2]
    values = d.setlistdefault("c", [1])
    values.append(2)  # the returned list is the live list
    assert d.getlist("c") == [1, 2]
    assert d.setlistdefault("a") == [1]


def test_views_items_lists_values():
    d = MultiDict([("a", 1), ("b", 2), ("a", 3)])
    assert list(d.items()) == [("a", 1), ("b", 2)]
    assert list(d.items(multi=True)) == [("a", 1), ("a", 3), ("b", 2)]
    assert list(d.lists()) == [("a", [1, 3]), ("b", [2])]
    assert list(d.keys()) == ["a", "b"]
    assert list(d.values()) == [1, 2]
    assert list(d.listvalues()) == [[1, 3], [2]]
    assert d.to_dict() == {"a": 1, "b": 2}
    assert d.to_dict(flat=False) == {"a": [1, 3], "b": [2]}


def test_lists_are_copies():
    d = MultiDict([("a", 1)])
    dict(d.lists())["a"].append(2)
    d.getlist("a").append(3)
    assert d.getlist("a") == [1]


def test_a_key_whose_list_was_emptied_has_no_first_value():
    d = MultiDict([("b", 1)])
    d.setlist("a", [])
    assert d.get("a") is None
    assert d.to_dict() == {"b": 1}
    with pytest.raises(BadRequestKeyError):
        d["a"]


def test_update_adds_instead_of_replacing():
    d = MultiDict([("a", 1)])
    d.update({"a": 2, "b": [3, 4]})
    d.update(MultiDict([("a", 5)]))
    d.update([("c", 6)])
    assert d.getlist("a") == [1, 2, 5]
    assert d.getlist("b") == [3, 4]
    d |= {"c": 7}
    assert d.getlist("c") == [6, 7]


def test_pop_family():
    d = MultiDict([("a", 1), ("a", 2), ("b", 3)])
    assert d.pop("a") == 1
    assert "a" not in d
    assert d.pop("a", "gone") == "gone"
    with pytest.raises(BadRequestKeyError):
        d.pop("a")
    assert d.poplist("b") == [3]
    assert d.poplist("b") == []
    d = MultiDict([("x", 1), ("x", 2)])
    assert d.popitemlist() == ("x", [1, 2])
    d = MultiDict([("x", 1), ("x", 2)])
    assert d.popitem() == ("x", 1)
    assert not d
    with pytest.raises(BadRequestKeyError):
        d.popitem()
    with pytest.raises(BadRequestKeyError):
        d.popitemlist()


def test_copy_and_deepcopy():
    d = MultiDict([("a", [1]), ("a", [2])])
    shallow = d.copy()
    deep = d.deepcopy()
    assert type(shallow) is MultiDict and shallow == d
    shallow.add("b", 0)
    assert "b" not in d
    d["a"].append("shared")
    assert shallow["a"] == [1, "shared"]
    assert deep["a"] == [1]
    assert copy.copy(d) == d and copy.copy(d) is not d
    assert copy.deepcopy(d).getlist("a") == [[1, "shared"], [2]]


@pytest.mark.parametrize(
    "cls", [MultiDict, OrderedMultiDict, ImmutableMultiDict, ImmutableOrderedMultiDict]
)
def test_multidicts_pickle_with_all_values(cls):
    d = cls([("a", 1), ("b", 2), ("a", 3)])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        loaded = pickle.loads(pickle.dumps(d, protocol))
        assert type(loaded) is cls
        assert list(loaded.items(multi=True)) == list(d.items(multi=True))


def test_multidict_repr_and_equality():
    d = MultiDict([("a", "b"), ("a", "c")])
    assert repr(d) == "MultiDict([('a', 'b'), ('a', 'c')])"
    assert d == MultiDict({"a": ["b", "c"]})
    assert d != MultiDict({"a": "b"})


def test_iter_multi_items_flattens_every_source():
    expected = [("a", 1), ("a", 2), ("b", 3)]
    assert list(iter_multi_items({"a": [1, 2], "b": 3})) == expected
    assert list(iter_multi_items(MultiDict(expected))) == expected
    assert list(iter_multi_items(expected)) == expected


# -- OrderedMultiDict ----------------------------------------------------------


def test_ordered_multidict_keeps_order_across_keys():
    d = OrderedMultiDict([("a", 1), ("b", 2), ("a", 3)])
    assert list(d.items(multi=True)) == [("a", 1), ("b", 2), ("a", 3)]
    assert list(d.items()) == [("a", 1), ("b", 2)]
    assert list(d) == list(d.keys()) == ["a", "b"]
    assert list(d.values()) == [1, 2]
    assert list(d.lists()) == [("a", [1, 3]), ("b", [2])]
    assert list(d.listvalues()) == [[1, 3], [2]]
    assert d["a"] == 1 and d.getlist("a") == [1, 3]
    with pytest.raises(BadRequestKeyError):
        d["z"]
    assert d.get("a", type=str) == "1" and d.get("z", 0) == 0
    assert repr(d) == "OrderedMultiDict([('a', 1), ('b', 2), ('a', 3)])"


def test_ordered_multidict_setting_moves_the_key_to_the_end():
    d = OrderedMultiDict([("a", 1), ("b", 2), ("a", 3)])
    d["a"] = 4
    assert list(d.items(multi=True)) == [("b", 2), ("a", 4)]
    d.setlist("b", [5, 6])
    assert list(d.items(multi=True)) == [("a", 4), ("b", 5), ("b", 6)]
    d.setlist("b", [])
    assert "b" not in d


def test_ordered_multidict_removal():
    d = OrderedMultiDict([("a", 1), ("b", 2), ("a", 3), ("c", 4)])
    del d["a"]
    assert list(d.items(multi=True)) == [("b", 2), ("c", 4)]
    assert d.pop("c") == 4
    assert d.pop("c", None) is None
    with pytest.raises(BadRequestKeyError):
        del d["c"]
    d.add("d", 5)
    assert d.poplist("b") == [2]
    assert d.popitemlist() == ("d", [5])
    assert list(d.items(multi=True)) == []
    d.add("e", 6)
    assert d.popitem() == ("e", 6)
    with pytest.raises(BadRequestKeyError):
        d.popitem()


def test_ordered_multidict_equality_is_order_sensitive_only_between_ordered_dicts():
    one = OrderedMultiDict([("a", 1), ("b", 2)])
    other = OrderedMultiDict([("b", 2), ("a", 1)])
    assert one != other
    assert one == OrderedMultiDict([("a", 1), ("b", 2)])
    assert one == MultiDict([("b", 2), ("a", 1)])
    assert MultiDict([("b", 2), ("a", 1)]) == one
    assert one != MultiDict([("a", 1)])
    assert one != [("a", 1), ("b", 2)]


def test_ordered_multidict_update_copy_and_setlistdefault():
    d = OrderedMultiDict()
    d.update([("x", 1), ("y", 2)])
    d.update({"x": [3]})
    clone = d.copy()
    clone.add("z", 0)
    assert list(d.items(multi=True)) == [("x", 1), ("y", 2), ("x", 3)]
    assert type(clone) is OrderedMultiDict and "z" not in d
    assert list(d.deepcopy().items(multi=True)) == list(d.items(multi=True))
    with pytest.raises(NotImplementedError):
        d.setlistdefault("x")


# -- immutable structures ------------------------------------------------------

IMMUTABLE_DICT_MUTATIONS = [
    lambda d: d.__setitem__("a", 1),
    lambda d: d.__delitem__("a"),
    lambda d: d.setdefault("a", 1),
    lambda d: d.update({"a": 1}),
    lambda d: d.pop("a"),
    lambda d: d.popitem(),
    lambda d: d.clear(),
    lambda d: d.__ior__({"a": 1}),
]
IMMUTABLE_MULTIDICT_MUTATIONS = IMMUTABLE_DICT_MUTATIONS + [
    lambda d: d.add("a", 1),
    lambda d: d.setlist("a", [1]),
    lambda d: d.setlistdefault("a", [1]),
    lambda d: d.poplist("a"),
    lambda d: d.popitemlist(),
]


@pytest.mark.parametrize("mutate", IMMUTABLE_MULTIDICT_MUTATIONS)
@pytest.mark.parametrize("cls", [ImmutableMultiDict, ImmutableOrderedMultiDict])
def test_immutable_multidicts_refuse_every_change(cls, mutate):
    d = cls([("a", 0)])
    with pytest.raises(TypeError, match=f"'{cls.__name__}' objects are immutable"):
        mutate(d)
    assert d.getlist("a") == [0]


@pytest.mark.parametrize("mutate", IMMUTABLE_DICT_MUTATIONS)
@pytest.mark.parametrize("cls", [ImmutableDict, ImmutableTypeConversionDict])
def test_immutable_dicts_refuse_every_change(cls, mutate):
    d = cls({"a": 0})
    with pytest.raises(TypeError, match="objects are immutable"):
        mutate(d)
    assert d == {"a": 0}


def test_immutable_multidict_is_hashable_and_copies_to_a_mutable_dict():
    args = ImmutableMultiDict([("a", "1"), ("a", "2")])
    assert hash(args) == hash(ImmutableMultiDict([("a", "1"), ("a", "2")]))
    assert {args: "cached"}[ImmutableMultiDict([("a", "1"), ("a", "2")])] == "cached"
    editable = args.copy()
    assert type(editable) is MultiDict
    editable.add("a", "3")
    assert args.getlist("a") == ["1", "2"]
    assert copy.copy(args) is args
    assert type(args.deepcopy()) is ImmutableMultiDict


def test_immutable_ordered_multidict_hash_depends_on_order():
    one = ImmutableOrderedMultiDict([("a", 1), ("b", 2)])
    assert hash(one) == hash(ImmutableOrderedMultiDict([("a", 1), ("b", 2)]))
    assert hash(one) != hash(ImmutableOrderedMultiDict([("b", 2), ("a", 1)]))
    assert type(one.copy()) is OrderedMultiDict
    assert copy.copy(one) is one


def test_immutable_dict():
    config = ImmutableDict({"debug": False})
    assert repr(config) == "ImmutableDict({'debug': False})"
    assert hash(config) == hash(ImmutableDict({"debug": False}))
    assert type(config.copy()) is dict
    assert copy.copy(config) is config
    assert ImmutableDict.fromkeys(["a", "b"], 0) == {"a": 0, "b": 0}
    assert pickle.loads(pickle.dumps(config)) == config


def test_type_conversion_dicts():
    cookies = TypeConversionDict({"visits": "3", "name": "x"})
    assert cookies.get("visits", type=int) == 3
    assert cookies.get("name", -1, type=int) == -1
    assert cookies.get("missing", "d") == "d"
    assert cookies.get("name") == "x"
    frozen = ImmutableTypeConversionDict(cookies)
    assert frozen.get("visits", type=int) == 3
    assert type(frozen.copy()) is TypeConversionDict
    assert copy.copy(frozen) is frozen


@pytest.mark.parametrize(
    "mutate",
    [
        lambda l: l.append(1),
        lambda l: l.extend([1]),
        lambda l: l.insert(0, 1),
        lambda l: l.remove(1),
        lambda l: l.pop(),
        lambda l: l.clear(),
        lambda l: l.reverse(),
        lambda l: l.sort(),
        lambda l: l.__setitem__(0, 1),
        lambda l: l.__delitem__(0),
        lambda l: l.__iadd__([1]),
        lambda l: l.__imul__(2),
    ],
)
def test_immutable_list_refuses_every_change(mutate):
    methods = ImmutableList(["GET", "POST"])
    with pytest.raises(TypeError, match="'ImmutableList' objects are immutable"):
        mutate(methods)
    assert methods == ["GET", "POST"]


def test_immutable_list_is_hashable_and_pickles():
    methods = ImmutableList(["GET", "POST"])
    assert hash(methods) == hash(("GET", "POST"))
    assert repr(methods) == "ImmutableList(['GET', 'POST'])"
    loaded = pickle.loads(pickle.dumps(methods))
    assert type(loaded) is ImmutableList and loaded == methods


# -- CombinedMultiDict ---------------------------------------------------------


def test_combined_multidict_searches_dicts_in_order():
    args = MultiDict([("q", "from-args"), ("page", "x")])
    form = MultiDict([("q", "from-form"), ("page", "2"), ("name", "n")])
    values = CombinedMultiDict([args, form])
    assert values["q"] == "from-args"
    assert values.getlist("q") == ["from-args", "from-form"]
    assert values.get("page", type=int) == 2  # "x" does not convert, the form's "2" does
    assert values.get("missing", "d") == "d"
    assert values.get("name") == "n"
    assert values.getlist("page", type=int) == [2]
    assert "name" in values and "nope" not in values
    assert len(values) == 3
    assert list(values) == list(values.keys()) == ["q", "page", "name"]
    assert list(values.items()) == [("q", "from-args"), ("page", "x"), ("name", "n")]
    assert len(list(values.items(multi=True))) == 5
    assert list(values.values()) == ["from-args", "x", "n"]
    assert values.to_dict() == {"q": "from-args", "page": "x", "name": "n"}
    assert values.to_dict(flat=False)["q"] == ["from-args", "from-form"]
    assert list(values.listvalues())[0] == ["from-args", "from-form"]
    with pytest.raises(BadRequestKeyError):
        values["nope"]


def test_combined_multidict_is_a_live_read_only_view():
    args, form = MultiDict(), MultiDict()
    values = CombinedMultiDict([args, form])
    assert not values
    form.add("late", "1")
    assert values and values["late"] == "1"
    with pytest.raises(TypeError, match="'CombinedMultiDict' objects are immutable"):
        values["x"] = 1
    with pytest.raises(TypeError):
        values.add("x", 1)
    with pytest.raises(TypeError):
        CombinedMultiDict.fromkeys(["a"])


def test_combined_multidict_copy_equality_pickle_and_repr():
    values = CombinedMultiDict([MultiDict([("a", 1)]), MultiDict([("a", 2), ("b", 3)])])
    flat = values.copy()
    assert type(flat) is MultiDict
    assert list(flat.items(multi=True)) == [("a", 1), ("a", 2), ("b", 3)]
    assert values == flat and flat == values
    assert values != CombinedMultiDict([MultiDict([("a", 1)])])
    assert values != {"a": 1, "b": 3}
    assert hash(values) == hash(CombinedMultiDict([MultiDict([("a", 1), ("a", 2), ("b", 3)])]))
    assert pickle.loads(pickle.dumps(values)) == values
    deep = values.deepcopy()
    assert type(deep) is CombinedMultiDict and deep == values and deep.dicts[0] is not values.dicts[0]
    assert repr(values) == "CombinedMultiDict([MultiDict([('a', 1)]), MultiDict([('a', 2), ('b', 3)])])"


# -- CallbackDict --------------------------------------------------------------


def test_callback_dict_reports_every_change():
    changes = []
    session = CallbackDict({"user": "ann"}, on_update=lambda d: changes.append(dict(d)))
    session["theme"] = "dark"
    session.setdefault("theme", "light")  # present: no change
    session.setdefault("lang", "en")
    session.update(cart=1)
    session |= {"cart": 2}
    del session["cart"]
    session.pop("missing", None)  # absent: no change
    session.pop("lang")
    session.popitem()
    session.clear()
    assert changes == [
        {"user": "ann", "theme": "dark"},
        {"user": "ann", "theme": "dark", "lang": "en"},
        {"user": "ann", "theme": "dark", "lang": "en", "cart": 1},
        {"user": "ann", "theme": "dark", "lang": "en", "cart": 2},
        {"user": "ann", "theme": "dark", "lang": "en"},
        {"user": "ann", "theme": "dark"},
        {"user": "ann"},
        {},
    ]
    assert repr(CallbackDict({"a": 1})) == "<CallbackDict {'a': 1}>"


def test_callback_dict_without_callback_and_pickling():
    d = CallbackDict()
    d["a"] = 1
    loaded = pickle.loads(pickle.dumps(d))
    assert loaded == {"a": 1} and loaded.on_update is None


# -- Headers -------------------------------------------------------------------


def test_headers_lookup_is_case_insensitive_and_keeps_order_and_case():
    headers = Headers([("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
    assert headers["content-type"] == "text/html"
    assert headers.get("CONTENT-TYPE") == "text/html"
    assert headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    assert headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert "SET-COOKIE" in headers and "X-Missing" not in headers and 0 not in headers
    assert len(headers) == 3
    assert list(headers) == [("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")]
    assert list(headers.keys()) == ["Content-Type", "Set-Cookie", "set-cookie"]
    assert list(headers.keys(lower=True)) == ["content-type", "set-cookie", "set-cookie"]
    assert list(headers.values()) == ["text/html", "a=1", "b=2"]
    assert list(headers.items(lower=True))[0] == ("content-type", "text/html")


def test_headers_missing_name_is_a_bad_request_key_error():
    with pytest.raises(BadRequestKeyError) as caught:
        Headers()["X-Token"]
    assert caught.value.code == 400 and isinstance(caught.value, KeyError)


def test_headers_index_and_slice_access():
    headers = Headers([("A", "1"), ("B", "2"), ("C", "3")])
    assert headers[0] == ("A", "1")
    assert headers[-1] == ("C", "3")
    tail = headers[1:]
    assert isinstance(tail, Headers) and list(tail) == [("B", "2"), ("C", "3")]
    headers[0] = ("X", 9)
    headers[1:] = [("Y", "y")]
    assert list(headers) == [("X", "9"), ("Y", "y")]
    del headers[0]
    assert list(headers) == [("Y", "y")]


def test_headers_values_are_strings():
    headers = Headers({"Content-Length": 42, "X-Bytes": b"caf\xe9"})
    assert headers["Content-Length"] == "42"
    assert headers["X-Bytes"] == "caf\u00e9"
    assert list(Headers([(b"X-Raw", b"1")])) == [("X-Raw", "1")]
    assert headers.get("Content-Length", type=int) == 42
    assert headers.get("X-Bytes", 0, type=int) == 0
    assert Headers([("N", "1"), ("N", "x"), ("N", "2")]).getlist("n", type=int) == [1, 2]


def test_headers_add_with_params():
    headers = Headers()
    headers.add("Content-Disposition", "attachment", filename="report.pdf")
    headers.add("Content-Type", "text/plain", charset="utf-8")
    headers.add_header("X-Options", "base", some_flag=None, max_age=3)
    assert headers["Content-Disposition"] == "attachment; filename=report.pdf"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["X-Options"] == "base; some-flag; max-age=3"


def test_headers_add_quotes_param_values_that_need_it():
    headers = Headers()
    headers.add("Content-Disposition", "attachment", filename='my "report".pdf')
    assert headers["Content-Disposition"] == 'attachment; filename="my \\"report\\".pdf"'
    headers.set("Content-Disposition", "inline", filename="a b.txt")
    assert headers["Content-Disposition"] == 'inline; filename="a b.txt"'


def test_headers_set_replaces_the_first_occurrence_in_place():
    headers = Headers([("A", "1"), ("X", "old"), ("B", "2"), ("x", "older")])
    headers.set("X", "new")
    assert list(headers) == [("A", "1"), ("X", "new"), ("B", "2")]
    headers.set("C", "3", q=1)
    assert headers[-1] == ("C", "3; q=1")
    headers["a"] = "one"
    assert list(headers)[0] == ("a", "one")


def test_headers_setlist_setdefault_and_setlistdefault():
    headers = Headers([("Vary", "Cookie"), ("A", "1")])
    headers.setlist("vary", ["Accept", "Origin"])
    assert list(headers) == [("vary", "Accept"), ("vary", "Origin"), ("A", "1")]
    headers.setlist("Vary", [])
    assert "Vary" not in headers
    assert headers.setdefault("A", "2") == "1"
    assert headers.setdefault("Retry-After", 30) == "30"
    assert headers.setlistdefault("A", ["x"]) == ["1"]
    assert headers.setlistdefault("Allow", ["GET", "HEAD"]) == ["GET", "HEAD"]


def test_headers_extend_appends_and_update_replaces():
    headers = Headers([("Set-Cookie", "a=1"), ("X", "1")])
    headers.extend({"Set-Cookie": ["b=2", "c=3"]}, X_Extra="kw")
    headers.extend(Headers([("X", "2")]))
    headers.extend(MultiDict([("Y", "1"), ("Y", "2")]))
    assert headers.getlist("Set-Cookie") == ["a=1", "b=2", "c=3"]
    assert headers.getlist("X") == ["1", "2"]
    assert headers["X_Extra"] == "kw"
    assert headers.getlist("Y") == ["1", "2"]

    headers.update({"Set-Cookie": "only=1", "Y": ["3"]}, X="kw")
    assert headers.getlist("Set-Cookie") == ["only=1"]
    assert headers.getlist("Y") == ["3"]
    assert headers.getlist("X") == ["kw"]
    headers.update(Headers([("Y", "4"), ("Y", "5")]))
    assert headers.getlist("Y") == ["4", "5"]
    headers.update([("Z", "1"), ("Z", "2")])
    assert headers.getlist("Z") == ["2"]


def test_headers_remove_pop_and_clear():
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")])
    assert headers.pop("A") == "1"
    assert "a" not in headers
    assert headers.pop("A", "gone") == "gone"
    with pytest.raises(BadRequestKeyError):
        headers.pop("A")
    assert headers.pop() == ("C", "4")
    assert headers.pop(0) == ("B", "2")
    headers.add("D", "5")
    headers.add("E", "6")
    assert headers.popitem() == ("E", "6")
    headers.remove("d")
    headers.remove("not-there")
    assert len(headers) == 0
    headers.add("F", 1)
    del headers["f"]
    assert not headers
    headers.add("G", 1)
    headers.clear()
    assert list(headers) == []


def test_headers_copy_equality_pickle():
    headers = Headers([("A", "1"), ("B", "2")])
    clone = headers.copy()
    clone.add("C", "3")
    assert "C" not in headers
    assert copy.copy(headers) == headers
    assert headers == Headers([("b", "2"), ("a", "1")])
    assert headers != Headers([("A", "1")])
    assert headers != [("A", "1"), ("B", "2")]
    assert pickle.loads(pickle.dumps(headers)) == headers


def test_headers_str_is_the_wire_format_and_repr_shows_pairs():
    headers = Headers([("Content-Type", "text/plain"), ("Content-Length", "2")])
    assert str(headers) == "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
    assert repr(headers) == "Headers([('Content-Type', 'text/plain'), ('Content-Length', '2')])"
    assert headers.to_wsgi_list() == [("Content-Type", "text/plain"), ("Content-Length", "2")]


INJECTIONS = ["evil\r\nSet-Cookie: admin=1", "evil\nX: y", "evil\rX: y", "evil\0"]
HEADER_WRITES = [
    lambda h, name, value: h.add(name, value),
    lambda h, name, value: h.add_header(name, value),
    lambda h, name, value: h.set(name, value),
    lambda h, name, value: h.setdefault(name, value),
    lambda h, name, value: h.setlist(name, ["ok", value]),
    lambda h, name, value: h.setlistdefault(name, [value]),
    lambda h, name, value: h.extend({name: value}),
    lambda h, name, value: h.extend([("Safe", "ok"), (name, value)]),
    lambda h, name, value: h.update({name: value}),
    lambda h, name, value: h.update([(name, value)]),
    lambda h, name, value: h.__setitem__(name, value),
    lambda h, name, value: h.__setitem__(0, (name, value)),
    lambda h, name, value: Headers([(name, value)]),
]


@pytest.mark.parametrize("write", HEADER_WRITES)
@pytest.mark.parametrize("bad", INJECTIONS)
def test_header_values_with_line_breaks_or_nul_are_refused(write, bad):
    headers = Headers([("Existing", "1")])
    with pytest.raises(ValueError, match="X-Name"):
        write(headers, "X-Name", bad)
    assert list(headers) == [("Existing", "1")]


@pytest.mark.parametrize("write", HEADER_WRITES)
@pytest.mark.parametrize("bad", INJECTIONS)
def test_header_names_with_line_breaks_or_nul_are_refused(write, bad):
    headers = Headers([("Existing", "1")])
    with pytest.raises(ValueError, match="header name"):
        write(headers, bad, "value")
    assert list(headers) == [("Existing", "1")]


def test_header_params_cannot_inject_either():
    headers = Headers()
    with pytest.raises(ValueError, match="Content-Disposition"):
        headers.add("Content-Disposition", "attachment", filename="a\r\nSet-Cookie: x=1")
    with pytest.raises(ValueError):
        headers.update(X=["ok", "bad\n"])
    assert not headers


# -- EnvironHeaders ------------------------------------------------------------


def make_environ(**extra):
    environ = {
        "REQUEST_METHOD": "POST",
        "HTTP_HOST": "example.com",
        "HTTP_X_FORWARDED_FOR": "10.0.0.1",
        "HTTP_ACCEPT": "text/html",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "",
        "wsgi.url_scheme": "http",
    }
    environ.update(extra)
    return environ


def test_environ_headers_map_the_cgi_keys_to_header_names():
    headers = EnvironHeaders(make_environ())
    assert sorted(headers) == [
        ("Accept", "text/html"),
        ("Content-Type", "application/json"),
        ("Host", "example.com"),
        ("X-Forwarded-For", "10.0.0.1"),
    ]
    assert len(headers) == 4
    assert headers["x-forwarded-for"] == "10.0.0.1"
    assert headers["Content-Type"] == "application/json"
    assert headers.get("Content-Length") is None  # empty means absent
    assert "content-length" not in headers and "HOST" in headers and 1 not in headers
    assert headers.getlist("Accept") == ["text/html"]
    assert headers.getlist("Missing") == []
    assert headers.get("Missing", "d") == "d"
    assert sorted(headers.keys(lower=True)) == ["accept", "content-type", "host", "x-forwarded-for"]
    assert ("Host", "example.com") in headers.to_wsgi_list()
    assert repr(headers).startswith("EnvironHeaders([")


def test_environ_headers_types_and_missing_keys():
    headers = EnvironHeaders(make_environ(CONTENT_LENGTH="12", HTTP_CONTENT_LENGTH="99"))
    assert headers.get("Content-Length", type=int) == 12
    assert headers.getlist("Content-Length", type=int) == [12]
    assert [value for name, value in headers if name == "Content-Length"] == ["12"]
    with pytest.raises(BadRequestKeyError):
        headers["Authorization"]


def test_environ_headers_are_read_only_and_copy_into_headers():
    headers = EnvironHeaders(make_environ())
    for mutate in [
        lambda: headers.add("X", "1"),
        lambda: headers.set("X", "1"),
        lambda: headers.setdefault("X", "1"),
        lambda: headers.setlist("X", ["1"]),
        lambda: headers.extend({"X": "1"}),
        lambda: headers.update({"X": "1"}),
        lambda: headers.remove("Host"),
        lambda: headers.pop("Host"),
        lambda: headers.popitem(),
        lambda: headers.clear(),
        lambda: headers.__setitem__("X", "1"),
        lambda: headers.__delitem__("Host"),
    ]:
        with pytest.raises(TypeError, match="'EnvironHeaders' objects are immutable"):
            mutate()
    with pytest.raises(TypeError, match="cannot create 'EnvironHeaders' copies"):
        headers.copy()
    editable = Headers(headers)
    editable.set("Host", "other")
    assert editable["Host"] == "other" and headers["Host"] == "example.com"
    assert editable != headers and Headers(headers) == headers
    loaded = pickle.loads(pickle.dumps(headers))
    assert type(loaded) is EnvironHeaders and loaded == headers


def test_headers_in_a_wsgi_app():
    def app(environ, start_response):
        request_headers = EnvironHeaders(environ)
        response_headers = Headers({"Content-Type": "text/plain; charset=utf-8"})
        response_headers.add("X-Echo", request_headers.get("X-Name", "nobody"))
        body = b"ok"
        response_headers.set("Content-Length", len(body))
        start_response("200 OK", response_headers.to_wsgi_list())
        return [body]

    environ = {"HTTP_X_NAME": "ann", "QUERY_STRING": ""}
    wsgiref.util.setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    result = wsgiref.validate.validator(app)(environ, start_response)
    try:
        assert b"".join(result) == b"ok"
    finally:
        result.close()
    assert seen["status"] == "200 OK"
    assert ("X-Echo", "ann") in seen["headers"]
    assert ("Content-Length", "2") in seen["headers"]


# -- FileStorage ---------------------------------------------------------------


def make_upload(data=b"line 1\nline 2\n"):
    return FileStorage(
        io.BytesIO(data),
        filename="notes.txt",
        name="attachment",
        content_type="Text/Plain; charset=utf-8",
        content_length=len(data),
    )


def test_file_storage_metadata():
    upload = make_upload()
    assert upload.filename == "notes.txt"
    assert upload.name == "attachment"
    assert upload.content_type == "Text/Plain; charset=utf-8"
    assert upload.content_length == 14
    assert upload.mimetype == "text/plain"
    assert upload.mimetype_params == {"charset": "utf-8"}
    assert upload.headers["Content-Length"] == "14"
    assert bool(upload) is True
    assert repr(upload) == "<FileStorage: 'notes.txt' ('Text/Plain; charset=utf-8')>"


def test_file_storage_content_type_follows_header_changes():
    upload = make_upload()
    assert upload.mimetype == "text/plain"
    upload.headers["Content-Type"] = "image/png"
    assert upload.mimetype == "image/png" and upload.mimetype_params == {}


def test_file_storage_without_file():
    empty = FileStorage()
    assert not empty
    assert empty.read() == b""
    assert empty.filename is None and empty.content_type is None
    assert empty.content_length == 0
    assert empty.mimetype == "" and empty.mimetype_params == {}
    assert repr(empty) == "<FileStorage: None (None)>"


def test_file_storage_bad_content_length_reads_as_zero():
    upload = FileStorage(headers=Headers({"Content-Length": "lots"}))
    assert upload.content_length == 0
    assert FileStorage(content_length=-5).content_length == 0


def test_file_storage_proxies_the_stream():
    upload = make_upload()
    assert upload.readline() == b"line 1\n"
    assert upload.tell() == 7
    upload.seek(0)
    assert list(upload) == [b"line 1\n", b"line 2\n"]
    upload.seek(0)
    assert upload.read(4) == b"line"
    with pytest.raises(AttributeError):
        upload.no_such_method


def test_file_storage_save_to_a_path(tmp_path):
    upload = make_upload()
    target = tmp_path / "saved.txt"
    upload.save(target)
    assert target.read_bytes() == b"line 1\nline 2\n"
    upload.seek(0)
    upload.save(str(tmp_path / "again.txt"), buffer_size=3)
    assert (tmp_path / "again.txt").read_bytes() == b"line 1\nline 2\n"


def test_file_storage_save_to_a_file_object_leaves_it_open(tmp_path):
    upload = make_upload(b"x" * 50000)
    with open(tmp_path / "out.bin", "wb") as out:
        out.write(b">")
        upload.save(out)
        assert not out.closed
        out.write(b"<")
    assert (tmp_path / "out.bin").read_bytes() == b">" + b"x" * 50000 + b"<"


def test_file_storage_takes_filename_from_a_real_stream(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n")
    with open(path, "rb") as stream:
        upload = FileStorage(stream)
        assert upload.filename == str(path)
        assert upload.read() == b"a,b\n"
        upload.close()
        assert stream.closed


def test_file_storage_ignores_pseudo_and_descriptor_names():
    pseudo = io.BytesIO()
    pseudo.name = "<stdin>"
    assert FileStorage(pseudo).filename is None
    by_descriptor = io.BytesIO()
    by_descriptor.name = 3
    assert FileStorage(by_descriptor).filename is None
    as_bytes = io.BytesIO()
    as_bytes.name = b"upload.bin"
    assert FileStorage(as_bytes).filename == "upload.bin"
    as_path = io.BytesIO()
    as_path.name = Path("photo.jpg")
    assert FileStorage(as_path).filename == "photo.jpg"


def test_file_storage_keeps_given_headers():
    headers = Headers({"Content-Type": "image/png", "X-Part": "1"})
    upload = FileStorage(io.BytesIO(b"\x89PNG"), "a.png", "photo", headers=headers)
    assert upload.headers is headers
    assert upload.mimetype == "image/png"
    assert upload.headers["X-Part"] == "1"


def test_file_storage_can_be_copied():
    upload = make_upload()
    clone = copy.copy(upload)
    assert clone.stream is upload.stream and clone.filename == "notes.txt"


def test_file_storage_reaches_a_spooled_files_inner_file():
    # Before Python 3.11 SpooledTemporaryFile itself has no readable()/seekable().
    with tempfile.SpooledTemporaryFile() as spooled:
        spooled.write(b"data")
        spooled.seek(0)
        upload = FileStorage(spooled, "big.bin")
        assert upload.readable() and upload.seekable()
        assert upload.read() == b"data"


def test_file_storage_close_tolerates_a_broken_stream():
    class BrokenStream:
        def close(self):
            raise OSError("connection lost")

    upload = FileStorage(BrokenStream(), "a.txt")
    upload.close()
    assert upload.filename == "a.txt"
