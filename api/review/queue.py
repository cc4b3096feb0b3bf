"""The review queue: filtered, oldest first, keyset-paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from api.db.models import Event
from api.review import cursor as cursors


@dataclass(frozen=True)
class QueueFilter:
    status: str = "pending"
    violation_type: str | None = None
    camera_id: str | None = None
    zone_name: str | None = None
    plate: str | None = None  # prefix match
    since: datetime | None = None  # on confirmed_at
    until: datetime | None = None
    claim: str = "any"  # any / available (unclaimed, expired or mine) / mine
    user_id: int | None = None


def _filtered(f: QueueFilter, now: datetime) -> Select[Event]:
    query = select(Event).where(Event.status == f.status)
    if f.violation_type:
        query = query.where(Event.violation_type == f.violation_type)
    if f.camera_id:
        query = query.where(Event.camera_id == f.camera_id)
    if f.zone_name:
        query = query.where(Event.zone_name == f.zone_name)
    if f.plate:
        escaped = f.plate.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Event.plate_text.like(f"{escaped}%", escape="\\"))
    if f.since is not None:
        query = query.where(Event.confirmed_at >= f.since)
    if f.until is not None:
        query = query.where(Event.confirmed_at < f.until)
    if f.claim == "mine":
        query = query.where(Event.claimed_by == f.user_id, Event.claim_expires_at > now)
    elif f.claim == "available":
        query = query.where(
            or_(Event.claimed_by.is_(None), Event.claimed_by == f.user_id, Event.claim_expires_at <= now)
        )
    return query


def list_queue(
    session: Session, f: QueueFilter, now: datetime, limit: int, after: str | None = None
) -> tuple[list[Event], str | None]:
    """One page of events and the cursor of the next page (None at the end)."""
    query = _filtered(f, now)
    if after is not None:
        at, event_id = cursors.decode(after)
        query = query.where(or_(Event.created_at > at, and_(Event.created_at == at, Event.id > event_id)))
    rows = list(session.scalars(query.order_by(Event.created_at, Event.id).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, cursors.encode(rows[-1].created_at, rows[-1].id)


def count_queue(session: Session, f: QueueFilter, now: datetime) -> int:
    """How many events match the filter (all pages)."""
    return int(session.scalar(select(func.count()).select_from(_filtered(f, now).subquery())) or 0)
