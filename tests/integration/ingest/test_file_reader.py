"""Video files through the PyAV reader: timestamps, sampling, keyframe mode, broken files."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from ingest.readers import CorruptSourceError, PyAVReader, ReaderOptions
from ingest.ring import decode_picture
from ingest.testclips import write_clip

START = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("clips")
    good = write_clip(d / "good.mp4", seconds=6, fps=10, gop=10)
    fast = write_clip(d / "fast.mp4", seconds=6, fps=10, gop=10, faststart=True)
    gop5 = write_clip(d / "gop5.mp4", seconds=4, fps=10, gop=5)
    data, fast_data = good.read_bytes(), fast.read_bytes()
    (d / "truncated_index.mp4").write_bytes(data[: len(data) // 2])  # moov at the end: cut off
    (d / "truncated_data.mp4").write_bytes(fast_data[: len(fast_data) // 2])  # index intact, data cut
    rng = random.Random(5)
    garbled = bytearray(fast_data)
    start = len(garbled) // 3
    garbled[start : start + 20000] = bytes(rng.randrange(256) for _ in range(20000))
    (d / "garbled.mp4").write_bytes(bytes(garbled))
    (d / "noise.mp4").write_bytes(bytes(rng.randrange(256) for _ in range(20000)))
    (d / "empty.mp4").write_bytes(b"")
    return {"good": good, "fast": fast, "gop5": gop5, "dir": d}


def read(path: Path, **options: object) -> tuple[list, PyAVReader]:
    reader = PyAVReader("cam-1", f"file:{path}", ReaderOptions(**options), start_time=START)  # type: ignore[arg-type]
    return list(reader), reader


def test_file_timestamps_are_start_time_plus_presentation_time(clips: dict[str, Path]) -> None:
    frames, reader = read(clips["good"], analysis_fps=30)
    assert len(frames) == 60 and reader.stats.frames_decoded == 60
    for f in frames:
        assert f.captured_at == START + timedelta(seconds=f.pts_seconds)
        assert f.captured_at.tzinfo is not None and f.source_id == "cam-1"
    assert frames[-1].captured_at == START + timedelta(seconds=5.9)


def test_start_time_in_another_zone_is_stored_as_utc(clips: dict[str, Path]) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 5, 1, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    reader = PyAVReader("c", f"file:{clips['good']}", ReaderOptions(analysis_fps=1), start_time=local)
    first = next(iter(reader))
    reader.close()
    assert first.captured_at == START and first.captured_at.utcoffset() == timedelta(0)


def test_sampling_to_analysis_fps_decodes_all_but_converts_few(clips: dict[str, Path]) -> None:
    frames, reader = read(clips["good"], analysis_fps=2)
    assert reader.stats.frames_decoded == 60
    assert [round(f.pts_seconds, 2) for f in frames] == [i / 2 for i in range(12)]


@pytest.mark.parametrize("clip", ["good", "gop5"])
def test_keyframe_mode_decodes_only_keyframes(clips: dict[str, Path], clip: str) -> None:
    full, _ = read(clips[clip], analysis_fps=30)
    key_times = [f.pts_seconds for f in full if f.keyframe]
    keyed, reader = read(clips[clip], analysis_fps=30, decode="keyframe")
    assert all(f.keyframe for f in keyed)
    assert [f.pts_seconds for f in keyed] == key_times
    assert reader.stats.frames_decoded == len(key_times) < len(full) / 4
    assert [f.captured_at for f in keyed] == [START + timedelta(seconds=t) for t in key_times]


def test_keyframe_mode_keeps_each_keyframe_as_sent_and_it_decodes_to_the_frames_pixels(clips: dict[str, Path]) -> None:
    keyed, _ = read(clips["gop5"], analysis_fps=30, decode="keyframe")
    assert len(keyed) == 8
    for frame in keyed:
        assert frame.encoded is not None and frame.encoded.codec == "h264"
        assert (frame.encoded.index, frame.encoded.captured_at) == (frame.index, frame.captured_at)
        assert len(frame.encoded.data) < frame.image.nbytes / 10
        assert np.array_equal(decode_picture(frame.encoded), frame.image)  # the same decoder, the same bits
    full, _ = read(clips["gop5"], analysis_fps=30)
    assert all(f.encoded is None for f in full)  # a picture of a full decode may need those before it
    unkept, _ = read(clips["gop5"], analysis_fps=30, decode="keyframe", keep_keyframes=False)
    assert len(unkept) == 8 and all(f.encoded is None for f in unkept)


def test_a_keyframe_the_decoder_gives_out_late_still_gets_its_own_packets() -> None:
    """The demo clip has B-frames: its decoder hands a keyframe's picture out one packet group later."""
    keyed, _ = read(Path(__file__).resolve().parents[3] / "demo" / "parking.mp4", analysis_fps=30, decode="keyframe")
    assert len(keyed) == 3
    for frame in keyed:
        assert frame.encoded is not None and np.array_equal(decode_picture(frame.encoded), frame.image)


@pytest.mark.parametrize(
    ("name", "decode", "message"),
    [
        ("truncated_index.mp4", "full", "cannot be opened as video .*truncated before its index"),
        ("truncated_data.mp4", "full", "is (truncated|corrupt)"),
        ("truncated_data.mp4", "keyframe", r"is truncated: video data ends at \d\.\d+ s of 6\.00 s declared"),
        ("garbled.mp4", "full", "is corrupt: undecodable data after"),
        ("noise.mp4", "full", "cannot be opened as video"),
        ("empty.mp4", "full", r"is empty \(0 bytes\)"),
        ("missing.mp4", "full", "does not exist"),
    ],
)
def test_broken_files_give_a_clear_error_naming_the_file(
    clips: dict[str, Path], name: str, decode: str, message: str
) -> None:
    path = clips["dir"] / name
    with pytest.raises(CorruptSourceError, match=message) as info:
        read(path, analysis_fps=5, decode=decode)
    assert str(path) in str(info.value)


def test_pictures_the_rate_does_not_need_are_not_decoded_and_the_sampled_frames_are_the_same() -> None:
    demo = Path(__file__).resolve().parents[3] / "demo" / "parking.mp4"  # 10 fps H.264 with B-frames
    start = datetime(2026, 5, 1, 1, tzinfo=UTC)
    taken: dict[bool, list[tuple[datetime, int]]] = {}
    decoded: dict[bool, int] = {}
    for skip in (False, True):
        reader = PyAVReader("cam", f"file:{demo}", ReaderOptions(analysis_fps=2, skip_unneeded=skip), start_time=start)
        taken[skip] = [(frame.captured_at, frame.index) for frame, _ in zip(reader, range(20), strict=False)]
        decoded[skip] = reader.stats.frames_decoded
        reader.close()
    assert taken[True] == taken[False] and len(taken[True]) == 20  # same times, same picture numbers
    assert taken[True][1][0] - taken[True][0][0] == timedelta(seconds=0.5) and taken[True][1][1] == 5
    assert decoded[True] < 0.85 * decoded[False]  # most B-frames dropped by the decoder
