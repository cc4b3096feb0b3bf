"""Keyframe mode: the ring keeps each keyframe as the camera sent it (nothing encoded), gives its exact
pixels back, and the evidence clip and the spool take those packets as they take the ring's JPEGs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest

from domain.types import EncodedFrame, Frame
from evidence.clip import encode_clip
from evidence.clip_copy import copyable
from evidence.spool import Spool
from evidence.synthetic import make_context
from ingest.readers import PyAVReader, ReaderOptions
from ingest.ring import FrameRing
from ingest.testclips import write_clip
from tests.unit.evidence.conftest import small

START = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def keyframes(tmp_path_factory: pytest.TempPathFactory) -> list[Frame]:
    clip = write_clip(tmp_path_factory.mktemp("clips") / "gop5.mp4", seconds=4, fps=10, gop=5)
    options = ReaderOptions(analysis_fps=30, decode="keyframe")
    return list(PyAVReader("cam-1", f"file:{clip}", options, start_time=START))


def test_the_ring_stores_the_packets_and_gives_back_the_exact_pixels(keyframes: list[Frame]) -> None:
    ring = FrameRing(max_seconds=30, jpeg_quality=90)
    for frame in keyframes:
        ring.push(frame)
    assert ring.nbytes == sum(len(f.encoded.data) for f in keyframes if f.encoded)  # no JPEG was made
    restored = ring.last(100)
    assert [f.index for f in restored] == [f.index for f in keyframes]
    for original, back in zip(keyframes, restored, strict=True):
        assert np.array_equal(back.image, original.image) and back.captured_at == original.captured_at
    clip = ring.clip(100)
    assert all(isinstance(f, EncodedFrame) and f.codec == "h264" for f in clip)


def clip_error(path: Path, originals: list[Frame]) -> tuple[list[float], float]:
    """Each clip frame's time, and the mean absolute difference of its pixels from the originals'."""
    with av.open(str(path)) as container:
        pictures = [(float(f.time or 0), f.to_ndarray(format="bgr24")) for f in container.decode(video=0)]
    assert len(pictures) == len(originals)
    pairs = zip(pictures, originals, strict=True)
    error = np.mean([np.abs(p.astype(np.int16) - o.image).mean() for (_, p), o in pairs])
    return [t for t, _ in pictures], float(error)


def test_the_clip_from_the_packets_is_the_clip_from_their_pixels(keyframes: list[Frame], tmp_path: Path) -> None:
    """As close to the camera's pictures or closer: the packets are copied into the clip as they are (the
    pixels are encoded)."""
    ring = FrameRing(max_seconds=30)
    for frame in keyframes:
        ring.push(frame)
    a = encode_clip(ring.clip(100), tmp_path / "packets.mp4")
    b = encode_clip(tuple(dataclasses.replace(f, encoded=None) for f in keyframes), tmp_path / "pixels.mp4")
    assert a == b and a.frame_count == len(keyframes)
    times_a, error_a = clip_error(tmp_path / "packets.mp4", keyframes)
    times_b, error_b = clip_error(tmp_path / "pixels.mp4", keyframes)
    assert times_a == times_b
    assert error_a <= error_b + 0.1 and error_a < 4.0, (error_a, error_b)


def test_a_clip_of_keyframes_is_the_cameras_own_pictures(keyframes: list[Frame], tmp_path: Path) -> None:
    ring = FrameRing(max_seconds=30)
    for frame in keyframes:
        ring.push(frame)
    packets = ring.clip(100)
    info = encode_clip(packets, tmp_path / "clip.mp4")
    assert (info.codec, info.frame_count, info.width, info.height) == ("h264", len(keyframes), 320, 240)
    times, error = clip_error(tmp_path / "clip.mp4", keyframes)
    assert error == 0.0  # pixel for pixel what the analysis saw
    assert times == [round((f.captured_at - START).total_seconds(), 3) for f in keyframes]
    with av.open(str(tmp_path / "clip.mp4")) as container:
        muxed = [bytes(p) for p in container.demux(video=0) if p.size]
    for packet, frame in zip(muxed, packets, strict=True):
        assert isinstance(frame, EncodedFrame) and packet.endswith(frame.data)  # the camera's bytes, after SPS/PPS


def test_a_clip_mixing_keyframes_and_other_frames_is_encoded(keyframes: list[Frame], tmp_path: Path) -> None:
    ring = FrameRing(max_seconds=30)
    for frame in keyframes:
        ring.push(frame)
    packets = ring.clip(100)
    mixed = (*packets[:2], dataclasses.replace(keyframes[2], encoded=None), *packets[3:])
    assert not copyable(mixed)
    assert encode_clip(mixed, tmp_path / "clip.mp4").frame_count == len(keyframes)
    _, error = clip_error(tmp_path / "clip.mp4", keyframes)
    assert 0.0 < error < 4.0  # re-encoded: close, not exact


def test_keyframe_packets_round_trip_through_the_spool(keyframes: list[Frame], tmp_path: Path) -> None:
    packets = tuple(f.encoded for f in keyframes[:3] if f.encoded is not None)
    violation = dataclasses.replace(small(0), clip_frames=packets)
    spool = Spool(tmp_path / "spool")
    item_id, _ = spool.put(violation, make_context())
    restored, _ = Spool(tmp_path / "spool").get(item_id)  # a fresh spool object, as after a restart
    assert [dataclasses.asdict(f) for f in restored.clip_frames] == [dataclasses.asdict(f) for f in packets]


def test_a_corrupt_keyframe_is_a_clear_error(keyframes: list[Frame], tmp_path: Path) -> None:
    good = keyframes[0].encoded
    assert good is not None
    bad = dataclasses.replace(good, index=7, data=b"\x00\x00\x00\x01 not h264", captured_at=keyframes[1].captured_at)
    with pytest.raises(ValueError, match="frame 7 of cam-1 is not a decodable h264 picture"):
        encode_clip((good, bad), tmp_path / "clip.mp4")
