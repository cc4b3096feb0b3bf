"""A signed record's files over HTTP, for every route that shows one (an event's own record, its 核查
records, a drone finding's): the record as the API describes it, one file by its path in the manifest,
and the whole record as an export ZIP. Every file served or refused is written to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request, Response
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from api import audit
from api.db.models import Event, EvidenceRecordRow, User
from api.review.evidence import Bundle, EvidenceError, bundle_zip, load_bundle, media_path, verify_status
from api.schemas.event import EvidencePublic, MarkPublic, MediaPublic, VerifyPublic
from api.settings import Settings

NO_STORE = {"Cache-Control": "private, no-store"}


def _offsets_by_path(record: dict[str, Any]) -> dict[str, list[float]]:
    """Each photo's `view_offset` (the camera's drift since its reference view), where the record has one."""
    offsets: dict[str, list[float]] = {}
    for photo in record.get("photos") or []:
        try:
            dx, dy = (float(v) for v in photo["view_offset"])
        except (KeyError, TypeError, ValueError):
            continue
        for key in ("original", "annotated"):
            if isinstance(photo.get(key), str):
                offsets[photo[key]] = [dx, dy]
    return offsets


def _marks_by_path(record: dict[str, Any]) -> dict[str, list[MarkPublic]]:
    """Boxes drawn on each photo, from the record's `photos: [{path, marks: [{label, box}]}]` (if any)."""
    marks: dict[str, list[MarkPublic]] = {}
    photos = record.get("photos")
    if not isinstance(photos, list):
        return marks
    for photo in photos:
        if not isinstance(photo, dict):
            continue
        found = []
        for mark in photo.get("marks") or []:
            try:
                found.append(
                    MarkPublic(
                        label=str(mark["label"]),
                        box=[float(v) for v in mark["box"]][:4],
                        score=mark.get("score"),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
        for key in ("path", "file", "original", "annotated"):
            if isinstance(photo.get(key), str):
                marks[photo[key]] = found
    return marks


def evidence_public(
    request: Request,
    event: Event,
    bundle: Bundle,
    row: EvidenceRecordRow,
    settings: Settings,
    media_base: str | None = None,
    zip_url: str | None = None,
) -> EvidencePublic:
    """The record's files, marks and verify state; `media_base`/`zip_url` for a record other than the
    event's own (a 核查 record)."""
    marks, offsets = _marks_by_path(bundle.record), _offsets_by_path(bundle.record)
    base = media_base or str(request.url_for("get_event_media", event_id=event.id, file_path="_")).removesuffix("_")
    media = [
        MediaPublic(
            path=f.path,
            kind=f.kind,
            sha256=f.sha256,
            size=f.size,
            url=base + f.path,
            marks=marks.get(f.path, []),
            view_offset=offsets.get(f.path, [0.0, 0.0]),
        )
        for f in bundle.files
    ]
    verify = verify_status(settings.evidence_dir, row)
    return EvidencePublic(
        record_id=row.id,
        manifest_sha256=row.manifest_sha256,
        media=media,
        zip_url=zip_url or str(request.url_for("get_event_zip", event_id=event.id)),
        verify=VerifyPublic(state=verify.state, detail=verify.detail),  # type: ignore[arg-type]
        record=bundle.record,
    )


def media_response(
    session: Session, user: User, now: datetime, event_id: str, bundle: Bundle, file_path: str, **audit_detail: str
) -> FileResponse:
    """The file the record's manifest lists under `file_path`, audited as `evidence.view` on the event
    (with `audit_detail`); a path the manifest does not list is audited as `evidence.denied` and refused."""
    try:
        entry, path = media_path(bundle, file_path)
    except EvidenceError:
        audit.record(session, user, "evidence.denied", "event", event_id, now, path=file_path[:200])
        session.commit()
        raise
    audit.record(
        session, user, "evidence.view", "event", event_id, now, path=entry.path, kind=entry.kind, **audit_detail
    )
    session.commit()
    return FileResponse(path, headers=NO_STORE)


def zip_response(
    session: Session,
    user: User,
    now: datetime,
    event_id: str,
    settings: Settings,
    row: EvidenceRecordRow,
    filename: str,
    **audit_detail: str,
) -> Response:
    """The record as a signed export ZIP that `enforce verify` checks offline, audited as
    `evidence.download` on the event (with `audit_detail`)."""
    load_bundle(settings.evidence_dir, row)  # a missing or unreadable manifest answers 404 / 502
    data = bundle_zip(settings.evidence_dir, row.id, settings.signing_key)
    audit.record(session, user, "evidence.download", "event", event_id, now, **audit_detail)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )
