"""核查 after 处置: is the violation still at its place? A pure decision from the original object's box
and the detections of the re-check frames; the caller (api/recheck) takes the frames and records it.

Outcomes: `cleared` (nothing of the kind's labels at the place in any frame), `still_present` (there in
at least half of the frames), `inconclusive` (no or too few frames, or seen in fewer than half), and
`not_recheckable` (the kind has nothing a fixed camera can look at again: a truck that drove on, a
rooftop seen only from a drone). Each decision carries a reason code and an English detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

from domain.types import BoxXYXY, Detections
from vision.violations.base import RecheckSpec

Outcome = Literal["cleared", "still_present", "inconclusive", "not_recheckable"]
NormBox = tuple[float, float, float, float]  # x1, y1, x2, y2 in [0, 1] image coordinates


@dataclass(frozen=True)
class RecheckTarget:
    """What to look for, and where: the kind's spec and the object's box at confirmation."""

    violation_type: str
    spec: RecheckSpec
    box: NormBox | None

    def __post_init__(self) -> None:
        if self.box is not None:
            x1, y1, x2, y2 = self.box
            if not (0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1):
                raise ValueError(f"the original box must be normalised x1 < x2, y1 < y2 in [0, 1], got {self.box}")


@dataclass(frozen=True)
class RecheckView:
    """One re-check frame's size, capture time and detections (pixel boxes)."""

    captured_at: datetime
    width: int
    height: int
    detections: Detections


@dataclass(frozen=True)
class Match:
    label: str
    box: BoxXYXY  # pixels of that frame
    score: float
    iou: float  # with the original box


@dataclass(frozen=True)
class RecheckDecision:
    outcome: Outcome
    reason: str  # code: not_present | present | partly_present | no_frames | too_few_frames | no_box | spec.why
    detail: str  # English, with the figures
    frames: int = 0
    frames_present: int = 0
    matches: tuple[tuple[Match, ...], ...] = ()  # per frame, the detections at the place


def _iou(boxes: npt.NDArray[np.float64], box: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    lt = np.maximum(boxes[:, :2], box[:2])
    rb = np.minimum(boxes[:, 2:], box[2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1) + np.prod(box[2:] - box[:2]) - inter
    return np.where(area > 0, inter / np.maximum(area, 1e-12), 0.0)


def matches_at_place(target: RecheckTarget, view: RecheckView) -> tuple[Match, ...]:
    """Detections of the target's labels at the original box (all of one frame at once)."""
    assert target.box is not None
    found = view.detections.only(*target.spec.labels)
    if not len(found):
        return ()
    scale = np.array([view.width, view.height, view.width, view.height], np.float64)
    boxes = found.boxes.astype(np.float64) / scale
    box = np.asarray(target.box, np.float64)
    iou = _iou(boxes, box)
    hit = iou >= target.spec.min_iou
    if target.spec.margin > 0:
        size = np.tile(box[2:] - box[:2], 2) * target.spec.margin
        near = box + size * np.array([-1, -1, 1, 1])
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2
        hit |= np.all((centres >= near[:2]) & (centres <= near[2:]), axis=1)
    return tuple(
        Match(found.labels[i], tuple(float(v) for v in found.boxes[i]), float(found.scores[i]), float(iou[i]))  # type: ignore[arg-type]
        for i in np.flatnonzero(hit)
    )


def decide(
    target: RecheckTarget, views: tuple[RecheckView, ...], *, min_frames: int = 2, unavailable: str = ""
) -> RecheckDecision:
    """The outcome for `views`; `unavailable` says why there are none or too few (camera offline, ...)."""
    spec = target.spec
    if not spec.labels:
        return RecheckDecision("not_recheckable", spec.why, _NOT_RECHECKABLE.get(spec.why, spec.why))
    if target.box is None:
        return RecheckDecision(
            "inconclusive", "no_box", "the case records no box for the object, so no place to look at"
        )
    why = f": {unavailable}" if unavailable else ""
    if not views:
        return RecheckDecision("inconclusive", "no_frames", f"no re-check frames{why}")
    if len(views) < min_frames:
        return RecheckDecision(
            "inconclusive", "too_few_frames", f"{len(views)} re-check frame(s), {min_frames} needed{why}", len(views)
        )
    matches = tuple(matches_at_place(target, view) for view in views)
    n, k = len(views), sum(1 for m in matches if m)
    labels = "/".join(spec.labels)
    if k == 0:
        return RecheckDecision(
            "cleared", "not_present", f"no {labels} at the place in any of {n} frames", n, 0, matches
        )
    best = max(m.iou for frame in matches for m in frame)
    if 2 * k >= n:
        detail = (
            f"{labels} at the place in {k} of {n} frames (best IoU {best:.2f} with the original box); "
            "whether it is the same object (its plate) is not compared"
        )
        return RecheckDecision("still_present", "present", detail, n, k, matches)
    detail = f"{labels} at the place in only {k} of {n} frames: passing traffic or a detector miss"
    return RecheckDecision("inconclusive", "partly_present", detail, n, k, matches)


_NOT_RECHECKABLE = {
    "moving_vehicle": "a moving vehicle: once it has driven on there is nothing at the place to look at again",
    "needs_flight": "a rooftop structure is seen from a drone: re-checking it needs a new flight",
    "not_supported": "the kind declares no re-check",
}
