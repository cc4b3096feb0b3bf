"""Class-aware non-maximum suppression in NumPy (no torch on the ONNX path)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MAX_WH = 7680.0  # offset per class so boxes of different classes never suppress each other


def nms(
    boxes: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float32],
    class_ids: npt.NDArray[np.int64],
    iou_threshold: float,
    max_det: int = 300,
) -> npt.NDArray[np.int64]:
    """Indices of the kept boxes, highest score first."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    shifted = boxes + (class_ids.astype(np.float32) * MAX_WH)[:, None]
    x1, y1, x2, y2 = shifted.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size and len(keep) < max_det:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = (np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest])).clip(0)
        h = (np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest])).clip(0)
        inter = w * h
        iou = inter / (areas[i] + areas[rest] - inter + 1e-9)
        order = rest[iou <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)
