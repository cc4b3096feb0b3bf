"""Comparing two detectors' outputs on the same image."""

from __future__ import annotations

import numpy as np

from domain.types import Detections


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else float(np.allclose(a, b, atol=0.5))


def unmatched(a: Detections, b: Detections, min_iou: float = 0.98, score_tol: float = 0.01) -> list[str]:
    """Detections of `a` with no same-label box in `b` within tolerance."""
    free = set(range(len(b)))
    missing = []
    for i in np.argsort(-a.scores):
        match = next(
            (
                j
                for j in sorted(free)
                if b.labels[j] == a.labels[i]
                and abs(float(b.scores[j] - a.scores[i])) <= score_tol
                and _iou(a.boxes[i], b.boxes[j]) >= min_iou
            ),
            None,
        )
        if match is None:
            missing.append(f"{a.labels[i]} {a.scores[i]:.3f} {a.boxes[i].round(1).tolist()}")
        else:
            free.discard(match)
    return missing


def identical(a: Detections, b: Detections) -> bool:
    """The same boxes, scores and labels, bit for bit."""
    return a.labels == b.labels and np.array_equal(a.boxes, b.boxes) and np.array_equal(a.scores, b.scores)
