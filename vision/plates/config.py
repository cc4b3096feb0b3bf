"""Plates section of the configuration: which engine reads plates, per camera where it differs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PlateEngine = Literal["lprnet", "rapidocr"]


class PlatesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: PlateEngine = Field(
        default="lprnet",
        description="'lprnet': HyperLPR3 plate detector + LPRNet (shipped ONNX, real plates); "
        "'rapidocr': the former RapidOCR reader.",
    )
    intel_model: Path | None = Field(
        default=None,
        description="Optional OpenVINO IR of Intel license-plate-recognition-barrier-0001 (not shipped): "
        "a second recogniser combined with LPRNet.",
    )
    read_threads: int = Field(
        default=1, ge=1, le=16,
        description="Plate-reading threads shared by the cameras of one process, off the cameras' own threads.",
    )
    camera_engines: dict[str, PlateEngine] = Field(
        default_factory=dict, description="Camera id -> engine, where a camera needs another engine."
    )

    def engine_for(self, camera_id: str) -> PlateEngine:
        return self.camera_engines.get(camera_id, self.engine)
