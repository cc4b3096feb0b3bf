"""What each zone of a camera caught: the integrator sees whether a zone is drawn and tuned well (counts by
status, and its latest cases) without the reviewer's evidence views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.auth.deps import require_role
from api.db.models import Camera, Event, User
from api.deps import SessionDep
from api.routes.common import AUTH_RESPONSES, ConfirmedSince, require_offset
from api.routes.stats import CountsPublic

router = APIRouter(prefix="/cameras", tags=["cameras"])
ZoneReader = Annotated[User, Depends(require_role("integrator", "reviewer"))]
_404: dict[int | str, dict[str, Any]] = {404: {"description": "No such camera"}}


class CaughtCase(BaseModel):
    event_id: str
    violation_type: str
    status: str
    confirmed_at: datetime


class ZoneCaught(BaseModel):
    zone_name: str | None = Field(description="null: cases recorded without a zone")
    kind: str | None = Field(description="The zone's kind; null for a zone no longer on the camera")
    current: bool = Field(description="The zone is still one of the camera's zones")
    counts: CountsPublic
    latest: list[CaughtCase] = Field(description="Newest first")


@router.get("/{camera_id}/caught", response_model=list[ZoneCaught], responses={**AUTH_RESPONSES, **_404})
def zones_caught(
    camera_id: str,
    user: ZoneReader,
    session: SessionDep,
    since: ConfirmedSince = None,
    latest: Annotated[int, Query(ge=0, le=50, description="How many of each zone's newest cases")] = 5,
) -> list[ZoneCaught]:
    """Per zone of the camera (its current zones first, in their order, then zones since removed): how
    many cases it caught by status, and its newest cases."""
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"camera {camera_id!r} not found")
    since = require_offset(since, "since")
    where = [Event.camera_id == camera_id] + ([Event.confirmed_at >= since] if since is not None else [])
    counts: dict[str | None, dict[str, int]] = {}
    for zone_name, state, n in session.execute(
        select(Event.zone_name, Event.status, func.count()).where(*where).group_by(Event.zone_name, Event.status)
    ):
        counts.setdefault(zone_name, {})[state] = n
    kinds = {z.name: z.kind for z in camera.zones}
    names: list[str | None] = [z.name for z in camera.zones]
    names += sorted(n for n in counts if n not in kinds and n is not None) + ([None] if None in counts else [])
    result = []
    for name in names:
        c = counts.get(name, {})
        newest: list[Event] = (
            list(
                session.scalars(
                    select(Event)
                    .where(*where, Event.zone_name.is_(None) if name is None else Event.zone_name == name)
                    .order_by(Event.confirmed_at.desc(), Event.id.desc())
                    .limit(latest)
                )
            )
            if latest and c
            else []
        )
        result.append(
            ZoneCaught(
                zone_name=name,
                kind=kinds.get(name) if name is not None else None,
                current=name in kinds,
                counts=CountsPublic(
                    pending=c.get("pending", 0),
                    approved=c.get("approved", 0),
                    rejected=c.get("rejected", 0),
                    total=sum(c.get(s, 0) for s in ("pending", "approved", "rejected")),
                ),
                latest=[
                    CaughtCase(
                        event_id=e.id, violation_type=e.violation_type, status=e.status, confirmed_at=e.confirmed_at
                    )
                    for e in newest
                ],
            )
        )
    return result
