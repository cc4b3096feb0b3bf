"""Pictures of a camera that sways: a textured still and the same still moved by an offset."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

SIZE = (720, 1280)


def street(seed: int = 0) -> npt.NDArray[np.uint8]:
    """A textured still (road, kerbs, facades stand-ins): smooth noise plus hard-edged blocks."""
    rng = np.random.default_rng(seed)
    noise = cv2.GaussianBlur(rng.uniform(0, 255, SIZE).astype(np.float32), (0, 0), 6.0)
    image = cv2.normalize(noise, None, 40, 200, cv2.NORM_MINMAX).astype(np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(0, SIZE[1] - 80)), int(rng.integers(0, SIZE[0] - 60))
        cv2.rectangle(
            image, (x, y), (x + int(rng.integers(20, 80)), y + int(rng.integers(15, 60))), int(rng.integers(0, 255)), -1
        )
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)


def moved(image: npt.NDArray[np.uint8], dx: float, dy: float) -> npt.NDArray[np.uint8]:
    """The same scene seen by the camera after it swayed: what was at (x, y) shows at (x + dx, y + dy)."""
    matrix = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    return np.asarray(cv2.warpAffine(image, matrix, (SIZE[1], SIZE[0]), borderMode=cv2.BORDER_REFLECT), np.uint8)
