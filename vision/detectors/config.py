"""Detector configuration: weights, backend type and the class map to pipeline labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PIPELINE_LABELS = frozenset(
    {
        "vehicle",
        "truck",
        "person",
        "license_plate",
        "mud",
        "uncovered_load",
        "smoke",
        "fire",
        "grill",
        "roof_structure",
    }
)


class _DetectorBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: Path = Field(description="Local weights file; nothing is downloaded at run time.")
    class_map: dict[str, str] = Field(
        default_factory=dict,
        description="Model class name -> pipeline label. Empty: model names are used as they are.",
    )
    confidence: float = Field(default=0.25, gt=0, lt=1)
    iou: float = Field(default=0.5, gt=0, lt=1)
    image_size: int = Field(default=640, ge=32, le=4096)

    @field_validator("class_map")
    @classmethod
    def _verify_labels(cls, mapping: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(mapping.values()) - PIPELINE_LABELS)
        if unknown:
            raise ValueError(
                f"class_map targets unknown pipeline labels {unknown}; known: {sorted(PIPELINE_LABELS)}"
            )
        return mapping


class UltralyticsDetectorConfig(_DetectorBase):
    type: Literal["ultralytics"]
    device: str = Field(
        default="auto", description="'auto' (first GPU when present, else CPU), 'cpu', 'cuda:0'"
    )


class OnnxDetectorConfig(_DetectorBase):
    type: Literal["onnx"]
    providers: list[str] = Field(default_factory=lambda: ["CPUExecutionProvider"])
    threads: int | None = Field(
        default=None, ge=1, le=256, description="ONNX Runtime intra-op threads; empty: the runtime's default."
    )


DetectorConfig = Annotated[
    UltralyticsDetectorConfig | OnnxDetectorConfig, Field(discriminator="type")
]
