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
        """Insert the record's rows (evidence row + pending event, or the supplement link) in ONE transaction."""

    def has(self, record_id: str) -> bool:
        """Whether the record's evidence row exists."""

    def mark_tombstoned(self, record_id: str, at: datetime) -> None:
        """Note that retention deleted the record's media."""

    def rows(self) -> dict[str, RowInfo]:
        """Every evidence row, for cross-checking the store against the database."""
