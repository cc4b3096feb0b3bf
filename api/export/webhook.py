"""Push approved cases to the case system's intake URL.

Each approval enqueues one delivery row in the decision's transaction (so no approval is lost);
a dispatcher posts due rows with an `Idempotency-Key` header, retries failures with exponential
backoff, and after the last attempt moves the row to the dead-letter list, from which an admin
can retry it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import utcnow
from api.db.models import Camera, Event, Review, User, WebhookDelivery
from api.export.cases import CodesOf, case_of, event_record, survey_area_of
from ingest.redact import mask_text

log = logging.getLogger(__name__)


def enqueue_case(
    session: Session,
    event: Event,
    review: Review,
    url: str,
    base_url: str,
    now: datetime,
    codes_of: CodesOf,
    evidence_dir: Path,
) -> WebhookDelivery:
    camera = session.get(Camera, event.camera_id) if event.camera_id else None
    reviewer = session.get(User, review.reviewer_id)
    case = case_of(
        event,
        camera,
        reviewer,
        base_url,
        codes_of,
        event_record(session, evidence_dir, event),
        survey_area_of(session, event),
    )
    delivery = WebhookDelivery(
        event_id=event.id,
        idempotency_key=f"case-{event.id}-review-{review.id}",
        url=url,
        payload=case.model_dump(mode="json"),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def cancel_pending_deliveries(session: Session, event_id: str) -> int:
    """A reopened case must not be pushed on the strength of the decision that was reopened."""
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.event_id == event_id, WebhookDelivery.status == "pending")
        .values(status="cancelled"),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    first_delay_s: float = 5.0
    max_delay_s: float = 3600.0

    def delay_after(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.first_delay_s * 2 ** (attempts - 1), self.max_delay_s))


def _attempt(client: httpx.Client, delivery: WebhookDelivery) -> str | None:
    """POST one delivery; None on success (2xx), else what went wrong."""
    try:
        response = client.post(
            delivery.url,
            json=delivery.payload,
            headers={"Idempotency-Key": delivery.idempotency_key, "X-Enforce-Event": delivery.event_id},
        )
    except httpx.HTTPError as exc:
        return mask_text(f"{type(exc).__name__}: {exc}")[:500]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {mask_text(response.text[:200])}"


def deliver_due(
    factory: sessionmaker[Session], client: httpx.Client, policy: RetryPolicy, now: datetime, batch: int = 20
) -> int:
    """Attempt every delivery that is due; returns how many were attempted."""
    with factory() as session:
        due = list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(batch)
            )
        )
    for delivery in due:
        error = _attempt(client, delivery)
        attempts = delivery.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_error": error}
        if error is None:
            values.update(status="delivered", delivered_at=now)
        elif attempts >= policy.max_attempts:
            values.update(status="dead")
            log.warning(
                "webhook delivery %s for event %s is dead after %d attempts: %s",
                delivery.id,
                delivery.event_id,
                attempts,
                error,
            )
        else:
            values.update(next_attempt_at=now + policy.delay_after(attempts))
        with factory() as session, session.begin():
            # only the dispatcher that still sees the old attempt count records this attempt
            session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery.id,
                    WebhookDelivery.attempts == delivery.attempts,
                    WebhookDelivery.status == "pending",
                )
                .values(**values)
            )
    return len(due)


async def run_dispatcher(
    factory: sessionmaker[Session], policy: RetryPolicy, poll_s: float, clock: Callable[[], datetime] = utcnow
) -> None:
    """Background loop for the app's lifetime; the blocking work runs in a worker thread."""
    with httpx.Client(timeout=10.0) as client:
        while True:
            try:
                await asyncio.to_thread(deliver_due, factory, client, policy, clock())
            except Exception:  # noqa: BLE001 - keep pushing; the error is logged
                log.exception("webhook dispatcher pass failed")
            await asyncio.sleep(poll_s)
