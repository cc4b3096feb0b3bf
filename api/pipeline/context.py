"""Build the evidence `RecordContext` for a camera: place, model identity, config hash."""

from __future__ import annotations

from dataclasses import dataclass

from api import __version__
from evidence.records import Place, RecordContext
from ingest.config import CameraConfig
from vision.detectors.base import Detector


@dataclass(frozen=True)
class ModelIdentity:
    name: str
    weights_sha256: str
    detector_type: str

    @classmethod
    def of(cls, detector: Detector) -> ModelIdentity:
        return cls(detector.model_name, detector.weights_sha256, detector.detector_type)


def camera_context(camera: CameraConfig, model: ModelIdentity, config_sha256: str) -> RecordContext:
    location = camera.location
    return RecordContext(
        device_kind="camera",
        device_id=camera.id,
        place=Place(
            lat=location.lat,
            lon=location.lon,
            address=location.address,
            grid_code=location.grid_code,
            responsible_unit=location.responsible_unit,
        ),
        timezone=camera.timezone,
        model_name=model.name,
        weights_sha256=model.weights_sha256,
        detector_type=model.detector_type,
        config_sha256=config_sha256,
        software_version=__version__,
    )
