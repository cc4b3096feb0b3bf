"""Camera rows back to the validated configuration model the workers run on."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.db.models import Camera
from api.db.zones import zone_dict
from ingest.config import CameraConfig
from ingest.redact import mask_text

log = logging.getLogger(__name__)


def camera_config_dict(camera: Camera) -> dict[str, Any]:
    """The row as the cameras-file mapping (credentials included: for workers, never for responses)."""
    return {
        "id": camera.id,
        "name": camera.name,
        "source": camera.source_url,
        "timezone": camera.timezone,
        "location": {
            "lat": camera.lat,
            "lon": camera.lon,
            "address": camera.address,
            "grid_code": camera.grid_code,
            "responsible_unit": camera.responsible_unit,
        },
        "analysis_fps": camera.analysis_fps,
        "decode": camera.decode,
        "detection_zoom": camera.detection_zoom,
        "enabled": camera.enabled,
        "detectors": list(camera.detectors),
        "zones": [zone_dict(z) for z in camera.zones],
        "start_time": camera.start_time,
    }



def enabled_cameras(session: Session) -> list[CameraConfig]:
    """Every enabled camera, from the YAML registry or registered through the API. A row that no
    longer validates is left out with an error naming the camera and the field, not started."""
    rows = session.scalars(
        select(Camera).where(Camera.enabled.is_(True)).options(selectinload(Camera.zones)).order_by(Camera.id)
    )
    cameras = []
    for row in rows.all():
        try:
            cameras.append(CameraConfig.model_validate(camera_config_dict(row)))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            log.error("camera %s not started: %s", row.id, mask_text(problems))
    return cameras
