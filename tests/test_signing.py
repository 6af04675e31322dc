"""Signing (``microflask.signing``): signers, timestamps and URL-safe serializers.

The expected tokens were made by itsdangerous 2.2 from the same key, salt
and time, so a value signed by either library verifies in the other.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from datetime import datetime, timezone

import pytest

from conftest import SIGNED_AT, URLSAFE_ALPHABET
from microflask.signing import (
    BadData,
    BadPayload,
    BadSignature,
    BadTimeSignature,
    SignatureExpired,
    Signer,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

KEY = "secret-key"


def tampered_copies(token: str):
    """``token`` with each character in turn replaced by another URL-safe one."""
    for index, char in enumerate(token):
        if char in URLSAFE_ALPHABET:
            other = "A" if char != "A" else "B"
            yield token[:index] + other + token[index + 1:]


# -- Signer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key_derivation", "expected"),
    [
        ("django-concat", b"hello.CUETC0sFtbK_iFPkR_-UdQxONhs"),
        ("concat", b"hello.6Y-59VtaQCpPcPoRqj8JcpavNKY"),
        ("hmac", b"hello.T0A8FTYOfNWUrMJGFUJ6FDPgEr8"),
        ("none", b"hello.J5rb-6R5G3Md2aC4ofFuty27aR0"),
    ],
)
def test_signatures_match_itsdangerous_for_each_key_derivation(key_derivation, expected):
    signer = Signer(KEY, salt="my-salt", key_derivation=key_derivation)
    assert signer.sign("hello") == expected
    assert signer.unsign(expected) == b"hello"


def test_signer_defaults_and_options_match_itsdangerous():
    assert Signer(KEY).sign("hello") == b"hello.GIG_I5genEs4rf1bcDRWLO8Yso4"
    assert Signer(KEY, salt=None).sign("hello") == b"hello.GIG_I5genEs4rf1bcDRWLO8Yso4"
    assert Signer(KEY, sep="~").sign("hello") == b"hello~GIG_I5genEs4rf1bcDRWLO8Yso4"
    assert (
        Signer(KEY, digest_method=hashlib.sha256).sign(b"hello")
        == b"hello.upm5Ld0GfGoOMfOmRUKFct3MLmwAZ0b_6KKIrXsA3Jo"
    )


def test_a_digest_method_that_is_not_a_plain_named_hash():
    def blake2b_160(data=b""):
        return hashlib.blake2b(data, digest_size=20)

    assert Signer(KEY, digest_method=blake2b_160).sign("hello") == b"hello._313ST6WT9DbehkpAAH-JQJ_ybY"


@pytest.mark.parametrize("length", [1, 63, 64, 65, 100, 200])
@pytest.mark.parametrize("digest", [hashlib.sha1, hashlib.sha256, hashlib.sha512])
def test_signatures_are_the_hmac_of_the_value_for_keys_of_any_length(length, digest):
    # Keys longer than the hash's block are hashed first, as HMAC requires.
    key = bytes(range(length))
    signer = Signer(key, key_derivation="none", digest_method=digest)

    expected = base64.urlsafe_b64encode(hmac.new(key, b"value", digest).digest()).rstrip(b"=")
    assert signer.get_signature("value") == expected


def test_str_and_bytes_keys_and_values_are_the_same():
    assert Signer(KEY.encode()).sign(b"hello") == Signer(KEY).sign("hello")


def test_get_signature_and_verify_signature():
    signer = Signer(KEY)
    signature = signer.get_signature("hello")
    assert signature == b"GIG_I5genEs4rf1bcDRWLO8Yso4"
    assert signer.verify_signature("hello", signature)
    assert not signer.verify_signature("hellO", signature)
    assert not signer.verify_signature("hello", "not base64 at all!")


def test_unsign_refuses_a_wrong_signature_and_keeps_the_payload():
    with pytest.raises(BadSignature) as caught:
        Signer(KEY).unsign("hello.GIG_I5genEs4rf1bcDRWLO8YsoX")
    assert caught.value.payload == b"hello"
    assert "does not match" in str(caught.value)


def test_unsign_without_separator_says_so():
    with pytest.raises(BadSignature, match="No b'.' found in value") as caught:
        Signer(KEY).unsign("hello")
    assert caught.value.payload is None


def test_a_value_signed_with_another_key_or_salt_is_refused():
    token = Signer(KEY).sign("hello")
    assert not Signer("other-key").validate(token)
    assert not Signer(KEY, salt="other-salt").validate(token)
    assert Signer(KEY).validate(token)


def test_every_changed_character_is_refused():
    token = Signer(KEY).sign("a value worth protecting").decode()
    signer = Signer(KEY)
    copies = list(tampered_copies(token))
    assert len(copies) > 40
    for copy in copies:
        assert not signer.validate(copy), copy


def test_only_the_canonical_spelling_of_a_signature_is_accepted():
    # The last of 27 base64 characters carries 2 bits and 4 padding bits:
    # itsdangerous accepts 16 spellings of it; the text comparison only one.
    token = Signer(KEY).sign("hello").decode()
    last = token[-1]
    twin = URLSAFE_ALPHABET[URLSAFE_ALPHABET.index(last) ^ 1]
    assert base64.urlsafe_b64decode(token[-27:] + "=") == base64.urlsafe_b64decode(token[-27:-1] + twin + "=")
    assert not Signer(KEY).validate(token[:-1] + twin)


def test_a_list_of_keys_signs_with_the_first_and_verifies_with_all():
    rotated = Signer(["new-key", "old-key"])
    assert rotated.sign("hello") == Signer("new-key").sign("hello")
    assert rotated.secret_key == b"new-key"
    assert rotated.unsign(Signer("old-key").sign("hello")) == b"hello"
    assert not rotated.validate(Signer("forgotten-key").sign("hello"))


def test_derive_key_for_a_given_key():
    signer = Signer(["new-key", "old-key"], salt="s", key_derivation="none")
    assert signer.derive_key() == b"new-key"
    assert signer.derive_key("old-key") == b"old-key"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"secret_key": None}, TypeError, "not NoneType"),
        ({"secret_key": 42}, TypeError, "str or bytes, or a list of them, not int"),
        ({"secret_key": []}, ValueError, "empty list"),
        ({"secret_key": ["ok", 5]}, TypeError, "not int"),
        ({"secret_key": KEY, "sep": "a"}, ValueError, "separator 'a' cannot be used"),
        ({"secret_key": KEY, "sep": ""}, ValueError, "non-empty"),
        ({"secret_key": KEY, "key_derivation": "rot13"}, TypeError, "Unknown key derivation method 'rot13'"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        Signer(**kwargs)


# -- TimestampSigner ------------------------------------------------------------------


def test_timestamp_signature_matches_itsdangerous(clock):
    signer = TimestampSigner(KEY)
    token = signer.sign("hello")
    assert token == b"hello.ZVPxAA.UQx3EIPGLNk6IyY28rz4wwlRRWI"
    assert signer.unsign(token) == b"hello"
    signed_at = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert signer.unsign(token, return_timestamp=True) == (b"hello", signed_at)


def test_each_signature_carries_the_second_it_was_made_in(clock):
    signer = TimestampSigner(KEY)
    first = signer.sign("hello")
    clock.now = SIGNED_AT + 1
    second = signer.sign("hello")
    clock.now = SIGNED_AT
    third = signer.sign("hello")

    assert first == third != second
    assert signer.unsign(second, return_timestamp=True)[1] == datetime.fromtimestamp(SIGNED_AT + 1, timezone.utc)


def test_max_age_refuses_old_values(clock):
    signer = TimestampSigner(KEY)
    token = signer.sign("hello")
    clock.now = SIGNED_AT + 60
    assert signer.unsign(token, max_age=60) == b"hello"
    assert signer.validate(token, max_age=60)
    clock.now = SIGNED_AT + 61
    with pytest.raises(SignatureExpired, match="Signature age 61 > 60 seconds") as caught:
        signer.unsign(token, max_age=60)
    assert caught.value.payload == b"hello"
    assert caught.value.date_signed == datetime.fromtimestamp(SIGNED_AT, timezone.utc)
    assert not signer.validate(token, max_age=60)


def test_a_value_signed_in_the_future_is_refused(clock):
    token = TimestampSigner(KEY).sign("hello")
    clock.now = SIGNED_AT - 5
    with pytest.raises(SignatureExpired, match="Signature age -5 < 0 seconds"):
        TimestampSigner(KEY).unsign(token, max_age=100)


def test_a_plain_signature_has_no_timestamp():
    with pytest.raises(BadTimeSignature, match="timestamp missing") as caught:
        TimestampSigner(KEY).unsign(Signer(KEY).sign("hello"))
    assert caught.value.payload == b"hello"


def test_a_bad_timestamped_signature_tells_when_it_claims_to_be_from(clock):
    token = TimestampSigner(KEY).sign("hello").decode()
    with pytest.raises(BadTimeSignature, match="does not match") as caught:
        TimestampSigner("other-key").unsign(token)
    assert caught.value.payload == b"hello"
    assert caught.value.date_signed == datetime.fromtimestamp(SIGNED_AT, timezone.utc)


def test_a_validly_signed_but_malformed_timestamp_is_refused():
    signer = TimestampSigner(KEY)
    for timestamp in ["A", "_" * 20]:  # not base64; a date past the year 9999
        token = Signer.sign(signer, f"hello.{timestamp}")  # a good signature with the right key
        with pytest.raises(BadTimeSignature, match="Malformed timestamp"):
            signer.unsign(token, return_timestamp=True)


def test_timestamp_to_datetime_is_utc():
    assert TimestampSigner(KEY).timestamp_to_datetime(0) == datetime(1970, 1, 1, tzinfo=timezone.utc)


# -- URL-safe serializers ---------------------------------------------------------------


def test_serializer_output_matches_itsdangerous():
    assert URLSafeSerializer(KEY).dumps([1, "é", None]) == "WzEsIsOpIixudWxsXQ.VxwzuklMJ8dYTZl54dHivvtErSY"
    assert URLSafeSerializer(KEY, salt="activate").dumps({"id": 5}) == "eyJpZCI6NX0.etfoJzOnbTdKrTWvEKBdjUWkEyk"


def test_timed_serializer_output_matches_itsdangerous(clock):
    serializer = URLSafeTimedSerializer(KEY)
    token = serializer.dumps({"user": "ana", "id": 7})
    assert token == "eyJ1c2VyIjoiYW5hIiwiaWQiOjd9.ZVPxAA.QatCeercVFNejTtUYb73ymuXVsQ"
    compressed = serializer.dumps({"items": ["abc"] * 30})
    assert compressed == ".eJyrVsosSc0tVrKKVkpMSlbSGVJkbC0AkpkzuQ.ZVPxAA.9F7_eCKBDsRhF9LnHwO4yGqU0P0"
    assert serializer.loads(compressed) == {"items": ["abc"] * 30}


def test_round_trip_of_json_values():
    serializer = URLSafeSerializer(KEY)
    for value in [None, True, 3, 2.5, "text ✓", [1, [2]], {"nested": {"a": [1, None]}}]:
        assert serializer.loads(serializer.dumps(value)) == value


def test_output_is_url_safe_text():
    token = URLSafeSerializer(KEY).dumps({"q": "?&=/+ ünïcode"})
    assert isinstance(token, str)
    assert set(token) <= set(URLSAFE_ALPHABET + ".")


def test_compression_only_when_shorter():
    serializer = URLSafeSerializer(KEY)
    assert not serializer.dumps({"a": 1}).startswith(".")
    assert serializer.dumps("x" * 200).startswith(".")


def test_loads_refuses_a_token_for_another_salt_or_key():
    token = URLSafeSerializer(KEY, salt="activate").dumps({"id": 5})
    with pytest.raises(BadSignature):
        URLSafeSerializer(KEY, salt="reset-password").loads(token)
    with pytest.raises(BadSignature):
        URLSafeSerializer("other-key", salt="activate").loads(token)


def test_every_changed_character_of_a_token_is_refused(clock):
    serializer = URLSafeTimedSerializer(KEY)
    token = serializer.dumps({"user": "ana", "admin": False})
    for copy in tampered_copies(token):
        with pytest.raises(BadSignature):
            serializer.loads(copy)


@pytest.mark.parametrize("payload", [b"!!!!", b"bm90IGpzb24", b".bm90IHpsaWI"])
def test_a_signed_payload_that_cannot_be_decoded_is_bad_payload(payload):
    serializer = URLSafeSerializer(KEY)
    token = Signer(KEY, salt="itsdangerous").sign(payload)
    with pytest.raises(BadPayload) as caught:
        serializer.loads(token)
    assert isinstance(caught.value, BadData)
    assert caught.value.original_error is not None


def test_timed_loads_with_max_age_and_timestamp(clock):
    serializer = URLSafeTimedSerializer(KEY)
    token = serializer.dumps({"id": 1})
    clock.now = SIGNED_AT + 10
    assert serializer.loads(token, max_age=10) == {"id": 1}
    data, signed_at = serializer.loads(token, return_timestamp=True)
    assert (data, signed_at) == ({"id": 1}, datetime.fromtimestamp(SIGNED_AT, timezone.utc))
    with pytest.raises(SignatureExpired):
        serializer.loads(token, max_age=9)


def test_loads_unsafe_reports_whether_the_signature_held(clock):
    serializer = URLSafeTimedSerializer(KEY)
    token = serializer.dumps({"id": 1})
    assert serializer.loads_unsafe(token) == (True, {"id": 1})
    assert URLSafeTimedSerializer("other-key").loads_unsafe(token) == (False, {"id": 1})
    assert serializer.loads_unsafe("garbage") == (False, None)
    clock.now = SIGNED_AT + 100
    assert serializer.loads_unsafe(token, max_age=10) == (False, {"id": 1})


def test_loads_unsafe_does_not_inflate_an_unsigned_zlib_bomb():
    # 4 MB of valid JSON: without the 1 MB limit, it would load as a list.
    bomb = zlib.compress(b"[" + b"0," * 2_000_000 + b"0]", 9)
    token = b"." + base64.urlsafe_b64encode(bomb).rstrip(b"=") + b".forged"
    assert URLSafeSerializer(KEY).loads_unsafe(token) == (False, None)


def test_a_serializer_object_and_signer_kwargs():
    class Reversed:
        """A text serializer that writes JSON backwards."""

        @staticmethod
        def dumps(value):
            return json.dumps(value)[::-1]

        @staticmethod
        def loads(text):
            return json.loads(text[::-1])

    serializer = URLSafeSerializer(KEY, serializer=Reversed, signer_kwargs={"key_derivation": "hmac", "sep": "~"})
    token = serializer.dumps({"a": 1})
    assert token.startswith(base64.urlsafe_b64encode(b'}1 :"a"{').decode().rstrip("=") + "~")
    assert serializer.loads(token) == {"a": 1}


def test_a_bytes_serializer_gives_bytes_tokens():
    class Raw:
        @staticmethod
        def dumps(value):
            return bytes(value)

        @staticmethod
        def loads(data):
            return list(data)

    serializer = URLSafeSerializer(KEY, serializer=Raw)
    token = serializer.dumps([1, 2, 3])
    assert isinstance(token, bytes)
    assert serializer.loads(token) == [1, 2, 3]


def test_serializer_key_rotation(clock):
    old = URLSafeTimedSerializer("old-key").dumps({"id": 1})
    rotated = URLSafeTimedSerializer(["new-key", "old-key"])
    assert rotated.loads(old) == {"id": 1}
    assert rotated.dumps({"id": 1}) == URLSafeTimedSerializer("new-key").dumps({"id": 1})
