"""The built-in filters: ``{{ value|name(args) }}`` calls ``FILTERS[name](value, *args)``.

The Environment copies ``FILTERS`` into ``env.filters``; a filter marked with
``pass_context``/``pass_eval_context``/``pass_environment`` gets that object
first. Filters are plain functions: they do no parsing, caching or output.
"""
from __future__ import annotations

import math
import re
import typing as t
from collections import abc
from itertools import chain, groupby

from ..markup import Markup, escape, soft_str
from .exceptions import FilterArgumentError
from .undefined import Undefined
from .utils import URI_SCHEME_PREFIX, pass_context, pass_environment, pass_eval_context
from .utils import urlize as _urlize

if t.TYPE_CHECKING:  # pragma: no cover
    from .environment import Environment
    from .runtime import Context, EvalContext

_WORD = re.compile(r"\w+")
_WORD_BEGINNING = re.compile(r"([-\s({\[<]+)")
# Characters that would end an XML attribute name and start something else.
_ATTRIBUTE_NAME_BREAKER = re.compile(r"[\s/>=]", flags=re.ASCII)


# --- Looking up attributes: "attribute='user.name'" ---------------------------


def _lowercase_strings(value: t.Any) -> t.Any:
    """The key used when comparing without case: strings lowered, others as they are."""
    return value.lower() if isinstance(value, str) else value


def _attribute_path(attribute: t.Any) -> t.List[t.Any]:
    """``"a.0.b"`` as ``["a", 0, "b"]``: digit parts index sequences."""
    if attribute is None:
        return []
    if isinstance(attribute, str):
        return [int(part) if part.isdigit() else part for part in attribute.split(".")]
    return [attribute]


def make_attrgetter(
    environment: "Environment",
    attribute: t.Any,
    postprocess: t.Optional[t.Callable[[t.Any], t.Any]] = None,
    default: t.Any = None,
) -> t.Callable[[t.Any], t.Any]:
    """A function reading ``attribute`` (dotted path allowed) of an item, as templates do.

    ``default`` replaces an undefined result; ``postprocess`` (lowering the
    case, say) is applied last. With no attribute the item itself is used.
    """
    path = _attribute_path(attribute)
    getitem = environment.getitem

    def getter(item: t.Any) -> t.Any:
        for part in path:
            item = getitem(item, part)
        if default is not None and isinstance(item, Undefined):
            item = default
        if postprocess is not None:
            item = postprocess(item)
        return item

    return getter


def make_multi_attrgetter(
    environment: "Environment",
    attribute: t.Any,
    postprocess: t.Optional[t.Callable[[t.Any], t.Any]] = None,
) -> t.Callable[[t.Any], t.List[t.Any]]:
    """Like ``make_attrgetter`` for a comma-separated list ``"last,first"``: returns a list."""
    if isinstance(attribute, str):
        paths = [_attribute_path(name) for name in attribute.split(",")]
    else:
        paths = [_attribute_path(attribute)]
    getitem = environment.getitem

    def getter(item: t.Any) -> t.List[t.Any]:
        keys = []
        for path in paths:
            value = item
            for part in path:
                value = getitem(value, part)
            if postprocess is not None:
                value = postprocess(value)
            keys.append(value)
        return keys

    return getter


# --- Strings ------------------------------------------------------------------


def do_capitalize(s: t.Any) -> str:
    """First character upper case, the rest lower case."""
    return soft_str(s).capitalize()


def do_title(s: t.Any) -> str:
    """Each word capitalised; a word starts after whitespace, ``-`` or an opening bracket."""
    return "".join(
        piece[0].upper() + piece[1:].lower() for piece in _WORD_BEGINNING.split(soft_str(s)) if piece
    )


def do_lower(s: t.Any) -> str:
    return soft_str(s).lower()


def do_upper(s: t.Any) -> str:
    return soft_str(s).upper()


def do_center(value: t.Any, width: int = 80) -> str:
    return soft_str(value).center(width)


def do_trim(value: t.Any, chars: t.Optional[str] = None) -> str:
    """Strip leading and trailing whitespace (or ``chars``)."""
    return soft_str(value).strip(chars)


def do_string(value: t.Any) -> str:
    """``str(value)``, keeping Markup as Markup."""
    return soft_str(value)


def do_striptags(value: t.Any) -> str:
    """Remove tags and comments, collapse whitespace and decode entities."""
    return Markup(str(value)).striptags()


def do_wordcount(s: t.Any) -> int:
    return len(_WORD.findall(soft_str(s)))


def do_format(value: t.Any, *args: t.Any, **kwargs: t.Any) -> str:
    """printf-style formatting: ``"%s, %s!"|format(greeting, name)``."""
    if args and kwargs:
        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    return soft_str(value) % (kwargs or args)


@pass_eval_context
def do_replace(eval_ctx: "EvalContext", s: t.Any, old: t.Any, new: t.Any, count: t.Optional[int] = None) -> str:
    """Replace ``old`` by ``new`` (the first ``count`` times). With autoescape,
    a Markup ``old`` or ``new`` makes the plain-text ``s`` escaped first."""
    if count is None:
        count = -1
    if not eval_ctx.autoescape:
        return str(s).replace(str(old), str(new), count)
    if (hasattr(old, "__html__") or hasattr(new, "__html__")) and not hasattr(s, "__html__"):
        s = escape(s)
    else:
        s = soft_str(s)
    return s.replace(soft_str(old), soft_str(new), count)


@pass_environment
def do_truncate(
    environment: "Environment",
    s: str,
    length: int = 255,
    killwords: bool = False,
    end: str = "...",
    leeway: t.Optional[int] = None,
) -> str:
    """Cut ``s`` to ``length`` characters (``end`` included), at a word boundary
    unless ``killwords``. Strings at most ``leeway`` over the length are kept."""
    if leeway is None:
        leeway = environment.policies["truncate.leeway"]
    if length < len(end):
        raise FilterArgumentError(f"truncate: expected length >= {len(end)}, got {length}")
    if leeway < 0:
        raise FilterArgumentError(f"truncate: expected leeway >= 0, got {leeway}")
    if len(s) <= length + leeway:
        return s
    if killwords:
        return s[: length - len(end)] + end
    return s[: length - len(end)].rsplit(" ", 1)[0] + end


@pass_environment
def do_wordwrap(
    environment: "Environment",
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: t.Optional[str] = None,
    break_on_hyphens: bool = True,
) -> str:
    """Wrap each paragraph of ``s`` at ``width`` columns, joining lines with
    ``wrapstring`` (the environment's newline sequence by default)."""
    import textwrap  # heavy: only the wordwrap filter needs it

    if wrapstring is None:
        wrapstring = environment.newline_sequence
    # textwrap ignores the newlines already there; wrapping each line on its
    # own keeps them where they were.
    return wrapstring.join(
        wrapstring.join(
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=break_long_words,
                break_on_hyphens=break_on_hyphens,
            )
        )
        for line in s.splitlines()
    )


def do_indent(s: str, width: t.Union[int, str] = 4, first: bool = False, blank: bool = False) -> str:
    """Indent every line but the first by ``width`` spaces (or by the string
    ``width``); ``first`` indents the first line too, ``blank`` empty lines too."""
    indentation = width if isinstance(width, str) else " " * width
    newline = "\n"
    if isinstance(s, Markup) and not isinstance(indentation, Markup):
        indentation = Markup(indentation)
        newline = Markup(newline)
    # The added newline makes a trailing newline of ``s`` survive splitlines().
    s += newline
    if blank:
        result = (newline + indentation).join(s.splitlines())
    else:
        lines = s.splitlines()
        result = lines.pop(0)
        if lines:
            result += newline + newline.join(indentation + line if line else line for line in lines)
    if first:
        result = indentation + result
    return result


@pass_eval_context
def do_urlize(
    eval_ctx: "EvalContext",
    value: str,
    trim_url_limit: t.Optional[int] = None,
    nofollow: bool = False,
    target: t.Optional[str] = None,
    rel: t.Optional[str] = None,
    extra_schemes: t.Optional[t.Iterable[str]] = None,
) -> str:
    """Turn URLs and e-mail addresses in ``value`` into links (the text is escaped).

    ``rel`` adds to the ``urlize.rel`` policy ("noopener"); ``nofollow`` adds
    "nofollow"; ``target`` and ``extra_schemes`` default to their policies.
    """
    policies = eval_ctx.environment.policies
    rel_words = set((policies["urlize.rel"] or "").split())
    if nofollow:
        rel_words.add("nofollow")
    rel_words.update((rel or "").split())
    if target is None:
        target = policies["urlize.target"]
    if extra_schemes is None:
        extra_schemes = policies["urlize.extra_schemes"] or ()
    for scheme in extra_schemes:
        if URI_SCHEME_PREFIX.fullmatch(scheme) is None:
            raise FilterArgumentError(f"{scheme!r} is not a valid URI scheme prefix.")
    result = _urlize(
        value,
        trim_url_limit=trim_url_limit,
        rel=" ".join(sorted(rel_words)) or None,
        target=target,
        extra_schemes=extra_schemes,
    )
    if eval_ctx.autoescape:
        return Markup(result)
    return result


# --- HTML ---------------------------------------------------------------------


def do_forceescape(value: t.Any) -> Markup:
    """Escape even a Markup value (its HTML is escaped again)."""
    if hasattr(value, "__html__"):
        value = value.__html__()
    return escape(str(value))


def do_mark_safe(value: t.Any) -> Markup:
    """Mark ``value`` as safe HTML: autoescape will leave it alone."""
    return Markup(value)


@pass_eval_context
def do_xmlattr(eval_ctx: "EvalContext", d: t.Mapping[str, t.Any], autospace: bool = True) -> str:
    """``{'class': 'x', 'id': None}`` as `` class="x"``: values escaped, None and
    undefined values left out. A key that would break the markup is an error."""
    attributes = []
    for key, value in d.items():
        if value is None or isinstance(value, Undefined):
            continue
        if _ATTRIBUTE_NAME_BREAKER.search(key) is not None:
            raise ValueError(f"Invalid character in attribute name: {key!r}")
        attributes.append(f'{escape(key)}="{escape(value)}"')
    result = " ".join(attributes)
    if autospace and result:
        result = " " + result
    if eval_ctx.autoescape:
        return Markup(result)
    return result


@pass_eval_context
def do_tojson(eval_ctx: "EvalContext", value: t.Any, indent: t.Optional[int] = None) -> Markup:
    """``value`` as JSON, safe inside HTML and ``<script>``: ``<>&'`` become \\u escapes."""
    import json  # heavy: only tojson needs it, and the engine alone does not load json

    policies = eval_ctx.environment.policies
    dumps = policies["json.dumps_function"] or json.dumps
    kwargs = policies["json.dumps_kwargs"]
    if indent is not None:
        kwargs = dict(kwargs, indent=indent)
    text = dumps(value, **kwargs)
    return Markup(
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    )


def _url_quote(value: t.Any, for_query: bool = False) -> str:
    from urllib.parse import quote_from_bytes  # heavy: only the urlencode filter needs it

    if not isinstance(value, bytes):
        value = str(value).encode("utf-8")
    if not for_query:
        return quote_from_bytes(value, "/")
    return quote_from_bytes(value, "").replace("%20", "+")


def do_urlencode(value: t.Any) -> str:
    """Percent-encode a string for a URL path, or a dict / pairs as a query string."""
    if isinstance(value, str) or not isinstance(value, abc.Iterable):
        return _url_quote(value)
    pairs = value.items() if isinstance(value, dict) else value
    return "&".join(f"{_url_quote(key, True)}={_url_quote(item, True)}" for key, item in pairs)


@pass_eval_context
def do_join(eval_ctx: "EvalContext", value: t.Iterable[t.Any], d: str = "", attribute: t.Any = None) -> str:
    """Concatenate the items (or their ``attribute``) with ``d`` between them.

    With autoescape, if the separator or any item is Markup, the plain items
    are escaped and the result is Markup.
    """
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    if not eval_ctx.autoescape:
        return str(d).join(map(str, value))
    if type(d) is not str and hasattr(d, "__html__"):
        return soft_str(d).join(map(soft_str, value))
    items = list(value)
    # The common case, plain strings only, needs no per-item __html__ probe.
    for item in items:
        if type(item) is not str:
            break
    else:
        return str(d).join(items)
    any_markup = False
    for index, item in enumerate(items):
        if hasattr(item, "__html__"):
            any_markup = True
        else:
            items[index] = str(item)
    if any_markup:
        return escape(d).join(items)
    return str(d).join(items)


# --- Numbers ------------------------------------------------------------------

_DECIMAL_UNITS = ("kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_BINARY_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def do_filesizeformat(value: t.Any, binary: bool = False) -> str:
    """A byte count for people: ``"13.0 kB"``; ``binary`` uses powers of 1024 (KiB)."""
    size = float(value)
    base = 1024 if binary else 1000
    if size == 1:
        return "1 Byte"
    if size < base:
        return f"{int(size)} Bytes"
    units = _BINARY_UNITS if binary else _DECIMAL_UNITS
    for power, unit in enumerate(units, start=2):
        limit = base**power
        if size < limit:
            break
    return f"{base * size / limit:.1f} {unit}"


def do_round(value: float, precision: int = 0, method: str = "common") -> float:
    """Round to ``precision`` digits: ``"common"`` rounds to nearest, ``"ceil"``
    always up, ``"floor"`` always down."""
    if method == "common":
        return round(value, precision)
    if method not in ("ceil", "floor"):
        raise FilterArgumentError("method must be common, ceil or floor")
    scale = 10**precision
    return getattr(math, method)(value * scale) / scale


def do_int(value: t.Any, default: int = 0, base: int = 10) -> int:
    """``value`` as an int ("3.7" gives 3), or ``default`` if it is not a number.
    ``base`` applies to strings: ``"0x1A"|int(base=16)``."""
    try:
        if isinstance(value, str):
            return int(value, base)
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return default


def do_float(value: t.Any, default: float = 0.0) -> float:
    """``value`` as a float, or ``default`` if it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


@pass_environment
def do_sum(environment: "Environment", iterable: t.Iterable[t.Any], attribute: t.Any = None, start: t.Any = 0) -> t.Any:
    """The sum of the items, or of their ``attribute``, plus ``start``."""
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    return sum(iterable, start)


# --- Missing values -----------------------------------------------------------


def do_default(value: t.Any, default_value: t.Any = "", boolean: bool = False) -> t.Any:
    """``default_value`` if ``value`` is undefined (or, with ``boolean``, false)."""
    if isinstance(value, Undefined) or (boolean and not value):
        return default_value
    return value


@pass_environment
def do_attr(environment: "Environment", obj: t.Any, name: str) -> t.Any:
    """The attribute ``name`` of ``obj``, never an item: ``getattr`` or undefined."""
    try:
        return getattr(obj, str(name))
    except AttributeError:
        return environment.undefined(obj=obj, name=name)


# --- Sequences ----------------------------------------------------------------


@pass_environment
def do_first(environment: "Environment", seq: t.Iterable[t.Any]) -> t.Any:
    for item in seq:
        return item
    return environment.undefined("No first item, sequence was empty.")


@pass_environment
def do_last(environment: "Environment", seq: t.Reversible[t.Any]) -> t.Any:
    """The last item; ``seq`` must be reversible (a list, not a generator)."""
    for item in reversed(seq):
        return item
    return environment.undefined("No last item, sequence was empty.")


@pass_context
def do_random(context: "Context", seq: t.Sequence[t.Any]) -> t.Any:
    import random  # heavy: only the random filter needs it

    try:
        return random.choice(seq)
    except IndexError:
        return context.environment.undefined("No random item, sequence was empty.")


def do_list(value: t.Iterable[t.Any]) -> t.List[t.Any]:
    return list(value)


def do_reverse(value: t.Any) -> t.Any:
    """A string reversed, or an iterator over the items from last to first."""
    if isinstance(value, str):
        return value[::-1]
    try:
        return reversed(value)
    except TypeError:
        try:
            items = list(value)
        except TypeError:
            raise FilterArgumentError("argument must be iterable") from None
        items.reverse()
        return items


def do_items(value: t.Any) -> t.Iterator[t.Tuple[t.Any, t.Any]]:
    """The ``(key, value)`` pairs of a mapping; nothing for an undefined value."""
    if isinstance(value, Undefined):
        return
    if not isinstance(value, abc.Mapping):
        raise TypeError("Can only get item pairs from a mapping.")
    yield from value.items()


def do_batch(value: t.Iterable[t.Any], linecount: int, fill_with: t.Any = None) -> t.Iterator[t.List[t.Any]]:
    """Lists of ``linecount`` items; the last one padded with ``fill_with`` if given."""
    batch: t.List[t.Any] = []
    for item in value:
        if len(batch) == linecount:
            yield batch
            batch = []
        batch.append(item)
    if batch:
        if fill_with is not None and len(batch) < linecount:
            batch += [fill_with] * (linecount - len(batch))
        yield batch


def do_slice(value: t.Iterable[t.Any], slices: int, fill_with: t.Any = None) -> t.Iterator[t.List[t.Any]]:
    """``slices`` columns of near-equal length; the shorter ones padded with ``fill_with`` if given."""
    seq = list(value)
    per_slice, with_extra = divmod(len(seq), slices)
    start = 0
    for number in range(slices):
        end = start + per_slice + (1 if number < with_extra else 0)
        column = seq[start:end]
        if fill_with is not None and number >= with_extra:
            column.append(fill_with)
        yield column
        start = end


@pass_environment
def do_sort(
    environment: "Environment",
    value: t.Iterable[t.Any],
    reverse: bool = False,
    case_sensitive: bool = False,
    attribute: t.Any = None,
) -> t.List[t.Any]:
    """The items sorted, by ``attribute`` if given (``"age,name"`` sorts by both)."""
    key = make_multi_attrgetter(environment, attribute, None if case_sensitive else _lowercase_strings)
    return sorted(value, key=key, reverse=reverse)


def do_dictsort(
    value: t.Mapping[t.Any, t.Any],
    case_sensitive: bool = False,
    by: str = "key",
    reverse: bool = False,
) -> t.List[t.Tuple[t.Any, t.Any]]:
    """The ``(key, value)`` pairs sorted by key (or by value with ``by="value"``)."""
    if by == "key":
        position = 0
    elif by == "value":
        position = 1
    else:
        raise FilterArgumentError('You can only sort by either "key" or "value"')

    def sort_key(pair: t.Tuple[t.Any, t.Any]) -> t.Any:
        item = pair[position]
        return item if case_sensitive else _lowercase_strings(item)

    return sorted(value.items(), key=sort_key, reverse=reverse)


@pass_environment
def do_unique(
    environment: "Environment",
    value: t.Iterable[t.Any],
    case_sensitive: bool = False,
    attribute: t.Any = None,
) -> t.Iterator[t.Any]:
    """The items without repeats (by ``attribute`` if given), first occurrence kept."""
    key = make_attrgetter(environment, attribute, None if case_sensitive else _lowercase_strings)
    seen = set()
    for item in value:
        item_key = key(item)
        if item_key not in seen:
            seen.add(item_key)
            yield item


def _min_or_max(
    environment: "Environment",
    value: t.Iterable[t.Any],
    choose: t.Callable[..., t.Any],
    case_sensitive: bool,
    attribute: t.Any,
) -> t.Any:
    items = iter(value)
    for first in items:
        key = make_attrgetter(environment, attribute, None if case_sensitive else _lowercase_strings)
        return choose(chain([first], items), key=key)
    return environment.undefined("No aggregated item, sequence was empty.")


@pass_environment
def do_min(environment: "Environment", value: t.Iterable[t.Any], case_sensitive: bool = False, attribute: t.Any = None) -> t.Any:
    return _min_or_max(environment, value, min, case_sensitive, attribute)


@pass_environment
def do_max(environment: "Environment", value: t.Iterable[t.Any], case_sensitive: bool = False, attribute: t.Any = None) -> t.Any:
    return _min_or_max(environment, value, max, case_sensitive, attribute)


class _GroupTuple(t.NamedTuple):
    """One group of ``groupby``: ``grouper`` is the shared value, ``list`` the items."""

    grouper: t.Any
    list: t.List[t.Any]

    # Printed as a plain tuple, as Jinja prints it.
    def __repr__(self) -> str:
        return tuple.__repr__(self)

    def __str__(self) -> str:
        return tuple.__str__(self)


@pass_environment
def do_groupby(
    environment: "Environment",
    value: t.Iterable[t.Any],
    attribute: t.Any,
    default: t.Any = None,
    case_sensitive: bool = False,
) -> t.List[_GroupTuple]:
    """The items grouped by ``attribute``, groups sorted by it; ``default`` stands
    in for items lacking it. Without case, the grouper is the first item's spelling."""
    key = make_attrgetter(environment, attribute, None if case_sensitive else _lowercase_strings, default)
    groups = [_GroupTuple(grouper, list(items)) for grouper, items in groupby(sorted(value, key=key), key)]
    if not case_sensitive:
        original = make_attrgetter(environment, attribute, default=default)
        groups = [_GroupTuple(original(items[0]), items) for _, items in groups]
    return groups


# --- Calling other filters and tests ------------------------------------------


@pass_context
def do_map(context: "Context", value: t.Iterable[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
    """Apply a filter to each item (``map('upper')``), or read an attribute of
    each (``map(attribute='name', default='-')``)."""
    if not args and "attribute" in kwargs:
        attribute = kwargs.pop("attribute")
        default = kwargs.pop("default", None)
        if kwargs:
            raise FilterArgumentError(f"Unexpected keyword argument {next(iter(kwargs))!r}")
        transform = make_attrgetter(context.environment, attribute, default=default)
    else:
        if not args:
            raise FilterArgumentError("map requires a filter argument")
        name, filter_args = args[0], args[1:]
        call_filter = context.environment.call_filter

        def transform(item: t.Any) -> t.Any:
            return call_filter(name, item, filter_args, kwargs, context=context)

    if value:
        for item in value:
            yield transform(item)


def _select_or_reject(
    context: "Context",
    value: t.Iterable[t.Any],
    args: t.Tuple[t.Any, ...],
    kwargs: t.Dict[str, t.Any],
    keep_when: bool,
    on_attribute: bool,
) -> t.Iterator[t.Any]:
    """The items for which the test (``bool`` if none is named) gives ``keep_when``."""
    if on_attribute:
        if not args:
            raise FilterArgumentError("Missing parameter for attribute name")
        subject = make_attrgetter(context.environment, args[0])
        args = args[1:]
    else:
        subject = None
    if args:
        name, test_args = args[0], args[1:]
        call_test = context.environment.call_test

        def test(item: t.Any) -> t.Any:
            return call_test(name, item, test_args, kwargs, context=context)

    else:
        test = bool  # type: ignore[assignment]
    if value:
        for item in value:
            if bool(test(item if subject is None else subject(item))) is keep_when:
                yield item


@pass_context
def do_select(context: "Context", value: t.Iterable[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
    """The items passing a test: ``select('odd')``; truthy items without a test."""
    return _select_or_reject(context, value, args, kwargs, True, False)


@pass_context
def do_reject(context: "Context", value: t.Iterable[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
    """The items failing a test: ``reject('none')``."""
    return _select_or_reject(context, value, args, kwargs, False, False)


@pass_context
def do_selectattr(context: "Context", value: t.Iterable[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
    """The items whose attribute passes a test: ``selectattr('active')``, ``selectattr('age', 'gt', 18)``."""
    return _select_or_reject(context, value, args, kwargs, True, True)


@pass_context
def do_rejectattr(context: "Context", value: t.Iterable[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
    """The items whose attribute fails a test."""
    return _select_or_reject(context, value, args, kwargs, False, True)


def do_pprint(value: t.Any) -> str:
    """The value pretty-printed, for debugging."""
    from pprint import pformat  # heavy: only the pprint filter needs it

    return pformat(value)


FILTERS: t.Dict[str, t.Callable[..., t.Any]] = {
    "abs": abs,
    "attr": do_attr,
    # The name for ``attr``; Jinja itself only knows "attr".
    "attribute": do_attr,
    "batch": do_batch,
    "capitalize": do_capitalize,
    "center": do_center,
    "count": len,
    "d": do_default,
    "default": do_default,
    "dictsort": do_dictsort,
    "e": escape,
    "escape": escape,
    "filesizeformat": do_filesizeformat,
    "first": do_first,
    "float": do_float,
    "forceescape": do_forceescape,
    "format": do_format,
    "groupby": do_groupby,
    "indent": do_indent,
    "int": do_int,
    "items": do_items,
    "join": do_join,
    "last": do_last,
    "length": len,
    "list": do_list,
    "lower": do_lower,
    "map": do_map,
    "max": do_max,
    "min": do_min,
    "pprint": do_pprint,
    "random": do_random,
    "reject": do_reject,
    "rejectattr": do_rejectattr,
    "replace": do_replace,
    "reverse": do_reverse,
    "round": do_round,
    "safe": do_mark_safe,
    "select": do_select,
    "selectattr": do_selectattr,
    "slice": do_slice,
    "sort": do_sort,
    "string": do_string,
    "striptags": do_striptags,
    "sum": do_sum,
    "title": do_title,
    "tojson": do_tojson,
    "trim": do_trim,
    "truncate": do_truncate,
    "unique": do_unique,
    "upper": do_upper,
    "urlencode": do_urlencode,
    "urlize": do_urlize,
    "wordcount": do_wordcount,
    "wordwrap": do_wordwrap,
    "xmlattr": do_xmlattr,
}
