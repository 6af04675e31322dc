"""Built-in filters: every filter of the issue, rendered through templates.

Each case's expected output was observed by rendering the same template with
Jinja 3.1 and is hard-coded here. ``(autoescape, template, output)``.
"""
from __future__ import annotations

import pytest

from jinja_context import User, render
from microflask.jinja import Environment
from microflask.jinja.exceptions import FilterArgumentError, TemplateRuntimeError, UndefinedError





OUTPUT_CASES = [
    # abs, attr
    (False, '{{ -3|abs }} {{ 2.5|abs }} {{ (-0)|abs }}',
     '3 2.5 0'),
    (False, "{{ users[0]|attr('name') }}|{{ {'a': 1}|attr('a') }}|{{ users[0]|attr('nope') is defined }}",
     'alice||False'),
    (False, "{{ {'a': 1}|attr('items') is defined }}",
     'True'),
    # batch / slice
    (False, '{{ nums|batch(3)|list }}',
     '[[3, 1, 4], [1, 5, 9], [2, 6]]'),
    (False, "{{ nums|batch(3, 'x')|list }}",
     "[[3, 1, 4], [1, 5, 9], [2, 6, 'x']]"),
    (False, '{{ nums|batch(4, 0)|list }} {{ empty|batch(2)|list }}',
     '[[3, 1, 4, 1], [5, 9, 2, 6]] []'),
    (False, "{% for row in nums|batch(3, '&nbsp;') %}[{{ row|join(',') }}]{% endfor %}",
     '[3,1,4][1,5,9][2,6,&nbsp;]'),
    (False, '{{ nums|slice(3)|list }}',
     '[[3, 1, 4], [1, 5, 9], [2, 6]]'),
    (False, '{{ nums|slice(3, 0)|list }} {{ nums|slice(5)|list }} {{ [1,2]|slice(4)|list }}',
     '[[3, 1, 4], [1, 5, 9], [2, 6, 0]] [[3, 1], [4, 1], [5, 9], [2], [6]] [[1], [2], [], []]'),
    (False, "{{ empty|slice(2)|list }} {{ nums|slice(2, 'z')|list }}",
     "[[], []] [[3, 1, 4, 1, 'z'], [5, 9, 2, 6, 'z']]"),
    # case
    (False, '{{ \'hELLO wORLD\'|capitalize }} {{ \'hello-world (foo) [bar] <baz> x\ty\'|title }} {{ "it\'s ok"|title }}',
     "Hello world Hello-World (Foo) [Bar] <Baz> X\tY It's Ok"),
    (True, '{{ html|capitalize }} {{ html|safe|capitalize }} {{ html|safe|title }}|{{ html|upper }}|{{ html|safe|lower }}',
     "&lt;em&gt;tom &amp; &#39;jerry&#39;&lt;/em&gt; <em>tom & 'jerry'</em> &lt;Em&gt;tom &amp; &#39;jerry&#39;&lt;/em&gt;|&lt;EM&gt;TOM &amp; &#39;JERRY&#39;&lt;/EM&gt;|<em>tom & 'jerry'</em>"),
    (False, "{{ 'abc'|center(9) }}|{{ 'abc'|center }}|{{ 'ab'|center(1) }}|",
     '   abc   |                                      abc                                       |ab|'),
    (True, '{{ html|safe|center(30) }}|{{ html|center(30) }}',
     "    <em>Tom & 'Jerry'</em>    |    &lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;    "),
    # default
    (False, "{{ missing|default('x') }} {{ missing|d('y') }} {{ ''|default('z') }} {{ ''|default('z', true) }} {{ 0|d('n', boolean=true) }} {{ nothing|default('q') }} {{ missing|default }}|",
     'x y  z n None |'),
    (False, "{{ users[0].nope|default('none') }} {{ false|default('f', true) }}",
     'none f'),
    # dictsort
    (False, '{{ mapping|dictsort }}',
     "[('A', 1), ('a', 0), ('b', 2), ('c', 3)]"),
    (False, '{{ mapping|dictsort(true) }}',
     "[('A', 1), ('a', 0), ('b', 2), ('c', 3)]"),
    (False, "{{ mapping|dictsort(false, 'value') }} {{ mapping|dictsort(reverse=true) }}",
     "[('a', 0), ('A', 1), ('b', 2), ('c', 3)] [('c', 3), ('b', 2), ('A', 1), ('a', 0)]"),
    # escape
    (False, '{{ html|e }}|{{ html|escape }}|{{ html|safe|e }}|{{ html|forceescape }}|{{ html|safe|forceescape }}',
     "&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|<em>Tom & 'Jerry'</em>|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;"),
    (True, '{{ html }}|{{ html|e }}|{{ html|e|e }}|{{ html|forceescape }}|{{ html|safe|forceescape }}|{{ html|safe }}|{{ 3|e }}|{{ nothing|e }}',
     "&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|<em>Tom & 'Jerry'</em>|3|None"),
    # filesizeformat
    (False, '{{ 0|filesizeformat }} {{ 1|filesizeformat }} {{ 2|filesizeformat }} {{ 999|filesizeformat }} {{ 1000|filesizeformat }} {{ 1024|filesizeformat(true) }} {{ 1023|filesizeformat(true) }}',
     '0 Bytes 1 Byte 2 Bytes 999 Bytes 1.0 kB 1.0 KiB 1023 Bytes'),
    (False, "{{ 1500000|filesizeformat }} {{ 1e9|filesizeformat }} {{ 1e12|filesizeformat }} {{ (10**30)|filesizeformat }} {{ (2**80)|filesizeformat(true) }} {{ '2048'|filesizeformat(binary=true) }} {{ 1.0|filesizeformat }} {{ -5|filesizeformat }}",
     '1.5 MB 1.0 GB 1.0 TB 1000000.0 YB 1.0 YiB 2.0 KiB 1 Byte -5 Bytes'),
    # first / last / random
    (False, "{{ nums|first }} {{ nums|last }} {{ 'xyz'|first }} {{ 'xyz'|last }} {{ empty|first is defined }} {{ empty|last is defined }}",
     '3 6 x z False False'),
    (False, "{{ mapping|first }} {{ (nums|map('abs'))|first }}",
     'b 3'),
    (False, '{{ empty|first }}|{{ empty|last }}|{{ empty|random }}|{{ [7]|random }}',
     '|||7'),
    # float / int
    (False, "{{ '3.5'|float }} {{ 'x'|float }} {{ 'x'|float(1.5) }} {{ nothing|float }} {{ 3|float }} {{ '1e3'|float }} {{ ' 2 '|float }} {{ 'nan'|float }} {{ true|float }}",
     '3.5 0.0 1.5 0.0 3.0 1000.0 2.0 nan 1.0'),
    (False, "{{ '42'|int }} {{ '4.7'|int }} {{ 4.7|int }} {{ -4.7|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ '0x1A'|int(0, 16) }} {{ '1A'|int(base=16) }} {{ '0b101'|int(base=0) }} {{ '012'|int }} {{ nothing|int }} {{ true|int }} {{ ' 7 '|int }} {{ '1_000'|int }} {{ 'z'|int(base=16) }} {{ '3.9'|int(base=16) }}",
     '42 4 4 -4 0 -1 26 26 5 12 0 1 7 1000 0 3'),
    (False, "{{ 'inf'|int }}",
     '0'),
    # format
    (False, "{{ '%s - %s'|format('a', 2) }} {{ '%(x)s!'|format(x='y') }} {{ '%d%%'|format(5) }} {{ '%.2f'|format(3.14159) }}",
     'a - 2 y! 5% 3.14'),
    (True, "{{ '%s & %s'|format(html, html|safe) }}|{{ ('<b>%s</b>'|safe)|format(html) }}",
     '&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt; &amp; &lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|<b>&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;</b>'),
    # groupby
    (False, "{% for g in users|groupby('age') %}{{ g.grouper }}:{{ g.list|map(attribute='name')|join(',') }};{% endfor %}",
     '19:dave;25:Bob;31:alice,carol;'),
    (False, "{% for city, items in users|groupby('city', default='?') %}{{ city }}={{ items|length }};{% endfor %}",
     '?=1;berlin=1;Paris=2;'),
    (False, "{% for city, items in users|groupby('city', default='?', case_sensitive=true) %}{{ city }}={{ items|length }};{% endfor %}",
     '?=1;Paris=1;berlin=1;paris=1;'),
    (False, "{{ rows|groupby('n')|list }}",
     "[(1, [{'name': 'A', 'tags': ['z'], 'n': 1}]), (2, [{'name': 'b', 'tags': ['x', 'y'], 'n': 2}]), (3, [{'name': 'a', 'tags': [], 'n': 3}])]"),
    (False, "{% for g in rows|groupby('tags.0', default='none') %}{{ g.grouper }}:{{ g.list|length }} {% endfor %}",
     'none:1 x:1 z:1 '),
    (False, "{{ (users|groupby('age'))[0] }} {{ (users|groupby('age'))[0].grouper }} {{ (users|groupby('age'))[0][0] }}",
     "(19, [User('dave')]) 19 19"),
    # indent
    (False, '[{{ lines|indent }}]',
     '[one\n    two\n\n    three\n]'),
    (False, '[{{ lines|indent(2, true) }}]',
     '[  one\n  two\n\n  three\n]'),
    (False, '[{{ lines|indent(2, true, true) }}]',
     '[  one\n  two\n  \n  three\n  ]'),
    (False, "[{{ lines|indent('> ', blank=true) }}] [{{ 'x'|indent(first=true) }}] [{{ ''|indent(first=true) }}] [{{ 'a\\nb'|indent(0) }}]",
     '[one\n> two\n> \n> three\n> ] [    x] [    ] [a\nb]'),
    (True, "[{{ (html ~ '\\n' ~ html)|indent(2) }}] [{{ (html ~ '\\n' ~ html)|safe|indent('<>', true) }}]",
     "[&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;\n  &lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;] [<><em>Tom & 'Jerry'</em>\n<><em>Tom & 'Jerry'</em>]"),
    # items
    (False, '{% for k, v in mapping|items %}{{ k }}={{ v }},{% endfor %}|{% for k in missing|items %}x{% endfor %}|{{ mapping|items|list }}',
     "b=2,A=1,c=3,a=0,||[('b', 2), ('A', 1), ('c', 3), ('a', 0)]"),
    # join
    (False, "{{ nums|join }} {{ nums|join(', ') }} {{ users|join(', ', attribute='name') }} {{ rows|join('/', 'tags.0') }}|{{ []|join('x') }}",
     '31415926 3, 1, 4, 1, 5, 9, 2, 6 alice, Bob, carol, dave x/z/|'),
    (True, "{{ [html, 'a<b']|join(' & ') }}|{{ [html|safe, 'a<b']|join(' & ') }}|{{ ['x', 'y']|join('<br>'|safe) }}|{{ [html]|join('<br>'|safe) }}|{{ [1, 2]|join('&') }}",
     "&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt; &amp; a&lt;b|<em>Tom & 'Jerry'</em> &amp; a&lt;b|x<br>y|&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|1&amp;2"),
    (False, "{{ [html|safe, 'a<b']|join(' & ') }}|{{ ['x', 'y']|join('<br>'|safe) }}",
     "<em>Tom & 'Jerry'</em> & a<b|x<br>y"),
    # length / count / list
    (False, "{{ nums|length }} {{ 'abc'|count }} {{ mapping|length }} {{ missing|length }} {{ 'ab'|list }} {{ mapping|list }} {{ empty|list }}",
     "8 3 4 0 ['a', 'b'] ['b', 'A', 'c', 'a'] []"),
    # lower/upper/trim/string/wordcount
    (False, "{{ 'AbC'|lower }} {{ 'AbC'|upper }} [{{ '  x y  '|trim }}] [{{ 'xxhixx'|trim('x') }}] {{ 3|string }} {{ nothing|string }} {{ 'a b  c,d-e_f 3.5'|wordcount }} {{ ''|wordcount }}",
     'abc ABC [x y] [hi] 3 None 7 0'),
    (True, '{{ html|string }}|{{ html|safe|string }}|{{ html|safe|trim }}',
     "&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;|<em>Tom & 'Jerry'</em>|<em>Tom & 'Jerry'</em>"),
    # map
    (False, "{{ words|map('upper')|join }} {{ users|map(attribute='name')|join(',') }} {{ users|map(attribute='city', default='-')|join(',') }} {{ rows|map(attribute='tags.0')|list }}",
     "BAACC alice,Bob,carol,dave Paris,berlin,paris,- ['x', 'z', Undefined]"),
    (False, "{{ nums|map('string')|map('int')|sum }} {{ words|map('replace', 'a', 'Z')|join }} {{ [[1,2],[3]]|map('join', '+')|join(' ') }} {{ missing|map('upper')|list }} {{ nothing|map('upper')|list }}",
     '31 bAZCc 1+2 3 [] []'),
    # min / max / sum
    (False, "{{ nums|min }} {{ nums|max }} {{ words|min }} {{ words|max }} {{ words|max(case_sensitive=true) }} {{ words|min(true) }} {{ users|max(attribute='age') }} {{ users|min(attribute='name') }}",
     "1 9 A C c A User('alice') User('alice')"),
    (False, "{{ empty|min is defined }} {{ empty|max }}|{{ nums|sum }} {{ users|sum(attribute='age') }} {{ nums|sum(start=10) }} {{ [[1],[2]]|sum(start=[]) }} {{ rows|sum('n') }}",
     'False |31 106 41 [1, 2] 6'),
    # pprint
    (False, "{{ mapping|pprint }} {{ 'x'|pprint }} {{ nothing|pprint }}",
     "{'A': 1, 'a': 0, 'b': 2, 'c': 3} 'x' None"),
    (True, '{{ html|pprint }}',
     '&#34;&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;&#34;'),
    # select / reject
    (False, "{{ nums|select('odd')|list }} {{ nums|reject('odd')|list }} {{ [0, 1, '', 'a', none]|select|list }} {{ [0, 1, '', none]|reject|list }} {{ nums|select('gt', 3)|list }} {{ nums|select('in', [1, 9])|list }}",
     "[3, 1, 1, 5, 9] [4, 2, 6] [1, 'a'] [0, '', None] [4, 5, 9, 6] [1, 1, 9]"),
    (False, "{{ nums|select('divisibleby', 3)|list }} {{ nums|reject('equalto', 1)|list }} {{ missing|select('odd')|list }} {{ nothing|select('odd')|list }} {{ words|select('lower')|list }}",
     "[3, 9, 6] [3, 4, 5, 9, 2, 6] [] [] ['b', 'a', 'c']"),
    (False, "{{ users|selectattr('city')|map(attribute='name')|join(',') }} {{ users|rejectattr('city')|map(attribute='name')|join(',') }} {{ users|selectattr('age', 'gt', 20)|map(attribute='name')|join(',') }} {{ users|selectattr('city', 'defined')|list|length }} {{ rows|selectattr('tags.0', 'eq', 'z')|list }}",
     "alice,Bob,carol dave alice,Bob,carol 3 [{'name': 'A', 'tags': ['z'], 'n': 1}]"),
    (False, "{{ users|rejectattr('age', 'equalto', 31)|list }} {{ users|selectattr('name', 'upper')|list }}",
     "[User('Bob'), User('dave')] []"),
    # replace
    (False, "{{ 'aaa'|replace('a', 'b') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'aaa'|replace('a', 'b', 0) }} {{ 123|replace(2, 5) }}",
     'bbb bba aaa 153'),
    (True, "{{ html|replace('Tom', '<b>T</b>') }}|{{ html|replace('Tom', '<b>T</b>'|safe) }}|{{ html|safe|replace('Tom', '<b>T</b>') }}|{{ html|safe|replace('<em>'|safe, '<i>'|safe) }}|{{ html|replace('&', '+') }}",
     "&lt;em&gt;&lt;b&gt;T&lt;/b&gt; &amp; &#39;Jerry&#39;&lt;/em&gt;|&lt;em&gt;<b>T</b> &amp; &#39;Jerry&#39;&lt;/em&gt;|<em>&lt;b&gt;T&lt;/b&gt; & 'Jerry'</em>|<i>Tom & 'Jerry'</em>|&lt;em&gt;Tom + &#39;Jerry&#39;&lt;/em&gt;"),
    # On Markup, the text to find and the characters to strip are used as given.
    (True, "{{ html|safe|replace('<em>', '[') }}|{{ '&a&'|safe|trim('&') }}",
     "[Tom & 'Jerry'</em>|a"),
    (False, "{{ html|replace('Tom', '<b>T</b>'|safe) }}",
     "<em><b>T</b> & 'Jerry'</em>"),
    # reverse
    (False, "{{ 'abc'|reverse }} {{ nums|reverse|list }} {{ mapping|reverse|list }} {{ (nums|map('abs'))|reverse|list }} {{ (1, 2)|reverse|list }}",
     "cba [6, 2, 9, 5, 1, 4, 1, 3] ['a', 'c', 'A', 'b'] [6, 2, 9, 5, 1, 4, 1, 3] [2, 1]"),
    (True, '{{ html|reverse }}|{{ html|safe|reverse }}',
     "&gt;me/&lt;&#39;yrreJ&#39; &amp; moT&gt;me&lt;|>me/<'yrreJ' & moT>me<"),
    # round
    (False, "{{ 42.55|round }} {{ 42.55|round(1) }} {{ 42.55|round(1, 'floor') }} {{ 42.51|round(1, 'ceil') }} {{ 42|round }} {{ 2.5|round }} {{ 3.5|round }} {{ -1.5|round(0, 'floor') }} {{ 1234|round(-2) }} {{ 1234.5|round(-2, 'ceil') }} {{ 42.55|round|int }}",
     '43.0 42.5 42.5 42.6 42 2.0 4.0 -2.0 1200 1300.0 43'),
    # safe
    (True, '{{ html|safe }}|{{ 3|safe }}|{{ nothing|safe }}',
     "<em>Tom & 'Jerry'</em>|3|None"),
    # sort
    (False, "{{ nums|sort }} {{ nums|sort(true) }} {{ words|sort }} {{ words|sort(case_sensitive=true) }} {{ words|sort(reverse=true, case_sensitive=true) }} {{ users|sort(attribute='name')|map(attribute='name')|join(',') }}",
     "[1, 1, 2, 3, 4, 5, 6, 9] [9, 6, 5, 4, 3, 2, 1, 1] ['A', 'a', 'b', 'C', 'c'] ['A', 'C', 'a', 'b', 'c'] ['c', 'b', 'a', 'C', 'A'] alice,Bob,carol,dave"),
    (False, "{{ users|sort(attribute='age,name')|map(attribute='name')|join(',') }} {{ users|sort(attribute='age, name', reverse=true)|map(attribute='name')|join(',') }} {{ rows|sort(attribute='n,name')|map(attribute='name')|join }}",
     'dave,Bob,alice,carol alice,carol,Bob,dave Aba'),
    (False, "{{ mapping|sort }} {{ 'cba'|sort }}",
     "['A', 'a', 'b', 'c'] ['a', 'b', 'c']"),
    # striptags
    (False, "{{ '<p>a  <b>b</b>\\n c &amp; d &lt;e&gt;</p><!-- x -->'|striptags }}|{{ 'a <b'|striptags }}|{{ 3|striptags }}",
     'a b c & d <e>|a <b|3'),
    (True, "{{ '<p>x &amp; y</p>'|striptags }}|{{ '<p>x &amp; y</p>'|safe|striptags }}",
     'x &amp; y|x &amp; y'),
    # tojson
    (False, "{{ mapping|tojson }} {{ html|tojson }} {{ [1, 'a', none, true]|tojson }} {{ 'é'|tojson }}",
     '{"A": 1, "a": 0, "b": 2, "c": 3} "\\u003cem\\u003eTom \\u0026 \\u0027Jerry\\u0027\\u003c/em\\u003e" [1, "a", null, true] "\\u00e9"'),
    (False, '{{ mapping|tojson(2) }}',
     '{\n  "A": 1,\n  "a": 0,\n  "b": 2,\n  "c": 3\n}'),
    (True, "{{ {'k': html}|tojson }}|{{ nothing|tojson }}",
     '{"k": "\\u003cem\\u003eTom \\u0026 \\u0027Jerry\\u0027\\u003c/em\\u003e"}|null'),
    # truncate
    (False, "{{ text|truncate(20) }}|{{ text|truncate(20, true) }}|{{ text|truncate(20, false, '..') }}|{{ text|truncate(20, end='', killwords=true) }}|{{ 'short'|truncate(3) }}|{{ 'abcdefgh'|truncate(5) }}|{{ 'abcdefgh'|truncate(5, leeway=0) }}|{{ 'abcdefghijk'|truncate(5) }}|{{ text|truncate }}",
     'Lorem ipsum...|Lorem ipsum dolor...|Lorem ipsum dolor..|Lorem ipsum dolor si|short|abcdefgh|ab...|ab...|Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt'),
    (False, "{{ 'ab cd ef gh ij'|truncate(9, leeway=0) }}|{{ 'abcdefghijkl'|truncate(9, leeway=0) }}|{{ text|truncate(255) }}",
     'ab cd...|abcdef...|Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt'),
    (True, '{{ html|truncate(10, leeway=0) }}|{{ html|safe|truncate(10, true, leeway=0) }}',
     '&lt;em&gt;Tom...|<em>Tom...'),
    # unique
    (False, "{{ nums|unique|list }} {{ words|unique|list }} {{ words|unique(true)|list }} {{ users|unique(attribute='age')|map(attribute='name')|list }} {{ users|unique(attribute='city')|list }}",
     "[3, 1, 4, 5, 9, 2, 6] ['b', 'A', 'C'] ['b', 'A', 'a', 'C', 'c'] ['alice', 'Bob', 'dave'] [User('alice'), User('Bob'), User('dave')]"),
    # urlencode
    (False, "{{ 'a b/c&d?é'|urlencode }} {{ {'a b': 'c&d', 'x': 1}|urlencode }} {{ [('k', 'v/w'), ('z', none)]|urlencode }} {{ 42|urlencode }} {{ nothing|urlencode }}",
     'a%20b/c%26d%3F%C3%A9 a+b=c%26d&x=1 k=v%2Fw&z=None 42 None'),
    (True, "{{ '<a b>'|urlencode }}",
     '%3Ca%20b%3E'),
    # urlize
    (False, "{{ 'see http://x.com and www.y.org, or mail a@b.com.'|urlize }}",
     'see <a href="http://x.com" rel="noopener">http://x.com</a> and <a href="https://www.y.org" rel="noopener">www.y.org</a>, or mail <a href="mailto:a@b.com">a@b.com</a>.'),
    (False, "{{ 'http://example.com/long/path'|urlize(10) }}|{{ 'http://x.com'|urlize(nofollow=true) }}|{{ 'http://x.com'|urlize(target='_blank') }}|{{ 'http://x.com'|urlize(rel='ugc') }}",
     '<a href="http://example.com/long/path" rel="noopener">http://exa...</a>|<a href="http://x.com" rel="nofollow noopener">http://x.com</a>|<a href="http://x.com" rel="noopener" target="_blank">http://x.com</a>|<a href="http://x.com" rel="noopener ugc">http://x.com</a>'),
    (True, "{{ 'x <y> http://x.com/?a=1&b=2'|urlize }}|{{ 'tel:123 ftp://x'|urlize(extra_schemes=['tel:']) }}",
     'x &lt;y&gt; <a href="http://x.com/?a=1&amp;b=2" rel="noopener">http://x.com/?a=1&amp;b=2</a>|<a href="tel:123" rel="noopener">tel:123</a> ftp://x'),
    # wordwrap
    (False, '{{ text|wordwrap(20) }}',
     'Lorem ipsum dolor\nsit amet,\nconsectetur\nadipiscing elit, sed\ndo eiusmod tempor\nincididunt'),
    (False, "{{ text|wordwrap(20, wrapstring='<br>') }}|{{ 'abcdefghijklmnopqrstuvwxyz'|wordwrap(10) }}|{{ 'abcdefghijklmnopqrstuvwxyz'|wordwrap(10, false) }}|{{ 'a-b-c-d-e-f-g-h'|wordwrap(5) }}|{{ 'a-b-c-d-e-f-g-h'|wordwrap(5, break_on_hyphens=false) }}",
     'Lorem ipsum dolor<br>sit amet,<br>consectetur<br>adipiscing elit, sed<br>do eiusmod tempor<br>incididunt|abcdefghij\nklmnopqrst\nuvwxyz|abcdefghijklmnopqrstuvwxyz|a-b-\nc-d-\ne-f-\ng-h|a-b-c\n-d-e-\nf-g-h'),
    (False, "{{ 'para one is here\\n\\npara two\\nnext'|wordwrap(8) }}",
     'para one\nis here\n\npara two\nnext'),
    # xmlattr
    (False, "<p{{ {'class': 'x y', 'id': none, 'data-a': html, 'n': 3, 'm': missing}|xmlattr }}>|<p {{ {'a': 1}|xmlattr(false) }}>|{{ {}|xmlattr }}|",
     '<p class="x y" data-a="&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;" n="3">|<p a="1">||'),
    (True, "<p{{ {'class': html, 'b': html|safe}|xmlattr }}>",
     '<p class="&lt;em&gt;Tom &amp; &#39;Jerry&#39;&lt;/em&gt;" b="<em>Tom & \'Jerry\'</em>">'),
    (False, "{{ {'a\\u00a0b': 1, 'é': 2}|xmlattr }}",
     ' a\xa0b="1" é="2"'),
    # misc chains
    (False, "{{ users|map(attribute='name')|map('capitalize')|sort|join(', ') }}",
     'Alice, Bob, Carol, Dave'),
    (True, "{% for u in users|sort(attribute='name') %}<li{{ {'class': loop.cycle('odd', 'even')}|xmlattr }}>{{ u.name|title|truncate(4, true, '') }}</li>{% endfor %}",
     '<li class="odd">Alice</li><li class="even">Bob</li><li class="odd">Carol</li><li class="even">Dave</li>'),
    # extra edges
    (False, "{{ [[2, 'b'], [1, 'a'], [2, 'a']]|groupby(0)|list }} {{ [[2, 'b'], [1, 'a']]|sort(attribute=1) }} {{ [[2, 'b'], [1, 'a']]|sort(attribute='1') }}",
     "[(1, [[1, 'a']]), (2, [[2, 'b'], [2, 'a']])] [[1, 'a'], [2, 'b']] [[1, 'a'], [2, 'b']]"),
    (False, "{{ {1: 'b', 2: 'A'}|dictsort(by='value') }} {{ nums|batch(0)|list }} {{ nums|batch(-1)|list }}",
     "[(2, 'A'), (1, 'b')] [[], [3, 1, 4, 1, 5, 9, 2, 6]] [[3, 1, 4, 1, 5, 9, 2, 6]]"),
    (False, '{{ users|map(attribute=0)|list }}',
     '[Undefined, Undefined, Undefined, Undefined]'),
    (False, "{{ rows|map(attribute='tags.5', default='-')|list }} {{ rows|map(attribute='tags.5')|list }}",
     "['-', '-', '-'] [Undefined, Undefined, Undefined]"),
    (False, "{{ ['a', 'B', 'b', 'A']|unique|list }} {{ ['a', 'B', 'b', 'A']|unique(case_sensitive=true)|list }} {{ [1, '1', 1.0]|unique|list }}",
     "['a', 'B'] ['a', 'B', 'b', 'A'] [1, '1']"),
    (False, '{{ none|default(1, true) }} {{ missing|default(none) }} {{ missing|default(none)|default(2) }}',
     '1 None None'),
    (False, "{{ 12345678|filesizeformat(true) }} {{ '1.5'|filesizeformat }} {{ 0.5|filesizeformat }}",
     '11.8 MiB 1 Bytes 0 Bytes'),
    (False, "{{ 'x'|indent(true) }} {{ 'a\nb'|indent(-1) }}",
     'x a\nb'),
    (True, "{{ ''|urlize }}|{{ 'a@b.com'|urlize(target='_t', rel='r') }}|{{ 'www.a.com'|urlize(nofollow=true, rel='nofollow') }}",
     '|<a href="mailto:a@b.com">a@b.com</a>|<a href="https://www.a.com" rel="nofollow noopener">www.a.com</a>'),
    (False, '{{ none|tojson }} {{ (1, 2)|tojson }} {{ "\'"|tojson }} {{ 1.5|tojson(indent=1) }}',
     'null [1, 2] "\\u0027" 1.5'),
    (False, "{{ ''|wordwrap(5) }}|{{ '\n\n'|wordwrap(5) }}|",
     '|\n|'),
    (False, "{{ 'aa bb'|replace('', '-') }} {{ 'aa bb'|replace(' ', none) }} {{ none|replace('o', '0') }}",
     '-a-a- -b-b- aaNonebb N0ne'),
    (True, "{{ none|replace('o', '0') }} {{ 3|replace('3', '<3') }} {{ 3|replace('3', '<3'|safe) }}",
     'N0ne &lt;3 <3'),
    (False, '{{ mapping|items|first }} {{ mapping.items()|list|last }}',
     "('b', 2) ('a', 0)"),
    (True, "{{ users|join(', ') }}|{{ [none, 1]|join('<') }}",
     'User(&#39;alice&#39;), User(&#39;Bob&#39;), User(&#39;carol&#39;), User(&#39;dave&#39;)|None&lt;1'),
]


@pytest.mark.parametrize("autoescape, source, expected", OUTPUT_CASES)
def test_filter_output_matches_jinja(autoescape, source, expected):
    assert render(source, autoescape) == expected


# (template, exception, message): None means Python's own message, which varies by version.
ERROR_CASES = [
    ("{{ mapping|dictsort(by='other') }}", FilterArgumentError, 'You can only sort by either "key" or "value"'),
    ("{{ 'abc'|filesizeformat }}", ValueError, None),
    ("{{ (nums|map('abs'))|last }}", TypeError, None),
    ('{{ empty|first + 1 }}', UndefinedError, 'No first item, sequence was empty.'),
    ('{{ empty|last + 1 }}', UndefinedError, 'No last item, sequence was empty.'),
    ('{{ empty|random + 1 }}', UndefinedError, 'No random item, sequence was empty.'),
    ("{{ '%s %s'|format('a', x=1) }}", FilterArgumentError, "can't handle positional and keyword arguments at the same time"),
    ("{{ '%s %s'|format('a') }}", TypeError, None),
    ("{% for g in users|groupby('city') %}{{ g.grouper }};{% endfor %}", UndefinedError, f"'{User.__module__}.User object' has no attribute 'city'"),
    ('{{ nums|items|list }}', TypeError, 'Can only get item pairs from a mapping.'),
    ('{{ 3|length }}', TypeError, None),
    ('{{ words|map|list }}', FilterArgumentError, 'map requires a filter argument'),
    ("{{ users|map(attribute='name', x=1)|list }}", FilterArgumentError, "Unexpected keyword argument 'x'"),
    ("{{ words|map('nosuchfilter')|list }}", TemplateRuntimeError, "No filter named 'nosuchfilter'."),
    ('{{ empty|max + 1 }}', UndefinedError, 'No aggregated item, sequence was empty.'),
    ('{{ users|selectattr|list }}', FilterArgumentError, 'Missing parameter for attribute name'),
    ("{{ nums|select('nosuchtest')|list }}", TemplateRuntimeError, "No test named 'nosuchtest'."),
    ("{{ users|selectattr('nope', 'gt', 1)|list }}", UndefinedError, f"'{User.__module__}.User object' has no attribute 'nope'"),
    ('{{ 3|reverse }}', FilterArgumentError, 'argument must be iterable'),
    ("{{ 1.5|round(method='up') }}", FilterArgumentError, 'method must be common, ceil or floor'),
    ("{{ 'x'|round }}", TypeError, None),
    ("{{ users|sort(attribute='city')|list }}", UndefinedError, f"'{User.__module__}.User object' has no attribute 'city'"),
    ('{{ users|tojson }}', TypeError, 'Object of type User is not JSON serializable'),
    ("{{ 'x'|urlize(extra_schemes=['bad scheme']) }}", FilterArgumentError, "'bad scheme' is not a valid URI scheme prefix."),
    ("{{ {'a b': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a b'"),
    ("{{ {'a/': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a/'"),
    ("{{ {'a=': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a='"),
    ("{{ {'a>': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a>'"),
    ("{{ 'abcdef'|truncate(2) }}", FilterArgumentError, 'truncate: expected length >= 3, got 2'),
    ("{{ 'abcdef'|truncate(5, leeway=-1) }}", FilterArgumentError, 'truncate: expected leeway >= 0, got -1'),
    ('{{ nums|slice(0)|list }}', ZeroDivisionError, None),
    ("{{ [1, 2]|sum(attribute='x') }}", UndefinedError, "'int object' has no attribute 'x'"),
    ("{{ 'a'|center('x') }}", TypeError, None),
    ('{{ text|truncate(10.5) }}', TypeError, None),
    ("{{ 'x'|wordwrap(0) }}", ValueError, None),
]


@pytest.mark.parametrize("source, exception, message", ERROR_CASES)
def test_filter_errors_match_jinja(source, exception, message):
    with pytest.raises(exception) as error:
        render(source)
    if message is not None:
        assert str(error.value) == message


# -- The filter table ------------------------------------------------------------------


def test_every_filter_of_the_issue_is_registered():
    from microflask.jinja.filters import FILTERS

    names = (
        "abs attr attribute batch capitalize center count d default dictsort e escape filesizeformat first float"
        " forceescape format groupby indent int items join last length list lower map max min pprint random"
        " reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title"
        " tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr"
    ).split()
    assert sorted(FILTERS) == sorted(names)
    assert set(names) <= set(Environment().filters)


def test_attribute_is_an_alias_of_attr():
    assert render("{{ users[1]|attribute('age') }} {{ users[1]|attr('age') }}") == "25 25"


# -- Policies ------------------------------------------------------------------------


def test_truncate_leeway_comes_from_the_policy():
    env = Environment()
    env.policies["truncate.leeway"] = 0
    assert env.from_string("{{ 'abcdefgh'|truncate(5) }}").render() == "ab..."
    assert env.from_string("{{ 'abcdefgh'|truncate(5, leeway=5) }}").render() == "abcdefgh"


def test_tojson_uses_the_json_policies():
    env = Environment()
    assert env.from_string("{{ {'b': 1, 'a': '<&>'}|tojson }}").render() == '{"a": "\\u003c\\u0026\\u003e", "b": 1}'
    env.policies["json.dumps_kwargs"] = {"separators": (",", ":")}
    assert env.from_string("{{ {'b': [1, 2]}|tojson }}").render() == '{"b":[1,2]}'
    env.policies["json.dumps_function"] = lambda value, **kwargs: f"<{value}> with {','.join(sorted(kwargs))}"
    assert env.from_string("{{ 'x'|tojson(2) }}").render() == "\\u003cx\\u003e with indent,separators"


def test_tojson_output_is_safe_inside_a_script_tag():
    output = render("<script>var data = {{ html|tojson }};</script>", autoescape=True)
    assert output == '<script>var data = "\\u003cem\\u003eTom \\u0026 \\u0027Jerry\\u0027\\u003c/em\\u003e";</script>'


def test_urlize_uses_the_rel_target_and_scheme_policies():
    env = Environment()
    env.policies["urlize.rel"] = "ugc"
    env.policies["urlize.target"] = "_blank"
    env.policies["urlize.extra_schemes"] = ["tel:"]
    assert env.from_string("{{ 'http://x.com tel:1'|urlize }}").render() == (
        '<a href="http://x.com" rel="ugc" target="_blank">http://x.com</a> <a href="tel:1" rel="ugc" target="_blank">tel:1</a>'
    )


def test_wordwrap_joins_with_the_environment_newline_sequence():
    env = Environment(newline_sequence="\r\n")
    assert env.from_string("{{ 'aaa bbb ccc'|wordwrap(4) }}").render() == "aaa\r\nbbb\r\nccc"


# -- Filters that return objects -------------------------------------------------------


def test_groupby_groups_are_named_tuples():
    source = "{% for group in users|groupby('age') %}{{ group.grouper }}={{ group.list|length }} {% endfor %}"
    assert render(source) == "19=1 25=1 31=2 "
    assert render("{% for age, people in users|groupby('age') %}{{ age }}{% endfor %}") == "192531"


def test_random_picks_an_item_of_the_sequence():
    picks = {render("{{ nums|random }}") for _ in range(30)}
    assert picks <= {"1", "2", "3", "4", "5", "6", "9"}
    assert len(picks) > 1


def test_safe_and_escape_return_markup_that_autoescape_leaves_alone():
    assert render("{{ '<b>'|safe }}{{ '<i>'|e }}{{ '<u>' }}", autoescape=True) == "<b>&lt;i&gt;&lt;u&gt;"


def test_map_and_select_pass_the_context_to_custom_filters_and_tests():
    env = Environment()
    env.filters["shout"] = lambda value, suffix="!": value.upper() + suffix
    env.tests["short"] = lambda value, limit=3: len(value) <= limit
    source = "{{ words|select('short', 1)|map('shout', '?')|join(' ') }} {{ ['ab', 'abcd']|reject('short')|list }}"
    assert env.from_string(source).render(words=["a", "bb", "c"]) == "A? C? ['abcd']"
