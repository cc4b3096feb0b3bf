"""Ed25519 signing keys: created on first use (mode 0600), exported, rotated; a keyring of public keys.

The private key never leaves `Signer`; nothing here logs or formats key material. Old public keys stay
in the store's keyring (keyed by key id) so records signed before a rotation keep verifying.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence.errors import SigningKeyError
from evidence.hashing import canonical_json, replace_file_atomically, sha256_bytes

log = logging.getLogger(__name__)
KEYRING_FILE = "keyring.json"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    return sha256_bytes(public_raw(public_key))[:16]


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class Signer:
    """Holds the private key; signs bytes. `repr` shows only the key id."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._private = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    def __repr__(self) -> str:
        return f"Signer(key_id={self.key_id!r})"

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    @classmethod
    def load_or_create(cls, path: Path) -> Signer:
        """Load the key at `path`, or create it (owner-only file, owner-only folder) on first run."""
        path = Path(path)
        if path.exists():
            return cls.load(path)
        return cls.create(path)

    @classmethod
    def load(cls, path: Path) -> Signer:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise SigningKeyError(f"signing key {path} is readable by others (mode {mode:o}); chmod 600 it")
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError):
            raise SigningKeyError(f"signing key {path} is not a PEM Ed25519 private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(f"signing key {path} is not an Ed25519 key")
        return cls(key)

    @classmethod
    def create(cls, path: Path) -> Signer:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        _write_private(path, key)
        signer = cls(key)
        log.info("created signing key %s (key id %s)", path, signer.key_id)
        return signer


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def rotate_key(path: Path, keyring: Keyring) -> tuple[str, str]:
    """Replace the key at `path`; both public keys stay in the keyring. Returns (old id, new id)."""
    old = Signer.load(path)
    keyring.add(old.public_key)
    new_key = Ed25519PrivateKey.generate()
    new = Signer(new_key)
    keyring.add(new.public_key, note=f"rotated from {old.key_id}")
    _write_private(path, new_key)
    log.info("rotated signing key %s: %s -> %s", path, old.key_id, new.key_id)
    return old.key_id, new.key_id


@dataclass(frozen=True)
class Signature:
    key_id: str
    signature: bytes

    def to_bytes(self) -> bytes:
        body = {
            "algorithm": "Ed25519",
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
        }
        return json.dumps(body, indent=1).encode() + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        try:
            body = json.loads(data)
            if body.get("algorithm") != "Ed25519":
                raise ValueError("algorithm is not Ed25519")
            return cls(str(body["key_id"]), base64.b64decode(body["signature"], validate=True))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"unreadable signature file: {exc}") from None


def sign(signer: Signer, data: bytes) -> Signature:
    return Signature(signer.key_id, signer.sign(data))


class Keyring:
    """Public keys by key id, stored as JSON in the evidence store (or in an export)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.keys: dict[str, dict[str, str]] = {}
        if self.path.exists():
            self.keys = dict(json.loads(self.path.read_text())["keys"])

    def add(self, public_key: Ed25519PublicKey, note: str = "") -> str:
        kid = key_id_of(public_key)
        if kid not in self.keys:
            self.keys[kid] = {
                "public_key": base64.b64encode(public_raw(public_key)).decode(),
                "added_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "note": note,
            }
            self.save()
        return kid

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"keys": self.keys}, indent=1, sort_keys=True).encode() + b"\n"
        replace_file_atomically(self.path, data)

    def public_key(self, key_id: str) -> Ed25519PublicKey | None:
        entry = self.keys.get(key_id)
        if entry is None:
            return None
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))

    def verify(self, signature: Signature, data: bytes) -> str | None:
        """None when the signature is good, else why not."""
        public = self.public_key(signature.key_id)
        if public is None:
            return f"key id {signature.key_id} is not in the keyring"
        if key_id_of(public) != signature.key_id:
            return f"keyring entry {signature.key_id} holds a different public key"
        try:
            public.verify(signature.signature, data)
        except InvalidSignature:
            return f"Ed25519 signature by key {signature.key_id} does not match the signed bytes"
        return None

    def fingerprint(self) -> str:
        return sha256_bytes(canonical_json(sorted(self.keys)))
