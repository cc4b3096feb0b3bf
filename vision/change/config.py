"""The `drone:` section: which detector finds roof structures, the survey areas' time zone, camera
intrinsics for footage without calibration data, and the change pipeline's knobs.

The detector is an entry of the `detectors:` section, configured as the street cameras' are (backend
`type`, weights, class map, confidence); leave `detector` empty for the shipped aerial model.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.timezones import verify_timezone
from vision.detectors.config import OnnxDetectorConfig
from vision.geometry.camera import Intrinsics

MODELS = Path(__file__).resolve().parents[1] / "models"
AERIAL_V2 = MODELS / "aerial-v2" / "aerial-v2.onnx"  # shipped; see its MODEL_CARD.md
AERIAL_V1 = MODELS / "aerial-v1" / "aerial-v1.onnx"  # synthetic-only predecessor, kept for comparison
# 0.5 for aerial-v2: on 12 validation flight pairs (seeds 3,500,000+) precision 0.929 against 0.867 at
# 0.35, recall 1.000 at both; on real roads and cars 0.20 false boxes per frame against 0.63
# (bench/aerial_real_bench.py; aerial-v2 MODEL_CARD.md)
AERIAL_CONFIDENCE = 0.5
AERIAL_CLASS_MAP = {"item": "roof_structure"}  # the aerial models' one class


def aerial_detector_config(weights: Path = AERIAL_V2, confidence: float = AERIAL_CONFIDENCE) -> OnnxDetectorConfig:
    """The shipped aerial model on the ONNX backend (what an empty `drone.detector` means)."""
    return OnnxDetectorConfig(
        type="onnx", weights=weights, class_map=dict(AERIAL_CLASS_MAP), confidence=confidence, image_size=640
    )


class DroneCameraConfig(BaseModel):
    """Pinhole intrinsics, resolution independent: fx, cx as fractions of width; fy, cy of height.

    Leave fx/fy empty to derive them from `hfov_deg` (square pixels, principal point at the centre).
    """

    model_config = ConfigDict(extra="forbid")

    hfov_deg: float = Field(default=70.0, gt=10, lt=170, description="Horizontal field of view")
    fx: float | None = Field(default=None, gt=0)
    fy: float | None = Field(default=None, gt=0)
    cx: float = Field(default=0.5, gt=0, lt=1)
    cy: float = Field(default=0.5, gt=0, lt=1)

    def intrinsics(self, width: int, height: int) -> Intrinsics:
        if self.fx is None:
            base = Intrinsics.from_hfov(width, height, self.hfov_deg)
            return Intrinsics(width, height, base.fx, base.fy, self.cx * width, self.cy * height)
        fy = self.fy if self.fy is not None else self.fx * width / height
        return Intrinsics.from_normalised(width, height, self.fx, fy, self.cx, self.cy)


class DroneConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    detector: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Entry of `detectors:` that finds roof_structure; empty: the shipped aerial-v2 "
        "(ONNX, confidence 0.5).",
    )
    timezone: str = Field(
        default="Asia/Shanghai", max_length=64, description="IANA zone of the survey areas, for evidence times."
    )
    camera: DroneCameraConfig = Field(default_factory=DroneCameraConfig)
    frame_overlap: float = Field(
        default=0.7, gt=0.1, lt=0.98, description="Keep a frame once it overlaps the last kept one by less"
    )
    min_area_coverage: float = Field(
        default=0.5, gt=0, le=1, description="Share of a flight's frames that must lie in its area"
    )
    min_area_m2: float = Field(default=2.0, ge=0, description="Smaller changed regions are ignored")
    min_change: float = Field(default=0.25, gt=0, lt=1, description="Changed share of a new structure's box")

    @field_validator("timezone")
    @classmethod
    def _verify_timezone(cls, name: str) -> str:
        return verify_timezone(name)
