"""Rows of records committed during a database outage appear within seconds of its end, with no
further write (the runtime's background pass), on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from api.db.evidence_sink import DatabaseRecordSink
from api.db.models.event import Event
from api.db.models.evidence import EvidenceRecordRow
from api.pipeline.runtime import Pipeline, start_row_retry
from evidence.keys import Signer
from evidence.synthetic import make_context
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import add_camera, small_violation

_FAIL = {
    "sqlite": [
        "CREATE TRIGGER outage BEFORE INSERT ON evidence_records "
        "BEGIN SELECT RAISE(ABORT, 'database outage'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION outage() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'database outage'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER outage BEFORE INSERT ON evidence_records FOR EACH ROW EXECUTE FUNCTION outage()",
    ],
}
_RESTORE = {"sqlite": ["DROP TRIGGER outage"], "postgresql": ["DROP TRIGGER outage ON evidence_records"]}


def _run(database_url: str, statements: list[str]) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _rows(database_url: str) -> tuple[set[str], set[str | None]]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            records = set(session.scalars(select(EvidenceRecordRow.id)))
            events = set(session.scalars(select(Event.evidence_record_id)))
            return records, events
    finally:
        engine.dispose()


def test_rows_missed_in_an_outage_appear_without_another_write(tmp_path: Path, database_url: str) -> None:
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    add_camera(database_url)
    writer = EvidenceWriter(
        tmp_path / "store", Signer.load_or_create(tmp_path / "k"), DatabaseRecordSink.from_url(database_url)
    )
    writer.open()
    pipeline = Pipeline(writer=writer)
    start_row_retry(pipeline, interval_s=0.5)
    try:
        _run(database_url, _FAIL[backend])
        written = {writer.write(small_violation(i), make_context()).record_id for i in range(3)}
        assert set(writer.pending_rows) == written  # committed bundles, rows refused
        time.sleep(1.2)  # the pass runs during the outage too and must keep them pending
        assert _rows(database_url) == (set(), set()) and set(writer.pending_rows) == written
        _run(database_url, _RESTORE[backend])
        deadline = time.monotonic() + 5
        while _rows(database_url)[0] != written and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _rows(database_url) == (written, written)
        assert writer.pending_rows == []
    finally:
        pipeline.stop_event.set()
        for thread in pipeline.threads:
            thread.join(5)
