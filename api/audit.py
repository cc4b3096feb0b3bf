"""Write to the append-only audit log (same transaction as the change it records)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.db.models import AuditEntry, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: str | int,
    now: datetime,
    **detail: str,
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=dict(detail),
    )
    session.add(entry)
    return entry
