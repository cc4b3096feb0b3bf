"""Export records as a ZIP that verifies offline: bundles, keyring, public keys (PEM) and a signed listing.

`export.json` lists every exported record (id, sequence, manifest hash, tombstoned) and
`export.json.sig` signs its exact bytes with the exporting key, so a record removed or added together
with its line, or an edited list, fails `enforce verify`. The keys in the ZIP only tell a verifier
which public key belongs to a key id; trust comes from the verifier (evidence/trust.py).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from evidence.keys import Keyring, Signature, Signer, public_pem, sign
from evidence.records import SHA256_HEX
from evidence.store import EvidenceStore

EXPORT_FORMAT: Literal["enforce-export/2"] = "enforce-export/2"
LISTING_NAME = "export.json"
LISTING_SIG = "export.json.sig"
README = """Evidence export. Each records/<id>/ folder is one signed record: manifest.json lists
every file with its SHA-256; manifest.sig is an Ed25519 signature over manifest.json's exact bytes by
the key named in it. export.json lists the exported records and export.json.sig signs it with the
exporting key. public_keys/<key id>.pem and keyring.json only say which public key has which key id:
they are not trusted by being in this ZIP.
Check with: enforce verify <this zip> --trusted-key KEY.pem  (KEY.pem: the public key you obtained
from the bureau, e.g. by `enforce keys export-public`); on the bureau's own server the store's keys
are trusted without --trusted-key.
"""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListedRecord(_Model):
    record_id: str = Field(min_length=1)
    sequence: int = Field(ge=1)
    manifest_sha256: str = Field(pattern=SHA256_HEX)
    tombstoned: bool


class ExportListing(_Model):
    """The content of export.json."""

    format: Literal["enforce-export/2"]
    exported_at: AwareDatetime
    signing_key_id: str
    records: list[ListedRecord]


def export_zip(
    store_root: Path,
    record_ids: Iterable[str],
    out_path: Path,
    signer: Signer,
    now: datetime | None = None,
) -> Path:
    """Write `out_path` (a ZIP) holding the given records, its listing signed by `signer`.

    Raises KeyError naming an unknown record. The signer's public key joins the store keyring (it is a
    store key from now on) and the ZIP's keyring.
    """
    store = EvidenceStore(store_root)
    ids = list(dict.fromkeys(record_ids))
    missing = [rid for rid in ids if not store.bundle_dir(rid).is_dir()]
    if missing:
        raise KeyError(f"no bundle for record(s) {', '.join(missing)} in {store.records}")
    keyring = Keyring(store.keyring_path)
    keyring.add(signer.public_key, note="export signing key")
    listed = []
    key_ids = {signer.key_id}
    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
        for rid in ids:
            folder = store.bundle_dir(rid)
            link = store.link(rid)
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                archive.write(path, f"{store.bundle_rel(rid)}/{path.relative_to(folder).as_posix()}")
            sig_name = "tombstone.sig" if link.tombstoned else "manifest.sig"
            key_ids.add(Signature.from_bytes((folder / sig_name).read_bytes()).key_id)
            listed.append(
                ListedRecord(
                    record_id=rid,
                    sequence=link.sequence,
                    manifest_sha256=link.manifest_sha256,
                    tombstoned=link.tombstoned,
                )
            )
        subset = {kid: keyring.keys[kid] for kid in sorted(key_ids) if kid in keyring.keys}
        archive.writestr("keyring.json", json.dumps({"keys": subset}, indent=1, sort_keys=True) + "\n")
        for kid in subset:
            public = keyring.public_key(kid)
            assert public is not None
            archive.writestr(f"public_keys/{kid}.pem", public_pem(public))
        listing = ExportListing(
            format=EXPORT_FORMAT,
            exported_at=now or datetime.now(UTC),
            signing_key_id=signer.key_id,
            records=listed,
        )
        body = json.dumps(listing.model_dump(mode="json"), indent=1, ensure_ascii=False).encode() + b"\n"
        archive.writestr(LISTING_NAME, body)
        archive.writestr(LISTING_SIG, sign(signer, body).to_bytes())
        archive.writestr("README.txt", README)
    tmp.replace(out_path)
    return out_path
