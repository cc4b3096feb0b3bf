"""Decision history: each decision with the facts of the event it was on (type, plate, place)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import and_, or_, select

from api.auth.deps import ReviewerUser
from api.db.models import Camera, Event, Review, User
from api.deps import SessionDep
from api.review import cursor as cursors
from api.routes.common import AUTH_RESPONSES
from api.schemas.event import ReviewedEvent, ReviewPage, ReviewPublic
from api.schemas.ids import IdQuery

router = APIRouter(tags=["review"])


def _reviewed(event: Event, camera: Camera | None) -> ReviewedEvent:
    return ReviewedEvent(
        violation_type=event.violation_type,
        plate_text=event.plate_text,
        camera_id=event.camera_id,
        camera_name=camera.name if camera else None,
        flight_id=event.flight_id,
        zone_name=event.zone_name,
        address=camera.address if camera else None,
        timezone=camera.timezone if camera else None,
        status=event.status,
    )


@router.get("/reviews", response_model=ReviewPage, responses=AUTH_RESPONSES)
def list_reviews(
    user: ReviewerUser,
    session: SessionDep,
    reviewer_id: IdQuery = None,
    mine: Annotated[bool, Query(description="Only my decisions")] = False,
    decision: Annotated[Literal["approve", "reject", "reopen"] | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReviewPage:
    """Decision history, newest first, each with its event's type, plate and place."""
    query = (
        select(Review, User.username, Event, Camera)
        .join(User, User.id == Review.reviewer_id)
        .join(Event, Event.id == Review.event_id)
        .outerjoin(Camera, Camera.id == Event.camera_id)
    )
    if mine:
        reviewer_id = user.id
    if reviewer_id is not None:
        query = query.where(Review.reviewer_id == reviewer_id)
    if decision is not None:
        query = query.where(Review.decision == decision)
    if cursor is not None:
        try:
            at, review_id = cursors.decode(cursor)
            rid = int(review_id)
        except (cursors.BadCursor, ValueError):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail="cursor is not one this API gave out"
            ) from None
        query = query.where(or_(Review.created_at < at, and_(Review.created_at == at, Review.id < rid)))
    rows = list(session.execute(query.order_by(Review.created_at.desc(), Review.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ReviewPublic.model_validate(r).model_copy(update={"reviewer": name, "event": _reviewed(e, c)})
        for r, name, e, c in rows
    ]
    next_cursor = cursors.encode(items[-1].created_at, items[-1].id) if more else None
    return ReviewPage(items=items, next_cursor=next_cursor)
