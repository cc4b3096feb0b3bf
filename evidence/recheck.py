"""The 核查 record: a signed, chained bundle of the re-check frames and the outcome, linked to the case's
primary record (`episode_record_id`). Built like any bundle (originals, annotated copies, manifest,
signature), so `verify` checks it the same way; it carries no plate close-up or clip, and may carry
no photos at all when there were no frames (the manifest says why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.types import EvidencePhoto
from evidence.bundle import (
    ANNOTATED_QUALITY,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    BuiltBundle,
    LedgerLink,
    _encode,
    _Files,
    _safe,
    content_digest,
    manifest_bytes,
    verification_code,
)
from evidence.hashing import sha256_bytes, write_file_durably
from evidence.keys import Signer, sign
from evidence.overlay import Caption, annotate
from evidence.records import Manifest, Mark, MediaInfo, PhotoEntry, RecheckInfo, RecordContext, utc


@dataclass(frozen=True, eq=False)
class RecheckCapture:
    """What the writer needs for a 核查 record: the outcome, the case's primary manifest and the frames."""

    info: RecheckInfo
    primary: Manifest
    photos: tuple[EvidencePhoto, ...] = ()

    def __post_init__(self) -> None:
        if self.primary.kind != "primary":
            raise ValueError(f"record {self.primary.record_id} is a {self.primary.kind}, not a case's primary record")
        if len(self.photos) != self.info.frames:
            raise ValueError(f"{len(self.photos)} photos for {self.info.frames} re-check frames")

    @property
    def checked_at(self) -> datetime:
        """The record's time: its last frame's capture time, or when the re-check was asked for."""
        return max((p.frame.captured_at for p in self.photos), default=self.info.requested_at)


def build_recheck_bundle(
    folder: Path, capture: RecheckCapture, context: RecordContext, link: LedgerLink, signer: Signer
) -> BuiltBundle:
    """Write the frames' originals and annotated copies, manifest.json and manifest.sig into `folder`."""
    primary = capture.primary
    folder.mkdir(parents=True, exist_ok=True)
    files = _Files(folder)
    photos: list[PhotoEntry] = []
    for i, photo in enumerate(capture.photos, start=1):
        stem = f"{i:02d}-{_safe(photo.role)}"
        original, annotated = f"original/{stem}.png", f"annotated/{stem}.jpg"
        files.add_bytes(original, _encode(photo.frame.image, ".png"), "original")
        photos.append(
            PhotoEntry(
                role=photo.role,
                original=original,
                annotated=annotated,
                captured_at=utc(photo.frame.captured_at),
                frame_index=photo.frame.index,
                width=photo.frame.width,
                height=photo.frame.height,
                marks=tuple(Mark(label=m.label, box=m.box, score=m.score) for m in photo.marks),
            )
        )
    first = min((p.frame.captured_at for p in capture.photos), default=capture.info.requested_at)
    fields: dict[str, Any] = dict(
        kind="recheck",
        record_id=link.record_id,
        sequence=link.sequence,
        previous_manifest_sha256=link.previous_manifest_sha256,
        previous_record_id=link.previous_record_id,
        signing_key_id=signer.key_id,
        episode_key=primary.episode_key,
        episode_record_id=primary.record_id,
        violation_type=primary.violation_type,
        device_kind=context.device_kind,
        device_id=context.device_id,
        zone_name=primary.zone_name,
        zone_polygon=primary.zone_polygon,
        place=context.place,
        timezone=context.timezone,
        first_seen_at=utc(first),
        confirmed_at=utc(capture.checked_at),
        object=primary.object,
        photos=tuple(photos),
        details=primary.details,
        model_name=context.model_name,
        weights_sha256=context.weights_sha256,
        detector_type=context.detector_type,
        config_sha256=context.config_sha256,
        software_version=context.software_version,
        media=MediaInfo(annotated_quality=ANNOTATED_QUALITY, clip_container="none"),
        recheck=capture.info,
    )
    draft = Manifest(**fields, files=tuple(files.entries), content_sha256="0" * 64, verification_code="")
    digest = content_digest(draft.model_dump(mode="json"))
    code = verification_code(digest)
    for photo, entry in zip(capture.photos, photos, strict=True):
        caption = Caption(
            captured_at=photo.frame.captured_at,
            timezone=context.timezone,
            address=context.place.address,
            lat=context.place.lat,
            lon=context.place.lon,
            device_id=context.device_id,
            violation_type=primary.violation_type,
            verification_code=code,
            role=photo.role,
        )
        image = annotate(photo.frame.image, photo.marks, primary.zone_polygon, caption)
        files.add_bytes(entry.annotated, _encode(image, ".jpg"), "annotated")
    manifest = Manifest(**fields, files=tuple(files.entries), content_sha256=digest, verification_code=code)
    data = manifest_bytes(manifest)
    write_file_durably(folder / MANIFEST_NAME, data)
    write_file_durably(folder / SIGNATURE_NAME, sign(signer, data).to_bytes())
    return BuiltBundle(manifest, data, sha256_bytes(data))
