"""Retention: delete a record's media (and personal data) but leave a signed tombstone in its folder.

The tombstone keeps the record's chain position (sequence, its manifest hash and its predecessor), so
the successor's link still verifies; it is signed so it cannot be forged without the key. The tombstone
is written (fsynced) before anything is deleted; `recover` finishes an interrupted deletion.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime

from evidence.hashing import fsync_dir, write_file_durably
from evidence.keys import Keyring, Signer, sign
from evidence.records import utc
from evidence.sink import RecordSink
from evidence.store import TOMBSTONE_NAME, TOMBSTONE_SIG, EvidenceStore

log = logging.getLogger(__name__)


def tombstone(
    store: EvidenceStore, signer: Signer, sink: RecordSink | None, record_id: str, reason: str, at: datetime
) -> dict[str, object]:
    """Replace a record's bundle by a signed tombstone; returns the tombstone body."""
    with store.locked():
        folder = store.bundle_dir(record_id)
        if not folder.is_dir():
            raise KeyError(f"no bundle for record {record_id}")
        link = store.link(record_id)
        if link.tombstoned:
            raise ValueError(f"record {record_id} is already tombstoned")
        manifest = store.load_record(record_id).manifest
        body = {
            "format": "enforce-tombstone/1",
            "record_id": record_id,
            "sequence": link.sequence,
            "manifest_sha256": link.manifest_sha256,
            "previous_manifest_sha256": link.previous_manifest_sha256,
            "previous_record_id": link.previous_record_id,
            "violation_type": manifest.violation_type,
            "kind": manifest.kind,
            "reason": reason,
            "deleted_at": utc(at).isoformat(),
            "files_deleted": [f.path for f in manifest.files],
        }
        Keyring(store.keyring_path).add(signer.public_key)
        data = json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
        write_file_durably(folder / TOMBSTONE_NAME, data)
        write_file_durably(folder / TOMBSTONE_SIG, sign(signer, data).to_bytes())
        fsync_dir(folder)
        for path in list(folder.iterdir()):
            if path.name not in (TOMBSTONE_NAME, TOMBSTONE_SIG):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        fsync_dir(folder)
        if sink is not None:
            sink.mark_tombstoned(record_id, utc(at))
        log.info("retention: record %s tombstoned (%s)", record_id, reason)
        return body
