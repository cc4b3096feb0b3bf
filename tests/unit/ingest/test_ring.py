from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from domain.types import EncodedFrame, Frame
from ingest.ring import FrameRing
from ingest.testclips import background, scene_frame

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
BASE = background(320, 240)


def frame(i: int, fps: float = 2.0) -> Frame:
    t = i / fps
    return Frame("cam", i, T0 + timedelta(seconds=t), scene_frame(BASE, t, bright=i % 2 == 0))


def test_keeps_only_the_last_seconds_of_capture_time() -> None:
    ring = FrameRing(max_seconds=5, jpeg_quality=None)
    for i in range(40):  # 20 s at 2 fps
        ring.push(frame(i))
    kept = ring.between(T0, T0 + timedelta(hours=1))
    assert [f.index for f in kept] == list(range(29, 40))  # 14.5 s .. 19.5 s
    assert [f.index for f in ring.last(2.0)] == [35, 36, 37, 38, 39]


def test_memory_bound_evicts_oldest_first() -> None:
    one = frame(0).image.nbytes
    ring = FrameRing(max_seconds=1000, max_bytes=3 * one, jpeg_quality=None)
    for i in range(10):
        ring.push(frame(i))
    assert len(ring) == 3 and ring.nbytes <= 3 * one
    assert [f.index for f in ring.last(1000)] == [7, 8, 9]


def test_jpeg_storage_is_smaller_and_close_to_the_original() -> None:
    raw, jpeg = FrameRing(jpeg_quality=None), FrameRing(jpeg_quality=90)
    frames = [frame(i) for i in range(6)]
    for f in frames:
        raw.push(f)
        jpeg.push(f)
    assert jpeg.nbytes < raw.nbytes / 5
    for original, restored in zip(frames, jpeg.last(100), strict=True):
        assert restored.captured_at == original.captured_at and restored.index == original.index
        assert restored.image.shape == original.image.shape
        assert np.abs(restored.image.astype(int) - original.image).mean() < 3


def test_between_is_inclusive_and_ordered() -> None:
    ring = FrameRing(jpeg_quality=None)
    for i in range(10):
        ring.push(frame(i))
    got = ring.between(T0 + timedelta(seconds=1), T0 + timedelta(seconds=2))
    assert [f.index for f in got] == [2, 3, 4]


def test_a_source_that_restarts_earlier_clears_the_buffer() -> None:
    ring = FrameRing(jpeg_quality=None)
    for i in range(5):
        ring.push(frame(i))
    ring.push(frame(0))
    assert [f.index for f in ring.last(100)] == [0]


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"max_seconds": 0}, "positive"), ({"jpeg_quality": 0}, "1..100")]
)
def test_bad_bounds_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FrameRing(**kwargs)


def test_clip_hands_the_jpegs_on_undecoded() -> None:
    ring = FrameRing(jpeg_quality=90)
    for i in range(6):  # 0 .. 2.5 s at 2 fps
        ring.push(frame(i))
    clip = ring.clip(1.0)
    assert all(isinstance(f, EncodedFrame) for f in clip)
    assert [f.index for f in clip] == [f.index for f in ring.last(1.0)] == [3, 4, 5]
    for jpeg, restored in zip(clip, ring.last(1.0), strict=True):
        assert isinstance(jpeg, EncodedFrame)
        assert (jpeg.captured_at, jpeg.width, jpeg.height) == (restored.captured_at, 320, 240)
        pixels = cv2.imdecode(np.frombuffer(jpeg.data, np.uint8), cv2.IMREAD_COLOR)
        assert np.array_equal(pixels, restored.image)  # the very picture `last` decodes


def test_clip_of_a_raw_ring_is_its_frames() -> None:
    ring = FrameRing(jpeg_quality=None)
    frames = [frame(i) for i in range(4)]
    for f in frames:
        ring.push(f)
    assert ring.clip(100) == tuple(frames)
    assert ring.clip(0.5, until=frames[2].captured_at) == (frames[1], frames[2])
