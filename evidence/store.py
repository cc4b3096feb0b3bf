"""Layout of the evidence store on disk, its lock, the ledger head and the commit markers.

<root>/records/<record_id>/      committed bundles (bundle_path = "records/<record_id>")
<root>/.staging/<record_id>/     bundles being written (never visible as records)
<root>/.pending/<record_id>      commit marker: bundle may be renamed, head/rows may be missing
<root>/ledger_head.json          sequence, id and manifest hash of the newest record (a cache)
<root>/keyring.json              public keys by key id (old ones kept after rotation)
<root>/.lock                     flock held for every write, recovery and retention run
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from evidence.bundle import MANIFEST_NAME, SIGNATURE_NAME
from evidence.errors import BundleFormatError
from evidence.hashing import fsync_dir, replace_file_atomically, sha256_bytes, write_file_durably
from evidence.keys import KEYRING_FILE, Signature
from evidence.records import EvidenceRecord, Manifest

RECORDS = "records"
TOMBSTONE_NAME = "tombstone.json"
TOMBSTONE_SIG = "tombstone.sig"


@dataclass(frozen=True)
class Head:
    sequence: int
    record_id: str
    manifest_sha256: str


@dataclass(frozen=True)
class Link:
    """One record's place in the chain, from its manifest or, after retention, its signed tombstone."""

    record_id: str
    sequence: int
    manifest_sha256: str
    previous_manifest_sha256: str | None
    previous_record_id: str | None
    tombstoned: bool


class EvidenceStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.records = self.root / RECORDS
        self.staging = self.root / ".staging"
        self.pending = self.root / ".pending"
        self.head_path = self.root / "ledger_head.json"
        self.keyring_path = self.root / KEYRING_FILE

    def ensure_layout(self) -> None:
        for folder in (self.root, self.records, self.staging, self.pending):
            folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def bundle_rel(self, record_id: str) -> str:
        return f"{RECORDS}/{record_id}"

    def bundle_dir(self, record_id: str) -> Path:
        return self.records / record_id

    def record_ids(self) -> list[str]:
        if not self.records.is_dir():
            return []
        return sorted(p.name for p in self.records.iterdir() if p.is_dir())

    # ledger head -------------------------------------------------------------------------------
    def read_head(self) -> Head | None:
        if not self.head_path.exists():
            return None
        data = json.loads(self.head_path.read_text())
        return Head(int(data["sequence"]), str(data["record_id"]), str(data["manifest_sha256"]))

    def write_head(self, head: Head) -> None:
        body = {
            "sequence": head.sequence,
            "record_id": head.record_id,
            "manifest_sha256": head.manifest_sha256,
        }
        replace_file_atomically(self.head_path, json.dumps(body).encode() + b"\n")

    # commit markers ----------------------------------------------------------------------------
    def mark_pending(self, record_id: str) -> None:
        write_file_durably(self.pending / record_id, record_id.encode())
        fsync_dir(self.pending)

    def clear_pending(self, record_id: str) -> None:
        (self.pending / record_id).unlink(missing_ok=True)

    def pending_ids(self) -> list[str]:
        if not self.pending.is_dir():
            return []
        return sorted(p.name for p in self.pending.iterdir() if not p.name.startswith("."))

    def remove_staging(self, record_id: str) -> bool:
        path = self.staging / record_id
        if path.exists():
            shutil.rmtree(path)
            return True
        return False

    # reading records ---------------------------------------------------------------------------
    def load_record(self, record_id: str) -> EvidenceRecord:
        folder = self.bundle_dir(record_id)
        data = (folder / MANIFEST_NAME).read_bytes()
        try:
            manifest = Manifest.model_validate_json(data)
            signature = Signature.from_bytes((folder / SIGNATURE_NAME).read_bytes())
        except ValueError as exc:
            raise BundleFormatError(f"{folder}: {exc}") from None
        return EvidenceRecord(
            record_id=manifest.record_id,
            kind=manifest.kind,
            sequence=manifest.sequence,
            bundle_path=self.bundle_rel(record_id),
            manifest_sha256=sha256_bytes(data),
            previous_manifest_sha256=manifest.previous_manifest_sha256,
            signing_key_id=signature.key_id,
            manifest=manifest,
        )

    def link(self, record_id: str) -> Link:
        folder = self.bundle_dir(record_id)
        tomb = folder / TOMBSTONE_NAME
        if tomb.exists():
            t = json.loads(tomb.read_text())
            return Link(
                record_id,
                int(t["sequence"]),
                t["manifest_sha256"],
                t["previous_manifest_sha256"],
                t["previous_record_id"],
                True,
            )
        data = (folder / MANIFEST_NAME).read_bytes()
        m = json.loads(data)
        return Link(
            record_id,
            int(m["sequence"]),
            sha256_bytes(data),
            m["previous_manifest_sha256"],
            m["previous_record_id"],
            False,
        )
