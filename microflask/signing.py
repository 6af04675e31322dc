"""Signing: values that cannot be changed without the secret key (itsdangerous's role).

A ``Signer`` appends an HMAC of a value to it; ``TimestampSigner`` also signs
the time, so that old values can be refused; the URL-safe serializers turn
data into such signed text. The cookie session (``microflask.sessions``) is
the main user. Nothing here encrypts: anyone can read a signed value, only
the holder of the key can make or change one.
"""
from __future__ import annotations

import binascii
import json
import time
import typing as t
import zlib
from datetime import datetime, timezone

__all__ = [
    "BadData",
    "BadPayload",
    "BadSignature",
    "BadTimeSignature",
    "SignatureExpired",
    "Signer",
    "TimestampSigner",
    "URLSafeSerializer",
    "URLSafeTimedSerializer",
]

SecretKey = t.Union[str, bytes]
SecretKeys = t.Union[SecretKey, t.Iterable[SecretKey]]

# URL-safe base64 writes - and _ where standard base64 writes + and /.
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")

# The characters of URL-safe base64 (signatures, timestamps, payloads): a
# separator made of them could not be told apart from the signature.
_BASE64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")

# How far loads_unsafe inflates a compressed payload whose signature did not
# verify: anyone can send one, and a small zlib bomb must not fill memory.
_UNVERIFIED_INFLATE_LIMIT = 1 << 20


# -- errors -----------------------------------------------------------------------


class BadData(Exception):
    """Base class of every error raised when a signed value is refused."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadSignature(BadData):
    """The signature is missing or does not match the value.

    ``payload`` is the value that came with the bad signature (or None):
    untrusted, but sometimes useful for debugging.
    """

    def __init__(self, message: str, payload: t.Optional[bytes] = None) -> None:
        super().__init__(message)
        self.payload = payload


class BadTimeSignature(BadSignature):
    """A timestamped value is refused; ``date_signed`` says when it was signed, if readable."""

    def __init__(
        self, message: str, payload: t.Optional[bytes] = None, date_signed: t.Optional[datetime] = None
    ) -> None:
        super().__init__(message, payload)
        self.date_signed = date_signed


class SignatureExpired(BadTimeSignature):
    """The signature is good but older than ``max_age`` (or dated in the future)."""


class BadPayload(BadData):
    """The signature is good but the payload cannot be decoded; ``original_error`` says why."""

    def __init__(self, message: str, original_error: t.Optional[Exception] = None) -> None:
        super().__init__(message)
        self.original_error = original_error


# -- encoding helpers ---------------------------------------------------------------


def _want_bytes(value: t.Union[str, bytes]) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _b64encode(data: bytes) -> bytes:
    """URL-safe base64 without the ``=`` padding, which a URL or cookie would have to quote."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_URLSAFE)


def _b64decode(data: bytes) -> bytes:
    """The bytes of unpadded URL-safe base64 (characters outside the alphabet are skipped)."""
    try:
        return binascii.a2b_base64(data.translate(_FROM_URLSAFE) + b"=" * (-len(data) % 4))
    except binascii.Error as error:
        raise BadData("Invalid base64-encoded data") from error


def _sha1(data: bytes = b"") -> t.Any:
    """``hashlib.sha1(data)``, with hashlib imported on first use."""
    import hashlib  # heavy: it loads OpenSSL, which an app without sessions need not pay for

    return hashlib.sha1(data)


def _inflate_unverified(data: bytes) -> bytes:
    """Decompress at most ``_UNVERIFIED_INFLATE_LIMIT`` bytes (a longer result is cut short)."""
    return zlib.decompressobj().decompress(data, _UNVERIFIED_INFLATE_LIMIT)


# HMAC's inner and outer pads (RFC 2104) as byte translation tables: the key
# translated by one is the key XORed with that pad's byte, 0x36 or 0x5C.
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))

# A key's two HMAC hashes, each already fed its padded key: see _keyed_hashes.
KeyedHashes = t.Tuple[t.Any, t.Any]


def _keyed_hashes(key: bytes, digest_method: t.Callable[..., t.Any]) -> KeyedHashes:
    """The inner and outer hash of HMAC(``key``), each fed its padded key.

    HMAC(K, m) = H((K ^ opad) + H((K ^ ipad) + m)), with K padded with zero
    bytes to the hash's block size (hashed first if longer). Feeding the
    padded keys once and copying the two hashes for every message is what
    the ``hmac`` module does too, minus its Python wrapper around each step.
    """
    inner = digest_method()
    outer = digest_method()
    block_size = inner.block_size
    if len(key) > block_size:
        key = digest_method(key).digest()
    key = key.ljust(block_size, b"\0")
    inner.update(key.translate(_INNER_PAD))
    outer.update(key.translate(_OUTER_PAD))
    return inner, outer


def _signature(keyed_hashes: KeyedHashes, value: bytes) -> bytes:
    """The base64 HMAC of ``value`` under the key of ``keyed_hashes`` (``_b64encode`` inlined)."""
    inner, outer = keyed_hashes
    inner = inner.copy()
    inner.update(value)
    outer = outer.copy()
    outer.update(inner.digest())
    return binascii.b2a_base64(outer.digest(), newline=False).rstrip(b"=").translate(_TO_URLSAFE)


def _int_to_bytes(number: int) -> bytes:
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def _secret_key_list(secret_key: SecretKeys) -> t.List[bytes]:
    """The keys as bytes, the signing key first; refuses a missing or empty key."""
    if isinstance(secret_key, (str, bytes)):
        keys = [secret_key]
    else:
        try:
            keys = list(secret_key)
        except TypeError:
            raise TypeError(
                f"secret_key must be a str or bytes, or a list of them, not {type(secret_key).__name__}"
            ) from None
    if not keys:
        raise ValueError("secret_key is an empty list; at least one key is needed to sign")
    for key in keys:
        if not isinstance(key, (str, bytes)):
            raise TypeError(f"each secret key must be a str or bytes, not {type(key).__name__}")
    return [_want_bytes(key) for key in keys]


# -- signers ------------------------------------------------------------------------


class Signer:
    """Signs a value by appending ``sep`` and a base64 HMAC: ``b"value.signature"``.

    ``secret_key`` may be a list: the first key signs, and every key is
    accepted when verifying, which lets a key be replaced without
    invalidating what the old one signed. ``salt`` separates uses of one
    key (a token signed for one purpose is refused for another). The HMAC
    key is derived from secret key and salt by ``key_derivation``:
    ``"django-concat"`` (the default), ``"concat"``, ``"hmac"`` (what Flask
    uses for sessions) or ``"none"``; ``digest_method`` defaults to SHA-1.
    """

    default_digest_method: t.Callable[..., t.Any] = staticmethod(_sha1)
    default_key_derivation = "django-concat"

    def __init__(
        self,
        secret_key: SecretKeys,
        salt: t.Optional[t.Union[str, bytes]] = b"itsdangerous.Signer",
        sep: t.Union[str, bytes] = b".",
        key_derivation: t.Optional[str] = None,
        digest_method: t.Optional[t.Callable[..., t.Any]] = None,
    ) -> None:
        self.secret_keys = _secret_key_list(secret_key)
        self.sep = _want_bytes(sep)
        if not self.sep or any(byte in _BASE64_ALPHABET for byte in self.sep):
            raise ValueError(
                f"The separator {sep!r} cannot be used: it must be non-empty and must not contain"
                " ASCII letters, digits or '-_=', which may appear in the signature itself."
            )
        self.salt = b"itsdangerous.Signer" if salt is None else _want_bytes(salt)
        self.key_derivation = key_derivation or self.default_key_derivation
        self.digest_method = digest_method or self.default_digest_method
        import hmac  # heavy: it loads OpenSSL, which an app without sessions need not pay for

        self._compare_digest = hmac.compare_digest
        # Each key is derived and fed to its hashes once; every signature
        # then only copies them (see _keyed_hashes).
        self._keyed = [_keyed_hashes(self.derive_key(key), self.digest_method) for key in self.secret_keys]

    @property
    def secret_key(self) -> bytes:
        """The key that signs: the first of ``secret_keys``."""
        return self.secret_keys[0]

    def derive_key(self, secret_key: t.Optional[SecretKey] = None) -> bytes:
        """The HMAC key made from ``secret_key`` (default: the signing key) and the salt."""
        key = self.secret_keys[0] if secret_key is None else _want_bytes(secret_key)
        method = self.key_derivation
        if method == "concat":
            return self.digest_method(self.salt + key).digest()  # type: ignore[no-any-return]
        if method == "django-concat":
            return self.digest_method(self.salt + b"signer" + key).digest()  # type: ignore[no-any-return]
        if method == "hmac":
            import hmac  # heavy: see __init__

            return hmac.new(key, self.salt, self.digest_method).digest()
        if method == "none":
            return key
        raise TypeError(
            f"Unknown key derivation method {method!r}; expected 'django-concat', 'concat', 'hmac' or 'none'"
        )

    def get_signature(self, value: t.Union[str, bytes]) -> bytes:
        """The base64 signature of ``value`` made with the signing key."""
        return _signature(self._keyed[0], value.encode("utf-8") if isinstance(value, str) else value)

    def sign(self, value: t.Union[str, bytes]) -> bytes:
        """``value + sep + signature``."""
        value = _want_bytes(value)
        return value + self.sep + self.get_signature(value)

    def verify_signature(self, value: t.Union[str, bytes], sig: t.Union[str, bytes]) -> bool:
        """Whether ``sig`` is the signature of ``value`` under any of the keys.

        The signature text is compared, not its decoded bytes, so exactly one
        spelling is accepted; ``compare_digest`` takes as long whatever the
        first wrong character, so timing tells an attacker nothing.
        """
        if isinstance(value, str):
            value = value.encode("utf-8")
        if isinstance(sig, str):
            sig = sig.encode("utf-8")
        for keyed in self._keyed:
            if self._compare_digest(_signature(keyed, value), sig):
                return True
        return False

    def unsign(self, signed_value: t.Union[str, bytes]) -> bytes:
        """The value of ``signed_value``; ``BadSignature`` if it was not signed with our keys."""
        if isinstance(signed_value, str):
            signed_value = signed_value.encode("utf-8")
        value, sep, sig = signed_value.rpartition(self.sep)
        if not sep:
            raise BadSignature(f"No {self.sep!r} found in value")
        if self.verify_signature(value, sig):
            return value
        raise BadSignature(f"Signature {sig!r} does not match", payload=value)

    def validate(self, signed_value: t.Union[str, bytes]) -> bool:
        """Whether ``signed_value`` carries a good signature."""
        try:
            self.unsign(signed_value)
        except BadSignature:
            return False
        return True


class TimestampSigner(Signer):
    """A ``Signer`` that also signs the time: ``value.timestamp.signature``.

    ``unsign(value, max_age=seconds)`` then refuses values signed longer ago
    (``SignatureExpired``). The timestamp is whole seconds since the epoch,
    as big-endian bytes in base64.
    """

    def get_timestamp(self) -> int:
        """Now, in whole seconds since the epoch; override to sign with another clock."""
        return int(time.time())

    def timestamp_to_datetime(self, ts: int) -> datetime:
        """``ts`` as an aware UTC datetime."""
        return datetime.fromtimestamp(ts, tz=timezone.utc)

    # The last timestamp signed and its base64, replaced together (one
    # assignment, so threads never see a timestamp with another's text).
    _last_timestamp: t.Tuple[int, bytes] = (-1, b"")

    def sign(self, value: t.Union[str, bytes]) -> bytes:
        """``value + sep + timestamp + sep + signature``; the signature covers the timestamp."""
        timestamp = self.get_timestamp()
        last = self._last_timestamp
        if last[0] != timestamp:  # encoded once per second, however many values are signed in it
            last = self._last_timestamp = (timestamp, _b64encode(_int_to_bytes(timestamp)))
        if isinstance(value, str):
            value = value.encode("utf-8")
        value += self.sep + last[1]
        return value + self.sep + self.get_signature(value)

    def unsign(
        self, signed_value: t.Union[str, bytes], max_age: t.Optional[float] = None, return_timestamp: bool = False
    ) -> t.Union[bytes, t.Tuple[bytes, datetime]]:
        """The value, after checking the signature and, with ``max_age``, its age in seconds.

        ``return_timestamp=True`` returns ``(value, datetime signed)``. A bad
        signature raises ``BadTimeSignature``, too old (or a date in the
        future) ``SignatureExpired``; both are ``BadSignature``s.
        """
        try:
            result = super().unsign(signed_value)
            sig_error = None
        except BadSignature as error:
            sig_error = error
            result = error.payload or b""
        value, sep, ts_text = result.rpartition(self.sep)
        if not sep:
            if sig_error is not None:
                raise sig_error
            raise BadTimeSignature("timestamp missing", payload=result)
        try:
            timestamp: t.Optional[int] = int.from_bytes(_b64decode(ts_text), "big")
        except BadData:
            timestamp = None
        if sig_error is not None:
            date_signed = None if timestamp is None else self._date_signed(timestamp, value)
            raise BadTimeSignature(str(sig_error), payload=value, date_signed=date_signed)
        if timestamp is None:
            raise BadTimeSignature("Malformed timestamp", payload=value)
        if max_age is not None:
            age = self.get_timestamp() - timestamp
            if age > max_age:
                raise SignatureExpired(
                    f"Signature age {age} > {max_age} seconds",
                    payload=value,
                    date_signed=self._date_signed(timestamp, value),
                )
            if age < 0:
                raise SignatureExpired(
                    f"Signature age {age} < 0 seconds", payload=value, date_signed=self._date_signed(timestamp, value)
                )
        if return_timestamp:
            return value, self._date_signed(timestamp, value)
        return value

    def _date_signed(self, timestamp: int, value: bytes) -> datetime:
        try:
            return self.timestamp_to_datetime(timestamp)
        except (ValueError, OSError, OverflowError) as error:
            raise BadTimeSignature("Malformed timestamp", payload=value) from error

    def validate(self, signed_value: t.Union[str, bytes], max_age: t.Optional[float] = None) -> bool:
        """Whether ``signed_value`` carries a good signature no older than ``max_age``."""
        try:
            self.unsign(signed_value, max_age=max_age)
        except BadSignature:
            return False
        return True


# -- serializers --------------------------------------------------------------------


class _CompactJSON:
    """The default payload format: JSON without spaces, non-ASCII text kept as is."""

    @staticmethod
    def dumps(obj: t.Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def loads(text: t.Union[str, bytes]) -> t.Any:
        return json.loads(text)


class URLSafeSerializer:
    """Turns data into signed, URL- and cookie-safe text, and back: ``dumps`` / ``loads``.

    The data is serialised (compact JSON by default, or by ``serializer``, any
    object with ``dumps`` and ``loads``), zlib-compressed when that makes it
    shorter (marked by a leading ``.``), base64-encoded and signed.
    ``signer_kwargs`` go to the signer (``key_derivation``, ``digest_method``,
    ``sep``). The result is what itsdangerous makes from the same arguments.
    """

    default_signer: t.Type[Signer] = Signer

    def __init__(
        self,
        secret_key: SecretKeys,
        salt: t.Optional[t.Union[str, bytes]] = b"itsdangerous",
        serializer: t.Any = None,
        signer_kwargs: t.Optional[t.Dict[str, t.Any]] = None,
    ) -> None:
        self.secret_keys = _secret_key_list(secret_key)
        self.salt = None if salt is None else _want_bytes(salt)
        self.serializer = _CompactJSON if serializer is None else serializer
        self.signer_kwargs = signer_kwargs or {}
        self.is_text_serializer = isinstance(self.serializer.dumps({}), str)
        # Made once: the signer derives its keys when built.
        self._signer = self.default_signer(self.secret_keys, salt=self.salt, **self.signer_kwargs)

    def dump_payload(self, obj: t.Any) -> bytes:
        """``obj`` serialised, compressed if that helps, and base64-encoded (not signed)."""
        data = self.serializer.dumps(obj)
        if isinstance(data, str):
            data = data.encode("utf-8")
        # Every payload is compressed to see whether that helps, as in
        # itsdangerous. No cheap test could skip it: zlib adds 6 bytes (header
        # and checksum), so only a payload of 12 bytes or more can shrink at
        # all, but from there on a short repetitive one can, and only
        # compressing tells which ones do.
        compressed = zlib.compress(data)
        if len(compressed) < len(data) - 1:
            return b"." + _b64encode(compressed)
        return _b64encode(data)

    def load_payload(self, payload: bytes) -> t.Any:
        """The data ``dump_payload`` turned into ``payload``; ``BadPayload`` if it cannot be read."""
        return self._load_payload(payload, zlib.decompress)

    def _load_payload(self, payload: bytes, inflate: t.Callable[[bytes], bytes]) -> t.Any:
        compressed = payload.startswith(b".")
        try:
            data = _b64decode(payload[1:] if compressed else payload)
        except BadData as error:
            raise BadPayload("Could not base64 decode the payload", original_error=error) from error
        if compressed:
            try:
                data = inflate(data)
            except zlib.error as error:
                raise BadPayload("Could not zlib decompress the payload", original_error=error) from error
        try:
            if self.is_text_serializer:
                return self.serializer.loads(data.decode("utf-8"))
            return self.serializer.loads(data)
        except Exception as error:
            raise BadPayload(
                f"Could not load the payload: {type(error).__name__}: {error}", original_error=error
            ) from error

    def dumps(self, obj: t.Any) -> t.Union[str, bytes]:
        """``obj`` as signed text (str for a text serializer such as JSON, else bytes)."""
        signed = self._signer.sign(self.dump_payload(obj))
        return signed.decode("utf-8") if self.is_text_serializer else signed

    def loads(self, s: t.Union[str, bytes]) -> t.Any:
        """The data signed in ``s``; ``BadSignature`` or ``BadPayload`` if refused."""
        return self.load_payload(self._signer.unsign(s))

    def loads_unsafe(self, s: t.Union[str, bytes]) -> t.Tuple[bool, t.Any]:
        """``(True, data)`` if the signature is good, else ``(False, data or None)``.

        For debugging only: data whose signature failed is whatever a
        client sent. Never act on it.
        """
        try:
            return True, self.loads(s)
        except BadSignature as error:
            return False, self._unverified_payload(error)

    def _unverified_payload(self, error: BadSignature) -> t.Any:
        if error.payload is None:
            return None
        try:
            return self._load_payload(error.payload, _inflate_unverified)
        except BadPayload:
            return None


class URLSafeTimedSerializer(URLSafeSerializer):
    """A ``URLSafeSerializer`` that signs the time too: ``loads(s, max_age=seconds)``
    refuses data signed longer ago with ``SignatureExpired``."""

    default_signer: t.Type[Signer] = TimestampSigner

    def loads(  # type: ignore[override]
        self, s: t.Union[str, bytes], max_age: t.Optional[float] = None, return_timestamp: bool = False
    ) -> t.Any:
        """The data signed in ``s``, checked to be at most ``max_age`` seconds old;
        with ``return_timestamp``, ``(data, datetime signed)``."""
        signer: TimestampSigner = self._signer  # type: ignore[assignment]
        if return_timestamp:
            value, signed_at = signer.unsign(s, max_age=max_age, return_timestamp=True)  # type: ignore[misc]
            return self.load_payload(value), signed_at
        return self.load_payload(signer.unsign(s, max_age=max_age))  # type: ignore[arg-type]

    def loads_unsafe(  # type: ignore[override]
        self, s: t.Union[str, bytes], max_age: t.Optional[float] = None
    ) -> t.Tuple[bool, t.Any]:
        """``(True, data)`` if the signature is good and young enough, else ``(False, data or None)``."""
        try:
            return True, self.loads(s, max_age=max_age)
        except BadSignature as error:
            return False, self._unverified_payload(error)
