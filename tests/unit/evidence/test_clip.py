"""The event clip: every frame in capture order, from decoded frames or from the ring buffer's JPEGs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from domain.types import EncodedFrame, Frame
from evidence.clip import encode_clip
from ingest.testclips import background, scene_frame

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
BASE = background(320, 240)


def frames_at(offsets: list[float]) -> tuple[Frame, ...]:
    return tuple(
        Frame("cam", i, T0 + timedelta(seconds=t), scene_frame(BASE, i * 0.7, bright=i % 2 == 0))
        for i, t in enumerate(offsets)
    )


def as_jpeg(frame: Frame) -> EncodedFrame:
    data = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    return EncodedFrame(frame.source_id, frame.index, frame.captured_at, data, frame.width, frame.height)


def decoded(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        return [(float(f.time or 0), f.to_ndarray(format="bgr24")) for f in container.decode(video=0)]


def keyframes(path: Path) -> list[bool]:
    with av.open(str(path)) as container:
        return [bool(f.key_frame) for f in container.decode(video=0)]


@pytest.mark.parametrize(
    "offsets",
    [
        [0, 1, 1.001, 1.002, 1.003, 2, 3],  # a camera catching up after a stall: frames a millisecond apart
        [0, 1, 2, 2, 2, 3],  # frames that share a capture timestamp
    ],
)
def test_a_burst_of_frames_is_encoded_whole_and_in_order(tmp_path: Path, offsets: list[float]) -> None:
    info = encode_clip(frames_at(offsets), tmp_path / "clip.mp4")
    times = [t for t, _ in decoded(tmp_path / "clip.mp4")]
    assert info.frame_count == len(times) == len(offsets)
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[-1] == pytest.approx(offsets[-1], abs=0.01)  # timing still follows the capture times


def test_jpeg_frames_give_the_clip_their_decoded_pixels_would(tmp_path: Path) -> None:
    frames = frames_at([0, 0.5, 1.0, 1.5])
    jpegs = tuple(as_jpeg(f) for f in frames)
    from_pixels = [
        Frame(j.source_id, j.index, j.captured_at, cv2.imdecode(np.frombuffer(j.data, np.uint8), cv2.IMREAD_COLOR))
        for j in jpegs
    ]
    a = encode_clip(tuple(from_pixels), tmp_path / "pixels.mp4")
    b = encode_clip(jpegs, tmp_path / "jpeg.mp4")
    assert (a.width, a.height, a.frame_count, a.fps) == (b.width, b.height, b.frame_count, b.fps) == (320, 240, 4, 2.0)
    for (ta, pa), (tb, pb), original in zip(
        decoded(tmp_path / "pixels.mp4"), decoded(tmp_path / "jpeg.mp4"), frames, strict=True
    ):
        assert ta == tb
        assert cv2.PSNR(pa, pb) > 38  # the same pictures, up to the decoders' rounding
        assert cv2.PSNR(pb, original.image) > 30
    # one keyframe, then predicted frames, as from pixels (a decoded JPEG calls itself an I-frame)
    assert keyframes(tmp_path / "jpeg.mp4") == keyframes(tmp_path / "pixels.mp4") == [True, False, False, False]
    assert (tmp_path / "jpeg.mp4").stat().st_size < 1.3 * (tmp_path / "pixels.mp4").stat().st_size


def test_an_undecodable_jpeg_is_a_clear_error(tmp_path: Path) -> None:
    good = as_jpeg(frames_at([0])[0])
    bad = EncodedFrame("cam", 7, T0 + timedelta(seconds=1), b"\xff\xd8 not a jpeg", 320, 240)
    with pytest.raises(ValueError, match="frame 7 of cam is not a decodable JPEG"):
        encode_clip((good, bad), tmp_path / "clip.mp4")
