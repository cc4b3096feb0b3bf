"""The database sink: evidence row + pending event in one transaction; supplements counted on the event;
a refused insert keeps the bundle committed and the rows are finished later."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.db.evidence_sink import DatabaseRecordSink
from api.db.models.event import Event
from api.db.models.evidence import EvidenceRecordRow
from evidence.keys import Signer
from evidence.recovery import recover
from evidence.synthetic import make_context, make_violation
from evidence.verify import verify_store
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import T0, add_camera, small_violation


def test_rows_and_event_for_primary_and_supplement(tmp_path: Path, database_url: str) -> None:
    add_camera(database_url)
    sink = DatabaseRecordSink.from_url(database_url)
    writer = EvidenceWriter(tmp_path / "store", Signer.load_or_create(tmp_path / "k"), sink)
    kw = dict(width=96, height=64, clip_frames=2, episode_key="cam-1:z:car")
    first = writer.write(make_violation(start=T0, **kw), make_context())  # type: ignore[arg-type]
    again = writer.write(make_violation(start=T0 + timedelta(minutes=6), **kw), make_context())  # type: ignore[arg-type]
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = {r.id: r for r in session.scalars(select(EvidenceRecordRow))}
            [event] = session.scalars(select(Event)).all()
    finally:
        engine.dispose()
    assert rows[first.record_id].kind == "primary" and rows[first.record_id].sequence == 1
    assert rows[again.record_id].episode_record_id == first.record_id
    assert rows[first.record_id].bundle_path == f"records/{first.record_id}"
    assert (tmp_path / "store" / rows[first.record_id].bundle_path / "manifest.json").is_file()
    assert event.evidence_record_id == first.record_id and event.status == "pending"
    assert event.camera_id == "cam-1" and event.plate_text == "浙A12345" and event.detection_count == 2
    assert event.last_seen_at == again.manifest.confirmed_at and event.first_seen_at == T0
    assert verify_store(tmp_path / "store", rows=sink.rows()).ok


def test_refused_rows_are_finished_by_recover(tmp_path: Path, database_url: str) -> None:
    sink = DatabaseRecordSink.from_url(database_url)  # camera row missing: the event insert is refused
    writer = EvidenceWriter(tmp_path / "store", Signer.load_or_create(tmp_path / "k"), sink)
    record = writer.write(small_violation(0), make_context())
    assert writer.pending_rows == [record.record_id] and not sink.has(record.record_id)
    report = verify_store(tmp_path / "store", rows=sink.rows())
    assert any(p.check == "database" and p.record_id == record.record_id for p in report.problems)
    add_camera(database_url)
    recovery = recover(writer.store, sink)
    assert recovery.actions == [f"inserted missing database rows for committed record {record.record_id}"]
    assert verify_store(tmp_path / "store", rows=sink.rows()).ok
