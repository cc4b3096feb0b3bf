"""Real aerial / top-down footage with no new structure: every roof_structure box on it is false.

The clips are the real-data kit's (`../shared/realdata/clips`, or `ENFORCE_REALDATA`; MANIFEST §3).
They are read where they lie, never copied into the product. `drone_nadir_city_rooftops` and
`overhead_parking_lot_car_parks` have no stated licence (tests only); `overhead_lot_lane_cars_passing`
is CC BY 4.0 (Intel IoT DevKit sample-videos).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.change.pipeline import Detector

REPO = Path(__file__).resolve().parents[2]
AERIAL_NEGATIVES = (
    "drone_nadir_city_rooftops",
    "overhead_lot_lane_cars_passing",
    "overhead_parking_lot_car_parks",
)


def realdata_root() -> Path:
    return Path(os.environ.get("ENFORCE_REALDATA", REPO.parent / "shared" / "realdata"))


def clip_path(name: str) -> Path:
    path = realdata_root() / "clips" / f"{name}.mp4"
    if not path.is_file():
        raise FileNotFoundError(f"real-data kit clip not found: {path} (set ENFORCE_REALDATA)")
    return path


def sample_frames(video: Path, count: int) -> Iterator[tuple[int, npt.NDArray[np.uint8]]]:
    """`count` frames spread evenly over the clip (first to last), as (index, BGR image)."""
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        raise ValueError(f"cannot open video: {video}")
    try:
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        if total < 1:
            raise ValueError(f"video has no frames: {video}")
        wanted = sorted({int(round(i)) for i in np.linspace(0, total - 1, min(count, total))})
        for index in wanted:
            cap.set(cv2.CAP_PROP_POS_FRAMES, index)
            ok, image = cap.read()
            if ok:
                yield index, np.asarray(image, dtype=np.uint8)
    finally:
        cap.release()


@dataclass(frozen=True)
class ClipFalseBoxes:
    clip: str
    frames: int
    boxes: int  # every one is false: nothing new is built in these clips

    @property
    def per_frame(self) -> float:
        return self.boxes / self.frames if self.frames else 0.0


def false_boxes(detector: Detector, clip: str, frames: int) -> ClipFalseBoxes:
    """roof_structure boxes per frame on `frames` evenly spread frames of a kit clip."""
    seen = boxes = 0
    for _, image in sample_frames(clip_path(clip), frames):
        boxes += len(detector.detect(image).only("roof_structure"))
        seen += 1
    return ClipFalseBoxes(clip, seen, boxes)
