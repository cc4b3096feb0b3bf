"""Real frames for the detector tests: the real-data kit's street clip and traffic-camera photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from api.pipeline.real_clips import realdata_root

CLIP = "street_elevated_traffic_with_parked_cars.mp4"  # 1280x720, parked and passing cars


def clip_frames(count: int, step: int) -> list[np.ndarray]:
    """Every `step`-th of the first `count` frames of the kit's real street clip (1280x720)."""
    kit = realdata_root()
    if not (kit / "MANIFEST.md").is_file():
        pytest.skip(f"real-data kit not found at {kit} (set ENFORCE_REALDATA)")
    capture = cv2.VideoCapture(str(kit / "clips" / CLIP))
    frames = []
    for index in range(count):
        ok, frame = capture.read()
        assert ok, f"{CLIP} frame {index}"
        if index % step == 0:
            frames.append(frame)
    return frames


@pytest.fixture(scope="session")
def street_frames() -> list[np.ndarray]:
    """Four frames of a real street clip (1280x720) and two real traffic-camera photos at 960x540."""
    out = clip_frames(40, 10)
    photos = sorted((realdata_root() / "datasets" / "atl_traffic_cctv" / "valid" / "images").glob("*.jpg"))[:2]
    out += [cv2.resize(cv2.imread(str(path)), (960, 540)) for path in photos]
    assert len({frame.shape for frame in out}) == 2
    return out


@pytest.fixture(scope="session")
def arterial_frames() -> list[np.ndarray]:
    """Thirty frames of the real street clip: every 10th of its first 300."""
    return clip_frames(300, 10)
