"""Pictures of a camera that sways: a textured still and the same still moved by an offset; an H.264
clip of such a camera (which may turn to another street); a detector that finds nothing."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Detections

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


def swaying_clip(
    path: Path, fps: int, seconds: int, drift_per_frame: tuple[float, float], turned_at: int | None = None
) -> Path:
    """A clip of `street(4)` drifting `drift_per_frame` pixels a frame; from frame `turned_at` on, the
    camera shows another street (`street(7)`, drifting on)."""
    scene, elsewhere = street(4), street(7)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = SIZE[1], SIZE[0], "yuv420p"
        stream.options = {"crf": "18", "preset": "ultrafast"}
        stream.time_base = Fraction(1, fps)
        for i in range(fps * seconds):
            shown = elsewhere if turned_at is not None and i >= turned_at else scene
            picture = moved(shown, drift_per_frame[0] * i, drift_per_frame[1] * i)
            frame = av.VideoFrame.from_ndarray(picture, "bgr24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


class NothingDetector:
    """A detector that finds nothing: the camera's view is judged on the picture alone."""

    detector_type = model_name = "none"
    weights_sha256 = "0" * 64
    labels: tuple[str, ...] = ("vehicle",)

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return Detections.empty()
