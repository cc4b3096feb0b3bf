"""What a forger does to an exported ZIP: rewrite members, swap a photo and re-sign with their own key."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from evidence.bundle import content_digest, verification_code
from evidence.hashing import sha256_bytes
from evidence.keys import Signer, public_pem, public_raw, sign

LISTING = "export.json"


def members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(out: Path, content: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return out


def add_key(content: dict[str, bytes], signer: Signer) -> None:
    """Put the forger's public key into the ZIP's keyring.json and public_keys/, as an exporter would."""
    import base64

    keyring = json.loads(content["keyring.json"])
    keyring["keys"][signer.key_id] = {
        "public_key": base64.b64encode(public_raw(signer.public_key)).decode(),
        "added_at": "2026-11-26T00:00:00+00:00",
        "note": "",
    }
    content["keyring.json"] = json.dumps(keyring, indent=1, sort_keys=True).encode()
    content[f"public_keys/{signer.key_id}.pem"] = public_pem(signer.public_key)


def swap_photo(content: dict[str, bytes], record_id: str, forger: Signer) -> str:
    """Replace the record's first original photo, fix its hash, digest and code, re-sign the manifest
    with the forger's key and add that key to the ZIP's keyring. Returns the new manifest hash."""
    base = f"records/{record_id}"
    manifest = json.loads(content[f"{base}/manifest.json"])
    entry = next(f for f in manifest["files"] if f["kind"] == "original")
    photo = content[f"{base}/{entry['path']}"]
    fake = photo[:-8] + bytes(b ^ 0x5A for b in photo[-8:])
    content[f"{base}/{entry['path']}"] = fake
    entry["sha256"], entry["size"] = sha256_bytes(fake), len(fake)
    manifest["signing_key_id"] = forger.key_id
    manifest["content_sha256"] = content_digest(manifest)
    manifest["verification_code"] = verification_code(manifest["content_sha256"])
    body = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    content[f"{base}/manifest.json"] = body
    content[f"{base}/manifest.sig"] = sign(forger, body).to_bytes()
    add_key(content, forger)
    return sha256_bytes(body)


def relist(content: dict[str, bytes], signer: Signer | None, **changes: object) -> None:
    """Edit export.json (`drop=record id`, `manifest=(record id, hash)`), re-signed by `signer` if given."""
    listing = json.loads(content[LISTING])
    if "drop" in changes:
        listing["records"] = [r for r in listing["records"] if r["record_id"] != changes["drop"]]
    if "manifest" in changes:
        rid, digest = changes["manifest"]  # type: ignore[misc]
        for r in listing["records"]:
            if r["record_id"] == rid:
                r["manifest_sha256"] = digest
    body = json.dumps(listing, indent=1, ensure_ascii=False).encode() + b"\n"
    content[LISTING] = body
    if signer is not None:
        listing["signing_key_id"] = signer.key_id
        body = json.dumps(listing, indent=1, ensure_ascii=False).encode() + b"\n"
        content[LISTING] = body
        content[f"{LISTING}.sig"] = sign(signer, body).to_bytes()
        add_key(content, signer)


def drop_record(content: dict[str, bytes], record_id: str) -> None:
    for name in [n for n in content if n.startswith(f"records/{record_id}/")]:
        del content[name]
