"""Real frames for the detector tests: the real-data kit's street clip and traffic-camera photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from api.pipeline.real_clips import realdata_root
from tests.support.kit_footage import kit_clip_frames

CLIP = "street_elevated_traffic_with_parked_cars"  # 1280x720, parked and passing cars


@pytest.fixture(scope="session")
def street_frames() -> list[np.ndarray]:
    """Four frames of a real street clip (1280x720) and two real traffic-camera photos at 960x540."""
    out = kit_clip_frames(CLIP, 10, 40)
    photos = sorted((realdata_root() / "datasets" / "atl_traffic_cctv" / "valid" / "images").glob("*.jpg"))[:2]
    out += [cv2.resize(cv2.imread(str(path)), (960, 540)) for path in photos]
    assert len({frame.shape for frame in out}) == 2
    return out


@pytest.fixture(scope="session")
def arterial_frames() -> list[np.ndarray]:
    """Thirty frames of the real street clip: every 10th of its first 300."""
    return kit_clip_frames(CLIP, 10, 300)
