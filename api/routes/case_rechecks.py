"""The product's 核查 after 处置, on the case: each re-check's outcome and its signed record's photos."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import FileResponse
from sqlalchemy import select

from api.auth.deps import NowDep, ReviewerUser
from api.db.models import CaseRecheck, Event, EvidenceRecordRow
from api.deps import SessionDep, SettingsDep
from api.review.evidence import EvidenceError, load_bundle
from api.routes.common import AUTH_RESPONSES
from api.routes.evidence_files import evidence_public, media_response, zip_response
from api.schemas.event import CaseRecheckPublic
from api.schemas.ids import IdPath

router = APIRouter(tags=["case system"])
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such event, re-check or record"}}


def case_rechecks(
    request: Request, session: SessionDep, settings: SettingsDep, event: Event
) -> list[CaseRecheckPublic]:
    rows = session.scalars(select(CaseRecheck).where(CaseRecheck.event_id == event.id).order_by(CaseRecheck.id))
    out = []
    for r in rows:
        evidence, error = None, None
        record = session.get(EvidenceRecordRow, r.record_id) if r.record_id else None
        if record is not None:
            try:
                media = str(request.url_for("get_recheck_media", event_id=event.id, recheck_id=r.id, file_path="_"))
                zip_url = str(request.url_for("get_recheck_zip", event_id=event.id, recheck_id=r.id))
                bundle = load_bundle(settings.evidence_dir, record)
                evidence = evidence_public(request, event, bundle, record, settings, media.removesuffix("_"), zip_url)
            except EvidenceError as exc:
                error = exc.detail
        public = {c: getattr(r, c) for c in ("id", "state", "outcome", "reason", "detail", "requested_at")}
        public |= {c: getattr(r, c) for c in ("finished_at", "attempts", "last_error")}
        out.append(CaseRecheckPublic.model_validate({**public, "evidence": evidence, "evidence_error": error}))
    return out


def _record_row(session: SessionDep, event_id: str, recheck_id: int) -> EvidenceRecordRow:
    recheck = session.get(CaseRecheck, recheck_id)
    if recheck is None or recheck.event_id != event_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"event {event_id} has no re-check {recheck_id}")
    row = session.get(EvidenceRecordRow, recheck.record_id) if recheck.record_id else None
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"re-check {recheck_id} has no evidence record")
    return row


@router.get(
    "/events/{event_id}/rechecks/{recheck_id}/media/{file_path:path}",
    name="get_recheck_media",
    response_class=FileResponse,
    responses={**AUTH_RESPONSES, **_404, 200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def get_recheck_media(
    event_id: str,
    recheck_id: IdPath,
    file_path: str,
    user: ReviewerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> FileResponse:
    """One file of a 核查 record, by its path in the manifest; audited like the case's own evidence."""
    bundle = load_bundle(settings.evidence_dir, _record_row(session, event_id, recheck_id))
    return media_response(session, user, now, event_id, bundle, file_path, recheck=str(recheck_id))


@router.get(
    "/events/{event_id}/rechecks/{recheck_id}/evidence.zip",
    name="get_recheck_zip",
    responses={**AUTH_RESPONSES, **_404, 200: {"content": {"application/zip": {}}}},
)
def get_recheck_zip(
    event_id: str, recheck_id: IdPath, user: ReviewerUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """The 核查 record as a signed export ZIP that `enforce verify` checks offline; audited."""
    row = _record_row(session, event_id, recheck_id)
    filename = f"recheck-{event_id}-{recheck_id}.zip"
    return zip_response(session, user, now, event_id, settings, row, filename, recheck=str(recheck_id))
