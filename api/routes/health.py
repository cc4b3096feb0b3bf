"""Liveness and readiness: can the database be read and written, which version is running."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api import __version__
from api.auth.deps import NowDep
from api.db.write_probe import probe_write
from api.deps import SessionDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/health", tags=["health"])


class HealthPublic(BaseModel):
    status: str = Field(examples=["ok"], description="ok, or degraded when the database cannot be read or written")
    version: str = Field(examples=["0.1.0"])
    database: str = Field(examples=["ok"], description="ok or unreachable (a read)")
    database_write: str = Field(examples=["ok"], description="ok or failing (a write, rolled back)")


@router.get("", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
def health(session: SessionDep, request: Request, response: Response, now: NowDep) -> HealthPublic:
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", type(exc).__name__)
        database = "unreachable"
    session.rollback()  # end the read before the probe takes its own connection (SQLite locks)
    written = database == "ok" and probe_write(request.app.state.engine, now)
    database_write = "ok" if written else "failing"
    overall = "ok" if database == "ok" and written else "degraded"
    if overall != "ok":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthPublic(status=overall, version=__version__, database=database, database_write=database_write)
