"""The shipped aerial detector, at the drone pipeline's confidence, stays quiet on the kit's real aerial
footage in which nothing is built (MANIFEST §3; both clips have no licence: tests only, never trained on),
so every roof_structure box on it is false. 30 evenly spread frames per clip.

Bounds (boxes per frame), from bench/aerial_real_bench.py on this machine:
- drone_nadir_city_rooftops (a city flight, avenue with traffic): 0.1, i.e. 3 boxes in 30 frames.
  aerial-v1 and aerial-v2 both measured 0.00; a detector firing on the avenue's cars and markings fails.
- overhead_parking_lot_car_parks (eight cars parked, seen from above): 0.4, i.e. 12 boxes in 30 frames.
  aerial-v1 at its 0.35 measured 0.93 (a box on the blue car in nearly every frame) and 0.67 at 0.5, and
  fails; aerial-v2 measured 0.63 at 0.35 and 0.20 at the pipeline's 0.5.
"""

from __future__ import annotations

import pytest

from vision.change.config import aerial_detector_config
from vision.change.detector import roof_detector
from vision.change.real_negatives import clip_path, false_boxes

pytestmark = pytest.mark.slow

FRAMES = 30


@pytest.mark.parametrize(
    ("clip", "bound"), [("drone_nadir_city_rooftops", 0.1), ("overhead_parking_lot_car_parks", 0.4)]
)
def test_shipped_aerial_detector_is_quiet_on_real_footage_without_new_structures(clip: str, bound: float) -> None:
    clip_path(clip)  # a missing kit fails here with the path it looked at
    detector = roof_detector(aerial_detector_config())  # what an empty `drone.detector` runs
    result = false_boxes(detector, clip, FRAMES)
    assert result.frames == FRAMES
    assert result.per_frame <= bound, f"{result.boxes} false roof_structure boxes on {result.frames} frames"
