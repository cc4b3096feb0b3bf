"""Which signing keys a verifier trusts, and the check of one signature against that trust.

A key is trusted because the verifier says so, never because a bundle or an export carries it:
`store_trust` trusts the local store's keyring and the current signing key's public key, `given_trust`
only the keys given (PEM files or key ids; `enforce verify --trusted-key`). Everything else is
untrusted: a problem, unless the verifier allows untrusted keys (then it is reported, loudly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence.errors import SigningKeyError
from evidence.keys import KEYRING_FILE, Keyring, Signature, Signer, key_id_of

STORE_KEY = "store key"
GIVEN_KEY = "given key"
UNTRUSTED = "UNTRUSTED"
KEY_ID = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    source: str  # STORE_KEY | GIVEN_KEY
    public_key: Ed25519PublicKey | None  # None: given by key id; the public key comes from a keyring


@dataclass(frozen=True)
class Trust:
    """The trusted keys by id; `basis` says where they came from (for messages)."""

    keys: dict[str, TrustedKey] = field(default_factory=dict)
    basis: str = "no keys are trusted"
    allow_untrusted: bool = False
    notes: tuple[str, ...] = ()

    def allowing_untrusted(self, allow: bool = True) -> Trust:
        return replace(self, allow_untrusted=allow)


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome for one signed file: who signed, their trust, and what is wrong."""

    key_id: str
    trust: str  # STORE_KEY | GIVEN_KEY | UNTRUSTED
    invalid: str | None  # why the signature does not verify; None when it does
    refused: str | None  # why the signer is refused (untrusted and not allowed); None when accepted

    @property
    def ok(self) -> bool:
        return self.invalid is None and self.refused is None


def store_trust(store_root: Path, signing_key: Path | None = None) -> Trust:
    """The store's own keys: its keyring.json and, where it exists, the current signing key's public key."""
    keys: dict[str, TrustedKey] = {}
    notes: list[str] = []
    try:
        keyring = Keyring(Path(store_root) / KEYRING_FILE)
        for kid in keyring.keys:
            public = keyring.public_key(kid)
            if public is not None and key_id_of(public) == kid:
                keys[kid] = TrustedKey(kid, STORE_KEY, public)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        notes.append(f"the store keyring {Path(store_root) / KEYRING_FILE} is unreadable ({type(exc).__name__})")
    if signing_key is not None and Path(signing_key).is_file():
        try:
            signer = Signer.load(Path(signing_key))
        except (OSError, SigningKeyError) as exc:
            notes.append(f"the signing key is not used as a trusted key: {exc}")
        else:
            keys[signer.key_id] = TrustedKey(signer.key_id, STORE_KEY, signer.public_key)
    return Trust(keys, f"the keys of the evidence store {store_root}", notes=tuple(notes))


def given_trust(values: list[str]) -> Trust:
    """Trust only these keys: PEM public key files, or 16-hex-digit key ids. ValueError names a bad one."""
    keys: dict[str, TrustedKey] = {}
    for value in values:
        path = Path(value)
        if path.is_file():
            try:
                public = serialization.load_pem_public_key(path.read_bytes())
            except (OSError, ValueError) as exc:
                raise ValueError(f"trusted key {value} is not a PEM public key ({type(exc).__name__})") from None
            if not isinstance(public, Ed25519PublicKey):
                raise ValueError(f"trusted key {value} is not an Ed25519 public key")
            kid = key_id_of(public)
            keys[kid] = TrustedKey(kid, GIVEN_KEY, public)
        elif KEY_ID.match(value):
            keys.setdefault(value, TrustedKey(value, GIVEN_KEY, None))
        else:
            raise ValueError(f"trusted key {value!r} is neither a readable PEM file nor a 16-hex-digit key id")
    return Trust(keys, "the keys given with --trusted-key")


def check_signature(name: str, signature: Signature, data: bytes, keyring: Keyring, trust: Trust) -> SignatureCheck:
    """Check `signature` over `data` (the bytes of file `name`).

    A trusted key's own public key is used where the verifier supplied it; the keyring (which may come
    from the export being checked) only supplies keys the verifier named by id, and untrusted keys.
    """
    kid = signature.key_id
    trusted = trust.keys.get(kid)
    invalid = _invalid(signature, data, trusted.public_key if trusted else None, keyring)
    if trusted is not None:
        return SignatureCheck(kid, trusted.source, invalid, None)
    refused = None
    if not trust.allow_untrusted:
        refused = (
            f"{name} is signed by key {kid}, which is not trusted (trusted: {trust.basis}); "
            "a key is not trusted by being inside the bundle or export"
        )
    return SignatureCheck(kid, UNTRUSTED, invalid, refused)


def _invalid(signature: Signature, data: bytes, public: Ed25519PublicKey | None, keyring: Keyring) -> str | None:
    kid = signature.key_id
    if public is None:
        try:
            public = keyring.public_key(kid)
        except (ValueError, TypeError):
            return f"keyring entry {kid} is not a readable public key"
    if public is None:
        return f"key id {kid} is not in the keyring"
    if key_id_of(public) != kid:
        return f"keyring entry {kid} holds a different public key"
    try:
        public.verify(signature.signature, data)
    except InvalidSignature:
        return f"Ed25519 signature by key {kid} does not match the signed bytes"
    return None
