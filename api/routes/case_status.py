"""The case system reports each step of an approved case back (立案, 派遣, 处置, 核查, 结案).

Only a `case_system` account (an API key) may report; reviewers read the steps on the case. A step
sent again with the same time is answered with the row already stored (the case system retries)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from api import audit
from api.auth.deps import CaseSystemUser, NowDep, ReviewerUser
from api.db.models import CaseStatus, Event
from api.deps import SessionDep, SettingsDep
from api.recheck.runner import ask_for_recheck
from api.routes.common import AUTH_RESPONSES, require_offset
from api.schemas.case_status import CaseStatusCreate, CaseStatusPublic

router = APIRouter(prefix="/cases", tags=["case system"])
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such event"}}
_409: dict[int | str, dict[str, Any]] = {409: {"description": "The event is not an approved case"}}


def case_steps(session: SessionDep, event_id: str) -> list[CaseStatusPublic]:
    rows = session.scalars(
        select(CaseStatus).where(CaseStatus.event_id == event_id).order_by(CaseStatus.reported_at, CaseStatus.id)
    )
    return [CaseStatusPublic.model_validate(r) for r in rows]


@router.post(
    "/{event_id}/status",
    response_model=CaseStatusPublic,
    status_code=201,
    responses={**AUTH_RESPONSES, **_404, **_409, 200: {"description": "The same step was already recorded"}},
)
def report_step(
    event_id: str,
    body: CaseStatusCreate,
    user: CaseSystemUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    request: Request,
    response: Response,
) -> CaseStatusPublic:
    """Record one step the case system took on an approved case."""
    event = session.get(Event, event_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"event {event_id!r} not found")
    if event.status != "approved":
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"event {event_id} is {event.status}, not an approved case"
        )
    at = require_offset(body.at, "at")
    assert at is not None
    existing = session.scalar(
        select(CaseStatus).where(
            CaseStatus.event_id == event_id, CaseStatus.step == body.step, CaseStatus.reported_at == at
        )
    )
    if existing is not None:
        response.status_code = status.HTTP_200_OK
        return CaseStatusPublic.model_validate(existing)
    row = CaseStatus(
        event_id=event_id,
        step=body.step,
        reported_at=at,
        case_number=body.case_number,
        actor=body.actor,
        note=body.note,
        reported_by=user.id,
        received_at=now,
    )
    session.add(row)
    session.flush()
    if body.step == "handled":  # 处置: the product looks at the place again (核查), in the background
        ask_for_recheck(session, row, event, now, settings.webhook_url, str(request.base_url))
    audit.record(session, user, "case.status", "event", event_id, now, step=body.step)
    return CaseStatusPublic.model_validate(row)


@router.get("/{event_id}/status", response_model=list[CaseStatusPublic], responses={**AUTH_RESPONSES, **_404})
def list_steps(event_id: str, user: ReviewerUser, session: SessionDep) -> list[CaseStatusPublic]:
    """The steps reported on the case, in the order the case system took them."""
    if session.get(Event, event_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"event {event_id!r} not found")
    return case_steps(session, event_id)
