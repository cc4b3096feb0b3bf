"""Cameras follow the registry while the product runs: a camera created, changed or disabled through
the API is started, restarted with its new settings, or stopped in the running supervisor."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from api.db.base import session_scope
from api.db.camera_config import camera_config_dict
from api.db.models import Camera
from api.source_policy import SourcePolicy, SourceRefused
from ingest.config import CameraConfig
from ingest.redact import mask_text
from ingest.supervisor import Supervisor

log = logging.getLogger(__name__)
Outcome = Literal["started", "stopped", "refused", "invalid", "failed"]


def allowed_cameras(policy: SourcePolicy, cameras: list[CameraConfig]) -> list[CameraConfig]:
    """The cameras whose source the source policy allows, each with the exact source that was checked
    (file paths absolute); the others are named in the log and not started."""
    allowed = []
    for camera in cameras:
        try:
            source = policy.check(camera.source, require_resolution=False)
        except SourceRefused as exc:
            log.error("camera %s not started: source refused by the source policy: %s", camera.id, exc)
            continue
        allowed.append(camera.model_copy(update={"source": source}))
    return allowed


class CameraControl:
    def __init__(self, session_factory: sessionmaker[Session], policy: SourcePolicy, supervisor: Supervisor):
        self.session_factory = session_factory
        self.policy = policy
        self.supervisor = supervisor

    def _config(self, camera_id: str) -> CameraConfig | None:
        with session_scope(self.session_factory) as session:
            row = session.get(Camera, camera_id, options=[selectinload(Camera.zones)])
            return None if row is None else CameraConfig.model_validate(camera_config_dict(row))

    def apply(self, camera_id: str) -> Outcome:
        """Bring the running worker of `camera_id` in line with its committed registry row."""
        try:
            config = self._config(camera_id)
        except ValidationError as exc:
            log.error("camera %s not restarted: %s", camera_id, mask_text(str(exc)))
            self.supervisor.remove(camera_id)
            return "invalid"
        if config is None or not config.enabled:
            self.supervisor.remove(camera_id)
            return "stopped"
        allowed = allowed_cameras(self.policy, [config])
        if not allowed:
            self.supervisor.remove(camera_id)
            return "refused"
        try:
            self.supervisor.apply(allowed[0])
        except Exception:  # noqa: BLE001 - e.g. its model cannot load: the change is saved, the camera waits
            log.exception("camera %s could not be started; it starts with the next restart", camera_id)
            return "failed"
        return "started"
