"""Average precision at IoU 0.5 (AP50) per label, from detections and labelled boxes.

Matching is COCO-style: per image and label, detections are taken in descending score order and each
takes the unmatched ground-truth box it overlaps most, if that IoU is >= the threshold; otherwise it is
a false positive. AP is the area under the precision-recall curve with all-point interpolation
(VOC 2010+ style: precision made monotone from the right, summed over every recall step), not the
101-point sampling COCO and Ultralytics use; the two differ by a fraction of a point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from domain.types import Detections

Boxes = npt.NDArray[np.float32]


def box_iou(a: Boxes, b: Boxes) -> npt.NDArray[np.float64]:
    """IoU of every box in `a` (N x 4 xyxy) with every box in `b` (M x 4): N x M."""
    p, q = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    w = (np.minimum(p[:, None, 2], q[None, :, 2]) - np.maximum(p[:, None, 0], q[None, :, 0])).clip(0)
    h = (np.minimum(p[:, None, 3], q[None, :, 3]) - np.maximum(p[:, None, 1], q[None, :, 1])).clip(0)
    inter = w * h
    area_a = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
    area_b = (q[:, 2] - q[:, 0]) * (q[:, 3] - q[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def match_image(
    boxes: Boxes, scores: npt.NDArray[np.float32], truths: Boxes, iou_threshold: float = 0.5
) -> npt.NDArray[np.bool_]:
    """Which detections (one label, one image) are true positives, in the detections' own order."""
    hits = np.zeros(len(scores), dtype=bool)
    if len(scores) == 0 or len(truths) == 0:
        return hits
    overlap = box_iou(boxes, truths)
    taken = np.zeros(len(truths), dtype=bool)
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        candidates = np.where(taken, -1.0, overlap[i])
        best = int(candidates.argmax())
        if candidates[best] >= iou_threshold:
            taken[best] = True
            hits[i] = True
    return hits


def average_precision(scores: Sequence[float], hits: Sequence[bool], truths: int) -> float | None:
    """All-point interpolated AP of detections pooled over a data set; None when there is no truth."""
    if truths <= 0:
        return None
    if len(scores) == 0:
        return 0.0
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    tp = np.asarray(hits, dtype=np.float64)[order]
    cum_tp, cum_fp = np.cumsum(tp), np.cumsum(1.0 - tp)
    recall = np.concatenate([[0.0], cum_tp / truths])
    precision = np.concatenate([[1.0], cum_tp / (cum_tp + cum_fp)])
    precision = np.maximum.accumulate(precision[::-1])[::-1]  # the envelope: best precision at >= recall
    return float(np.sum(np.diff(recall) * precision[1:]))


@dataclass(frozen=True)
class LabelledBoxes:
    """The ground truth of one image: boxes (N x 4 xyxy pixels) with pipeline labels."""

    boxes: Boxes
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.boxes.shape != (len(self.labels), 4):
            raise ValueError(f"boxes must be ({len(self.labels)}, 4), got {self.boxes.shape}")


@dataclass
class APAccumulator:
    """Collects detections and truths image by image; `ap()` pools them per label."""

    labels: tuple[str, ...]
    iou_threshold: float = 0.5
    _scores: dict[str, list[float]] = field(default_factory=dict)
    _hits: dict[str, list[bool]] = field(default_factory=dict)
    _truths: dict[str, int] = field(default_factory=dict)

    def add(self, detections: Detections, truth: LabelledBoxes) -> None:
        for label in self.labels:
            mine = [i for i, name in enumerate(detections.labels) if name == label]
            theirs = [i for i, name in enumerate(truth.labels) if name == label]
            scores = detections.scores[mine]
            hits = match_image(detections.boxes[mine], scores, truth.boxes[theirs], self.iou_threshold)
            self._scores.setdefault(label, []).extend(float(s) for s in scores)
            self._hits.setdefault(label, []).extend(bool(h) for h in hits)
            self._truths[label] = self._truths.get(label, 0) + len(theirs)

    def truths(self, label: str) -> int:
        return self._truths.get(label, 0)

    def ap(self, label: str) -> float | None:
        return average_precision(self._scores.get(label, []), self._hits.get(label, []), self.truths(label))


def ap_per_label(
    pairs: Iterable[tuple[Detections, LabelledBoxes]], labels: Sequence[str], iou_threshold: float = 0.5
) -> dict[str, float | None]:
    """AP per label over (detections, truth) pairs; None for a label with no truth box."""
    accumulator = APAccumulator(tuple(labels), iou_threshold)
    for detections, truth in pairs:
        accumulator.add(detections, truth)
    return {label: accumulator.ap(label) for label in labels}
