"""Camera health (`GET /cameras/{id}/health`) and Prometheus metrics (`GET /metrics`).

Live figures come from the in-process supervisor when there is one (`app.state.supervisor`),
otherwise from the `camera_health` table the supervisor's reporter writes.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from api.auth.deps import AnyUser
from api.db.health_store import snapshot_from_row, stored_health
from api.db.models import Camera, CameraHealth
from api.deps import SessionDep
from ingest.health import CLOCK_TOLERANCE_S, CameraHealthSnapshot
from ingest.metrics import render
from ingest.redact import mask_text

router = APIRouter()


class CameraHealthPublic(BaseModel):
    camera_id: str
    state: str = Field(examples=["running"])
    input_fps: float
    analysed_fps: float
    skipped_by_motion: int
    frames_total: int
    last_frame_at: datetime | None
    reconnects: int
    restarts: int
    last_error: str | None
    clock_offset_s: float | None
    clock_flagged: bool = Field(
        description=f"camera clock more than {CLOCK_TOLERANCE_S:g} s off the server's"
    )
    view_offset_px: list[float] | None = Field(
        default=None,
        description="Pixels (x, y) the picture drifted from the view its analysis started on; zones follow "
        "it (live only)",
    )
    view_lost: bool | None = Field(
        default=None,
        description="The camera shows another view than the one its zones were drawn on (turned, zoomed or "
        "knocked away): no rule runs until it points back, or its zones are redrawn or re-saved (live only)",
    )
    source: str = Field(description="'live' (this process's supervisor) or 'stored' (camera_health table)")

    @classmethod
    def from_snapshot(cls, snap: CameraHealthSnapshot, source: str) -> CameraHealthPublic:
        return cls(
            camera_id=snap.camera_id,
            state=snap.state,
            input_fps=round(snap.input_fps, 3),
            analysed_fps=round(snap.analysed_fps, 3),
            skipped_by_motion=snap.skipped_by_motion,
            frames_total=snap.frames_total,
            last_frame_at=snap.last_frame_at,
            reconnects=snap.reconnects,
            restarts=snap.restarts,
            last_error=None if snap.last_error is None else mask_text(snap.last_error),
            clock_offset_s=snap.clock_offset_s,
            clock_flagged=snap.clock_flagged,
            view_offset_px=None if snap.view_offset_px is None else [round(v, 1) for v in snap.view_offset_px],
            view_lost=snap.view_lost,
            source=source,
        )


def _live(request: Request) -> list[CameraHealthSnapshot] | None:
    supervisor = getattr(request.app.state, "supervisor", None)
    return None if supervisor is None else list(supervisor.health())


@router.get(
    "/cameras/{camera_id}/health",
    response_model=CameraHealthPublic,
    tags=["cameras"],
    responses={404: {"description": "No such camera"}},
)
def camera_health(camera_id: str, request: Request, session: SessionDep, user: AnyUser) -> CameraHealthPublic:
    if session.get(Camera, camera_id) is None:
        raise HTTPException(status_code=404, detail=f"camera {camera_id!r} not found")
    for snap in _live(request) or []:
        if snap.camera_id == camera_id:
            return CameraHealthPublic.from_snapshot(snap, "live")
    row = session.get(CameraHealth, camera_id)
    if row is None:
        return CameraHealthPublic(
            camera_id=camera_id,
            state="unknown",
            input_fps=0.0,
            analysed_fps=0.0,
            skipped_by_motion=0,
            frames_total=0,
            last_frame_at=None,
            reconnects=0,
            restarts=0,
            last_error=None,
            clock_offset_s=None,
            clock_flagged=False,
            source="stored",
        )
    return CameraHealthPublic.from_snapshot(snapshot_from_row(row), "stored")


@router.get("/metrics", tags=["health"], response_class=Response)
def metrics(request: Request, session: SessionDep, user: AnyUser) -> Response:
    """Prometheus text format; scrape with an API key (`Authorization: Bearer enf_...`)."""
    live = _live(request)
    snaps = live if live is not None else stored_health(session)
    return Response(content=render(lambda: snaps), media_type="text/plain; version=0.0.4; charset=utf-8")
