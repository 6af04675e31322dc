"""Header values as Python objects, and back: the HTTP grammar of the toolkit.

The request parses its headers with these on first access; the response
formats dates, cookies and ETags with them. Parsers answer untrusted text with
a value or ``None`` in linear time, never an exception. Bodies are not read here.
"""
from __future__ import annotations

import base64
import binascii
import re
import typing as t
import warnings
from datetime import datetime, timedelta, timezone
from time import time

# The header-value layer below this module and the datastructures. Its public
# names are re-exported: this module stands in for ``werkzeug.http``.
from ._http_base import (  # noqa: F401
    _MONTHS,
    _QUOTED,
    _TOKEN_CHARS,
    HTTP_STATUS_CODES,
    dump_header,
    dump_options_header,
    generate_etag,
    http_date,
    is_byte_range_valid,
    parse_options_header,
    quote_etag,
    quote_header_value,
    unquote_etag,
    unquote_header_value,
)
from .datastructures import (
    Accept,
    Authorization,
    ContentRange,
    ETags,
    HeaderSet,
    IfRange,
    MultiDict,
    Range,
    RequestCacheControl,
    WWWAuthenticate,
)
from .urls import iri_to_uri

if t.TYPE_CHECKING:  # pragma: no cover
    from .datastructures.cache_control import _CacheControl

    _AcceptT = t.TypeVar("_AcceptT", bound=Accept)
    _CacheControlT = t.TypeVar("_CacheControlT", bound=_CacheControl)

WSGIEnvironment = t.Dict[str, t.Any]


# -- parameters and lists -----------------------------------------------------

# One item of a comma list: runs of anything but commas and quotes, and
# quoted-strings, which may hold commas.
_LIST_ITEM_RE = re.compile(rf'(?:[^,"]+|{_QUOTED})+', re.DOTALL)


def _split_list(value: str) -> t.List[str]:
    """The non-empty, stripped items of a comma list, quotes left in place."""
    items = []
    for match in _LIST_ITEM_RE.finditer(value):
        item = match.group().strip()
        if item:
            items.append(item)
    return items


# Control characters (tab aside) are never valid in a header value.
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_WHOLE_QUOTED_RE = re.compile(r'"(?:[^"\\]|\\.)*"\Z', re.DOTALL)


def parse_list_header(value: str) -> t.List[str]:
    """Split a comma list, respecting quotes: ``'a, "b, c"'`` -> ``['a', 'b, c']``.

    Quoted items are unquoted. Empty items, items with control characters
    and broken quoted-strings are dropped.
    """
    result = []
    for item in _split_list(value):
        if _CONTROL_CHARS_RE.search(item):
            continue
        if item[0] == '"':
            if not _WHOLE_QUOTED_RE.match(item):
                continue
            item = unquote_header_value(item)
        result.append(item)
    return result


_DictT = t.TypeVar("_DictT", bound=t.Dict[str, t.Optional[str]])


@t.overload
def parse_dict_header(value: str) -> t.Dict[str, t.Optional[str]]:
    ...


@t.overload
def parse_dict_header(value: str, cls: t.Type[_DictT]) -> _DictT:
    ...


def parse_dict_header(value: str, cls: t.Type[t.Dict[str, t.Optional[str]]] = dict) -> t.Dict[str, t.Optional[str]]:
    """``'a=b, c="d, e", f'`` -> ``{'a': 'b', 'c': 'd, e', 'f': None}``.

    A key without ``=`` maps to ``None``; quoted values are unquoted. Items
    whose key is not a token are dropped.
    """
    result = cls()
    for item in _split_list(value):
        key, equals, item_value = item.partition("=")
        key = key.strip()
        if not key or not _TOKEN_CHARS.issuperset(key):
            continue
        result[key] = unquote_header_value(item_value.strip()) if equals else None
    return result


def parse_set_header(
    value: t.Optional[str], on_update: t.Optional[t.Callable[["HeaderSet"], None]] = None
) -> "HeaderSet":
    """A ``HeaderSet`` (a case-insensitive ordered set) from a comma list like ``Vary``."""
    return HeaderSet(parse_list_header(value) if value else None, on_update)


# -- content negotiation ------------------------------------------------------

# An RFC 9110 weight is 0 to 1 with up to three decimals; longer or larger
# numbers are tolerated (and capped at 1), anything else discards the item.
_QUALITY_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def parse_accept_header(value: t.Optional[str], cls: t.Optional[t.Type["_AcceptT"]] = None) -> "_AcceptT":
    """An ``Accept`` (or ``cls``) from ``text/html, text/*;q=0.5``.

    Parameters other than ``q`` stay part of the value (``text/html;level=1``).
    An item with an unreadable ``q`` is dropped rather than guessed at.
    """
    factory: t.Type[t.Any] = Accept if cls is None else cls
    if not value:
        return factory(None)
    result = []
    for item in _split_list(value):
        parsed = _parse_accept_item(item)
        if parsed is not None:
            result.append(parsed)
    return factory(result)


# What an Accept* value is: a token (gzip, en-US, utf-8, *) or type/subtype.
_ACCEPT_VALUE_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)?\Z")


def _parse_accept_item(item: str) -> t.Optional[t.Tuple[str, float]]:
    """``('text/html;level=1', 0.5)`` from ``text/html; level=1; q=0.5``, or ``None``."""
    accepted, _, params = item.partition(";")
    accepted = accepted.strip()
    if not _ACCEPT_VALUE_RE.match(accepted):
        return None
    if not params:
        return accepted, 1.0
    quality = 1.0
    kept = [accepted]
    for key, param in parse_options_header(";" + params)[1].items():
        if key != "q":
            kept.append(key if param is None else f"{key}={quote_header_value(param)}")
        elif param is not None and _QUALITY_RE.match(param):
            quality = min(float(param), 1.0)
        else:
            return None
    return ";".join(kept), quality


# -- caching ------------------------------------------------------------------


def parse_cache_control_header(
    value: t.Optional[str],
    on_update: t.Optional[t.Callable[[t.Any], None]] = None,
    cls: t.Optional[t.Type["_CacheControlT"]] = None,
) -> "_CacheControlT":
    """A ``RequestCacheControl`` (or ``cls``) from ``max-age=0, no-cache``.

    Directive names are matched case-insensitively; ``on_update`` is called
    with the object after each change (response cache controls only).
    """
    factory: t.Type[t.Any] = RequestCacheControl if cls is None else cls
    if not value:
        return factory(None, on_update)
    directives = {key.lower(): directive for key, directive in parse_dict_header(value).items()}
    return factory(directives, on_update)


# One entity tag of a comma list: optionally weak, quoted (commas allowed
# inside) or, from sloppy clients, bare. An item matching neither is skipped.
_ETAG_RE = re.compile(
    r'(?:\A|,)\s*(?P<weak>[Ww]/)?(?:"(?P<quoted>[^"\x00-\x1f\x7f]*)"|(?P<bare>[^,"\s\x00-\x1f\x7f]*))\s*(?=,|\Z)'
)


# What an entity tag may not contain: a quote would end it, and controls and
# spaces are never part of one.
_ETAG_UNSAFE_RE = re.compile(r'["\s\x00-\x1f\x7f]')


def parse_etags(value: t.Optional[str]) -> "ETags":
    """An ``ETags`` from ``If-Match``/``If-None-Match``: ``"a", W/"b"`` or ``*``."""
    if not value:
        return ETags()
    strong: t.List[str] = []
    weak: t.List[str] = []
    for match in _ETAG_RE.finditer(value):
        quoted = match.group("quoted")
        if quoted is None:
            bare = match.group("bare")
            if bare == "*":
                return ETags(star_tag=True)
            if not bare:
                continue
            quoted = bare
        (weak if match.group("weak") else strong).append(quoted)
    return ETags(strong, weak)


def parse_if_range_header(value: t.Optional[str]) -> "IfRange":
    """An ``IfRange`` holding either a date or an ETag, or neither."""
    if not value:
        return IfRange()
    parsed_date = parse_date(value)
    if parsed_date is not None:
        return IfRange(date=parsed_date)
    etag = unquote_etag(value)[0]
    if not etag or _ETAG_UNSAFE_RE.search(etag):
        return IfRange()
    return IfRange(etag)


def _as_utc_second(value: datetime) -> datetime:
    """An aware UTC datetime without microseconds; naive datetimes are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def _if_range_fails(
    value: str, etag: t.Optional[str], weak: t.Optional[bool], last_modified: t.Optional[datetime]
) -> bool:
    """Whether an If-Range validator no longer names the current representation."""
    if_range = parse_if_range_header(value)
    if if_range.date is not None:
        return last_modified is None or last_modified != _as_utc_second(if_range.date)
    # If-Range compares strongly: a weak tag on either side never allows a range.
    wanted, wanted_weak = unquote_etag(value)
    return etag is None or bool(weak) or bool(wanted_weak) or etag != wanted


def is_resource_modified(
    environ: WSGIEnvironment,
    etag: t.Optional[str] = None,
    data: t.Optional[bytes] = None,
    last_modified: t.Union[datetime, str, None] = None,
    ignore_if_range: bool = True,
) -> bool:
    """Whether a GET or HEAD must get the full response rather than a 304.

    ``etag`` (or ``data`` to hash into one) and ``last_modified`` describe the
    current resource. A matching ``If-None-Match`` means not modified, and
    when that header is sent ``If-Modified-Since`` is not consulted; dates are
    compared to the second. With ``ignore_if_range=False`` and a ``Range``
    header, an ``If-Range`` decides alone: "modified" then means the range
    must not be served. A failing ``If-Match`` also answers "not modified",
    so the caller can send a 412.
    """
    if data is not None:
        if etag is not None:
            raise TypeError("pass either 'etag' or 'data', not both")
        etag = generate_etag(data)
    weak = False
    if etag is not None:
        etag, weak = unquote_etag(etag)
    if isinstance(last_modified, str):
        last_modified = parse_date(last_modified)
    if last_modified is not None:
        last_modified = _as_utc_second(last_modified)

    if_range = environ.get("HTTP_IF_RANGE")
    if if_range and not ignore_if_range and environ.get("HTTP_RANGE"):
        return _if_range_fails(if_range, etag, weak, last_modified)

    if etag is not None:
        if_match = parse_etags(environ.get("HTTP_IF_MATCH"))
        if if_match:
            return not weak and if_match.contains(etag)
        if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
        if if_none_match:
            return not if_none_match.contains_weak(etag)
    modified_since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if modified_since is not None and last_modified is not None:
        return last_modified > modified_since
    return True


# -- ranges -------------------------------------------------------------------

# Byte positions longer than this are nonsense, and converting a megabyte of
# digits to an int takes quadratic time on Python 3.8.
_MAX_POSITION_DIGITS = 40
_POSITION_RE = re.compile(r"[0-9]{1,%d}\Z" % _MAX_POSITION_DIGITS)


def _parse_position(text: str) -> t.Optional[int]:
    text = text.strip()
    return int(text) if _POSITION_RE.match(text) else None


def parse_range_header(value: t.Optional[str], make_inclusive: bool = True) -> t.Optional["Range"]:
    """A ``Range`` from ``bytes=0-499, 1000-`` or ``bytes=-500``; ``None`` if invalid.

    Stops are made exclusive (``0-499`` becomes ``(0, 500)``), open ends are
    ``None`` and a suffix ``-500`` is ``(-500, None)``. Ranges must ascend
    without overlapping and a suffix range must come last, else the header is
    ignored. ``make_inclusive`` is accepted for Werkzeug compatibility; the
    stops are exclusive either way, as ``Range`` expects.
    """
    if not value:
        return None
    units, equals, ranges_text = value.partition("=")
    units = units.strip().lower()
    if not equals or not units or not _TOKEN_CHARS.issuperset(units):
        return None
    ranges: t.List[t.Tuple[int, t.Optional[int]]] = []
    # Where the next range may start; None once an open or suffix range ended the list.
    next_allowed: t.Optional[int] = 0
    for item in ranges_text.split(","):
        first_text, dash, last_text = item.partition("-")
        if not dash or next_allowed is None:
            return None
        if not first_text.strip():
            suffix = _parse_position(last_text)
            if not suffix:
                return None
            ranges.append((-suffix, None))
            next_allowed = None
            continue
        start = _parse_position(first_text)
        if start is None or start < next_allowed:
            return None
        if not last_text.strip():
            ranges.append((start, None))
            next_allowed = None
            continue
        last = _parse_position(last_text)
        if last is None or last < start:
            return None
        ranges.append((start, last + 1))
        next_allowed = last + 1
    return Range(units, ranges)


def parse_content_range_header(
    value: t.Optional[str], on_update: t.Optional[t.Callable[["ContentRange"], None]] = None
) -> t.Optional["ContentRange"]:
    """A ``ContentRange`` from ``bytes 0-499/1234``, ``bytes 0-499/*`` or ``bytes */1234``.

    ``None`` if the value is malformed or describes an impossible range.
    """
    if not value:
        return None
    units, _, range_text = value.strip().partition(" ")
    span, slash, length_text = range_text.strip().partition("/")
    if not slash or not units or not _TOKEN_CHARS.issuperset(units):
        return None
    length: t.Optional[int] = None
    if length_text.strip() != "*":
        length = _parse_position(length_text)
        if length is None:
            return None
    if span.strip() == "*":
        if length is None:
            return None
        return ContentRange(units, None, None, length, on_update=on_update)
    first_text, dash, last_text = span.partition("-")
    start = _parse_position(first_text)
    last = _parse_position(last_text)
    if not dash or start is None or last is None or not is_byte_range_valid(start, last + 1, length):
        return None
    if length is not None and last >= length:
        return None
    return ContentRange(units, start, last + 1, length, on_update=on_update)


# -- dates --------------------------------------------------------------------

# Dates are short; anything much longer is not one, and is not worth parsing.
_MAX_DATE_LENGTH = 100

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(_MONTHS, 1)}
_WEEKDAY = r"(?:[a-z]{3,9},?\s+)?"  # present in all three formats, but never needed
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_TIME = r"(?P<hour>\d\d?):(?P<minute>\d\d):(?P<second>\d\d)"
# RFC 9110 dates are always GMT; numeric offsets and UTC are read as well.
_ZONE = r"(?:\s*(?P<zone>gmt|utc|ut|z|[+-]\d{4}))?"
_DATE_FORMATS = [
    # IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
    re.compile(
        rf"{_WEEKDAY}(?P<day>\d\d?)[ -]{_MONTH}[ -](?P<year>\d{{4}}|\d\d)\s+{_TIME}{_ZONE}",
        re.IGNORECASE | re.ASCII,
    ),
    # asctime "Sun Nov  6 08:49:37 1994".
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+(?P<day>\d\d?)\s+{_TIME}\s+(?P<year>\d{{4}}){_ZONE}", re.IGNORECASE | re.ASCII),
]


def _full_year(year_text: str) -> int:
    year = int(year_text)
    if len(year_text) > 2:
        return year
    # RFC 9110: a two-digit year more than 50 years ahead is in the past century.
    this_year = datetime.now(timezone.utc).year
    year += this_year // 100 * 100
    return year - 100 if year > this_year + 50 else year


def _zone_offset(zone: t.Optional[str]) -> timedelta:
    if zone is None or zone[0] not in "+-":
        return timedelta(0)
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    return -offset if zone[0] == "-" else offset


def parse_date(value: t.Optional[str]) -> t.Optional[datetime]:
    """An aware UTC datetime from any of HTTP's three date formats, or ``None``.

    IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``), RFC 850
    (``Sunday, 06-Nov-94 08:49:37 GMT``) and asctime
    (``Sun Nov  6 08:49:37 1994``) are read, as are numeric zone offsets.
    Anything else, and impossible dates, give ``None``.
    """
    if not value or len(value) > _MAX_DATE_LENGTH:
        return None
    value = value.strip()
    for date_format in _DATE_FORMATS:
        match = date_format.fullmatch(value)
        if match is not None:
            break
    else:
        return None
    try:
        zone = timezone(_zone_offset(match.group("zone")))
        moment = datetime(
            _full_year(match.group("year")),
            _MONTH_NUMBERS[match.group("month").lower()],
            int(match.group("day")),
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second")),
            tzinfo=zone,
        )
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        # Day 31 of November, hour 25, an offset beyond a day, or a year
        # that leaves the range of datetime once moved to UTC.
        return None


_AGE_RE = re.compile(r"[0-9]{1,15}\Z")


def parse_age(value: t.Optional[str] = None) -> t.Optional[timedelta]:
    """The ``Age`` header (whole seconds) as a ``timedelta``, or ``None`` if invalid."""
    if not value:
        return None
    value = value.strip()
    if not _AGE_RE.match(value):
        return None
    try:
        return timedelta(seconds=int(value))
    except OverflowError:
        return None


def dump_age(age: t.Union[timedelta, int, None] = None) -> t.Optional[str]:
    """Whole seconds for the ``Age`` header from a ``timedelta`` or an int."""
    if age is None:
        return None
    seconds = int(age.total_seconds()) if isinstance(age, timedelta) else int(age)
    if seconds < 0:
        raise ValueError(f"an age cannot be negative, got {seconds} seconds")
    return str(seconds)


# -- cookies ------------------------------------------------------------------

# RFC 6265 cookie-octet: what a cookie value may hold without quotes.
_COOKIE_OCTETS = bytes([0x21, *range(0x23, 0x2C), *range(0x2D, 0x3B), *range(0x3C, 0x5C), *range(0x5D, 0x7F)])


def _cookie_escape_table() -> t.Tuple[str, ...]:
    """For each byte, how it is written inside a quoted cookie value.

    This is the escaping Python's ``http.cookies`` and Werkzeug use: printable
    ASCII as is, ``"`` and ``\\`` with a backslash, and everything else
    (controls, ``,``, ``;``, non-ASCII bytes) as a ``\\ooo`` octal escape.
    """
    table = []
    for byte in range(256):
        char = chr(byte)
        if char in '"\\':
            table.append("\\" + char)
        elif 0x20 <= byte < 0x7F and char not in ",;":
            table.append(char)
        else:
            table.append(f"\\{byte:03o}")
    return tuple(table)


_COOKIE_ESCAPES = _cookie_escape_table()

_COOKIE_UNESCAPE_RE = re.compile(rb"\\(?:([0-3][0-7][0-7])|(.))", re.DOTALL)

# What a cookie attribute value may not contain: the separators of the
# Set-Cookie grammar and every control character (CR and LF among them).
_UNSAFE_ATTRIBUTE_RE = re.compile(r"[;,\x00-\x1f\x7f]")

_SAMESITE_VALUES = ("Strict", "Lax", "None")


# A value made only of cookie-octets, sent as it is: the usual case, such as
# a session's base64, is recognised without encoding the str to bytes.
_BARE_COOKIE_VALUE_RE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")


def _quote_cookie_value(value: bytes) -> str:
    if not value.translate(None, _COOKIE_OCTETS):
        return value.decode("ascii")
    return '"' + "".join([_COOKIE_ESCAPES[byte] for byte in value]) + '"'


def _unquote_cookie_value(value: bytes) -> bytes:
    if len(value) < 2 or value[:1] != b'"' or value[-1:] != b'"':
        return value
    value = value[1:-1]
    if b"\\" not in value:
        return value

    def unescape(match: t.Match[bytes]) -> bytes:
        octal, char = match.groups()
        return bytes([int(octal, 8)]) if octal else char

    return _COOKIE_UNESCAPE_RE.sub(unescape, value)


def _check_cookie_attribute(name: str, value: str) -> str:
    if _UNSAFE_ATTRIBUTE_RE.search(value):
        raise ValueError(f"cookie {name} must not contain ';', ',' or control characters, got {value!r}")
    return value


def _cookie_expires(expires: t.Union[str, datetime, int, float]) -> str:
    if not isinstance(expires, str):
        return http_date(expires)
    moment = parse_date(expires)
    if moment is None:
        raise ValueError(f"cookie expires must be an HTTP date such as 'Thu, 01 Jan 1970 00:00:00 GMT', got {expires!r}")
    return http_date(moment)


# A path made only of these needs no percent-encoding.
_PLAIN_PATH_RE = re.compile(r"[A-Za-z0-9/._~!$&'()*+=:@%-]*\Z")


def _cookie_path(path: str) -> str:
    if _PLAIN_PATH_RE.match(path):  # none of these characters is unsafe
        return path
    _check_cookie_attribute("path", path)
    return iri_to_uri(path)


def _cookie_domain(domain: str) -> str:
    """The ``Domain`` attribute: port dropped, non-ASCII names IDNA-encoded, leading dot kept."""
    _check_cookie_attribute("domain", domain)
    host = domain.partition(":")[0]
    if host.isascii():
        return host
    dot = "." if host.startswith(".") else ""
    try:
        return dot + host.lstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"cookie domain {domain!r} is not a valid host name") from None


def dump_cookie(
    key: str,
    value: t.Union[str, bytes] = "",
    max_age: t.Union[timedelta, int, None] = None,
    expires: t.Union[str, datetime, int, float, None] = None,
    path: t.Optional[str] = "/",
    domain: t.Optional[str] = None,
    secure: bool = False,
    httponly: bool = False,
    charset: str = "utf-8",
    sync_expires: bool = True,
    max_size: int = 4093,
    samesite: t.Optional[str] = None,
) -> str:
    """A ``Set-Cookie`` header value.

    The value is sent bare when RFC 6265 allows it, else quoted with octal
    escapes, so that ``parse_cookie`` gives back any string. ``max_age`` is
    seconds or a ``timedelta``; with ``sync_expires`` it also sets
    ``Expires`` unless that is given. ``samesite`` is ``"Strict"``, ``"Lax"``
    or ``"None"``. A name or attribute that could break out of the header
    (``;``, ``,``, control characters) raises ``ValueError``. A cookie longer
    than ``max_size`` bytes (0 for no limit) is still made, with a warning,
    since browsers may drop it.
    """
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    if not key or not _TOKEN_CHARS.issuperset(key):
        raise ValueError(f"a cookie name must be a non-empty HTTP token (letters, digits, !#$%&'*+-.^_`|~), got {key!r}")
    if isinstance(value, str) and _BARE_COOKIE_VALUE_RE.fullmatch(value):
        parts = [f"{key}={value}"]
    else:
        parts = [f"{key}={_quote_cookie_value(value.encode(charset) if isinstance(value, str) else value)}"]

    if domain is not None:
        parts.append(f"Domain={_cookie_domain(domain)}")
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    if expires is not None:
        parts.append(f"Expires={_cookie_expires(expires)}")
    elif max_age is not None and sync_expires:
        parts.append(f"Expires={http_date(time() + max_age)}")
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    if secure:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if path is not None:
        parts.append("Path=/" if path == "/" else f"Path={_cookie_path(path)}")
    if samesite is not None:
        samesite = samesite.title()
        if samesite not in _SAMESITE_VALUES:
            raise ValueError(f"samesite must be 'Strict', 'Lax' or 'None', got {samesite!r}")
        parts.append(f"SameSite={samesite}")

    header = "; ".join(parts)
    if max_size and len(header) > max_size:
        warnings.warn(
            f"The {key!r} cookie is {len(header)} bytes long, over the limit of {max_size} bytes;"
            " browsers may silently ignore it.",
            UserWarning,
            stacklevel=2,
        )
    return header


def _header_bytes(value: str, charset: str) -> bytes:
    # A WSGI server hands header bytes over as latin-1 text; a string that
    # cannot be latin-1 was written by a person, so it is encoded as such.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode(charset)


# Charsets that decode ASCII bytes to the same text.
_ASCII_CHARSETS = frozenset(("utf-8", "utf8", "latin-1", "latin1", "iso-8859-1", "ascii"))

# What bytes.strip() removes: str.strip() would also remove \x1c-\x1f.
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"


def parse_cookie(
    header_or_environ: t.Union[str, bytes, WSGIEnvironment, None],
    charset: str = "utf-8",
    errors: str = "replace",
    cls: t.Optional[t.Type["MultiDict"]] = None,
) -> "MultiDict":
    """The cookies of a ``Cookie`` header (or of an environ's) as a ``MultiDict``.

    Quoted values are unquoted, names and values decoded with ``charset``.
    Pairs without a name (``=x``, or ``x`` alone) are dropped: a nameless
    cookie, which another site may be able to set, must never pass for a
    named one. Pairs are split on ``;`` only, as browsers send them.
    """
    if cls is None:
        cls = MultiDict
    header = header_or_environ
    if isinstance(header, dict):
        header = header.get("HTTP_COOKIE", "")
    if not header:
        return cls()
    pairs = []
    if isinstance(header, str) and header.isascii() and '"' not in header and charset in _ASCII_CHARSETS:
        # The usual header: ASCII without quoted values. Its pairs are cut
        # from the str, as encoding it and decoding each piece would give the
        # same text; str.strip is told which whitespace bytes.strip removes.
        for chunk in header.split(";"):
            name, equals, value = chunk.partition("=")
            name = name.strip(_ASCII_WHITESPACE)
            if equals and name:
                pairs.append((name, value.strip(_ASCII_WHITESPACE)))
        return cls(pairs)
    raw = _header_bytes(header, charset) if isinstance(header, str) else header
    for chunk in raw.split(b";"):
        name, equals, value = chunk.partition(b"=")
        name = name.strip()
        if not equals or not name:
            continue
        value = _unquote_cookie_value(value.strip())
        pairs.append((name.decode(charset, errors), value.decode(charset, errors)))
    return cls(pairs)


# -- authentication -----------------------------------------------------------

# RFC 7235 token68: the opaque credentials of Bearer and similar schemes.
_TOKEN68_RE = re.compile(r"[A-Za-z0-9\-._~+/]+=*\Z")

_DIGEST_REQUIRED = ("username", "realm", "nonce", "uri", "response")


def _parse_basic_credentials(encoded: str) -> t.Optional[t.Tuple[str, str]]:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # bad base64, or not UTF-8
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def parse_authorization_header(value: t.Optional[str]) -> t.Optional["Authorization"]:
    """An ``Authorization`` from the header of that name, or ``None``.

    ``Basic`` needs valid base64 of ``user:password``; ``Digest`` needs its
    required parameters; any other scheme carries either a token
    (``Bearer abc``) or parameters (``Scheme a=1, b=2``).
    """
    if not value:
        return None
    scheme, _, credentials = value.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if not scheme or not credentials or not _TOKEN_CHARS.issuperset(scheme):
        return None
    if scheme == "basic":
        user_password = _parse_basic_credentials(credentials)
        if user_password is None:
            return None
        return Authorization("basic", {"username": user_password[0], "password": user_password[1]})
    if scheme == "digest":
        params = parse_dict_header(credentials)
        if not all(params.get(key) for key in _DIGEST_REQUIRED):
            return None
        # With a qop, the client must say which request this is and its own nonce.
        if params.get("qop") and not (params.get("nc") and params.get("cnonce")):
            return None
        return Authorization("digest", params)
    if _TOKEN68_RE.match(credentials):
        return Authorization(scheme, token=credentials)
    return Authorization(scheme, parse_dict_header(credentials))


def parse_www_authenticate_header(
    value: t.Optional[str], on_update: t.Optional[t.Callable[["WWWAuthenticate"], None]] = None
) -> "WWWAuthenticate":
    """A ``WWWAuthenticate`` from a challenge such as ``Basic realm="x"``; empty if none."""
    scheme, _, params = (value or "").strip().partition(" ")
    if not scheme or not _TOKEN_CHARS.issuperset(scheme):
        return WWWAuthenticate(on_update=on_update)
    return WWWAuthenticate(scheme.lower(), parse_dict_header(params), on_update)


# -- header classes -----------------------------------------------------------

_ENTITY_HEADERS = frozenset(
    "allow content-encoding content-language content-length content-location"
    " content-md5 content-range content-type expires last-modified".split()
)
_HOP_BY_HOP_HEADERS = frozenset(
    "connection keep-alive proxy-authenticate proxy-authorization te trailer transfer-encoding upgrade".split()
)


def is_entity_header(header: str) -> bool:
    """Whether ``header`` describes the body (``Content-Type``, ``Expires``...)."""
    return header.lower() in _ENTITY_HEADERS


def is_hop_by_hop_header(header: str) -> bool:
    """Whether ``header`` concerns one connection only and must not be forwarded."""
    return header.lower() in _HOP_BY_HOP_HEADERS


def remove_entity_headers(
    headers: t.Any, allowed: t.Iterable[str] = ("expires", "content-location")
) -> None:
    """Remove the entity headers, except ``allowed``, from a list or ``Headers``, in place."""
    kept_anyway = {header.lower() for header in allowed}
    headers[:] = [
        (key, value) for key, value in headers if not is_entity_header(key) or key.lower() in kept_anyway
    ]


def remove_hop_by_hop_headers(headers: t.Any) -> None:
    """Remove the hop-by-hop headers from a list or ``Headers``, in place."""
    headers[:] = [(key, value) for key, value in headers if not is_hop_by_hop_header(key)]
