"""The evidence writer's row sink: evidence row + pending event (or supplement count) in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from ulid import ULID

from api.db.base import make_engine, make_session_factory, session_scope, utcnow
from api.db.models.case_recheck import CaseRecheck
from api.db.models.event import Event
from api.db.models.evidence import EvidenceRecordRow
from api.recheck.notify import enqueue_result
from evidence.keys import Signer
from evidence.records import EvidenceRecord
from evidence.settings import EvidenceSettings
from evidence.sink import RowInfo
from evidence.writer import EvidenceWriter


def open_writer(settings: EvidenceSettings, **options: Any) -> EvidenceWriter:
    """The writer the app uses: key from ENFORCE_SIGNING_KEY (created on first run), store from
    ENFORCE_EVIDENCE_DIR, rows into ENFORCE_DATABASE_URL; start-up recovery runs here."""
    sink = DatabaseRecordSink.from_url(settings.database_url)
    signer = Signer.load_or_create(settings.signing_key)
    writer = EvidenceWriter(settings.evidence_dir, signer, sink, **options)
    writer.open()
    return writer


def _new_event(record: EvidenceRecord) -> Event:
    m = record.manifest
    return Event(
        id=str(ULID.from_datetime(m.confirmed_at)),
        violation_type=m.violation_type,
        camera_id=m.device_id if m.device_kind == "camera" else None,
        flight_id=int(m.device_id) if m.device_kind == "flight" else None,
        zone_name=m.zone_name,
        status="pending",
        first_seen_at=m.first_seen_at,
        confirmed_at=m.confirmed_at,
        plate_text=m.object.plate_text,
        plate_confidence=m.object.plate_confidence,
        evidence_record_id=record.record_id,
        last_seen_at=m.confirmed_at,
        detection_count=1,
        episode_key=m.episode_key,
        object_box=list(m.object.box) if m.object.box else None,
        appearance=list(m.object.appearance) if m.object.appearance else None,
    )


def _finish_recheck(session: Session, record: EvidenceRecord) -> None:
    """A 核查 record's rows: its request is done, with the outcome the signed record states."""
    info = record.manifest.recheck
    assert info is not None
    request = session.get(CaseRecheck, info.request_id)
    if request is None:  # the case was deleted meanwhile: the record stands on its own
        return
    request.state, request.outcome, request.reason = "done", info.outcome, info.reason
    request.detail, request.record_id, request.finished_at = info.detail, record.record_id, utcnow()
    request.last_error = None
    enqueue_result(session, request, record.manifest, request.finished_at)


class DatabaseRecordSink:
    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    @classmethod
    def from_url(cls, database_url: str) -> DatabaseRecordSink:
        return cls(make_session_factory(make_engine(database_url)))

    def insert(self, record: EvidenceRecord) -> None:
        """Evidence row, plus a pending event for a new episode or a count on the episode's event.

        A primary record whose episode key already has an event (another process, or a restart that
        did not recognise the stay) is counted on that event: the unique key makes the database,
        not memory, the judge of one case per stay, also when two writers race for it."""
        try:
            self._insert(record)
        except IntegrityError:
            if record.kind != "primary" or self._event_for(record.manifest.episode_key) is None:
                raise
            self._insert(record)  # the event appeared meanwhile: this record now counts on it

    def _insert(self, record: EvidenceRecord) -> None:
        m = record.manifest
        with session_scope(self.session_factory) as session:
            session.add(
                EvidenceRecordRow(
                    id=record.record_id,
                    sequence=record.sequence,
                    violation_type=m.violation_type,
                    bundle_path=record.bundle_path,
                    manifest_sha256=record.manifest_sha256,
                    previous_manifest_sha256=record.previous_manifest_sha256,
                    signing_key_id=record.signing_key_id,
                    kind=record.kind,
                    episode_record_id=m.episode_record_id,
                )
            )
            session.flush()
            if record.kind == "recheck":
                _finish_recheck(session, record)
                return
            if record.kind == "primary":
                event = session.scalar(select(Event).where(Event.episode_key == m.episode_key))
                if event is None:
                    session.add(_new_event(record))
                    return
            else:
                event = session.scalar(select(Event).where(Event.evidence_record_id == m.episode_record_id))
            if event is not None:
                event.detection_count = (event.detection_count or 1) + 1
                if event.last_seen_at is None or m.confirmed_at > event.last_seen_at:
                    event.last_seen_at = m.confirmed_at

    def _event_for(self, episode_key: str) -> str | None:
        with self.session_factory() as session:
            return session.scalar(select(Event.id).where(Event.episode_key == episode_key))

    def has(self, record_id: str) -> bool:
        with self.session_factory() as session:
            return session.get(EvidenceRecordRow, record_id) is not None

    def mark_tombstoned(self, record_id: str, at: datetime) -> None:
        with session_scope(self.session_factory) as session:
            session.execute(
                update(EvidenceRecordRow).where(EvidenceRecordRow.id == record_id).values(tombstoned_at=at)
            )

    def rows(self) -> dict[str, RowInfo]:
        with self.session_factory() as session:
            return {
                r.id: RowInfo(r.id, r.sequence, r.bundle_path, r.manifest_sha256, r.tombstoned_at is not None)
                for r in session.scalars(select(EvidenceRecordRow))
            }
