"""Content negotiation: the ``Accept*`` request headers as ranked lists.

``http.parse_accept_header`` turns ``text/html, */*;q=0.8`` into one of these;
a view then asks ``best_match(["application/json", "text/html"])`` which of
the forms it can produce the client prefers. Values are compared per header
family (mimetypes, languages, charsets); nothing here produces content.
"""
from __future__ import annotations

import typing as t
from encodings import normalize_encoding
from encodings.aliases import aliases as _codec_aliases

from .._http_base import parse_options_header
from .structures import ImmutableList

# One client entry, prepared for matching: (normalized value, quality, specificity).
_Entry = t.Tuple[t.Any, float, t.Tuple[t.Any, ...]]


class Accept(ImmutableList):
    """``(value, quality)`` pairs, best first: by quality, then by specificity.

    ``accept["gzip"]`` and ``quality("gzip")`` give the quality the client
    gives a value (0 if none); ``"gzip" in accept`` tells whether it is
    acceptable at all. The quality comes from the most specific matching
    entry, so ``*;q=1, gzip;q=0`` accepts anything but gzip. ``provided``
    is False when the header was absent.

    >>> accept = Accept([("gzip", 1), ("*", 0.5)])
    >>> accept.best_match(["br", "gzip"]), accept["br"]
    ('gzip', 0.5)
    """

    def __init__(
        self, values: t.Union["Accept", t.Iterable[t.Tuple[str, float]], None] = ()
    ) -> None:
        if values is None:
            super().__init__()
            self.provided = False
            self._entries: t.List[_Entry] = []
        elif type(values) is type(self):  # a copy: the entries are prepared already
            super().__init__(values)
            self.provided = values.provided
            self._entries = values._entries
        else:
            ranked = []
            for value, quality in values:
                normalized = self._normalize(value)
                ranked.append((value, quality, normalized, self._specificity(normalized)))
            # The sort is stable, so equally good values keep the client's order.
            ranked.sort(key=lambda item: (item[1], item[3]), reverse=True)
            super().__init__([(value, quality) for value, quality, _, _ in ranked])
            self.provided = values.provided if isinstance(values, Accept) else True
            self._entries = [(normalized, quality, specificity) for _, quality, normalized, specificity in ranked]

    # -- what subclasses define: how values of their family compare -------------

    def _normalize(self, value: str) -> t.Any:
        """The comparable form of a client's value; ``None`` if it can match nothing."""
        return value.strip().lower()

    def _normalize_offer(self, value: str) -> t.Any:
        """The comparable form of a value the application offers."""
        return self._normalize(value)

    def _specificity(self, normalized: t.Any) -> t.Tuple[t.Any, ...]:
        """Sorts more specific entries first: an exact value beats ``*``."""
        return (normalized != "*",)

    def _matches(self, offer: t.Any, entry: t.Any) -> bool:
        """Whether a client's (normalized) entry covers an offered (normalized) value."""
        return entry == "*" or entry == offer

    # -- matching ------------------------------------------------------------

    def _match(self, value: str) -> t.Optional[t.Tuple[float, t.Tuple[t.Any, ...]]]:
        """(quality, specificity) of the most specific entry covering ``value``, or None."""
        offer = self._normalize_offer(value)
        best = None
        for entry, quality, specificity in self._entries:
            if entry is not None and self._matches(offer, entry) and (best is None or specificity > best[1]):
                best = (quality, specificity)
        return best

    def _best_index(self, offers: t.Sequence[str]) -> t.Optional[int]:
        """The position of the offer the client likes best, or None if it likes none."""
        best_index = None
        best: t.Optional[t.Tuple[float, t.Tuple[t.Any, ...]]] = None
        for index, offer in enumerate(offers):
            match = self._match(offer)
            if match is not None and match[0] > 0 and (best is None or match > best):
                best_index, best = index, match
        return best_index

    def quality(self, key: str) -> float:
        """The quality the client gives ``key``: 0 if no entry covers it."""
        match = self._match(key)
        return 0 if match is None else match[0]

    def best_match(self, matches: t.Iterable[str], default: t.Optional[str] = None) -> t.Optional[str]:
        """Of the values the application can produce, the one the client likes best.

        Higher quality wins, then the more specific client entry, then the
        earlier offer. Values the client excludes with ``q=0`` are never
        chosen; ``default`` is returned when nothing is acceptable.
        """
        offers = list(matches)
        index = self._best_index(offers)
        return default if index is None else offers[index]

    @property
    def best(self) -> t.Optional[str]:
        """The client's favourite value, or None if the header is empty."""
        return self[0][0] if self else None

    def __getitem__(self, key: t.Any) -> t.Any:
        """``accept["text/html"]`` is its quality; an int or slice indexes the pairs."""
        if isinstance(key, str):
            return self.quality(key)
        return super().__getitem__(key)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return super().__contains__(value)
        match = self._match(value)
        return match is not None and match[0] > 0

    def index(self, key: t.Any, *args: t.Any) -> int:  # type: ignore[override]
        """The position of the first entry covering ``key``; ``ValueError`` if none."""
        if not isinstance(key, str):
            return super().index(key, *args)
        offer = self._normalize_offer(key)
        for position, (entry, _, _) in enumerate(self._entries):
            if entry is not None and self._matches(offer, entry):
                return position
        raise ValueError(f"{key!r} is not covered by any entry of {self.to_header()!r}")

    def find(self, key: t.Any) -> int:
        """Like ``index``, but -1 when no entry covers ``key``."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def values(self) -> t.Iterator[str]:
        """The values alone, best first."""
        return (value for value, _ in self)

    def to_header(self) -> str:
        """The header value, with ``;q=`` where the quality is not 1."""
        return ", ".join(value if quality == 1 else f"{value};q={quality:g}" for value, quality in self)

    def __str__(self) -> str:
        return self.to_header()


def _split_mimetype(value: str) -> t.Optional[t.Tuple[str, str, t.FrozenSet[t.Tuple[str, t.Any]]]]:
    """``('text', 'html', {('level', '1')})`` from ``text/html;level=1``; None if invalid."""
    mimetype, params = parse_options_header(value)
    if mimetype == "*":
        mimetype = "*/*"
    main, slash, sub = mimetype.partition("/")
    if not slash or not main or not sub or (main == "*" and sub != "*"):
        return None
    lowered = frozenset((key, param.lower() if param else param) for key, param in params.items())
    return main, sub, lowered


class MIMEAccept(Accept):
    """The ``Accept`` header: mimetypes with ``*/*`` and ``type/*`` wildcards.

    An entry with parameters (``text/html;level=1``) covers only offers
    carrying those parameters; one without covers any. An offered value
    that is not ``type/subtype`` is a programming error: ``ValueError``.
    """

    def _normalize(self, value: str) -> t.Any:
        return _split_mimetype(value)

    def _normalize_offer(self, value: str) -> t.Any:
        offer = _split_mimetype(value)
        if offer is None:
            raise ValueError(f"invalid mimetype {value!r}; expected 'type/subtype', such as 'text/html'")
        return offer

    def _specificity(self, normalized: t.Any) -> t.Tuple[t.Any, ...]:
        if normalized is None:
            return (False, False, 0)
        main, sub, params = normalized
        return (main != "*", sub != "*", len(params))

    def _matches(self, offer: t.Any, entry: t.Any) -> bool:
        entry_main, entry_sub, entry_params = entry
        offer_main, offer_sub, offer_params = offer
        if entry_main == "*" or offer_main == "*":
            return True
        if entry_main != offer_main:
            return False
        if entry_sub == "*" or offer_sub == "*":
            return True
        return entry_sub == offer_sub and entry_params <= offer_params

    @property
    def accept_html(self) -> bool:
        """Whether the client takes HTML (or XHTML)."""
        return "text/html" in self or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        """Whether the client takes XHTML."""
        return "application/xhtml+xml" in self or "application/xml" in self

    @property
    def accept_json(self) -> bool:
        """Whether the client takes JSON."""
        return "application/json" in self


def _primary_tag(language: str) -> str:
    """``en`` from ``en-US`` or ``en_US``."""
    return language.replace("_", "-").partition("-")[0]


class LanguageAccept(Accept):
    """The ``Accept-Language`` header: ``en-US`` and ``en_us`` are the same tag.

    When no offer matches exactly, ``best_match`` tries the primary tags:
    first the client's (``en-US`` accepts an offered ``en``), then the
    offers' (``en`` accepts an offered ``en-US``).
    """

    def _normalize(self, value: str) -> t.Any:
        return value.strip().replace("_", "-").lower()

    def best_match(self, matches: t.Iterable[str], default: t.Optional[str] = None) -> t.Optional[str]:
        offers = list(matches)
        index = self._best_index(offers)
        if index is not None:
            return offers[index]
        # The fallbacks never choose an offer the client named and refused (en;q=0).
        offers = [offer for offer in offers if not self._refuses(offer)]
        primaries = LanguageAccept([(_primary_tag(value), quality) for value, quality in self])
        index = primaries._best_index(offers)
        if index is None:
            index = self._best_index([_primary_tag(offer) for offer in offers])
        return default if index is None else offers[index]

    def _refuses(self, offer: str) -> bool:
        normalized = self._normalize_offer(offer)
        return any(entry == normalized and quality <= 0 for entry, quality, _ in self._entries)


class CharsetAccept(Accept):
    """The ``Accept-Charset`` header: ``UTF8``, ``utf-8`` and ``u8`` are the same charset.

    Names are compared through Python's codec aliases, without asking the
    codec registry (which would remember every made-up name a client sends).
    """

    def _normalize(self, value: str) -> t.Any:
        value = value.strip()
        if value == "*":
            return value
        name = normalize_encoding(value).lower()
        return _codec_aliases.get(name) or _codec_aliases.get(name.replace(".", "_")) or name
