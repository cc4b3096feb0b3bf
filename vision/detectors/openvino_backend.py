"""OpenVINO Runtime backend: an IR (`.xml` + `.bin`) or an Ultralytics `*_openvino_model/` folder;
letterbox, run, decode the raw YOLO output, NMS, class map (as the ONNX backend)."""

from __future__ import annotations

import ast
import hashlib
import queue
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import openvino as ov
import yaml

from domain.types import Detections
from vision.detectors.base import DetectorError, file_sha256, label_table, to_detections, verify_weights
from vision.detectors.config import OpenVinoDetectorConfig
from vision.detectors.letterbox import Letterbox, model_input, rect_shape
from vision.detectors.yolo_output import decode


def _start_numpy_bridge() -> None:
    """OpenVINO's Python binding sets up its numpy bridge at its first array conversion (a pybind11
    call-once inside a C++ static). Two threads making their first inference at once can deadlock
    there: one holds the GIL waiting for the static, the other holds the static waiting for the GIL
    (4 of 10 runs of four cameras starting together hung). Done once here, at import, before any
    camera thread calls a detector."""
    _ = ov.Tensor(np.zeros(1, np.float32)).data


_start_numpy_bridge()


def ir_file(path: Path) -> Path:
    """The `.xml` of an IR given as the file or as an export folder holding exactly one."""
    if path.is_dir():
        found = sorted(path.glob("*.xml"))
        if len(found) != 1:
            raise DetectorError(f"OpenVINO folder {str(path)!r} must hold exactly one .xml, found {len(found)}")
        path = found[0]
    if path.suffix.lower() != ".xml":
        raise DetectorError(f"OpenVINO weights {str(path)!r} must be an IR .xml or an *_openvino_model folder")
    if not path.with_suffix(".bin").is_file():
        raise DetectorError(f"OpenVINO IR {str(path)!r} has no {path.with_suffix('.bin').name!r} beside it")
    return path


def _names_from(value: Any, where: str) -> dict[int, str]:
    names = ast.literal_eval(value) if isinstance(value, str) else value
    if not isinstance(names, dict) or not names:
        raise DetectorError(f"{where} has unreadable class names")
    return {int(k): str(v) for k, v in names.items()}


def model_names(xml: Path, model: ov.Model) -> dict[int, str]:
    """Class names from metadata.yaml beside the IR (Ultralytics export), else the IR's own metadata."""
    metadata = xml.parent / "metadata.yaml"
    if metadata.is_file():
        try:
            data = yaml.safe_load(metadata.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise DetectorError(f"cannot read {str(metadata)!r}: {exc}") from exc
        if isinstance(data, dict) and "names" in data:
            return _names_from(data["names"], str(metadata))
    if model.has_rt_info(["framework", "names"]):
        return _names_from(model.get_rt_info(["framework", "names"]).astype(str), f"OpenVINO IR {xml.name!r}")
    raise DetectorError(
        f"OpenVINO IR {str(xml)!r} has no class names: no metadata.yaml beside it and no Ultralytics metadata"
    )


def _ir_sha256(xml: Path) -> str:
    """SHA-256 over the IR's two files, .xml then .bin (the graph and the weights)."""
    digest = hashlib.sha256()
    for part in (xml, xml.with_suffix(".bin")):
        digest.update(bytes.fromhex(file_sha256(part)))
    return digest.hexdigest()


class OpenVinoDetector:
    """Safe to call from several threads: each call takes an infer request from a small pool (one is
    made when all are busy). `parallel_calls` > 1 compiles that many CPU streams, each with the
    config's `threads`: calls on one stream wait for each other, so concurrent callers (the workers
    of a shared detector) need a stream each to run at the same time."""

    detector_type = "openvino"

    def __init__(self, config: OpenVinoDetectorConfig, parallel_calls: int = 1):
        path = verify_weights(config.runtime_weights())
        xml = ir_file(path)
        self.config = config
        self.model_name = path.stem
        self.weights_sha256 = file_sha256(path) if path.is_dir() else _ir_sha256(xml)
        core = ov.Core()
        try:
            model = core.read_model(str(xml))
            properties: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
            if parallel_calls > 1:
                properties["NUM_STREAMS"] = parallel_calls
            if config.precision != "auto":
                properties["INFERENCE_PRECISION_HINT"] = config.precision
            if config.threads is not None:
                properties["INFERENCE_NUM_THREADS"] = config.threads * parallel_calls
            self._compiled = core.compile_model(model, config.device, properties)
        except RuntimeError as exc:  # OpenVINO reports every load problem as RuntimeError
            raise DetectorError(f"cannot load OpenVINO model {str(xml)!r}: {exc}") from exc
        shape = model.input(0).get_partial_shape()
        # a fixed input size is the model's; a dynamic one gets the smallest rectangle per frame
        height, width = shape[2], shape[3]
        self._shape = (height.get_length(), width.get_length()) if height.is_static and width.is_static else None
        self.batched = shape[0].is_dynamic  # several frames in one inference (Ultralytics `dynamic=True` exports)
        self._end2end = model.has_rt_info(["framework", "end2end"]) and str(
            model.get_rt_info(["framework", "end2end"]).astype(str)
        ) == "True"
        self._table = label_table(model_names(xml, model), config.class_map)
        self.labels = tuple(sorted(set(self._table.values())))
        self._requests: queue.SimpleQueue[ov.InferRequest] = queue.SimpleQueue()
        self._requests.put(self._compiled.create_infer_request())

    def _infer(self, tensor: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        try:
            request = self._requests.get_nowait()
        except queue.Empty:
            request = self._compiled.create_infer_request()
        try:
            output: npt.NDArray[np.float32] = request.infer({0: tensor})[self._compiled.output(0)]  # a copy
        finally:
            self._requests.put(request)
        return output

    def _detections(self, output: npt.NDArray[np.float32], box: Letterbox) -> Detections:
        boxes, scores, class_ids = decode(output, self.config.score_floor, self.config.iou, end2end=self._end2end)
        return to_detections(box.unmap(boxes), scores, class_ids, self._table, self.config.min_score)

    @property
    def image_size(self) -> int:
        return self.config.image_size

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self.detect_at_size(image, self.config.image_size)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        """`detect` with the input's long side `image_size` (a model with a fixed input ignores it)."""
        tensor, box = model_input(image, self._shape, image_size)
        return self._detections(self._infer(tensor)[0], box)

    def batch_key(self, image: npt.NDArray[np.uint8], image_size: int | None = None) -> tuple[int, int]:
        """The model input (h, w) `detect` letterboxes the frame to: frames of different sizes with one
        aspect (1280x720, 1920x1080) share it, and so a batch."""
        return self._shape or rect_shape(image.shape[0], image.shape[1], image_size or self.config.image_size)

    def detect_batch(
        self, images: Sequence[npt.NDArray[np.uint8]], image_size: int | None = None
    ) -> list[Detections]:
        """`detect` (at `image_size`, default the configured one) on each image, frames that share an
        input shape in one inference where the IR's batch dimension is dynamic (else one by one): each
        frame gets the input `detect` gives it."""
        size = image_size or self.config.image_size
        if not self.batched:
            return [self.detect_at_size(image, size) for image in images]
        groups: dict[tuple[int, int], list[int]] = {}
        for index, image in enumerate(images):
            groups.setdefault(self.batch_key(image, size), []).append(index)
        results: dict[int, Detections] = {}
        for shape, indices in groups.items():
            inputs = [model_input(images[i], shape, size) for i in indices]
            outputs = self._infer(np.concatenate([tensor for tensor, _ in inputs]))
            for i, output, (_, box) in zip(indices, outputs, inputs, strict=True):
                results[i] = self._detections(output, box)
        return [results[i] for i in range(len(images))]
