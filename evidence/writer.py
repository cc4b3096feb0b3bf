"""EvidenceWriter: Violation + RecordContext -> committed, signed, chained bundle + database rows.

One write, under the store lock:
  1. build the bundle in `.staging/<id>/` and fsync every file and folder;
  2. write the commit marker `.pending/<id>`;
  3. rename the folder to `records/<id>/` (the commit point) and fsync `records/`;
  4. move the ledger head; 5. insert the rows (one transaction); 6. clear the marker.
A crash before 3 leaves an invisible staging folder; after 3, the marker tells `recover` to finish.
An OSError from the store (full disk, read-only) spools the violation outside the store and raises
`StoreUnavailableError`; spooled violations are written first on the next call (or `retry_spooled`).
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from ulid import ULID

from domain.types import Violation
from evidence.bundle import BuiltBundle, LedgerLink, build_bundle
from evidence.dedup import DedupPolicy, EpisodeIndex
from evidence.errors import StoreUnavailableError
from evidence.hashing import fsync_dir
from evidence.keys import Keyring, Signer
from evidence.recheck import RecheckCapture, build_recheck_bundle
from evidence.records import EvidenceRecord, Manifest, RecordContext
from evidence.recovery import RecoveryReport, finish_marker, recover_locked
from evidence.sink import RecordSink
from evidence.spool import Spool
from evidence.store import EvidenceStore, Head

log = logging.getLogger(__name__)


def default_spool_dir(store_root: Path) -> Path:
    return Path(store_root).parent / f"{Path(store_root).name}-spool"


class EvidenceWriter:
    def __init__(
        self,
        store_root: Path,
        signer: Signer,
        row_sink: RecordSink,
        *,
        spool_dir: Path | None = None,
        dedup: DedupPolicy | None = None,
        with_clip: bool = True,
        on_step: Callable[[str], None] | None = None,
    ):
        self.store = EvidenceStore(store_root)
        self.signer = signer
        self.sink = row_sink
        self.spool = Spool(spool_dir or default_spool_dir(store_root))
        self.episodes = EpisodeIndex(dedup or DedupPolicy())
        self.with_clip = with_clip
        self._on_step = on_step
        self._opened = False
        self._thread_lock = threading.Lock()  # the flock serialises processes; this, threads of one writer
        self._drain_lock = threading.Lock()  # one thread at a time moves items from the spool to the store
        self._noted_head: str | None = None  # the newest record the episode index has taken in
        self.last_recovery: RecoveryReport | None = None

    # public --------------------------------------------------------------------------------
    def open(self) -> RecoveryReport:
        """Run start-up recovery now (otherwise the first write does): finish or remove leftovers."""
        with self.store.locked():
            self._open_locked()
        assert self.last_recovery is not None
        return self.last_recovery

    def write(self, violation: Violation, context: RecordContext) -> EvidenceRecord:
        """Write one violation (as a new episode or a supplement to an open one)."""
        try:
            self.retry_spooled()
            return self._write(violation, context)
        except OSError as exc:
            spool_id, where = self.spool.put(violation, context)
            reason = _describe(exc)
            raise StoreUnavailableError(
                f"evidence store {self.store.root} cannot be written: {reason}. Violation "
                f"{violation.episode_key} ({violation.violation_type}) kept for retry as {spool_id} "
                f"in {where}",
                spool_id,
            ) from exc

    def retry_spooled(self) -> list[EvidenceRecord]:
        """Write spooled violations, oldest first; stops at (and re-raises) the first store error."""
        written = []
        with self._drain_lock:  # else two threads could both write an item before either removes it
            for item_id in self.spool.ids():
                try:
                    violation, context = self.spool.get(item_id)
                except (OSError, ValueError, KeyError) as exc:
                    log.error("spooled item %s unreadable (%s); left in the spool", item_id, exc)
                    continue
                written.append(self._write(violation, context))
                self.spool.remove(item_id)
                log.info("spooled violation %s written as record %s", item_id, written[-1].record_id)
        return written

    def finish_pending(self) -> list[str]:
        """Finish committed records whose head or rows an earlier failure left behind (e.g. a database
        outage), without waiting for the next write; returns the ids still pending. Cheap when none are."""
        if not self.store.pending_ids():
            return []
        with self._thread_lock, self.store.locked():
            if not self._opened:
                self._open_locked()
            for record_id in self.store.pending_ids():
                finish_marker(self.store, self.sink, record_id, RecoveryReport())
            return self.store.pending_ids()

    @property
    def pending_rows(self) -> list[str]:
        return self.store.pending_ids()

    # internals -------------------------------------------------------------------------------
    def _step(self, name: str) -> None:
        if self._on_step is not None:
            self._on_step(name)

    def _open_locked(self) -> None:
        self.last_recovery = recover_locked(self.store, self.sink)
        Keyring(self.store.keyring_path).add(self.signer.public_key)
        self._rebuild_episodes()
        self._opened = True

    def _rebuild_episodes(self) -> None:
        """Take in the records written since the index last looked (at start, all recent ones): also
        those of another process writing to the same store, so its episodes are not opened twice."""
        head = self.store.read_head()
        manifests: list[Manifest] = []
        record_id = head.record_id if head else None
        while record_id and record_id != self._noted_head and len(manifests) < self.episodes.policy.rebuild_limit:
            link = self.store.link(record_id)
            manifest = None if link.tombstoned else self.store.load_record(record_id).manifest
            if manifest is not None and manifest.kind != "recheck":  # a 核查 record opens no episode
                if manifests and manifests[0].confirmed_at - manifest.confirmed_at > 2 * self.episodes.window:
                    break
                manifests.append(manifest)
            record_id = link.previous_record_id
            if record_id and not self.store.bundle_dir(record_id).is_dir():
                break
        for manifest in reversed(manifests):
            self.episodes.note(manifest)
        self._noted_head = head.record_id if head else None

    def _write(self, violation: Violation, context: RecordContext) -> EvidenceRecord:
        if violation.source_id != context.device_id:
            raise ValueError(
                f"violation source {violation.source_id!r} != context device {context.device_id!r}"
            )

        def build(staging: Path, link: LedgerLink) -> BuiltBundle:
            episode = self.episodes.match(violation)
            return build_bundle(
                staging,
                violation,
                context,
                link,
                self.signer,
                kind="supplement" if episode else "primary",
                episode_record_id=episode.primary_record_id if episode else None,
                with_clip=self.with_clip and (episode is None or self.episodes.policy.supplement_clip),
            )

        return self._commit(str(ULID.from_datetime(violation.confirmed_at)), build)

    def write_recheck(self, capture: RecheckCapture, context: RecordContext) -> EvidenceRecord:
        """Write a 核查 record (re-check frames and outcome) linked to the case's primary record. A store
        error propagates (nothing is spooled): the re-check is still asked for and runs again."""
        return self._commit(
            str(ULID.from_datetime(capture.checked_at)),
            lambda staging, link: build_recheck_bundle(staging, capture, context, link, self.signer),
        )

    def _commit(self, record_id: str, build: Callable[[Path, LedgerLink], BuiltBundle]) -> EvidenceRecord:
        """Under the locks: build the next bundle of the chain, commit it, move the head, insert rows."""
        with self._thread_lock, self.store.locked():
            if not self._opened:
                self._open_locked()
            for pending_id in self.store.pending_ids():  # head/rows an earlier failure left behind
                finish_marker(self.store, self.sink, pending_id, RecoveryReport())
            self._rebuild_episodes()  # records another process wrote since our last write
            head = self.store.read_head()
            link = LedgerLink(
                record_id,
                (head.sequence if head else 0) + 1,
                head.manifest_sha256 if head else None,
                head.record_id if head else None,
            )
            staging = self.store.staging / record_id
            self._step("staging")
            try:
                built = build(staging, link)
                for folder in (*(p for p in staging.iterdir() if p.is_dir()), staging, self.store.staging):
                    fsync_dir(folder)
                self._step("staged")
                self.store.mark_pending(record_id)
                self._step("marked")
                os.rename(staging, self.store.bundle_dir(record_id))
            except BaseException:
                self._discard(record_id)
                raise
            record = self._record(built, record_id)
            self.episodes.note(built.manifest)
            try:  # committed: from here on a failure must not spool (that would duplicate the record)
                fsync_dir(self.store.records)
                self._step("committed")
                self.store.write_head(Head(link.sequence, record_id, built.manifest_sha256))
                self._noted_head = record_id
                self._step("head")
            except OSError as exc:
                log.error(
                    "record %s committed but the ledger head was not updated (%s); finished on the "
                    "next write or recover",
                    record_id,
                    _describe(exc),
                )
                return record
            try:
                self.sink.insert(record)
            except Exception as exc:  # noqa: BLE001 - the bundle is committed; rows are retried
                log.error(
                    "record %s committed but its database rows failed (%s: %s); retried on the next "
                    "write or recover",
                    record_id,
                    type(exc).__name__,
                    str(exc).splitlines()[0][:200],
                )
                return record
            self._step("rows")
            self.store.clear_pending(record_id)
            return record

    def _discard(self, record_id: str) -> None:
        try:
            self.store.remove_staging(record_id)
            self.store.clear_pending(record_id)
        except OSError:
            pass  # recover() removes it later

    def _record(self, built: BuiltBundle, record_id: str) -> EvidenceRecord:
        m = built.manifest
        return EvidenceRecord(
            record_id=record_id,
            kind=m.kind,
            sequence=m.sequence,
            bundle_path=self.store.bundle_rel(record_id),
            manifest_sha256=built.manifest_sha256,
            previous_manifest_sha256=m.previous_manifest_sha256,
            signing_key_id=self.signer.key_id,
            manifest=m,
        )


def _describe(exc: OSError) -> str:
    names = {
        errno.ENOSPC: "disk full (ENOSPC)",
        errno.EROFS: "read-only file system (EROFS)",
        errno.EACCES: "permission denied (EACCES)",
        errno.EPERM: "operation not permitted (EPERM)",
        errno.EDQUOT: "disk quota exceeded (EDQUOT)",
    }
    what = names.get(exc.errno or -1, exc.strerror or type(exc).__name__)
    return f"{what} at {exc.filename}" if exc.filename else what
