"""Built-in tests (``value is name``), rendered through templates.

Each case's expected output was observed by rendering the same template with
Jinja 3.1 and is hard-coded here.
"""
from __future__ import annotations

import pytest

from jinja_context import render


OUTPUT_CASES = [
    ('{{ 3 is odd }} {{ 3 is even }} {{ 4 is even }} {{ 3.0 is odd }} {{ -1 is odd }} {{ 0 is even }}',
     'True False True True True True'),
    ('{{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ 9.0 is divisibleby 3 }}',
     'True False True'),
    ('{{ x is defined }} {{ x is undefined }} {{ nums is defined }} {{ nothing is defined }} {{ users[0].nope is defined }} {{ mapping.zz is undefined }}',
     'False True True True False True'),
    ("{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'nope' is test }} {{ 'in' is test }} {{ '==' is test }} {{ 'd' is filter }}",
     'True False True False True True True'),
    ('{{ nothing is none }} {{ 0 is none }} {{ missing is none }}',
     'True False False'),
    ('{{ true is boolean }} {{ 1 is boolean }} {{ false is false }} {{ 0 is false }} {{ true is true }} {{ 1 is true }} {{ none is false }}',
     'True False True False True False False'),
    ("{{ 1 is integer }} {{ true is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ 1 is float }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ '1' is number }} {{ nothing is number }}",
     'True False False True False True True True False False'),
    ("{{ 'abc' is lower }} {{ 'aBc' is lower }} {{ 'ABC' is upper }} {{ 'AB1' is upper }} {{ '' is upper }} {{ '1' is lower }} {{ 1 is lower }}",
     'True False True True False False False'),
    ("{{ 'a' is string }} {{ 1 is string }} {{ html|safe is string }} {{ mapping is mapping }} {{ nums is mapping }} {{ nothing is mapping }}",
     'True False True True False False'),
    ("{{ nums is sequence }} {{ 'ab' is sequence }} {{ mapping is sequence }} {{ 3 is sequence }} {{ missing is sequence }} {{ (1, 2) is sequence }}",
     'True True True False True True'),
    ("{{ nums is iterable }} {{ 'ab' is iterable }} {{ 3 is iterable }} {{ missing is iterable }} {{ mapping is iterable }} {{ gen is iterable }}",
     'True True False True True True'),
    ("{{ range is callable }} {{ users[0] is callable }} {{ 'upper' is callable }} {{ dict is callable }}",
     'True False False True'),
    ('{{ nums is sameas nums }} {{ nums is sameas [3, 1, 4, 1, 5, 9, 2, 6] }} {{ none is sameas nothing }} {{ true is sameas true }}',
     'True False True True'),
    ('{{ html is escaped }} {{ html|safe is escaped }} {{ html|e is escaped }} {{ 3 is escaped }}',
     'False True True False'),
    ("{{ 1 is in nums }} {{ 7 is in nums }} {{ 'b' is in 'abc' }} {{ 'b' is in mapping }} {{ 1 is in(nums) }}",
     'True False True True True'),
    ("{{ 1 is eq 1 }} {{ 1 is eq 1.0 }} {{ 1 is equalto 2 }} {{ [1, 2]|select('==', 1)|list }} {{ 1 is ne 2 }} {{ [1, 2]|select('!=', 1)|list }} {{ 'a' is eq 'a' }}",
     'True True False [1] True [2] True'),
    ("{{ 2 is gt 1 }} {{ 2 is greaterthan 2 }} {{ 2 is ge 2 }} {{ [2, 3, 4]|select('>', 3)|list }} {{ [2, 3, 4]|select('>=', 3)|list }}",
     'True False True [4] [3, 4]'),
    ("{{ 2 is lt 1 }} {{ 1 is lessthan 2 }} {{ 2 is le 2 }} {{ [2, 3, 4]|select('<=', 3)|list }} {{ [2, 3, 4]|select('<', 3)|list }}",
     'False True True [2, 3] [2]'),
    ("{{ nums|select('odd')|list }} {{ nums|reject('even')|list }} {{ nums|select('ge', 5)|list }} {{ words|select('upper')|list }} {{ [1, 'a', none, 2.5, true]|select('number')|list }} {{ [1, 'a', none, 2.5, true]|select('integer')|list }}",
     "[3, 1, 1, 5, 9] [3, 1, 1, 5, 9] [5, 9, 6] ['A', 'C'] [1, 2.5, True] [1]"),
    ("{{ [none, 1, missing]|select('none')|list }} {{ users|selectattr('city', 'undefined')|list }} {{ [1, 2, 3]|select('sameas', 2)|list }}",
     "[None] [User('dave')] [2]"),
    ("{% if nums is not none and nums is not string and 'b' is not in nums %}ok{% endif %}",
     'ok'),
]


@pytest.mark.parametrize("source, expected", OUTPUT_CASES)
def test_test_output_matches_jinja(source, expected):
    assert render(source) == expected


@pytest.mark.parametrize("source, exception", [
    ("{{ 'a' is odd }}", TypeError),
    ('{{ 4 is divisibleby 0 }}', ZeroDivisionError),
    ("{{ 1 is lt 'a' }}", TypeError),
])
def test_tests_fail_like_the_python_operation_they_wrap(source, exception):
    with pytest.raises(exception):
        render(source)
