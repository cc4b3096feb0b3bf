"""Ultralytics backend: any `.pt` or Ultralytics export, on GPU when present."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.detectors.base import DetectorError, file_sha256, label_table, to_detections, verify_weights
from vision.detectors.config import UltralyticsDetectorConfig


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda:0" if torch.cuda.is_available() else "cpu"


class UltralyticsDetector:
    detector_type = "ultralytics"

    def __init__(self, config: UltralyticsDetectorConfig):
        from ultralytics import YOLO  # heavy import, only for this backend

        path = verify_weights(config.runtime_weights())
        self.config = config
        self.model_name = path.stem
        self.weights_sha256 = file_sha256(path)
        self.device = resolve_device(config.device)
        try:
            self._model = YOLO(str(path), task="detect")
        except Exception as exc:  # ultralytics raises many kinds for a bad file
            raise DetectorError(f"cannot load Ultralytics model {str(path)!r}: {exc}") from exc
        self._table = label_table(dict(self._model.names), config.class_map)
        self.labels = tuple(sorted(set(self._table.values())))

    @property
    def image_size(self) -> int:
        return self.config.image_size

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self.detect_at_size(image, self.config.image_size)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        """`detect` with the (square) input's side `image_size`, rounded up to the model's stride."""
        results: Any = self._model.predict(
            image,
            imgsz=image_size,
            conf=self.config.score_floor,
            iou=self.config.iou,
            device=self.device,
            rect=False,  # square letterbox, as the ONNX backend does: same input, same detections
            verbose=False,
        )
        boxes = results[0].boxes
        return to_detections(
            boxes.xyxy.cpu().numpy(),
            boxes.conf.cpu().numpy(),
            boxes.cls.cpu().numpy().astype(np.int64),
            self._table,
            self.config.min_score,
        )
