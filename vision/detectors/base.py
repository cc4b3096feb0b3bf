"""The one detector interface, and the class-map step every backend shares."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections


@runtime_checkable
class Detector(Protocol):
    """Finds labelled boxes in one BGR image. Backends convert their own outputs to `Detections`."""

    model_name: str  # e.g. 'street-v1' (the weights file stem)
    weights_sha256: str  # of the weights file, recorded with every event
    detector_type: str  # 'ultralytics' / 'onnx' / 'openvino'
    labels: tuple[str, ...]  # pipeline labels this detector can output

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections: ...


@runtime_checkable
class SizedDetector(Protocol):
    """A detector that can also run an image at a smaller input than its configured one: a camera whose
    zones fill part of the picture detects on that part at the scale the whole frame would get (fewer
    pixels, same object size) or larger (`vision.detection_window`)."""

    image_size: int  # the configured input's long side (`detect` uses it); 0: cannot resize (a wrapper)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections: ...


def input_size(detector: Detector) -> int:
    """The configured input's long side of a detector that can run smaller inputs; 0 for one that cannot."""
    return detector.image_size if isinstance(detector, SizedDetector) else 0


def detect_at(detector: Detector, image: npt.NDArray[np.uint8], image_size: int | None) -> Detections:
    """`detect_at_size` where a size is asked for and the detector can resize its input, else `detect`."""
    if image_size is not None and isinstance(detector, SizedDetector):
        return detector.detect_at_size(image, image_size)
    return detector.detect(image)


class DetectorError(RuntimeError):
    """A detector could not be built or run (missing weights, unreadable model, bad class map)."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a weights file; of an export folder, over its files' names and bytes in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def verify_weights(path: Path) -> Path:
    """A weights file, or an Ultralytics export folder (`*_openvino_model/`: .xml + .bin + metadata.yaml)."""
    if path.is_dir():
        missing = [kind for kind in ("*.xml", "*.bin", "metadata.yaml") if not any(path.glob(kind))]
        if missing:
            raise DetectorError(
                f"detector weights folder {str(path)!r} is not an Ultralytics OpenVINO export: no {', '.join(missing)}"
            )
        return path
    if not path.is_file():
        raise DetectorError(f"detector weights {str(path)!r} not found (nothing is downloaded at run time)")
    return path


def label_table(names: Mapping[int, str], class_map: Mapping[str, str]) -> dict[int, str]:
    """Model class id -> pipeline label. With a class map, unmapped classes are dropped."""
    if not class_map:
        return {int(i): str(name) for i, name in names.items()}
    unknown = sorted(set(class_map) - set(names.values()))
    if unknown:
        raise DetectorError(
            f"class_map names classes the model does not have: {unknown}; model classes: "
            f"{sorted(set(names.values()))[:40]}"
        )
    return {int(i): class_map[name] for i, name in names.items() if name in class_map}


def to_detections(
    boxes: npt.NDArray[np.floating],
    scores: npt.NDArray[np.floating],
    class_ids: npt.NDArray[np.integer],
    table: Mapping[int, str],
    min_score: Callable[[str], float] = lambda _label: 0.0,
) -> Detections:
    """Keep the classes the table maps, each above its label's minimum score, and build the
    canonical value (boxes xyxy in image pixels)."""
    keep = np.array(
        [int(c) in table and float(s) >= min_score(table[int(c)]) for c, s in zip(class_ids, scores, strict=True)],
        dtype=bool,
    )
    return Detections(
        boxes=np.asarray(boxes, dtype=np.float32).reshape(-1, 4)[keep],
        scores=np.asarray(scores, dtype=np.float32).reshape(-1)[keep],
        labels=tuple(table[int(c)] for c in np.asarray(class_ids)[keep]),
    )
