"""Seed cameras and zones from the YAML registry, idempotently.

A YAML camera is inserted when new and updated to match the file when it changed; cameras
created through the API (origin 'api') are never touched by the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Camera, Zone
from api.db.zones import zone_row, zone_signature
from ingest.config import AppConfig, CameraConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeedReport:
    inserted: int
    updated: int
    unchanged: int


def _camera_fields(cfg: CameraConfig) -> dict[str, object]:
    return {
        "name": cfg.name,
        "source_url": cfg.source,
        "timezone": cfg.timezone,
        "lat": cfg.location.lat,
        "lon": cfg.location.lon,
        "address": cfg.location.address,
        "grid_code": cfg.location.grid_code,
        "responsible_unit": cfg.location.responsible_unit,
        "analysis_fps": cfg.analysis_fps,
        "decode": cfg.decode,
        "detection_zoom": cfg.detection_zoom,
        "detectors": list(cfg.detectors),
        "enabled": cfg.enabled,
        "start_time": cfg.start_time,
    }


def _zones_signature(rows: list[Zone]) -> list[tuple[object, ...]]:
    return [zone_signature(z) for z in rows]


def seed_cameras(session: Session, config: AppConfig) -> SeedReport:
    inserted = updated = unchanged = 0
    existing = {c.id: c for c in session.scalars(select(Camera))}
    for cfg in config.cameras:
        fields = _camera_fields(cfg)
        zones = [zone_row(z, i) for i, z in enumerate(cfg.zones)]
        camera = existing.get(cfg.id)
        if camera is None:
            session.add(Camera(id=cfg.id, origin="yaml", zones=zones, **fields))
            inserted += 1
            continue
        if camera.origin != "yaml":
            log.warning("camera %s exists from the API; the YAML entry is ignored", cfg.id)
            unchanged += 1
            continue
        changed = any(getattr(camera, k) != v for k, v in fields.items())
        zones_changed = _zones_signature(camera.zones) != _zones_signature(zones)
        if not changed and not zones_changed:
            unchanged += 1
            continue
        for key, value in fields.items():
            setattr(camera, key, value)
        if zones_changed:
            camera.zones.clear()
            session.flush()
            camera.zones.extend(zones)
        updated += 1
    session.flush()
    log.info("camera registry seeded: %d inserted, %d updated, %d unchanged", inserted, updated, unchanged)
    return SeedReport(inserted, updated, unchanged)
