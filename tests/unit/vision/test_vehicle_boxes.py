from __future__ import annotations

import numpy as np

from domain.types import Detections
from vision.vehicle_boxes import one_box_per_vehicle


def found(*rows: tuple[str, float, tuple[float, float, float, float]]) -> Detections:
    return Detections(
        np.array([box for _, _, box in rows], np.float32).reshape(-1, 4),
        np.array([score for _, score, _ in rows], np.float32),
        tuple(label for label, _, _ in rows),
    )


VAN = (100.0, 200.0, 300.0, 320.0)
VAN_AGAIN = (102.0, 198.0, 298.0, 322.0)  # the same van boxed by another class: IoU about 0.95


def test_a_van_boxed_as_vehicle_and_as_truck_is_one_truck_in_the_best_box() -> None:
    merged = one_box_per_vehicle(found(("vehicle", 0.6, VAN), ("truck", 0.4, VAN_AGAIN)))
    assert merged.labels == ("truck",)
    np.testing.assert_allclose(merged.boxes[0], VAN)
    assert merged.scores.tolist() == [np.float32(0.6)]


def test_the_better_truck_box_stays_when_the_truck_scores_higher() -> None:
    merged = one_box_per_vehicle(found(("vehicle", 0.3, VAN), ("truck", 0.7, VAN_AGAIN)))
    assert merged.labels == ("truck",)
    np.testing.assert_allclose(merged.boxes[0], VAN_AGAIN)


def test_two_vehicle_boxes_on_one_car_are_one_vehicle() -> None:
    merged = one_box_per_vehicle(found(("vehicle", 0.5, VAN), ("vehicle", 0.8, VAN_AGAIN)))
    assert merged.labels == ("vehicle",) and merged.scores.tolist() == [np.float32(0.8)]


def test_vehicles_overlapping_one_behind_the_other_keep_their_boxes() -> None:
    # a sedan parked in front of a minivan, seen from above: its box lies inside the minivan's (IoU ~0.5)
    minivan, sedan = (44.0, 204.0, 173.0, 280.0), (54.0, 233.0, 165.0, 278.0)
    rows = found(("vehicle", 0.5, minivan), ("vehicle", 0.4, sedan), ("truck", 0.3, (180.0, 200.0, 260.0, 280.0)))
    assert one_box_per_vehicle(rows) is rows


def test_other_labels_and_their_order_and_track_ids_are_kept() -> None:
    plate = (150.0, 290.0, 200.0, 305.0)
    rows = found(("person", 0.9, VAN), ("vehicle", 0.6, VAN), ("license_plate", 0.8, plate), ("truck", 0.5, VAN_AGAIN))
    rows = Detections(rows.boxes, rows.scores, rows.labels, np.array([-1, 7, -1, 9], np.int64))
    merged = one_box_per_vehicle(rows)
    assert merged.labels == ("person", "truck", "license_plate")  # the person over the van is not a vehicle
    assert merged.track_ids.tolist() == [-1, 7, -1]
    np.testing.assert_allclose(merged.boxes[2], plate)


def test_nothing_to_merge_on_an_empty_picture() -> None:
    empty = Detections.empty()
    assert one_box_per_vehicle(empty) is empty
