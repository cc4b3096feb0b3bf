"""Detector configuration: weights, backend type and the class map to pipeline labels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vision.detectors.cpu_features import cpu_has_vnni
from vision.violations import registry

GENERIC_LABELS = frozenset({"vehicle", "truck", "person", "license_plate"})  # tracking and plate reading
PIPELINE_LABELS = GENERIC_LABELS | frozenset(label for kind in registry.KINDS for label in kind.detector_labels)


class _DetectorBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: Path = Field(description="Local weights file; nothing is downloaded at run time.")
    weights_vnni: Path | None = Field(
        default=None,
        description="INT8 weights quantised with full 8-bit weights, run in place of `weights` on CPUs with "
        "VNNI or AMX (`vision.detectors.cpu_features`), where they do not saturate; `weights` is then the "
        "7-bit (reduce-range) copy that is right on every CPU.",
    )
    class_map: dict[str, str] = Field(
        default_factory=dict,
        description="Model class name -> pipeline label. Empty: model names are used as they are.",
    )
    confidence: float = Field(default=0.25, gt=0, lt=1)
    label_confidence: dict[str, float] = Field(
        default_factory=dict,
        description="Pipeline label -> minimum score for that label, in place of `confidence`.",
    )
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

    @field_validator("label_confidence")
    @classmethod
    def _verify_label_confidence(cls, mapping: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(mapping) - PIPELINE_LABELS)
        if unknown:
            raise ValueError(
                f"label_confidence names unknown pipeline labels {unknown}; known: {sorted(PIPELINE_LABELS)}"
            )
        bad = sorted(label for label, score in mapping.items() if not 0 < score < 1)
        if bad:
            raise ValueError(f"label_confidence for {bad} must be between 0 and 1 (exclusive)")
        return mapping

    def runtime_weights(self, vnni: bool | None = None) -> Path:
        """The weights this machine runs: `weights_vnni` where the CPU has VNNI (`vnni` None: ask the
        CPU), else `weights`."""
        if self.weights_vnni is None:
            return self.weights
        if vnni is None:
            vnni = cpu_has_vnni()
        return self.weights_vnni if vnni else self.weights

    def min_score(self, label: str) -> float:
        return self.label_confidence.get(label, self.confidence)

    @property
    def score_floor(self) -> float:
        """The lowest score any label keeps: what the model's own filter (before NMS) uses."""
        return min([self.confidence, *self.label_confidence.values()])


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


class OpenVinoDetectorConfig(_DetectorBase):
    """An OpenVINO IR: a `.xml` (its `.bin` beside it) or an Ultralytics `*_openvino_model/` folder.
    Class names come from the folder's (or the `.xml`'s folder's) metadata.yaml, else the IR's own
    Ultralytics metadata."""

    type: Literal["openvino"]
    device: str = Field(default="CPU", min_length=1, max_length=64, description="OpenVINO device, e.g. 'CPU', 'GPU'.")
    threads: int | None = Field(
        default=None, ge=1, le=256, description="OpenVINO inference threads; empty: the runtime's default."
    )
    precision: Literal["f32", "bf16", "f16", "auto"] = Field(
        default="f32",
        description="Inference precision of the layers the IR keeps in float: 'f32' gives the ONNX backend's "
        "detections; 'auto' takes the device's default (bf16 on CPUs that have it: faster, scores move a little).",
    )


DetectorConfig = Annotated[
    UltralyticsDetectorConfig | OnnxDetectorConfig | OpenVinoDetectorConfig, Field(discriminator="type")
]


class SharedDetectorConfig(BaseModel):
    """How the cameras of one process share a detector (`shared_detector:` in the cameras file): one
    model per detector name instead of one per camera; frames that are ready together run as one batch."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="false: every camera builds its own detector, as before.")
    max_batch: int = Field(default=4, ge=1, le=64, description="Most frames run in one batched inference.")
    max_wait_ms: float = Field(
        default=10.0, ge=0, le=1000,
        description="Longest a frame waits for others to join its batch (0: batch only frames already waiting).",
    )
    workers: int | None = Field(
        default=None, ge=1, le=64,
        description="Inference threads per shared detector; empty: 1 (the cheapest per frame on a 2-core machine, "
        "bench/shared_detector_bench.py); more where detection alone needs more than a core. An ultralytics "
        "detector always has 1.",
    )
