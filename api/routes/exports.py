"""Export of approved cases (JSON, CSV) and the webhook delivery / dead-letter list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from api import audit
from api.auth.deps import AdminUser, NowDep, ReviewerUser
from api.db.models import WebhookDelivery
from api.deps import SessionDep, SettingsDep
from api.export.cases import CasePublic, approved_cases, cases_csv
from api.routes.common import AUTH_RESPONSES, require_offset
from api.schemas.ids import IdPath
from api.schemas.times import QueryTime

router = APIRouter(tags=["export"])


@router.get(
    "/exports/cases", response_model=list[CasePublic], responses={**AUTH_RESPONSES, 200: {"content": {"text/csv": {}}}}
)
def export_cases(
    request: Request,
    user: ReviewerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    since: Annotated[QueryTime | None, Query(description="decided_at >= since")] = None,
    until: Annotated[QueryTime | None, Query(description="decided_at < until")] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> Any:
    """Approved cases with a link to each evidence ZIP, oldest decision first."""
    cases = approved_cases(
        session,
        require_offset(since, "since"),
        require_offset(until, "until"),
        str(request.base_url),
        limit,
        settings.case_codes_for,
        settings.evidence_dir,
    )
    audit.record(session, user, "export.cases", "export", format, now, count=str(len(cases)))
    if format == "csv":
        return Response(
            cases_csv(cases),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
        )
    return cases


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: str
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


@router.get("/webhooks/deliveries", response_model=list[DeliveryPublic], responses=AUTH_RESPONSES)
def list_deliveries(
    admin: AdminUser,
    session: SessionDep,
    status_: Annotated[
        Literal["pending", "delivered", "dead", "cancelled"] | None, Query(alias="status")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryPublic]:
    """Webhook deliveries; `status=dead` is the dead-letter list."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if status_ is not None:
        query = query.where(WebhookDelivery.status == status_)
    return [DeliveryPublic.model_validate(d) for d in session.scalars(query)]


@router.post(
    "/webhooks/deliveries/{delivery_id}/retry",
    response_model=DeliveryPublic,
    responses={**AUTH_RESPONSES, 404: {"description": "No such delivery"}, 409: {"description": "Not dead-lettered"}},
)
def retry_delivery(delivery_id: IdPath, admin: AdminUser, session: SessionDep, now: NowDep) -> DeliveryPublic:
    """Move a dead-lettered delivery back to pending for another round of attempts."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"delivery {delivery_id} not found")
    if delivery.status != "dead":
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"delivery {delivery_id} is {delivery.status}")
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    audit.record(session, admin, "webhook.retry", "webhook_delivery", delivery.id, now)
    return DeliveryPublic.model_validate(delivery)
