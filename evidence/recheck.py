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
    BuiltBundle,
    BundleFiles,
    LedgerLink,
    record_fields,
    seal_bundle,
)
from evidence.keys import Signer
from evidence.records import Manifest, MediaInfo, RecheckInfo, RecordContext, utc


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
    files = BundleFiles(folder)
    photos = files.add_originals(capture.photos)
    first = min((p.frame.captured_at for p in capture.photos), default=capture.info.requested_at)
    fields: dict[str, Any] = dict(
        record_fields(link, signer, context),
        kind="recheck",
        episode_key=primary.episode_key,
        episode_record_id=primary.record_id,
        violation_type=primary.violation_type,
        zone_name=primary.zone_name,
        zone_polygon=primary.zone_polygon,
        first_seen_at=utc(first),
        confirmed_at=utc(capture.checked_at),
        object=primary.object,
        photos=tuple(photos),
        details=primary.details,
        media=MediaInfo(annotated_quality=ANNOTATED_QUALITY, clip_container="none"),
        recheck=capture.info,
    )
    return seal_bundle(files, fields, zip(capture.photos, photos, strict=True), context, signer)
