"""A violation whose clip frames are the ring buffer's JPEGs survives the spool as JPEGs, byte for byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2

from domain.types import EncodedFrame, Frame
from evidence.spool import Spool
from evidence.synthetic import make_context
from tests.unit.evidence.conftest import small


def as_jpeg(frame: Frame) -> EncodedFrame:
    data = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    return EncodedFrame(frame.source_id, frame.index, frame.captured_at, data, frame.width, frame.height, 12.5, True)


def test_jpeg_clip_frames_round_trip_through_the_spool(tmp_path: Path) -> None:
    plain = small(0)
    violation = dataclasses.replace(plain, clip_frames=tuple(as_jpeg(f) for f in plain.clip_frames))
    spool = Spool(tmp_path / "spool")
    item_id, where = spool.put(violation, make_context())
    assert where.startswith("spool")  # on disk, not memory only

    restored, _ = Spool(tmp_path / "spool").get(item_id)  # a fresh spool object, as after a restart
    assert len(restored.clip_frames) == len(violation.clip_frames) == 3
    for before, after in zip(violation.clip_frames, restored.clip_frames, strict=True):
        assert isinstance(before, EncodedFrame) and isinstance(after, EncodedFrame)
        assert dataclasses.asdict(after) == dataclasses.asdict(before)  # every field, the JPEG bytes included
