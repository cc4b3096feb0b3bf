"""Reviewers: the queue, claim leases, event detail with evidence, decisions, history, reopening."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import FileResponse
from sqlalchemy import select

from api import audit
from api.auth.deps import AdminUser, NowDep, ReviewerUser
from api.db.models import Camera, Event, EvidenceRecordRow, Review, User, Zone
from api.deps import SessionDep, SettingsDep
from api.export.webhook import cancel_pending_deliveries, enqueue_case
from api.review import cursor as cursors
from api.review.evidence import Bundle, EvidenceError, load_bundle
from api.review.queue import QueueFilter, count_queue, list_queue
from api.review.thumbnail import thumbnail_jpeg
from api.review.workflow import Decision, claim, decide, release, reopen
from api.routes.case_rechecks import case_rechecks
from api.routes.case_status import case_steps
from api.routes.common import AUTH_RESPONSES, ConfirmedSince, ConfirmedUntil, require_offset
from api.routes.evidence_files import evidence_public, media_response, zip_response
from api.schemas.event import (
    CameraBrief,
    ClaimPublic,
    DecisionCreate,
    EventDetail,
    EventPage,
    EventPublic,
    ReopenCreate,
    ReviewPublic,
)

router = APIRouter(tags=["review"])
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such event"}}
_409: dict[int | str, dict[str, Any]] = {409: {"description": "Already decided, or claimed by someone else"}}


@router.get("/events", response_model=EventPage, responses=AUTH_RESPONSES)
def list_events(
    user: ReviewerUser,
    session: SessionDep,
    now: NowDep,
    status_: Annotated[Literal["pending", "approved", "rejected"], Query(alias="status")] = "pending",
    violation_type: Annotated[str | None, Query(max_length=32, examples=["illegal_parking"])] = None,
    camera_id: Annotated[str | None, Query(max_length=64)] = None,
    zone_name: Annotated[str | None, Query(max_length=80)] = None,
    plate: Annotated[
        str | None, Query(max_length=16, description="Plate text prefix", examples=["浙A"])
    ] = None,
    since: ConfirmedSince = None,
    until: ConfirmedUntil = None,
    claim_filter: Annotated[Literal["any", "available", "mine"], Query(alias="claim")] = "any",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EventPage:
    """The queue, oldest first. `claim=available` hides events other reviewers hold."""
    f = QueueFilter(
        status=status_,
        violation_type=violation_type,
        camera_id=camera_id,
        zone_name=zone_name,
        plate=plate,
        since=require_offset(since, "since"),
        until=require_offset(until, "until"),
        claim=claim_filter,
        user_id=user.id,
    )
    try:
        rows, next_cursor = list_queue(session, f, now, limit, cursor)
    except cursors.BadCursor as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return EventPage(
        items=[EventPublic.model_validate(r) for r in rows],
        next_cursor=next_cursor,
        total=count_queue(session, f, now),
    )


def _event_or_404(session: SessionDep, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"event {event_id!r} not found")
    return event


def _reviews(session: SessionDep, event_id: str) -> list[ReviewPublic]:
    rows = session.execute(
        select(Review, User.username)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.event_id == event_id)
        .order_by(Review.id)
    )
    return [ReviewPublic.model_validate(r).model_copy(update={"reviewer": name}) for r, name in rows]


def _zone_polygon(session: SessionDep, event: Event, record: dict[str, Any]) -> list[list[float]] | None:
    polygon = record.get("zone_polygon")
    if isinstance(polygon, list) and polygon:
        try:
            return [[float(x), float(y)] for x, y in polygon]
        except (TypeError, ValueError):
            pass
    if event.camera_id and event.zone_name:
        zone = session.scalar(
            select(Zone).where(Zone.camera_id == event.camera_id, Zone.name == event.zone_name)
        )
        if zone is not None:
            return [list(p) for p in zone.polygon]
    return None


@router.get("/events/{event_id}", response_model=EventDetail, responses={**AUTH_RESPONSES, **_404})
def get_event(
    event_id: str,
    request: Request,
    user: ReviewerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> EventDetail:
    """Everything a reviewer needs: evidence files (with boxes), zone, plate, verify status, history."""
    event = _event_or_404(session, event_id)
    camera = session.get(Camera, event.camera_id) if event.camera_id else None
    evidence, evidence_error, record = None, None, {}
    row = session.get(EvidenceRecordRow, event.evidence_record_id) if event.evidence_record_id else None
    if row is not None:
        try:
            bundle = load_bundle(settings.evidence_dir, row)
            evidence, record = evidence_public(request, event, bundle, row, settings), bundle.record
        except EvidenceError as exc:
            evidence_error = exc.detail
    audit.record(session, user, "event.view", "event", event.id, now)
    return EventDetail(
        **EventPublic.model_validate(event).model_dump(),
        camera=CameraBrief(
            id=camera.id,
            name=camera.name,
            timezone=camera.timezone,
            address=camera.address,
            grid_code=camera.grid_code,
        )
        if camera
        else None,
        zone_polygon=_zone_polygon(session, event, record),
        evidence=evidence,
        evidence_error=evidence_error,
        reviews=_reviews(session, event.id),
        case_steps=case_steps(session, event.id),
        rechecks=case_rechecks(request, session, settings, event),
    )


def _evidence_row(session: SessionDep, event_id: str) -> EvidenceRecordRow:
    event = _event_or_404(session, event_id)
    row = session.get(EvidenceRecordRow, event.evidence_record_id) if event.evidence_record_id else None
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"event {event_id} has no evidence record")
    return row


def _bundle_for(session: SessionDep, settings: SettingsDep, event_id: str) -> Bundle:
    row = _evidence_row(session, event_id)
    return load_bundle(settings.evidence_dir, row)


@router.get(
    "/events/{event_id}/media/{file_path:path}",
    name="get_event_media",
    response_class=FileResponse,
    responses={
        **AUTH_RESPONSES,
        **_404,
        200: {"content": {"image/jpeg": {}, "video/mp4": {}, "application/octet-stream": {}}},
    },
)
def get_event_media(
    event_id: str, file_path: str, user: ReviewerUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> FileResponse:
    """One evidence file, by its path in the manifest. Every access is written to the audit log."""
    return media_response(session, user, now, event_id, _bundle_for(session, settings, event_id), file_path)


@router.get(
    "/events/{event_id}/thumbnail.jpg",
    name="get_event_thumbnail",
    responses={**AUTH_RESPONSES, **_404, 200: {"content": {"image/jpeg": {}}}},
)
def get_event_thumbnail(
    event_id: str, user: ReviewerUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """A small JPEG of the event's confirmation photo (with its boxes), for the queue; audited."""
    bundle = _bundle_for(session, settings, event_id)
    data, source = thumbnail_jpeg(bundle)
    audit.record(session, user, "evidence.view", "event", event_id, now, path=source, kind="thumbnail")
    session.commit()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@router.get(
    "/events/{event_id}/evidence.zip",
    name="get_event_zip",
    responses={**AUTH_RESPONSES, **_404, 200: {"content": {"application/zip": {}}}},
)
def get_event_zip(
    event_id: str, user: ReviewerUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    """The record exported by the evidence package (manifest, signature, files, public key) as a ZIP
    that `enforce verify` checks offline; audited."""
    row = _evidence_row(session, event_id)
    return zip_response(session, user, now, event_id, settings, row, f"evidence-{event_id}.zip")


@router.post("/events/{event_id}/claim", response_model=ClaimPublic, responses={**AUTH_RESPONSES, **_404, **_409})
def claim_event(
    event_id: str, user: ReviewerUser, session: SessionDep, settings: SettingsDep, now: NowDep
) -> ClaimPublic:
    """Take (or extend) the lease on a pending event; nobody else can decide it until it runs out."""
    event = claim(session, event_id, user, now, settings.claim_lease_s)
    assert event.claimed_by is not None and event.claim_expires_at is not None
    return ClaimPublic(
        event_id=event.id, claimed_by=event.claimed_by, claim_expires_at=event.claim_expires_at
    )


@router.delete("/events/{event_id}/claim", status_code=204, responses={**AUTH_RESPONSES, **_404, **_409})
def release_event(event_id: str, user: ReviewerUser, session: SessionDep, now: NowDep) -> None:
    release(session, event_id, user, now)


@router.post(
    "/events/{event_id}/decision",
    response_model=ReviewPublic,
    status_code=201,
    responses={**AUTH_RESPONSES, **_404, **_409},
)
def decide_event(
    event_id: str,
    body: DecisionCreate,
    request: Request,
    user: ReviewerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> ReviewPublic:
    """Approve, or reject with a reason code. Needs the caller's claim, or no live claim by anyone."""
    review = decide(
        session, event_id, user, Decision(body.decision == "approve", body.reason_code, body.note), now
    )
    if review.decision == "approve" and settings.webhook_url:
        event = session.get(Event, event_id, populate_existing=True)
        assert event is not None
        enqueue_case(
            session,
            event,
            review,
            settings.webhook_url,
            str(request.base_url),
            now,
            settings.case_codes_for,
            settings.evidence_dir,
        )
    return ReviewPublic.model_validate(review).model_copy(update={"reviewer": user.username})


@router.post(
    "/events/{event_id}/reopen",
    response_model=ReviewPublic,
    status_code=201,
    responses={**AUTH_RESPONSES, **_404, **_409},
)
def reopen_event(
    event_id: str, body: ReopenCreate, admin: AdminUser, session: SessionDep, now: NowDep
) -> ReviewPublic:
    """Put a decided event back in the queue (admins only)."""
    review = reopen(session, event_id, admin, body.note, now)
    cancel_pending_deliveries(session, event_id)
    return ReviewPublic.model_validate(review).model_copy(update={"reviewer": admin.username})


@router.get("/events/{event_id}/reviews", response_model=list[ReviewPublic], responses={**AUTH_RESPONSES, **_404})
def event_reviews(event_id: str, user: ReviewerUser, session: SessionDep) -> list[ReviewPublic]:
    _event_or_404(session, event_id)
    return _reviews(session, event_id)
