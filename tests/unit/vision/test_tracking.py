from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from domain.types import Frame
from tests.unit.vision.rules.sequences import Obj, detections
from vision.tracking import Tracker

IMAGE = np.zeros((720, 1280, 3), np.uint8)
START = datetime(2026, 5, 1, 1, tzinfo=UTC)


def frame(index: int) -> Frame:
    return Frame("cam", index, START + timedelta(seconds=index / 2), IMAGE)


def test_ids_follow_moving_vehicles_and_untracked_labels_stay_minus_one() -> None:
    tracker = Tracker()
    ids = []
    for i in range(6):
        out = tracker.update(
            detections(
                [
                    Obj("vehicle", (100 + 8 * i, 400, 340 + 8 * i, 560)),
                    Obj("mud", (120, 540, 180, 570)),
                    Obj("truck", (800, 300 - 5 * i, 1100, 520 - 5 * i)),
                ]
            ),
            frame(i),
        )
        assert out.labels == ("vehicle", "mud", "truck")  # same detections, same order
        assert np.array_equal(out.boxes[0], np.array([100 + 8 * i, 400, 340 + 8 * i, 560], np.float32))
        ids.append(tuple(int(t) for t in out.track_ids))
    assert len(set(ids)) == 1
    vehicle, mud, truck = ids[0]
    assert mud == -1 and vehicle > 0 and truck > 0 and vehicle != truck


def test_id_survives_a_short_occlusion() -> None:
    tracker = Tracker(lost_frames=10)
    car = [Obj("vehicle", (100.0, 400.0, 340.0, 560.0))]
    first = tracker.update(detections(car), frame(0)).track_ids[0]
    tracker.update(detections(car), frame(1))
    for i in range(2, 6):
        assert len(tracker.update(detections([]), frame(i))) == 0
    assert tracker.update(detections(car), frame(6)).track_ids[0] == first


def test_empty_frames_are_fine() -> None:
    assert len(Tracker().update(detections([]), frame(0))) == 0
