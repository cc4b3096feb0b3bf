"""Retention deletes media but leaves a signed tombstone, so the chain still verifies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from evidence.keys import Signer
from evidence.recovery import recover
from evidence.sink import MemoryRecordSink
from evidence.store import EvidenceStore
from evidence.verify import verify_store
from tests.unit.evidence.conftest import StoreFixture

AT = datetime(2027, 6, 1, tzinfo=UTC)


def test_tombstone_keeps_chain_verifying(store: StoreFixture) -> None:
    from evidence.retention import tombstone

    sink = MemoryRecordSink()
    rid = store.records[1].record_id
    body = tombstone(EvidenceStore(store.root), Signer.load(store.key), sink, rid, "retention-180d", AT)
    assert sorted(p.name for p in (store.bundle(1)).iterdir()) == ["tombstone.json", "tombstone.sig"]
    assert body["manifest_sha256"] == store.records[1].manifest_sha256
    assert "浙A" not in (store.bundle(1) / "tombstone.json").read_text()  # personal data gone
    report = verify_store(store.root)
    assert report.ok, report.lines()
    assert [r.tombstoned for r in report.records] == [False, True, False, False]
    assert sink.tombstoned == {rid: AT}
    with pytest.raises(ValueError, match="already tombstoned"):
        tombstone(EvidenceStore(store.root), Signer.load(store.key), None, rid, "again", AT)


def test_forged_tombstone_fails(store: StoreFixture) -> None:
    from evidence.retention import tombstone

    tombstone(EvidenceStore(store.root), Signer.load(store.key), None, store.records[2].record_id, "r", AT)
    path = store.bundle(2) / "tombstone.json"
    body = json.loads(path.read_text())
    body["reason"] = "court order"
    path.write_text(json.dumps(body))
    report = verify_store(store.root)
    assert [(p.check, p.path) for p in report.problems] == [("signature", "tombstone.json")]


def test_interrupted_deletion_is_finished_by_recover(store: StoreFixture) -> None:
    from evidence.retention import tombstone

    rid = store.records[0].record_id
    keep = (store.bundle(0) / "plate.png").read_bytes()
    tombstone(EvidenceStore(store.root), Signer.load(store.key), None, rid, "r", AT)
    (store.bundle(0) / "plate.png").write_bytes(keep)  # as if the process died mid-deletion
    report = recover(EvidenceStore(store.root), MemoryRecordSink())
    assert any("finished retention deletion" in a for a in report.actions)
    assert not (store.bundle(0) / "plate.png").exists()
