"""The bottom layer of header handling: what ``http`` and the datastructures both need.

Quoting a header value and reading one back, ``key=value`` parameters
(``text/html; charset=utf-8``), the Content-Type for a mimetype, entity tags,
byte-range checks, HTTP dates and the status line's reason phrases. ``microflask.toolkit.http`` parses whole
headers into datastructures and re-exports every public name here; the
datastructures (and the exceptions) format themselves with these. It imports
nothing from the toolkit, so nothing here can form an import cycle.
"""
from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping
from datetime import date, datetime, timezone
from urllib.parse import unquote_to_bytes

#: Status code -> reason phrase, as sent in the status line ("404 Not Found").
HTTP_STATUS_CODES: t.Dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    306: "Switch Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    449: "Retry With",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Failed",
}

# RFC 9110 "tchar": the characters a header token may use without quotes.
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# A quoted-string, backslash escapes included. An unterminated one runs to the
# end of the input instead of failing, so no caller ever rescans the rest: a
# failed match here is what would make hostile input quadratic.
_QUOTED = r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)'

_ESCAPED_CHAR_RE = re.compile(r"\\(.)", re.DOTALL)


# -- quoting ------------------------------------------------------------------


def quote_header_value(value: t.Any, allow_token: bool = True) -> str:
    """``value`` as it may appear in a header: bare if a token, else ``"quoted"``.

    >>> quote_header_value("utf-8"), quote_header_value("a b")
    ('utf-8', '"a b"')
    """
    value = str(value)
    if allow_token and value and _TOKEN_CHARS.issuperset(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def unquote_header_value(value: str, is_filename: bool = False) -> str:
    """Undo ``quote_header_value``: strip the quotes and resolve the escapes.

    Old browsers send file paths in quotes without escaping the backslashes;
    with ``is_filename`` a value that looks like a UNC path (``\\\\server``)
    keeps its backslashes.
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        if is_filename and value[:2] == "\\\\":
            return value
        if "\\" in value:
            return _ESCAPED_CHAR_RE.sub(r"\1", value)
    return value


def dump_header(iterable: t.Union[t.Mapping[str, t.Any], t.Iterable[t.Any]]) -> str:
    """A comma list from a list (``a, "b c"``) or a dict (``key=value, flag``).

    A dict value of ``None`` is written as a bare key.
    """
    if isinstance(iterable, Mapping):
        items = [key if value is None else f"{key}={quote_header_value(value)}" for key, value in iterable.items()]
    else:
        items = [quote_header_value(item) for item in iterable]
    return ", ".join(items)


def dump_options_header(header: t.Optional[str], options: t.Mapping[str, t.Any]) -> str:
    """``text/html; charset=utf-8`` from a value and its parameters.

    A parameter whose value is ``None`` is written as a bare key.
    """
    segments = [] if header is None else [header]
    for key, value in options.items():
        segments.append(key if value is None else f"{key}={quote_header_value(value)}")
    return "; ".join(segments)


# Textual types whose names do not start with "text/": they get a charset too.
_CHARSET_MIMETYPES = frozenset(
    {"application/ecmascript", "application/javascript", "application/sql", "application/xml",
     "application/xml-dtd", "application/xml-external-parsed-entity"}
)


def get_content_type(mimetype: str, charset: str) -> str:
    """The Content-Type for ``mimetype``, with ``; charset=`` for textual types."""
    if (
        mimetype.startswith("text/")
        or mimetype in _CHARSET_MIMETYPES
        or mimetype.endswith("+xml")
    ) and "charset" not in mimetype:
        return f"{mimetype}; charset={charset}"
    return mimetype


# -- parameters ---------------------------------------------------------------

# One ";key=value" parameter. The value is a quoted-string or anything up to
# the next ";"; both alternatives always succeed, keeping the scan linear.
_OPTION_RE = re.compile(
    rf"""
    ;\s*
    (?P<key>[^\s;="]+)
    \s*
    (?:=\s*(?P<value>{_QUOTED}|[^;]*))?
    """,
    re.VERBOSE | re.DOTALL,
)

# RFC 2231 parameter names: "title*" is percent-encoded with a charset,
# "title*0", "title*1" are the pieces of a value split into several.
_RFC2231_KEY_RE = re.compile(r"(?P<name>[^*]+)(?:\*(?P<index>[0-9]{1,4}))?(?P<encoded>\*)?")

# RFC 8187 asks recipients for UTF-8 and ISO-8859-1 only. Any other name is
# read as UTF-8: looking an attacker's charset name up in the codec registry
# would grow its cache with every new name.
_RFC2231_CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "us-ascii": "ascii",
    "ascii": "ascii",
}


def _decode_rfc2231_pieces(pieces: t.List[t.Tuple[bool, str]]) -> str:
    """Join the pieces of one RFC 2231 value; encoded ones are ``charset'lang'%xx``.

    Consecutive encoded pieces are decoded together, since one character's
    bytes may be split across two of them.
    """
    charset = "utf-8"
    text: t.List[str] = []
    pending = bytearray()
    for number, (encoded, value) in enumerate(pieces):
        if not encoded:
            text.append(pending.decode(charset, "replace"))
            pending.clear()
            text.append(value)
            continue
        if number == 0 and value.count("'") >= 2:
            declared, _language, value = value.split("'", 2)
            charset = _RFC2231_CHARSETS.get(declared.strip().lower(), "utf-8")
        pending += unquote_to_bytes(value)
    text.append(pending.decode(charset, "replace"))
    return "".join(text)


# "type/subtype" and at most one "; name=token" parameter: no quotes, no
# RFC 2231 "name*" forms, nothing for the general parser to decode.
_SIMPLE_OPTIONS_HEADER_RE = re.compile(
    r"([!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+)"
    r"(?:; ?([!#$%&'+.^_`|~0-9A-Za-z-]+)=([!#$%&'*+.^_`|~0-9A-Za-z-]+))?"
)


def parse_options_header(value: t.Optional[str]) -> t.Tuple[str, t.Dict[str, t.Optional[str]]]:
    """Split ``text/html; charset="utf-8"`` into ``("text/html", {"charset": "utf-8"})``.

    The value and the parameter names are lower-cased; quoted values are
    unquoted; RFC 2231 ``name*=UTF-8''%e2%82%ac`` values and ``name*0``
    continuations are decoded and win over a plain ``name``. A parameter
    without ``=`` maps to ``None``. Garbage is skipped, never raised.
    """
    if not value:
        return "", {}
    simple = _SIMPLE_OPTIONS_HEADER_RE.fullmatch(value)
    if simple is not None:  # the usual Content-Type: read without the general loop
        mimetype, key, option = simple.groups()
        return mimetype.lower(), ({} if key is None else {key.lower(): option})
    position = value.find(";")
    if position == -1:
        return value.strip().lower(), {}
    mimetype = value[:position].strip().lower()
    options: t.Dict[str, t.Optional[str]] = {}
    # name -> {index: (encoded, text)}, for the RFC 2231 forms.
    extended: t.Dict[str, t.Dict[int, t.Tuple[bool, str]]] = {}
    while position != -1:
        match = _OPTION_RE.match(value, position)
        if match is None:  # ";;" or "; =x": nothing usable before the next ";"
            position = value.find(";", position + 1)
            continue
        _add_option(match.group("key").lower(), match.group("value"), options, extended)
        position = value.find(";", match.end())
    for name, pieces in extended.items():
        options[name] = _decode_rfc2231_pieces([pieces[index] for index in sorted(pieces)])
    return mimetype, options


def _add_option(
    key: str,
    raw: t.Optional[str],
    options: t.Dict[str, t.Optional[str]],
    extended: t.Dict[str, t.Dict[int, t.Tuple[bool, str]]],
) -> None:
    name_match = _RFC2231_KEY_RE.fullmatch(key)
    if name_match is None or not (name_match.group("index") or name_match.group("encoded")):
        if raw is None:
            options[key] = None
        else:
            options[key] = unquote_header_value(raw.strip(), is_filename=key == "filename")
        return
    if raw is None:
        return
    name = name_match.group("name")
    index = int(name_match.group("index") or 0)
    extended.setdefault(name, {})[index] = (bool(name_match.group("encoded")), unquote_header_value(raw.strip()))


# -- entity tags --------------------------------------------------------------


def quote_etag(etag: str, weak: bool = False) -> str:
    """``"etag"`` (or ``W/"etag"``) for the ``ETag`` header.

    An entity tag cannot contain a double quote: that raises ``ValueError``.
    """
    if '"' in etag:
        raise ValueError(f"an ETag cannot contain a double quote, got {etag!r}")
    return f'W/"{etag}"' if weak else f'"{etag}"'


@t.overload
def unquote_etag(etag: str) -> t.Tuple[str, bool]:
    ...


@t.overload
def unquote_etag(etag: None) -> t.Tuple[None, None]:
    ...


def unquote_etag(etag: t.Optional[str]) -> t.Union[t.Tuple[str, bool], t.Tuple[None, None]]:
    """``('etag', is_weak)`` from ``"etag"`` or ``W/"etag"``; ``(None, None)`` for no value."""
    if not etag:
        return None, None
    etag = etag.strip()
    weak = etag[:2] in ("W/", "w/")
    if weak:
        etag = etag[2:]
    if len(etag) >= 2 and etag[0] == etag[-1] == '"':
        etag = etag[1:-1]
    return etag, weak


def generate_etag(data: bytes) -> str:
    """A strong ETag for a body: the SHA-1 hex digest of ``data``."""
    import hashlib  # heavy: it loads OpenSSL, and only generated ETags need it

    return hashlib.sha1(data).hexdigest()


# -- ranges -------------------------------------------------------------------


def is_byte_range_valid(start: t.Optional[int], stop: t.Optional[int], length: t.Optional[int]) -> bool:
    """Whether ``start``-``stop`` (stop exclusive) can describe bytes of a ``length``-byte body.

    ``start`` and ``stop`` are both given or both ``None``; ``length`` may be
    unknown (``None``).
    """
    if start is None or stop is None:
        # "bytes */1000" leaves both out; leaving out only one means nothing.
        return start is None and stop is None and (length is None or length >= 0)
    return 0 <= start < stop and (length is None or start < length)


# -- dates --------------------------------------------------------------------

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(timestamp: t.Union[datetime, date, int, float, None] = None) -> str:
    """The IMF-fixdate HTTP uses: ``'Sun, 06 Nov 1994 08:49:37 GMT'``.

    Takes a datetime (naive means UTC), a date (midnight UTC), seconds since
    the epoch, or ``None`` for now.
    """
    if timestamp is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(timestamp, datetime):
        moment = timestamp if timestamp.tzinfo is None else timestamp.astimezone(timezone.utc)
    elif isinstance(timestamp, date):
        moment = datetime(timestamp.year, timestamp.month, timestamp.day)
    else:
        moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year:04d}"
        f" {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )
