"""AP50 on hand-made boxes whose AP is worked out by hand (all-point interpolation)."""

from __future__ import annotations

import numpy as np
import pytest

from domain.types import Detections
from vision.evaluation.ap import LabelledBoxes, ap_per_label, average_precision, box_iou, match_image


def dets(*rows: tuple[str, float, tuple[float, float, float, float]]) -> Detections:
    return Detections(
        np.array([r[2] for r in rows], np.float32).reshape(-1, 4),
        np.array([r[1] for r in rows], np.float32),
        tuple(r[0] for r in rows),
    )


def truth(*rows: tuple[str, tuple[float, float, float, float]]) -> LabelledBoxes:
    return LabelledBoxes(np.array([r[1] for r in rows], np.float32).reshape(-1, 4), tuple(r[0] for r in rows))


A, B, C = (0, 0, 10, 10), (20, 20, 30, 30), (40, 40, 50, 50)
NOWHERE = (100, 100, 110, 110)


@pytest.mark.parametrize(
    ("scores", "hits", "truths", "expected"),
    [
        ([0.9, 0.8], [True, True], 2, 1.0),  # every truth found, nothing false
        ([], [], 3, 0.0),  # nothing detected
        ([0.9, 0.8, 0.7], [True, False, True], 3, 1 / 3 * 1 + 1 / 3 * 2 / 3),  # one truth never found
        ([0.9, 0.8], [False, True], 1, 0.5),  # a false positive ranked above the hit
        ([0.7, 0.9, 0.8], [True, True, False], 2, 1 / 2 * 1 + 1 / 2 * 2 / 3),  # order comes from scores
        ([0.9, 0.8, 0.7, 0.6], [True, False, False, True], 2, 0.5 + 0.5 * 0.5),  # envelope: p = 2/4 at r = 1
    ],
)
def test_average_precision_of_known_rankings(
    scores: list[float], hits: list[bool], truths: int, expected: float
) -> None:
    assert average_precision(scores, hits, truths) == pytest.approx(expected)


def test_no_truth_gives_no_ap() -> None:
    assert average_precision([0.9], [False], 0) is None


def test_the_precision_envelope_lifts_a_dip() -> None:
    # hits at ranks 1, 3, 4 of 4 detections, 3 truths: p = 1, 1/2, 2/3, 3/4 -> envelope 1, 3/4, 3/4, 3/4
    ap = average_precision([0.9, 0.8, 0.7, 0.6], [True, False, True, True], 3)
    assert ap == pytest.approx(1 / 3 * 1 + 1 / 3 * 3 / 4 + 1 / 3 * 3 / 4)


def test_iou_half_is_the_boundary() -> None:
    assert box_iou(np.array([A], np.float32), np.array([(0, 0, 10, 5)], np.float32))[0, 0] == pytest.approx(0.5)
    on = match_image(np.array([(0, 0, 10, 5)], np.float32), np.array([0.9], np.float32), np.array([A], np.float32))
    off = match_image(np.array([(0, 0, 10, 4.9)], np.float32), np.array([0.9], np.float32), np.array([A], np.float32))
    assert on.tolist() == [True]
    assert off.tolist() == [False]


def test_a_second_detection_of_one_truth_is_false() -> None:
    boxes = np.array([A, (0, 0, 10, 9)], np.float32)
    hits = match_image(boxes, np.array([0.6, 0.9], np.float32), np.array([A], np.float32))
    assert hits.tolist() == [False, True]  # the higher score takes the truth


def test_each_detection_takes_the_best_unmatched_truth() -> None:
    left, right = (0, 0, 10, 10), (4, 0, 14, 10)
    hits = match_image(
        np.array([(3, 0, 13, 10), (0, 0, 10, 10)], np.float32),
        np.array([0.9, 0.8], np.float32),
        np.array([left, right], np.float32),
    )
    assert hits.tolist() == [True, True]  # the first takes `right` (IoU .82), the second `left` (1.0)


def test_ap_per_label_pools_images_and_keeps_labels_apart() -> None:
    pairs = [
        (dets(("vehicle", 0.9, A), ("vehicle", 0.4, B)), truth(("vehicle", A), ("truck", B))),
        (dets(("vehicle", 0.8, C), ("truck", 0.7, NOWHERE)), truth(("vehicle", C), ("person", A))),
    ]
    ap = ap_per_label(pairs, ["vehicle", "truck", "person", "smoke"])
    # vehicle: 0.9 hit, 0.8 hit, 0.4 false (the box is a truck's) -> 2 truths found before any error
    assert ap["vehicle"] == pytest.approx(1.0)
    assert ap["truck"] == pytest.approx(0.0)  # its only detection is nowhere near the truck
    assert ap["person"] == pytest.approx(0.0)  # never detected
    assert ap["smoke"] is None  # no truth at all


def test_truth_boxes_must_match_labels() -> None:
    with pytest.raises(ValueError, match="boxes must be"):
        LabelledBoxes(np.zeros((2, 4), np.float32), ("vehicle",))
