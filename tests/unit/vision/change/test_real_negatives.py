"""Frame sampling and the false-box count used by the real aerial negatives (bench and slow test)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from domain.types import Detections
from vision.change.real_negatives import clip_path, false_boxes, sample_frames


def _video(path: Path, frames: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for i in range(frames):
        writer.write(np.full((48, 64, 3), i * 10 + 5, np.uint8))
    writer.release()
    return path


def test_sample_frames_spreads_over_the_clip(tmp_path: Path) -> None:
    video = _video(tmp_path / "c.avi", 20)
    indices = [i for i, _ in sample_frames(video, 5)]
    assert indices[0] == 0 and indices[-1] == 19 and len(indices) == 5


def test_sample_frames_never_repeats_a_frame(tmp_path: Path) -> None:
    video = _video(tmp_path / "c.avi", 3)
    assert [i for i, _ in sample_frames(video, 10)] == [0, 1, 2]


@pytest.mark.parametrize("count", [0, -1])
def test_sample_frames_refuses_a_bad_count(tmp_path: Path, count: int) -> None:
    with pytest.raises(ValueError, match="count"):
        list(sample_frames(_video(tmp_path / "c.avi", 3), count))


def test_missing_clip_names_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENFORCE_REALDATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        clip_path("nope")


class _Bright:
    """Boxes one roof_structure on frames brighter than 100 and one car on every frame."""

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        n = 1 + int(image.mean() > 100)
        labels = ("car", "roof_structure")[:n]
        return Detections(np.tile([[0, 0, 4, 4]], (n, 1)).astype(np.float32), np.ones(n, np.float32), labels)


def test_false_boxes_counts_only_roof_structures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "clips").mkdir()
    _video(tmp_path / "clips" / "c.mp4", 20)  # frame i has brightness 10 i + 5: frames 10.. are > 100
    monkeypatch.setenv("ENFORCE_REALDATA", str(tmp_path))
    result = false_boxes(_Bright(), "c", 20)
    assert (result.frames, result.boxes) == (20, 10)
    assert result.per_frame == 0.5
