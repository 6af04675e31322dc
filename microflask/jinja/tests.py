"""The built-in tests: ``{% if value is name(args) %}`` calls ``TESTS[name](value, *args)``.

The Environment copies ``TESTS`` into ``env.tests``. A test answers a
question about a value and returns a bool; it never changes the value.
"""
from __future__ import annotations

import operator
import typing as t
from collections import abc
from numbers import Number

from .undefined import Undefined
from .utils import pass_environment

if t.TYPE_CHECKING:  # pragma: no cover
    from .environment import Environment


def test_odd(value: int) -> bool:
    return value % 2 == 1


def test_even(value: int) -> bool:
    return value % 2 == 0


def test_divisibleby(value: int, num: int) -> bool:
    return value % num == 0


def test_defined(value: t.Any) -> bool:
    """Whether the variable exists: ``{% if user is defined %}``."""
    return not isinstance(value, Undefined)


def test_undefined(value: t.Any) -> bool:
    return isinstance(value, Undefined)


@pass_environment
def test_filter(environment: "Environment", value: str) -> bool:
    """Whether a filter of this name exists: ``{% if 'markdown' is filter %}``."""
    return value in environment.filters


@pass_environment
def test_test(environment: "Environment", value: str) -> bool:
    """Whether a test of this name exists."""
    return value in environment.tests


def test_none(value: t.Any) -> bool:
    return value is None


def test_boolean(value: t.Any) -> bool:
    """True or False exactly (``1`` is not a boolean)."""
    return value is True or value is False


def test_false(value: t.Any) -> bool:
    return value is False


def test_true(value: t.Any) -> bool:
    return value is True


def test_integer(value: t.Any) -> bool:
    """An int that is not a bool."""
    return isinstance(value, int) and value is not True and value is not False


def test_float(value: t.Any) -> bool:
    return isinstance(value, float)


def test_number(value: t.Any) -> bool:
    """Any number: int, float, complex, Decimal, Fraction, and bool too."""
    return isinstance(value, Number)


def test_lower(value: t.Any) -> bool:
    return str(value).islower()


def test_upper(value: t.Any) -> bool:
    return str(value).isupper()


def test_string(value: t.Any) -> bool:
    return isinstance(value, str)


def test_mapping(value: t.Any) -> bool:
    return isinstance(value, abc.Mapping)


def test_sequence(value: t.Any) -> bool:
    """Has a length and items: lists, tuples, strings, dicts (not sets)."""
    try:
        len(value)
        value.__getitem__  # noqa: B018 - the lookup is the test
    except Exception:
        return False
    return True


def test_iterable(value: t.Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def test_escaped(value: t.Any) -> bool:
    """Whether the value is already HTML (has ``__html__``)."""
    return hasattr(value, "__html__")


def test_in(value: t.Any, seq: t.Container[t.Any]) -> bool:
    return value in seq


def test_sameas(value: t.Any, other: t.Any) -> bool:
    """The same object (``is``), not just equal."""
    return value is other


TESTS: t.Dict[str, t.Callable[..., bool]] = {
    "odd": test_odd,
    "even": test_even,
    "divisibleby": test_divisibleby,
    "defined": test_defined,
    "undefined": test_undefined,
    "filter": test_filter,
    "test": test_test,
    "none": test_none,
    "boolean": test_boolean,
    "false": test_false,
    "true": test_true,
    "integer": test_integer,
    "float": test_float,
    "number": test_number,
    "lower": test_lower,
    "upper": test_upper,
    "string": test_string,
    "mapping": test_mapping,
    "sequence": test_sequence,
    "iterable": test_iterable,
    "callable": callable,
    "sameas": test_sameas,
    "escaped": test_escaped,
    "in": test_in,
    "==": operator.eq,
    "eq": operator.eq,
    "equalto": operator.eq,
    "!=": operator.ne,
    "ne": operator.ne,
    ">": operator.gt,
    "gt": operator.gt,
    "greaterthan": operator.gt,
    ">=": operator.ge,
    "ge": operator.ge,
    "<": operator.lt,
    "lt": operator.lt,
    "lessthan": operator.lt,
    "<=": operator.le,
    "le": operator.le,
}
