"""Camera health in the database: the supervisor's reporter writes it, the API reads it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.models import Camera, CameraHealth
from ingest.health import CameraHealthSnapshot

log = logging.getLogger(__name__)


class DbHealthReporter:
    """Upserts one `camera_health` row per camera; cameras not in the registry table are skipped."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def report(self, snapshots: Sequence[CameraHealthSnapshot]) -> None:
        if not snapshots:
            return
        with session_scope(self.session_factory) as session:
            known = set(
                session.scalars(select(Camera.id).where(Camera.id.in_([s.camera_id for s in snapshots])))
            )
            for snap in snapshots:
                if snap.camera_id not in known:
                    log.warning(
                        "health for camera %s not stored: it is not in the cameras table", snap.camera_id
                    )
                    continue
                row = session.get(CameraHealth, snap.camera_id) or CameraHealth(camera_id=snap.camera_id)
                row.state = snap.state
                row.input_fps = round(snap.input_fps, 3)
                row.analysed_fps = round(snap.analysed_fps, 3)
                row.skipped_by_motion = snap.skipped_by_motion
                row.frames_total = snap.frames_total
                row.last_frame_at = snap.last_frame_at
                row.reconnects = snap.reconnects
                row.restarts = snap.restarts
                row.last_error = snap.last_error
                row.clock_offset_s = snap.clock_offset_s
                session.add(row)


def snapshot_from_row(row: CameraHealth) -> CameraHealthSnapshot:
    return CameraHealthSnapshot(
        camera_id=row.camera_id,
        state=row.state,  # type: ignore[arg-type]
        input_fps=row.input_fps,
        analysed_fps=row.analysed_fps,
        skipped_by_motion=row.skipped_by_motion,
        frames_total=row.frames_total,
        frames_analysed=None,
        violations=None,
        last_frame_at=row.last_frame_at,
        reconnects=row.reconnects,
        restarts=row.restarts,
        last_error=row.last_error,
        clock_offset_s=row.clock_offset_s,
    )


def stored_health(session: Session) -> list[CameraHealthSnapshot]:
    return [
        snapshot_from_row(r) for r in session.scalars(select(CameraHealth).order_by(CameraHealth.camera_id))
    ]
