"""What the writer needs from the database, as a protocol (evidence/ never imports api/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from evidence.records import EvidenceRecord


@dataclass(frozen=True)
class RowInfo:
    record_id: str
    sequence: int
    bundle_path: str
    manifest_sha256: str
    tombstoned: bool


class RecordSink(Protocol):
    def insert(self, record: EvidenceRecord) -> None:
        """Insert the record's rows (evidence row + pending event, or supplement link) in ONE transaction."""

    def has(self, record_id: str) -> bool:
        """Whether the record's evidence row exists."""

    def mark_tombstoned(self, record_id: str, at: datetime) -> None:
        """Note that retention deleted the record's media."""

    def rows(self) -> dict[str, RowInfo]:
        """Every evidence row, for cross-checking the store against the database."""


class MemoryRecordSink:
    """A row sink that keeps rows in memory: for tools and benchmarks that run without a database."""

    def __init__(self) -> None:
        self.records: dict[str, EvidenceRecord] = {}
        self.tombstoned: dict[str, datetime] = {}

    def insert(self, record: EvidenceRecord) -> None:
        if record.record_id in self.records:
            raise ValueError(f"record {record.record_id} already has rows")
        self.records[record.record_id] = record

    def has(self, record_id: str) -> bool:
        return record_id in self.records

    def mark_tombstoned(self, record_id: str, at: datetime) -> None:
        self.tombstoned[record_id] = at

    def rows(self) -> dict[str, RowInfo]:
        return {
            rid: RowInfo(rid, r.sequence, r.bundle_path, r.manifest_sha256, rid in self.tombstoned)
            for rid, r in self.records.items()
        }
