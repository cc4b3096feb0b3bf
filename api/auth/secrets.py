"""Password hashing (argon2id), login tokens and API keys. Only hashes are ever stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

API_KEY_PREFIX = "enf_"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewApiKey:
    key: str  # shown to the user once
    prefix: str  # stored and listed
    key_hash: str  # stored


def new_api_key() -> NewApiKey:
    """`enf_<8-char prefix>_<secret>`; high entropy, so a plain SHA-256 is a sound stored hash."""
    prefix = secrets.token_hex(4)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=sha256_hex(key))


def api_key_prefix(key: str) -> str | None:
    if not key.startswith(API_KEY_PREFIX):
        return None
    prefix, sep, _ = key[len(API_KEY_PREFIX) :].partition("_")
    return prefix if sep and len(prefix) == 8 else None


def api_key_matches(key: str, key_hash: str) -> bool:
    return hmac.compare_digest(sha256_hex(key), key_hash)
