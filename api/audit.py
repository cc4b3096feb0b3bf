"""Write to the append-only audit log (same transaction as the change it records).

Every detail value is masked here, so no caller can put a stream credential into the log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.db.models import AuditEntry, User
from ingest.redact import mask_text


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
        detail={key: mask_text(value) if isinstance(value, str) else value for key, value in detail.items()},
    )
    session.add(entry)
    return entry
