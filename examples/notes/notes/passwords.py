"""Password hashing with PBKDF2 from ``hashlib``: what Werkzeug's
``generate_password_hash`` does, in a dozen lines.

The stored text names its method, iteration count and salt, so the count can
grow over the years without breaking the hashes already stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets


def hash_password(password: str, iterations: int) -> str:
    """``pbkdf2:sha256:<iterations>$<salt>$<hex digest>`` for ``password``."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), iterations)
    return f"pbkdf2:sha256:{iterations}${salt}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from."""
    method, salt, expected = stored.split("$", 2)
    _, algorithm, iterations = method.split(":")
    digest = hashlib.pbkdf2_hmac(algorithm, password.encode("utf-8"), salt.encode("ascii"), int(iterations))
    # Constant-time comparison: how long it takes says nothing about the hash.
    return hmac.compare_digest(digest.hex(), expected)
