"""The 核查 result back to the case system: a webhook delivery on the existing push path (same retries,
dead letters and admin retry), queued in the transaction that marks the re-check done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Camera, CaseRecheck, CaseStatus, Event, WebhookDelivery
from api.export.describe import DEFAULT_TIMEZONE, local_iso
from evidence.records import Manifest


def enqueue_result(session: Session, request: CaseRecheck, manifest: Manifest | None, now: datetime) -> None:
    """Queue `{"type": "recheck", ...}` for the case system, if the 处置 report came while a webhook was set."""
    if not request.notify_url:
        return
    event = session.get_one(Event, request.event_id)
    camera = session.get(Camera, event.camera_id) if event.camera_id else None
    zone = manifest.timezone if manifest else camera.timezone if camera else DEFAULT_TIMEZONE
    handled = session.get_one(CaseStatus, request.case_status_id)
    case_number = session.scalar(
        select(CaseStatus.case_number)
        .where(CaseStatus.event_id == event.id, CaseStatus.case_number.is_not(None))
        .order_by(CaseStatus.reported_at.desc())
        .limit(1)
    )
    base = f"{(request.base_url or '').rstrip('/')}/events/{event.id}/rechecks/{request.id}"
    photos = manifest.photos if manifest else ()
    payload: dict[str, object] = {
        "type": "recheck",
        "step": "checked",  # 核查
        "event_id": event.id,
        "case_number": case_number,
        "outcome": request.outcome,
        "reason": request.reason,
        "detail": request.detail,
        "handled_local": local_iso(handled.reported_at, zone),
        "checked_local": local_iso(manifest.confirmed_at if manifest else request.finished_at, zone),
        "timezone": zone,
        "record_id": request.record_id,
        "verification_code": manifest.verification_code if manifest else None,
        "evidence_zip_url": f"{base}/evidence.zip" if manifest else None,
        "photo_urls": [f"{base}/media/{p.original}" for p in photos],
        "photo_times_local": [local_iso(p.captured_at, zone) for p in photos],
    }
    session.add(
        WebhookDelivery(
            event_id=event.id,
            idempotency_key=f"case-{event.id}-recheck-{request.id}",
            url=request.notify_url,
            payload=payload,
            status="pending",
            attempts=0,
            next_attempt_at=request.requested_at,  # due at once (on the clock that took the 处置 report)
            created_at=now,
        )
    )
