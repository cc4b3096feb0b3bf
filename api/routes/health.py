"""Liveness and readiness: is the database reachable, which version is running."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api import __version__
from api.deps import SessionDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/health", tags=["health"])


class HealthPublic(BaseModel):
    status: str = Field(examples=["ok"])
    version: str = Field(examples=["0.1.0"])
    database: str = Field(examples=["ok"])


@router.get("", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
def health(session: SessionDep, response: Response) -> HealthPublic:
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", type(exc).__name__)
        database = "unreachable"
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    overall = "ok" if database == "ok" else "degraded"
    return HealthPublic(status=overall, version=__version__, database=database)
