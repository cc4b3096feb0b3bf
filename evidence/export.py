"""Export records as a ZIP that verifies offline: bundles, keyring, public keys (PEM) and a listing."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

from evidence.keys import Keyring, public_pem
from evidence.store import EvidenceStore

README = """Evidence export. Each records/<id>/ folder is one signed record: manifest.json lists
every file with its SHA-256; manifest.sig is an Ed25519 signature over manifest.json's exact bytes by
the key named in it; public_keys/<key id>.pem and keyring.json hold the public keys.
Check with: enforce verify <this zip>  (add --trusted-key KEY.pem to pin the key you trust)
"""


def export_zip(store_root: Path, record_ids: Iterable[str], out_path: Path) -> Path:
    """Write `out_path` (a ZIP) holding the given records; raises KeyError naming an unknown record."""
    store = EvidenceStore(store_root)
    ids = list(dict.fromkeys(record_ids))
    missing = [rid for rid in ids if not store.bundle_dir(rid).is_dir()]
    if missing:
        raise KeyError(f"no bundle for record(s) {', '.join(missing)} in {store.records}")
    keyring = Keyring(store.keyring_path)
    listing = []
    key_ids = set()
    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
        for rid in ids:
            folder = store.bundle_dir(rid)
            link = store.link(rid)
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                archive.write(path, f"{store.bundle_rel(rid)}/{path.relative_to(folder).as_posix()}")
            sig_name = "tombstone.sig" if link.tombstoned else "manifest.sig"
            key_ids.add(json.loads((folder / sig_name).read_text())["key_id"])
            listing.append(
                {
                    "record_id": rid,
                    "sequence": link.sequence,
                    "manifest_sha256": link.manifest_sha256,
                    "tombstoned": link.tombstoned,
                }
            )
        subset = {kid: keyring.keys[kid] for kid in sorted(key_ids) if kid in keyring.keys}
        archive.writestr("keyring.json", json.dumps({"keys": subset}, indent=1, sort_keys=True) + "\n")
        for kid in subset:
            public = keyring.public_key(kid)
            assert public is not None
            archive.writestr(f"public_keys/{kid}.pem", public_pem(public))
        archive.writestr(
            "export.json", json.dumps({"format": "enforce-export/1", "records": listing}, indent=1)
        )
        archive.writestr("README.txt", README)
    tmp.replace(out_path)
    return out_path
