from datetime import UTC, datetime, timedelta

import numpy as np

from domain.types import Frame
from ingest.motion import MotionGate
from ingest.testclips import background, scene_frame

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
BASE = background(640, 360)


def frame(t: float, image: np.ndarray) -> Frame:
    return Frame("cam", int(t * 10), T0 + timedelta(seconds=t), image)


def test_static_scene_is_skipped_until_the_recheck_interval() -> None:
    gate = MotionGate(recheck_s=5.0)
    decisions = [gate.update(frame(t / 2, BASE.copy())) for t in range(0, 24)]  # 2 fps, 12 s
    detected_at = [t / 2 for t, d in enumerate(decisions) if d]
    assert detected_at == [0.0, 5.0, 10.0]  # first frame, then every 5 s of capture time


def test_static_scene_with_sensor_noise_is_still_static() -> None:
    rng = np.random.default_rng(0)
    gate = MotionGate(recheck_s=60)
    gate.update(frame(0, BASE))
    noisy = [
        np.clip(BASE.astype(np.int16) + rng.integers(-6, 7, BASE.shape), 0, 255).astype(np.uint8)
        for _ in range(5)
    ]
    assert not any(gate.update(frame(1 + i, img)) for i, img in enumerate(noisy))


def test_moving_object_triggers_detection() -> None:
    gate = MotionGate(recheck_s=60)
    gate.update(frame(0, scene_frame(BASE, 0.0, bright=False)))
    assert gate.update(frame(0.5, scene_frame(BASE, 0.5, bright=False)))
    assert gate.last_changed_fraction > gate.min_changed_fraction


def test_small_change_below_threshold_is_ignored_but_a_car_sized_one_is_not() -> None:
    gate = MotionGate(recheck_s=60)
    gate.update(frame(0, BASE))
    speck = BASE.copy()
    speck[100:102, 100:102] = 255  # 4 pixels of 230,400
    assert not gate.update(frame(1, speck))
    car = speck.copy()
    car[200:260, 300:420] = (30, 30, 200)
    assert gate.update(frame(2, car))


def test_change_outside_the_regions_does_not_wake_the_detector() -> None:
    left_half = [(0.0, 0.0), (0.3, 0.0), (0.3, 1.0), (0.0, 1.0)]
    still = BASE.copy()
    moved = BASE.copy()
    moved[100:200, 500:600] = 255  # a bright object appears on the right, far from the region
    everywhere, in_zones = MotionGate(recheck_s=60), MotionGate(recheck_s=60, regions=[left_half])
    for gate in (everywhere, in_zones):
        gate.update(frame(0, still))
    assert everywhere.update(frame(0.5, moved))
    assert not in_zones.update(frame(0.5, moved))
    near = BASE.copy()
    near[100:200, 120:180] = 255  # inside the region: it counts
    assert in_zones.update(frame(1.0, near))


def test_change_inside_explained_boxes_does_not_count_but_change_beside_them_does() -> None:
    still = BASE.copy()
    walked = BASE.copy()
    walked[100:160, 300:320] = 255  # 20 x 60 px appears at (300, 100)
    box = (300 / 640, 100 / 360, 320 / 640, 160 / 360)  # where the analyzer last saw it
    gate = MotionGate(recheck_s=60)
    gate.update(frame(0, still))
    assert not gate.update(frame(0.5, walked), [box])
    assert gate.last_changed_fraction == 0.0
    beside = walked.copy()
    beside[100:160, 400:420] = 255  # the same change 80 px further: outside the box grown by half its height
    gate.update(frame(1.0, walked), [box])
    assert gate.update(frame(1.5, beside), [box])
