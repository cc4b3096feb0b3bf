"""Signing keys: owner-only on disk, never logged, rotation keeps old records verifiable."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from evidence.errors import SigningKeyError
from evidence.keys import Keyring, Signer, rotate_key
from evidence.synthetic import make_context
from evidence.trust import given_trust
from evidence.verify import verify_store
from tests.unit.evidence.conftest import StoreFixture, small


def test_key_created_owner_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "keys" / "signing.key"
    signer = Signer.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert Signer.load_or_create(path).key_id == signer.key_id  # second run loads, not recreates
    secret = path.read_text()
    body = "".join(secret.splitlines()[1:-1])
    assert body not in caplog.text and "PRIVATE" not in caplog.text
    assert repr(signer) == f"Signer(key_id={signer.key_id!r})"


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    Signer.create(path)
    path.chmod(0o644)
    with pytest.raises(SigningKeyError, match="readable by others"):
        Signer.load(path)


def test_garbage_key_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    path.write_text("not a key")
    path.chmod(0o600)
    with pytest.raises(SigningKeyError, match="not a PEM Ed25519 private key"):
        Signer.load(path)


def test_rotation_keeps_old_records_verifying(store: StoreFixture) -> None:
    keyring = Keyring(store.root / "keyring.json")
    old, new = rotate_key(store.key, keyring)
    assert old != new and set(keyring.keys) == {old, new}
    assert stat.S_IMODE(store.key.stat().st_mode) == 0o600
    record = store.writer().write(small(10), make_context())
    assert record.signing_key_id == new
    report = verify_store(store.root)
    assert report.ok, report.lines()
    assert {r.signing_key_id for r in report.records} == {old, new}
    # pinning only the new key: the old records are named as signed by an untrusted key
    pinned = verify_store(store.root, given_trust([new]))
    assert {p.record_id for p in pinned.problems} == {r.record_id for r in store.records}
