"""ONNX Runtime backend (the CPU default): letterbox, run, decode YOLO output, NMS, class map."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from domain.types import Detections
from vision.detectors.base import DetectorError, file_sha256, label_table, to_detections, verify_weights
from vision.detectors.config import OnnxDetectorConfig
from vision.detectors.letterbox import model_input, rect_shape
from vision.detectors.yolo_output import decode


def _metadata_names(session: ort.InferenceSession, path: Path) -> dict[int, str]:
    meta = session.get_modelmeta().custom_metadata_map
    if "names" not in meta:
        raise DetectorError(f"ONNX model {path.name!r} has no 'names' metadata (export it with Ultralytics)")
    names = ast.literal_eval(meta["names"])
    if not isinstance(names, dict):
        raise DetectorError(f"ONNX model {path.name!r} has unreadable 'names' metadata")
    return {int(k): str(v) for k, v in names.items()}


class OnnxDetector:
    detector_type = "onnx"

    def __init__(self, config: OnnxDetectorConfig):
        path = verify_weights(config.runtime_weights())
        self.config = config
        self.model_name = path.stem
        self.weights_sha256 = file_sha256(path)
        options = ort.SessionOptions()
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
        if config.threads is not None:
            options.intra_op_num_threads = config.threads
        try:
            self._session = ort.InferenceSession(str(path), options, providers=list(config.providers))
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise DetectorError(f"cannot load ONNX model {str(path)!r}: {exc}") from exc
        model_input = self._session.get_inputs()[0]
        self._input_name = model_input.name
        self._input_dtype = np.float16 if "float16" in model_input.type else np.float32
        h, w = model_input.shape[2:4]
        # a fixed input size is the model's; a dynamic one gets the smallest rectangle per frame
        self._shape = (int(h), int(w)) if isinstance(h, int) and isinstance(w, int) else None
        meta = self._session.get_modelmeta().custom_metadata_map
        self._end2end = meta.get("end2end", "False") == "True"
        self._table = label_table(_metadata_names(self._session, path), config.class_map)
        self.labels = tuple(sorted(set(self._table.values())))

    @property
    def image_size(self) -> int:
        return self.config.image_size

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self.detect_at_size(image, self.config.image_size)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        """`detect` with the input's long side `image_size` (a model with a fixed input ignores it)."""
        tensor, box = model_input(image, self._shape, image_size)
        output = self._session.run(None, {self._input_name: tensor.astype(self._input_dtype)})[0][0]
        boxes, scores, class_ids = decode(output, self.config.score_floor, self.config.iou, end2end=self._end2end)
        return to_detections(box.unmap(boxes), scores, class_ids, self._table, self.config.min_score)

    def detect_batch(
        self, images: Sequence[npt.NDArray[np.uint8]], image_size: int | None = None
    ) -> list[Detections]:
        """Several frames (from many cameras) in one run, at `image_size` (default: the configured one).
        Frames of one size share `detect`'s input shape, so each result is what `detect` gives; mixed
        sizes are letterboxed to the square of `image_size` (more pixels than a 16:9 frame needs, so
        batch cameras of one resolution together)."""
        if not images:
            return []
        size = image_size or self.config.image_size
        sizes = {image.shape[:2] for image in images}
        height, width = images[0].shape[:2]
        shape = self._shape or (rect_shape(height, width, size) if len(sizes) == 1 else (size, size))
        inputs = [model_input(image, shape, size) for image in images]
        batch = np.concatenate([tensor for tensor, _ in inputs]).astype(self._input_dtype)
        outputs = self._session.run(None, {self._input_name: batch})[0]
        results = []
        for output, (_, box) in zip(outputs, inputs, strict=True):
            boxes, scores, class_ids = decode(output, self.config.score_floor, self.config.iou, end2end=self._end2end)
            results.append(to_detections(box.unmap(boxes), scores, class_ids, self._table, self.config.min_score))
        return results
