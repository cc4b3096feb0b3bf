"""Claim, release, decide and reopen, each a single conditional UPDATE.

The WHERE clause carries the whole precondition (still pending; unclaimed, claimed by the caller,
or the lease ran out), so of two reviewers racing for one event exactly one UPDATE matches a row:
PostgreSQL re-checks the WHERE after the row lock is released, SQLite serialises writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from api import audit
from api.db.models import Event, Review, User
from vision.violations import registry

REASON_CODES = tuple(r.code for r in registry.all_reject_reasons())  # any kind's; each kind allows its own


class WorkflowError(Exception):
    """The event is not in a state that allows this; `status_code` says how the API answers."""

    def __init__(self, status_code: int, detail: str):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class Decision:
    approve: bool
    reason_code: str | None = None
    note: str | None = None


def _claimable_by(user: User, now: datetime):  # type: ignore[no-untyped-def]
    return or_(Event.claimed_by.is_(None), Event.claimed_by == user.id, Event.claim_expires_at <= now)


def _explain(session: Session, event_id: str, user: User, now: datetime) -> WorkflowError:
    event = session.get(Event, event_id, populate_existing=True)
    if event is None:
        return WorkflowError(404, f"event {event_id!r} not found")
    if event.status != "pending":
        return WorkflowError(409, f"event {event_id} is already {event.status}")
    holder = session.get(User, event.claimed_by) if event.claimed_by is not None else None
    until = event.claim_expires_at.isoformat() if event.claim_expires_at else "?"
    return WorkflowError(
        409, f"event {event_id} is claimed by {holder.username if holder else '?'} until {until}"
    )


def claim(session: Session, event_id: str, user: User, now: datetime, lease_s: int) -> Event:
    result = session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status == "pending", _claimable_by(user, now))
        .values(claimed_by=user.id, claim_expires_at=now + timedelta(seconds=lease_s)),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _explain(session, event_id, user, now)
    audit.record(session, user, "event.claim", "event", event_id, now)
    event = session.get(Event, event_id, populate_existing=True)
    assert event is not None
    return event


def release(session: Session, event_id: str, user: User, now: datetime) -> None:
    result = session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status == "pending", Event.claimed_by == user.id)
        .values(claimed_by=None, claim_expires_at=None),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _explain(session, event_id, user, now)
    audit.record(session, user, "event.release", "event", event_id, now)


def decide(session: Session, event_id: str, user: User, decision: Decision, now: datetime) -> Review:
    """Approve or reject a pending event the caller holds (or that nobody holds); a rejection's reason
    must be one of the event's kind."""
    if decision.reason_code is not None:
        _verify_reason(session, event_id, decision.reason_code)
    status = "approved" if decision.approve else "rejected"
    result = session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status == "pending", _claimable_by(user, now))
        .values(status=status, decided_at=now, claimed_by=None, claim_expires_at=None),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _explain(session, event_id, user, now)
    review = Review(
        event_id=event_id,
        reviewer_id=user.id,
        decision="approve" if decision.approve else "reject",
        reason_code=decision.reason_code,
        note=decision.note,
        created_at=now,
    )
    session.add(review)
    audit.record(
        session,
        user,
        f"event.{review.decision}",
        "event",
        event_id,
        now,
        reason_code=decision.reason_code or "",
        note=decision.note or "",
    )
    session.flush()
    return review


def _verify_reason(session: Session, event_id: str, reason_code: str) -> None:
    event = session.get(Event, event_id)
    if event is None:
        raise WorkflowError(404, f"event {event_id!r} not found")
    allowed = [r.code for r in registry.kind_of(event.violation_type).reject_reasons]
    if reason_code not in allowed:
        raise WorkflowError(
            422, f"reason_code {reason_code!r} does not apply to {event.violation_type}; one of {', '.join(allowed)}"
        )


def reopen(session: Session, event_id: str, admin: User, note: str, now: datetime) -> Review:
    """Send a decided event back to the queue (admins only; the route checks the role)."""
    result = session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status.in_(("approved", "rejected")))
        .values(status="pending", decided_at=None, claimed_by=None, claim_expires_at=None),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        event = session.get(Event, event_id)
        if event is None:
            raise WorkflowError(404, f"event {event_id!r} not found")
        raise WorkflowError(409, f"event {event_id} is {event.status}; only decided events can be reopened")
    review = Review(event_id=event_id, reviewer_id=admin.id, decision="reopen", note=note, created_at=now)
    session.add(review)
    audit.record(session, admin, "event.reopen", "event", event_id, now, note=note)
    session.flush()
    return review
