"""Undefined values: what a template gets for a name, attribute or item that is missing.

Expected messages and outputs were observed from Jinja 3.1 and are hard-coded.
"""
from __future__ import annotations

import pytest

from microflask.jinja.exceptions import TemplateRuntimeError, UndefinedError
from microflask.jinja.undefined import (
    ChainableUndefined,
    DebugUndefined,
    StrictUndefined,
    Undefined,
    is_undefined,
)
from microflask.jinja.utils import missing
from microflask.markup import escape


class Gadget:
    pass


# -- The message says what was missing --------------------------------------------


@pytest.mark.parametrize(
    "undefined, message",
    [
        (Undefined(name="user"), "'user' is undefined"),
        (Undefined(obj={}, name="title"), "'dict object' has no attribute 'title'"),
        (Undefined(obj=[], name=3), "list object has no element 3"),
        (Undefined(obj=None, name="a"), "'None' has no attribute 'a'"),
        (Undefined(obj=Gadget(), name="size"), "'test_jinja_undefined.Gadget object' has no attribute 'size'"),
        (Undefined(hint="the user must log in first"), "the user must log in first"),
        (Undefined(), "None is undefined"),
    ],
)
def test_using_an_undefined_value_raises_an_error_naming_what_is_missing(undefined, message):
    with pytest.raises(UndefinedError) as error:
        undefined + 1
    assert str(error.value) == message
    assert undefined._undefined_message == message


def test_the_constructor_keeps_hint_object_name_and_exception():
    owner = {"a": 1}
    undefined = Undefined(hint="h", obj=owner, name="b", exc=KeyError)
    assert undefined._undefined_hint == "h"
    assert undefined._undefined_obj is owner
    assert undefined._undefined_name == "b"
    assert undefined._undefined_exception is KeyError
    assert Undefined()._undefined_obj is missing


def test_a_custom_exception_class_is_raised_instead_of_undefined_error():
    with pytest.raises(KeyError):
        Undefined(name="x", exc=KeyError)()


def test_undefined_error_is_a_template_runtime_error():
    with pytest.raises(TemplateRuntimeError):
        Undefined(name="x")._fail_with_undefined_error()


# -- Undefined: empty, false, and an error for anything else -----------------------


def test_undefined_prints_as_nothing_iterates_as_nothing_and_is_false():
    undefined = Undefined(name="x")
    assert str(undefined) == ""
    assert f"{undefined}" == ""
    assert list(undefined) == []
    assert len(undefined) == 0
    assert not undefined
    assert 1 not in undefined
    assert repr(undefined) == "Undefined"
    assert escape(undefined) == ""


def test_undefined_values_of_the_same_class_are_equal_and_hash_alike():
    assert Undefined(name="a") == Undefined(name="b")
    assert Undefined(name="a") != 3
    assert not Undefined(name="a") != Undefined()
    assert hash(Undefined(name="a")) == hash(Undefined())
    assert len({Undefined(name="a"), Undefined(name="b")}) == 1


@pytest.mark.parametrize(
    "operation",
    [
        lambda u: u + 1,
        lambda u: 1 + u,
        lambda u: u - 1,
        lambda u: 2 - u,
        lambda u: u * 2,
        lambda u: 2 * u,
        lambda u: u / 2,
        lambda u: 2 / u,
        lambda u: u // 2,
        lambda u: 2 // u,
        lambda u: u % 2,
        lambda u: 2 % u,
        lambda u: u**2,
        lambda u: 2**u,
        lambda u: -u,
        lambda u: +u,
        lambda u: u(),
        lambda u: u["key"],
        lambda u: u.attribute,
        lambda u: u < 1,
        lambda u: u <= 1,
        lambda u: u > 1,
        lambda u: u >= 1,
        lambda u: int(u),
        lambda u: float(u),
        lambda u: complex(u),
    ],
)
def test_undefined_fails_on_arithmetic_calls_items_attributes_and_ordering(operation):
    with pytest.raises(UndefinedError, match="'x' is undefined"):
        operation(Undefined(name="x"))


def test_dunder_lookups_look_absent_instead_of_failing():
    undefined = Undefined(name="x")
    with pytest.raises(AttributeError):
        undefined.__html__
    assert not hasattr(undefined, "__custom__")


def test_abs_is_a_plain_type_error():
    with pytest.raises(TypeError):
        abs(Undefined(name="x"))


def test_is_undefined_recognises_every_kind():
    for cls in (Undefined, ChainableUndefined, DebugUndefined, StrictUndefined):
        assert is_undefined(cls(name="x"))
    assert not is_undefined(None)
    assert not is_undefined("")


# -- ChainableUndefined ----------------------------------------------------------


def test_chainable_undefined_returns_itself_for_attributes_and_items():
    undefined = ChainableUndefined(name="user")
    assert undefined.profile.address["city"] is undefined
    assert str(undefined.profile) == ""
    assert undefined.__html__() == ""
    assert escape(undefined.a.b) == ""


def test_chainable_undefined_still_fails_on_arithmetic():
    with pytest.raises(UndefinedError, match="'user' is undefined"):
        ChainableUndefined(name="user").age + 1


# -- DebugUndefined ----------------------------------------------------------------


@pytest.mark.parametrize(
    "undefined, printed",
    [
        (DebugUndefined(name="x"), "{{ x }}"),
        (DebugUndefined(obj={}, name="y"), "{{ no such element: dict object['y'] }}"),
        (DebugUndefined(obj=[], name=3), "{{ no such element: list object[3] }}"),
        (DebugUndefined(obj=None, name="a"), "{{ no such element: None['a'] }}"),
        (DebugUndefined(hint="custom hint"), "{{ undefined value printed: custom hint }}"),
        (DebugUndefined(), "{{ None }}"),
    ],
)
def test_debug_undefined_prints_what_was_missing(undefined, printed):
    assert str(undefined) == printed


def test_debug_undefined_is_otherwise_an_undefined():
    undefined = DebugUndefined(name="x")
    assert not undefined
    assert list(undefined) == []
    with pytest.raises(UndefinedError, match="'x' is undefined"):
        undefined.attribute


# -- StrictUndefined ---------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [str, list, bool, len, hash, lambda u: u == 1, lambda u: u != 1, lambda u: 1 in u, lambda u: f"{u}"],
)
def test_strict_undefined_fails_even_when_printed_iterated_or_tested(operation):
    with pytest.raises(UndefinedError, match="'x' is undefined"):
        operation(StrictUndefined(name="x"))


def test_strict_undefined_repr_still_works_for_debugging():
    assert repr(StrictUndefined(name="x")) == "Undefined"
