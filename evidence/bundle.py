"""Build one bundle's files and manifest in a staging folder (the writer moves it into place).

Verification code: the annotated copies carry a code that must not depend on themselves, so it is
derived from `content_sha256`, the SHA-256 of the canonical manifest JSON without the annotated files'
entries, `content_sha256` and `verification_code`. That digest covers the record, the ledger link and the
hashes of the originals, plate close-up and clip; `verify` recomputes both digest and code.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import EvidencePhoto, Violation
from evidence.clip import encode_clip
from evidence.hashing import canonical_json, fsync_file, sha256_bytes, sha256_file, write_file_durably
from evidence.keys import Signer, sign
from evidence.overlay import Caption, annotate
from evidence.records import (
    ClipEntry,
    FileEntry,
    FileKind,
    Manifest,
    Mark,
    MediaInfo,
    ObjectInfo,
    PhotoEntry,
    RecordContext,
    RecordKind,
    utc,
)

# threads that make a record's original PNGs beside the one making its clip (they inherit its CPU priority):
# on 2 cores a parking record (4 photos, an 11-frame keyframe clip) took 0.87 s of CPU in one thread
ENCODE_THREADS = 2
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
PNG_LEVEL = 1  # fast lossless
# zlib run-length matching on the 'up' filter: the size of the default adaptive filtering at half its CPU
# on camera frames (1080p: ~48 against ~96 ms, 1.28 against 1.31 MB); OpenCV >= 4.10 names the filter
PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, PNG_LEVEL, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE] + (
    [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_UP] if hasattr(cv2, "IMWRITE_PNG_FILTER") else []
)
ANNOTATED_QUALITY = 92


@dataclass(frozen=True)
class LedgerLink:
    record_id: str
    sequence: int
    previous_manifest_sha256: str | None
    previous_record_id: str | None


@dataclass(frozen=True)
class BuiltBundle:
    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str


def content_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 over the manifest minus annotated entries, the digest itself and the code (see module doc)."""
    body = copy.deepcopy(manifest)
    body.pop("content_sha256", None)
    body.pop("verification_code", None)
    body["files"] = [f for f in body.get("files", []) if f.get("kind") != "annotated"]
    return sha256_bytes(canonical_json(body))


def verification_code(digest_hex: str) -> str:
    """Eight base32 characters from the content digest, shown as XXXX-XXXX on the annotated photos."""
    code = base64.b32encode(bytes.fromhex(digest_hex)[:5]).decode()
    return f"{code[:4]}-{code[4:]}"


def manifest_bytes(manifest: Manifest) -> bytes:
    data = manifest.model_dump(mode="json")
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def _safe(role: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "_", role.lower())[:32] or "photo"


class BundleFiles:
    """The files of a bundle being built: each written durably into `folder` and given its manifest entry."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.entries: list[FileEntry] = []

    def add_bytes(self, rel: str, data: bytes, kind: FileKind) -> None:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_durably(path, data)
        self.entries.append(FileEntry(path=rel, sha256=sha256_bytes(data), size=len(data), kind=kind))

    def add_file(self, rel: str, kind: FileKind) -> None:
        """A file another writer produced (the PyAV clip): made durable like the others, then hashed."""
        fsync_file(self.folder / rel)
        digest, size = sha256_file(self.folder / rel)
        self.entries.append(FileEntry(path=rel, sha256=digest, size=size, kind=kind))

    def add_originals(
        self, photos: Sequence[EvidencePhoto], encoded: Sequence[bytes] | None = None
    ) -> list[PhotoEntry]:
        """Write each photo's original (PNG; `encoded`: the photos' PNG bytes, already made); its entry
        names the annotated copy `seal_bundle` writes."""
        if encoded is not None and len(encoded) != len(photos):
            raise ValueError(f"{len(encoded)} encoded originals for {len(photos)} photos")
        entries: list[PhotoEntry] = []
        for i, photo in enumerate(photos, start=1):
            stem = f"{i:02d}-{_safe(photo.role)}"
            original, annotated = f"original/{stem}.png", f"annotated/{stem}.jpg"
            png = encoded[i - 1] if encoded is not None else _encode(photo.frame.image, ".png")
            self.add_bytes(original, png, "original")
            entries.append(
                PhotoEntry(
                    role=photo.role,
                    original=original,
                    annotated=annotated,
                    captured_at=utc(photo.frame.captured_at),
                    frame_index=photo.frame.index,
                    width=photo.frame.width,
                    height=photo.frame.height,
                    marks=tuple(Mark(label=m.label, box=m.box, score=m.score) for m in photo.marks),
                    view_offset=photo.frame.offset,
                )
            )
        return entries


def _encode(image: npt.NDArray[np.uint8], ext: str) -> bytes:
    params = PNG_PARAMS if ext == ".png" else [cv2.IMWRITE_JPEG_QUALITY, ANNOTATED_QUALITY]
    ok, buf = cv2.imencode(ext, image, params)
    if not ok:
        raise ValueError(f"could not encode image as {ext}")
    return buf.tobytes()


def build_bundle(
    folder: Path,
    violation: Violation,
    context: RecordContext,
    link: LedgerLink,
    signer: Signer,
    kind: RecordKind = "primary",
    episode_record_id: str | None = None,
    with_clip: bool = True,
) -> BuiltBundle:
    """Write originals, plate, clip, annotated copies, manifest.json and manifest.sig into `folder`."""
    if not violation.photos:
        raise ValueError(f"violation {violation.episode_key} has no photos")
    folder.mkdir(parents=True, exist_ok=True)
    files = BundleFiles(folder)
    frames = tuple(sorted(violation.clip_frames, key=lambda f: f.captured_at)) if with_clip else ()
    # the originals' PNGs are made in other threads (OpenCV lets go of the GIL) while this one makes the clip
    with ThreadPoolExecutor(max_workers=ENCODE_THREADS, thread_name_prefix="evidence-png") as pool:
        pngs = [pool.submit(_encode, photo.frame.image, ".png") for photo in violation.photos]
        info = encode_clip(frames, folder / "clip.mp4") if frames else None
        photos = files.add_originals(violation.photos, [png.result() for png in pngs])
    plate_image = None
    plate = violation.plate
    if plate is not None and plate.crop is not None and plate.crop.size:
        plate_image = "plate.png"
        files.add_bytes(plate_image, _encode(np.ascontiguousarray(plate.crop), ".png"), "plate")
    clip = None
    if info is not None:
        files.add_file("clip.mp4", "clip")
        clip = ClipEntry(
            path="clip.mp4",
            codec=info.codec,
            fps=info.fps,
            frame_count=info.frame_count,
            width=info.width,
            height=info.height,
            first_captured_at=utc(frames[0].captured_at),
            last_captured_at=utc(frames[-1].captured_at),
        )
    fields: dict[str, Any] = dict(
        record_fields(link, signer, context),
        kind=kind,
        episode_key=violation.episode_key,
        episode_record_id=episode_record_id,
        violation_type=violation.violation_type,
        zone_name=violation.zone_name,
        zone_polygon=violation.zone_polygon,
        first_seen_at=utc(violation.first_seen_at),
        confirmed_at=utc(violation.confirmed_at),
        object=ObjectInfo(
            label=violation.object_label,
            track_id=violation.track_id,
            plate_text=plate.text if plate else None,
            plate_confidence=plate.confidence if plate else None,
            plate_votes=plate.votes if plate else None,
            box=violation.identity.box if violation.identity else None,
            appearance=violation.identity.appearance or None if violation.identity else None,
        ),
        photos=tuple(photos),
        plate_image=plate_image,
        clip=clip,
        details=violation.details,
        media=MediaInfo(annotated_quality=ANNOTATED_QUALITY, clip_container="mp4"),
    )
    return seal_bundle(files, fields, zip(violation.photos, photos, strict=True), context, signer)


def record_fields(link: LedgerLink, signer: Signer, context: RecordContext) -> dict[str, Any]:
    """The manifest fields every kind of record takes from its ledger link, its signer and its context."""
    return dict(
        record_id=link.record_id,
        sequence=link.sequence,
        previous_manifest_sha256=link.previous_manifest_sha256,
        previous_record_id=link.previous_record_id,
        signing_key_id=signer.key_id,
        device_kind=context.device_kind,
        device_id=context.device_id,
        place=context.place,
        timezone=context.timezone,
        model_name=context.model_name,
        weights_sha256=context.weights_sha256,
        detector_type=context.detector_type,
        config_sha256=context.config_sha256,
        software_version=context.software_version,
    )


def seal_bundle(
    files: BundleFiles,
    fields: dict[str, Any],
    photos: Iterable[tuple[EvidencePhoto, PhotoEntry]],
    context: RecordContext,
    signer: Signer,
) -> BuiltBundle:
    """Finish a bundle whose other files are written: the content digest and verification code over the
    draft manifest, the annotated copies captioned with that code, then manifest.json and manifest.sig.

    `fields` are the manifest's fields but `files`, `content_sha256` and `verification_code`; each photo
    is paired with its entry (from `BundleFiles.add_originals`), which names its annotated copy."""
    draft = Manifest(**fields, files=tuple(files.entries), content_sha256="0" * 64, verification_code="")
    digest = content_digest(draft.model_dump(mode="json"))
    code = verification_code(digest)
    for photo, entry in photos:
        caption = Caption(
            captured_at=photo.frame.captured_at,
            timezone=context.timezone,
            address=context.place.address,
            lat=context.place.lat,
            lon=context.place.lon,
            device_id=context.device_id,
            violation_type=draft.violation_type,
            verification_code=code,
            role=photo.role,
        )
        image = annotate(photo.frame.image, photo.marks, draft.zone_polygon, caption, photo.frame.offset)
        files.add_bytes(entry.annotated, _encode(image, ".jpg"), "annotated")
    manifest = Manifest(**fields, files=tuple(files.entries), content_sha256=digest, verification_code=code)
    data = manifest_bytes(manifest)
    write_file_durably(files.folder / MANIFEST_NAME, data)
    write_file_durably(files.folder / SIGNATURE_NAME, sign(signer, data).to_bytes())
    return BuiltBundle(manifest, data, sha256_bytes(data))
