"""Read-only access to an event's evidence bundle: manifest, media files, ZIP, verify status.

A media path is served only if the bundle's manifest lists it, and only from inside the bundle
folder; user input never becomes a filesystem path by itself.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.db.models import EvidenceRecordRow

log = logging.getLogger(__name__)


class EvidenceError(Exception):
    def __init__(self, status_code: int, detail: str):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class ManifestFile:
    path: str
    sha256: str
    size: int
    kind: str  # original / annotated / plate / clip


@dataclass(frozen=True)
class Bundle:
    folder: Path
    files: tuple[ManifestFile, ...]
    record: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyStatus:
    state: str  # ok / failed / unavailable / error
    detail: str = ""


def bundle_folder(evidence_dir: Path, row: EvidenceRecordRow) -> Path:
    root = evidence_dir.resolve()
    folder = (root / row.bundle_path).resolve()
    if not folder.is_relative_to(root):
        raise EvidenceError(500, f"evidence record {row.id} points outside the evidence store")
    return folder


def load_bundle(evidence_dir: Path, row: EvidenceRecordRow) -> Bundle:
    folder = bundle_folder(evidence_dir, row)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = tuple(
            ManifestFile(
                path=str(f["path"]), sha256=str(f["sha256"]), size=int(f["size"]), kind=str(f["kind"])
            )
            for f in manifest["files"]
        )
    except FileNotFoundError:
        raise EvidenceError(404, f"evidence bundle of record {row.id} is missing its manifest") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise EvidenceError(502, f"evidence manifest of record {row.id} is unreadable: {exc}") from None
    # the evidence package's manifest is the record itself (photos, zone_polygon, ... beside files)
    record = manifest.get("record") if isinstance(manifest.get("record"), dict) else manifest
    return Bundle(folder=folder, files=files, record={k: v for k, v in record.items() if k != "files"})


def media_path(bundle: Bundle, requested: str) -> tuple[ManifestFile, Path]:
    """The file the manifest lists under `requested`; 404 for anything it does not list."""
    for entry in bundle.files:
        if entry.path == requested:
            path = (bundle.folder / entry.path).resolve()
            if not path.is_relative_to(bundle.folder) or not path.is_file():
                raise EvidenceError(404, f"evidence file {requested!r} is missing from the bundle")
            return entry, path
    raise EvidenceError(404, f"{requested!r} is not a file of this evidence bundle")


def bundle_zip(evidence_dir: Path, record_id: str, signing_key: Path) -> bytes:
    """The record exported by the evidence package: manifest, signature, files, the public key(s) and a
    record list signed with `signing_key`, so `enforce verify evidence.zip --trusted-key KEY.pem` checks
    it offline on another machine."""
    from evidence.errors import SigningKeyError
    from evidence.export import export_zip
    from evidence.keys import Signer

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "evidence.zip"
        try:
            export_zip(evidence_dir, [record_id], out, Signer.load_or_create(signing_key))
        except KeyError as exc:
            raise EvidenceError(404, f"evidence record {record_id} not found in the store") from exc
        except SigningKeyError:
            log.error("evidence export of record %s: the signing key cannot be loaded", record_id)
            raise EvidenceError(502, "the evidence export cannot be signed (signing key unavailable)") from None
        return out.read_bytes()


def verify_status(evidence_dir: Path, row: EvidenceRecordRow) -> VerifyStatus:
    """Ask the evidence package to verify a record; 'unavailable' where it is not installed.

    The one place that calls `evidence.verify.verify_record(root, record_id) -> VerifyReport`.
    """
    try:
        from evidence.verify import verify_record  # type: ignore[import-not-found]
    except ImportError:
        return VerifyStatus("unavailable", "evidence verification is not installed")
    try:
        result = verify_record(evidence_dir, row.id)
    except Exception as exc:  # noqa: BLE001 - a verifier crash must not hide the evidence
        log.warning("verify of record %s failed: %s", row.id, type(exc).__name__)
        return VerifyStatus("error", f"{type(exc).__name__}: {exc}")
    ok = bool(getattr(result, "ok", result))
    problems = getattr(result, "problems", ())
    return VerifyStatus("ok" if ok else "failed", "; ".join(str(p) for p in problems))
