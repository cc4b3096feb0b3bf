"""Root of the configuration tree and its cross-section checks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.config.camera import CameraConfig
from ingest.config.errors import FieldError
from vision.change.config import DroneConfig, aerial_detector_config
from vision.detectors.config import DetectorConfig, SharedDetectorConfig
from vision.plates.config import PlatesConfig


def verify_unique_camera_ids(cameras: list[CameraConfig]) -> None:
    seen: set[str] = set()
    for index, camera in enumerate(cameras):
        if camera.id in seen:
            raise FieldError(("cameras", index, "id"), f"camera id {camera.id!r} is used twice")
        seen.add(camera.id)


def verify_detector_references(cameras: list[CameraConfig], detectors: dict[str, object]) -> None:
    for index, camera in enumerate(cameras):
        for position, name in enumerate(camera.detectors):
            if name not in detectors:
                known = ", ".join(sorted(detectors)) or "(none defined)"
                raise FieldError(
                    ("cameras", index, "detectors", position),
                    f"camera {camera.id!r} uses detector {name!r}; defined detectors: {known}",
                )


def verify_drone_detector(drone: DroneConfig, detectors: dict[str, DetectorConfig]) -> None:
    """The drone's detector is one of `detectors:` and, where its class map says, yields roof_structure."""
    if drone.detector is None:
        return
    if drone.detector not in detectors:
        known = ", ".join(sorted(detectors)) or "(none defined)"
        raise FieldError(
            ("drone", "detector"), f"drone detector {drone.detector!r} is not defined; defined: {known}"
        )
    class_map = detectors[drone.detector].class_map
    if class_map and "roof_structure" not in class_map.values():
        raise FieldError(
            ("drone", "detector"),
            f"drone detector {drone.detector!r} maps no model class to 'roof_structure' in its class_map",
        )


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(default=1, ge=1, le=1)
    detectors: dict[str, DetectorConfig] = Field(default_factory=dict)
    cameras: list[CameraConfig] = Field(default_factory=list)
    plates: PlatesConfig = Field(default_factory=PlatesConfig)
    drone: DroneConfig = Field(default_factory=DroneConfig)
    shared_detector: SharedDetectorConfig = Field(default_factory=SharedDetectorConfig)

    @model_validator(mode="after")
    def _verify(self) -> AppConfig:
        verify_unique_camera_ids(self.cameras)
        verify_detector_references(self.cameras, dict(self.detectors))
        verify_drone_detector(self.drone, dict(self.detectors))
        return self

    def drone_detector(self) -> DetectorConfig:
        """The drone's detector configuration: its `detectors:` entry, else the shipped aerial model."""
        if self.drone.detector is None:
            return aerial_detector_config()
        return self.detectors[self.drone.detector]

    def camera(self, camera_id: str) -> CameraConfig:
        for camera in self.cameras:
            if camera.id == camera_id:
                return camera
        raise KeyError(camera_id)
