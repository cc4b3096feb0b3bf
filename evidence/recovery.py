"""Start-up recovery: finish or remove what a crashed writer left, and log each action.

Commit protocol (see writer): stage -> fsync -> pending marker -> rename into records/ -> head -> rows ->
clear marker. So a marker whose bundle is in records/ means "committed, maybe head and rows missing"
(finish it); a marker without a bundle, or a staging folder without a marker, is an unfinished write
(remove it). Rows are only ever inserted after the rename, so no row can point at a missing bundle.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field

from evidence.sink import RecordSink
from evidence.store import TOMBSTONE_NAME, TOMBSTONE_SIG, EvidenceStore, Head

log = logging.getLogger(__name__)


@dataclass
class RecoveryReport:
    actions: list[str] = field(default_factory=list)
    rows_failed: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.actions.append(message)
        log.warning("evidence recovery: %s", message)


def recover(store: EvidenceStore, sink: RecordSink, report: RecoveryReport | None = None) -> RecoveryReport:
    """Take the store lock and repair; safe to run at any time (a live writer holds the same lock)."""
    with store.locked():
        return recover_locked(store, sink, report)


def recover_locked(
    store: EvidenceStore, sink: RecordSink, report: RecoveryReport | None = None
) -> RecoveryReport:
    report = report or RecoveryReport()
    store.ensure_layout()
    for record_id in store.pending_ids():
        finish_marker(store, sink, record_id, report)
    for leftover in sorted(store.staging.iterdir()):
        shutil.rmtree(leftover, ignore_errors=True)
        report.add(f"removed staging leftover {leftover.name} (crashed before commit)")
    _check_head(store, report)
    _finish_tombstones(store, report)
    return report


def finish_marker(store: EvidenceStore, sink: RecordSink, record_id: str, report: RecoveryReport) -> bool:
    """Complete (head + rows) or undo one marked write; True when the marker could be cleared."""
    if store.bundle_dir(record_id).is_dir():
        _advance_head(store, record_id, report)
        if not finish_rows(store, sink, record_id, report):
            return False
    elif store.remove_staging(record_id):
        report.add(f"removed unfinished bundle {record_id} (crashed before commit)")
    else:
        report.add(f"dropped commit marker {record_id} with no bundle")
    store.clear_pending(record_id)
    return True


def finish_rows(store: EvidenceStore, sink: RecordSink, record_id: str, report: RecoveryReport) -> bool:
    """Insert the rows of a committed bundle if they are missing; False if the database refused."""
    try:
        if not sink.has(record_id):
            sink.insert(store.load_record(record_id))
            report.add(f"inserted missing database rows for committed record {record_id}")
    except Exception as exc:  # noqa: BLE001 - any DB failure: keep the marker, retry later
        report.rows_failed.append(record_id)
        log.error("evidence rows for %s still missing (%s); will retry", record_id, type(exc).__name__)
        return False
    return True


def _advance_head(store: EvidenceStore, record_id: str, report: RecoveryReport) -> None:
    link = store.link(record_id)
    head = store.read_head()
    if head is None or head.sequence < link.sequence:
        store.write_head(Head(link.sequence, link.record_id, link.manifest_sha256))
        report.add(f"ledger head moved to committed record {record_id} (sequence {link.sequence})")


def _check_head(store: EvidenceStore, report: RecoveryReport) -> None:
    head = store.read_head()
    if head is not None and store.bundle_dir(head.record_id).is_dir():
        return
    ids = store.record_ids()
    if not ids:
        if head is not None:
            report.add(f"ledger head names {head.record_id} but the store holds no records")
        return
    links = [store.link(i) for i in ids]
    newest = max(links, key=lambda link: link.sequence)
    store.write_head(Head(newest.sequence, newest.record_id, newest.manifest_sha256))
    report.add(f"ledger head rebuilt from {len(links)} records: sequence {newest.sequence}")


def _finish_tombstones(store: EvidenceStore, report: RecoveryReport) -> None:
    for record_id in store.record_ids():
        folder = store.bundle_dir(record_id)
        if not (folder / TOMBSTONE_NAME).exists() or not (folder / TOMBSTONE_SIG).exists():
            continue
        leftovers = [p for p in folder.iterdir() if p.name not in (TOMBSTONE_NAME, TOMBSTONE_SIG)]
        for path in leftovers:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if leftovers:
            report.add(f"finished retention deletion of {record_id} ({len(leftovers)} entries)")
