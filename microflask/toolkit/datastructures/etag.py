"""``ETags``: the entity tags of an ``If-Match`` or ``If-None-Match`` header.

``http.parse_etags`` builds one from the header; conditional-request code asks
it whether the current ETag is among them. Strong and weak tags are kept
apart, because If-Match compares strongly and If-None-Match weakly. It holds
unquoted tags only; quoting is ``http.quote_etag``'s job.
"""
from __future__ import annotations

import typing as t
from collections.abc import Container

from .._http_base import generate_etag, quote_etag, unquote_etag


class ETags(Container):  # type: ignore[type-arg]
    """A set of strong and weak entity tags, or ``*`` (any tag).

    >>> tags = ETags(["a"], ["b"])
    >>> tags.contains("a"), tags.contains("b"), tags.contains_weak("b")
    (True, False, True)
    """

    __slots__ = ("star_tag", "_strong", "_weak")

    def __init__(
        self,
        strong_etags: t.Optional[t.Iterable[str]] = None,
        weak_etags: t.Optional[t.Iterable[str]] = None,
        star_tag: bool = False,
    ) -> None:
        self.star_tag = star_tag
        # "*" matches every tag, so listing others beside it adds nothing.
        self._strong = frozenset(() if star_tag else strong_etags or ())
        self._weak = frozenset(weak_etags or ())

    def as_set(self, include_weak: bool = False) -> t.Set[str]:
        """The strong tags as a plain set, with the weak ones too if ``include_weak``."""
        tags = set(self._strong)
        if include_weak:
            tags.update(self._weak)
        return tags

    def is_weak(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is listed as a weak tag."""
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is listed as a strong tag."""
        return etag in self._strong

    def contains(self, etag: str) -> bool:
        """Strong comparison, as If-Match uses: a strong tag or ``*``."""
        return self.star_tag or etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Weak comparison, as If-None-Match uses: any tag, weak or strong, or ``*``."""
        return etag in self._weak or self.contains(etag)

    def contains_raw(self, etag: str) -> bool:
        """Like ``contains``, for a quoted tag: a weak one (``W/"x"``) compares weakly."""
        tag, weak = unquote_etag(etag)
        if tag is None:
            return False
        return self.contains_weak(tag) if weak else self.contains(tag)

    def to_header(self) -> str:
        """The header value: ``*`` or ``"a", W/"b"``."""
        if self.star_tag:
            return "*"
        tags = [quote_etag(tag) for tag in self._strong]
        tags.extend(quote_etag(tag, weak=True) for tag in self._weak)
        return ", ".join(tags)

    def __call__(
        self, etag: t.Optional[str] = None, data: t.Optional[bytes] = None, include_weak: bool = False
    ) -> bool:
        """Whether ``etag``, or the ETag of ``data``, matches (weakly if ``include_weak``)."""
        if etag is None:
            if data is None:
                raise TypeError("pass an 'etag' or the 'data' to hash into one")
            etag = generate_etag(data)
        elif data is not None:
            raise TypeError("pass either 'etag' or 'data', not both")
        return self.contains_weak(etag) if include_weak else self.contains(etag)

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._strong)

    def __len__(self) -> int:
        return len(self._strong)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"
