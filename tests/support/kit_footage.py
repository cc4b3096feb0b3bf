"""Frames of the real-data kit's clips (MANIFEST §3), read where they lie; tests skip where the kit is absent."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from api.pipeline.real_clips import realdata_root


def kit_clip_frames(name: str, step: int, count: int | None = None) -> list[np.ndarray]:
    """Every `step`-th of the first `count` frames of the kit clip `name` (file stem), or of all of them."""
    kit = realdata_root()
    if not (kit / "MANIFEST.md").is_file():
        pytest.skip(f"real-data kit not found at {kit} (set ENFORCE_REALDATA)")
    capture = cv2.VideoCapture(str(kit / "clips" / f"{name}.mp4"))
    frames: list[np.ndarray] = []
    index = 0
    try:
        while count is None or index < count:
            ok, frame = capture.read()
            if not ok:
                assert count is None and index > 0, f"{name}.mp4: cannot read frame {index}"
                break
            if index % step == 0:
                frames.append(frame)
            index += 1
    finally:
        capture.release()
    return frames
