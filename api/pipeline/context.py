"""Build the evidence `RecordContext` for a camera or a flight: place, model identity, config hash."""

from __future__ import annotations

from dataclasses import dataclass

from api import __version__
from domain.types import Violation
from evidence.records import Place, RecordContext
from ingest.config import CameraConfig
from vision.detectors.base import Detector
from vision.violations.rooftop import RooftopDetails


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


@dataclass(frozen=True)
class FlightSource:
    """Where a drone violation came from: the flight, its survey area, the time zone its times are
    shown in (the `drone:` section) and the detector that found it."""

    flight_id: str
    area_name: str
    timezone: str
    model: ModelIdentity


def flight_context(violation: Violation, flight: FlightSource, config_sha256: str) -> RecordContext:
    """Survey areas carry no address, grid code or responsible unit yet, so the place is the
    finding's own position; a reviewer sees lat/lon and the area name in the record."""
    details = violation.details
    if not isinstance(details, RooftopDetails):
        raise ValueError(f"a flight's record needs rooftop details, not {details.kind}")
    lat, lon = details.lat, details.lon
    return RecordContext(
        device_kind="flight",
        device_id=flight.flight_id,
        place=Place(
            lat=lat,
            lon=lon,
            address=f"rooftop at {lat:.6f}, {lon:.6f} ({flight.area_name})",
            grid_code="unassigned",
            responsible_unit="unassigned",
        ),
        timezone=flight.timezone,
        model_name=flight.model.name,
        weights_sha256=flight.model.weights_sha256,
        detector_type=flight.model.detector_type,
        config_sha256=config_sha256,
        software_version=__version__,
    )
