"""Decode a YOLO detector's raw output (one image) into boxes, scores and class ids, shared by the
runtimes that return the raw tensor (ONNX Runtime, OpenVINO)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vision.detectors.nms import nms

MAX_DET = 300
Decoded = tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.int64]]


def is_end2end(output: npt.NDArray[np.float32], flagged: bool) -> bool:
    """(max_det, 6) rows of x1, y1, x2, y2, score, class: NMS already done inside the model."""
    return flagged or (output.ndim == 2 and output.shape[1] == 6 and output.shape[0] > 6)


def decode(output: npt.NDArray[np.float32], score_floor: float, iou: float, *, end2end: bool = False) -> Decoded:
    """Boxes xyxy in model-input pixels, scores and class ids of one image's output."""
    output = output.astype(np.float32)
    if is_end2end(output, end2end):
        return decode_end2end(output, score_floor)
    return decode_anchors(output, score_floor, iou)


def decode_anchors(output: npt.NDArray[np.float32], score_floor: float, iou: float) -> Decoded:
    """(4 + nc, anchors): cx, cy, w, h in input pixels, then per-class scores; class-aware NMS."""
    class_scores = output[4:]
    class_ids = class_scores.argmax(axis=0)
    scores = class_scores[class_ids, np.arange(class_scores.shape[1])]
    keep = scores > score_floor
    xywh, scores, class_ids = output[:4, keep].T, scores[keep], class_ids[keep].astype(np.int64)
    boxes = np.empty_like(xywh)
    boxes[:, :2] = xywh[:, :2] - xywh[:, 2:] / 2
    boxes[:, 2:] = xywh[:, :2] + xywh[:, 2:] / 2
    kept = nms(boxes, scores, class_ids, iou, MAX_DET)
    return boxes[kept], scores[kept], class_ids[kept]


def decode_end2end(output: npt.NDArray[np.float32], score_floor: float) -> Decoded:
    keep = output[:, 4] > score_floor
    return output[keep, :4], output[keep, 4], output[keep, 5].astype(np.int64)
