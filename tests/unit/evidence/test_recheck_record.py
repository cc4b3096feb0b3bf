"""核查 records: signed and chained like any record, linked to the case's primary record; tampering fails."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from domain.types import EvidencePhoto, Frame, LabelledBox
from evidence.recheck import RecheckCapture
from evidence.records import EvidenceRecord, RecheckInfo
from evidence.sink import MemoryRecordSink
from evidence.synthetic import make_context, scene
from evidence.verify import verify_record, verify_store
from tests.unit.evidence.conftest import StoreFixture
from tests.unit.evidence.test_tamper import flip_byte


def capture(primary: EvidenceRecord, frames: int, outcome: str = "cleared") -> RecheckCapture:
    at = primary.manifest.confirmed_at + timedelta(hours=2)
    photos = tuple(
        EvidencePhoto(
            "recheck",
            Frame("cam-1", 100 + i, at + timedelta(seconds=2 * i), scene(96, 64, i)),
            (LabelledBox("original_place", (20.0, 30.0, 60.0, 60.0)),),
        )
        for i in range(frames)
    )
    info = RecheckInfo(
        request_id=1, event_id="01JAB3C4D5E6F7G8H9J0K1M2N3", handled_at=at - timedelta(minutes=5),
        requested_at=at - timedelta(minutes=4), source="live" if frames else "none", outcome=outcome,  # type: ignore[arg-type]
        reason="not_present" if frames else "no_frames", detail="no vehicle at the place in any of 3 frames",
        frames=frames, frames_present=0, original_box=(0.2, 0.4, 0.6, 0.9),
    )
    return RecheckCapture(info, primary.manifest, photos)


def test_a_recheck_record_is_chained_signed_and_verifiable(store: StoreFixture) -> None:
    sink = MemoryRecordSink()
    record = store.writer(sink).write_recheck(capture(store.records[1], 3), make_context())
    m = record.manifest
    assert (m.kind, m.episode_record_id, m.sequence) == ("recheck", store.records[1].record_id, 5)
    assert m.recheck is not None and m.recheck.outcome == "cleared"
    assert [p.role for p in m.photos] == ["recheck"] * 3 and m.clip is None and m.plate_image is None
    assert sink.records[record.record_id].kind == "recheck"
    report = verify_store(store.root)
    assert report.ok, report.lines()
    assert report.records[-1].files_checked == 6  # 3 originals + 3 annotated copies
    assert verify_record(store.root, record.record_id).ok


def test_no_frames_is_still_a_signed_record_saying_why(store: StoreFixture) -> None:
    record = store.writer().write_recheck(capture(store.records[0], 0, "inconclusive"), make_context())
    assert record.manifest.photos == () and record.manifest.recheck is not None
    assert record.manifest.confirmed_at == record.manifest.recheck.requested_at
    assert verify_store(store.root).ok


@pytest.mark.parametrize("what", ["photo", "outcome"])
def test_tampering_with_a_recheck_record_fails_verification(store: StoreFixture, what: str) -> None:
    record = store.writer().write_recheck(capture(store.records[2], 2), make_context())
    bundle = store.root / record.bundle_path
    if what == "photo":
        flip_byte(bundle / "original/01-recheck.png")
        expected = "original/01-recheck.png"
    else:  # turn "cleared" into "still_present" in the manifest: the signature no longer matches
        data = json.loads((bundle / "manifest.json").read_text())
        data["recheck"]["outcome"] = "still_present"
        (bundle / "manifest.json").write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        expected = "manifest.json"
    report = verify_store(store.root)
    assert not report.ok
    assert any(p.record_id == record.record_id and p.path == expected for p in report.problems), report.lines()


def test_other_manifests_carry_no_recheck_field_and_a_recheck_needs_one(store: StoreFixture) -> None:
    raw = json.loads((store.bundle(0) / "manifest.json").read_text())
    assert "recheck" not in raw and raw["kind"] == "primary"
    with pytest.raises(ValueError, match="not a case's primary record"):
        supplement = store.records[0].manifest.model_copy(update={"kind": "supplement"})
        RecheckCapture(capture(store.records[0], 0).info, supplement)
    with pytest.raises(ValueError, match="2 photos for 0"):
        c = capture(store.records[0], 2)
        RecheckCapture(c.info.model_copy(update={"frames": 0}), c.primary, c.photos)


def test_a_recheck_does_not_extend_the_episode_for_deduplication(store: StoreFixture) -> None:
    writer = store.writer()
    writer.open()
    primary = store.records[3]
    before = writer.episodes.open[primary.record_id].last_seen_at
    writer.write_recheck(capture(primary, 1), make_context())
    assert writer.episodes.open[primary.record_id].last_seen_at == before
