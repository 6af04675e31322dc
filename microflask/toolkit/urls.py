"""Percent-encoding for paths and query strings.

Routing uses these to build URLs, the request to read its query string, and
the test client to encode the paths it is asked for. Thin wrappers over
``urllib.parse`` that agree on one charset and one set of safe characters.
"""
from __future__ import annotations

import typing as t
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

from .datastructures import MultiDict

# Characters that keep their meaning in a path or query and must not be
# quoted when turning an IRI into a URI (RFC 3986 reserved plus '%').
_URI_SAFE = "/:;=?@&$,+!*'()~%#[]"


def url_quote(string: t.Union[str, bytes, int], charset: str = "utf-8", errors: str = "strict", safe: str = "/:") -> str:
    """Percent-encode ``string`` (encoded with ``charset``), keeping ``safe``."""
    if not isinstance(string, (str, bytes, bytearray)):
        string = str(string)
    if isinstance(string, str):
        string = string.encode(charset, errors)
    return quote(bytes(string), safe=safe)


def url_quote_plus(string: t.Union[str, bytes, int], charset: str = "utf-8", errors: str = "strict", safe: str = "") -> str:
    """Like ``url_quote`` for query strings: spaces become ``+``."""
    if isinstance(string, str):
        return quote_plus(string, safe=safe, encoding=charset, errors=errors)
    if not isinstance(string, (bytes, bytearray)):
        return quote_plus(str(string), safe=safe, encoding=charset, errors=errors)
    return quote_plus(bytes(string), safe=safe)


def url_unquote(string: str, charset: str = "utf-8", errors: str = "replace") -> str:
    """Decode percent-escapes; invalid UTF-8 is replaced, never an error."""
    return unquote(string, encoding=charset, errors=errors)


def _pairs(obj: t.Any) -> t.List[t.Tuple[t.Any, t.Any]]:
    """``(key, value)`` pairs of a mapping, MultiDict or iterable; lists expanded."""
    if hasattr(obj, "getlist"):  # a MultiDict: every value, not just the first
        items = obj.items(multi=True)
    elif hasattr(obj, "items"):
        items = obj.items()
    else:
        items = obj
    pairs = []
    for key, value in items:
        if isinstance(value, (list, tuple)):
            pairs.extend((key, item) for item in value)
        else:
            pairs.append((key, value))
    return pairs


def _quote_query_part(value: t.Any, charset: str) -> str:
    if not isinstance(value, str):
        if isinstance(value, (bytes, bytearray)):
            return quote_plus(bytes(value), safe="")
        value = str(value)
    # Most keys and values (ids, page numbers, words) need no quoting, and
    # skipping quote_plus for them makes building URLs several times faster.
    if value.isalnum() and value.isascii():
        return value
    return quote_plus(value, safe="", encoding=charset)


def url_encode(obj: t.Any, charset: str = "utf-8", sort: bool = False, key: t.Optional[t.Callable] = None) -> str:
    """Encode a dict, a ``MultiDict`` or pairs as a query string.

    List and tuple values repeat the key; ``None`` values are left out.
    """
    pairs = _pairs(obj)
    if sort:
        pairs.sort(key=key)
    quote_part = _quote_query_part
    return "&".join(
        [f"{quote_part(k, charset)}={quote_part(v, charset)}" for k, v in pairs if v is not None]
    )


def url_decode(
    s: t.Union[str, bytes], charset: str = "utf-8", errors: str = "replace", cls: t.Optional[type] = None
) -> "MultiDict":
    """Parse a query string into a ``MultiDict`` (``cls``); blank values kept.

    Malformed escapes are left as they are and invalid UTF-8 is replaced, so
    no query string can make this raise.
    """
    if cls is None:
        cls = MultiDict
    if isinstance(s, bytes):
        s = s.decode("latin-1")
    pairs = []
    for field in s.split("&"):
        if field:
            key, _, value = field.partition("=")
            pairs.append((_unquote_query_part(key, charset, errors), _unquote_query_part(value, charset, errors)))
    return cls(pairs)


def _unquote_query_part(text: str, charset: str, errors: str) -> str:
    # Most keys and values hold no escapes; testing first skips unquote's
    # cost, which made urllib's parse_qsl several times slower than this.
    if "+" in text:
        text = text.replace("+", " ")
    if "%" in text:
        return unquote(text, encoding=charset, errors=errors)
    return text


def iri_to_uri(iri: str, charset: str = "utf-8", errors: str = "strict", safe_conversion: bool = False) -> str:
    """Turn an IRI (may hold non-ASCII) into an ASCII URI, quoting only what must be.

    With ``safe_conversion`` an IRI that is already printable ASCII without
    whitespace is returned unchanged.
    """
    if safe_conversion:
        try:
            ascii_iri = iri.encode("ascii")
        except UnicodeError:
            pass
        else:
            if len(ascii_iri.split()) == 1:
                return iri
    try:
        parts = urlsplit(iri)
    except ValueError:
        # A broken authority such as "http://[" (often a redirect target taken
        # from the query string): quote it whole, brackets too, so the result
        # is still an ASCII URI that urlsplit accepts.
        return quote(iri.encode(charset, errors), safe=_URI_SAFE.replace("[", "").replace("]", ""))
    netloc = parts.netloc
    if netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":") if not hostport.startswith("[") else (hostport, "", "")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host.encode(charset, errors), safe="")
        netloc = (quote(userinfo.encode(charset, errors), safe=":%") + "@" if userinfo else "") + host + colon + port
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path.encode(charset, errors), safe=_URI_SAFE),
            quote(parts.query.encode(charset, errors), safe=_URI_SAFE),
            quote(parts.fragment.encode(charset, errors), safe=_URI_SAFE),
        )
    )
