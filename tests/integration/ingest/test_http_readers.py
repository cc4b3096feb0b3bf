"""HTTP sources through the same reader: MJPEG (multipart) and HLS, served by real local HTTP servers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.readers import PyAVReader, ReaderOptions, SourceError
from ingest.testclips import write_clip
from tests.support.bright_square import bright_fraction
from tests.support.http_sources import hls_server, mjpeg_server, write_hls


def test_mjpeg_over_http_is_read_and_stamped_with_the_wall_clock() -> None:
    with mjpeg_server() as url:
        reader = PyAVReader("cam-mjpeg", url, ReaderOptions(analysis_fps=5))
        before = datetime.now(UTC)
        frames = []
        for frame in reader:
            frames.append(frame)
            if len(frames) == 5:
                break
        reader.close()
    after = datetime.now(UTC)
    assert all(before <= f.captured_at <= after for f in frames)
    gaps = [(b.captured_at - a.captured_at).total_seconds() for a, b in zip(frames, frames[1:], strict=False)]
    assert all(0.15 < g < 0.3 for g in gaps)  # 10 fps source sampled to 5 fps
    assert frames[0].image.shape == (240, 320, 3) and bright_fraction(frames[0]) > 0.01


@pytest.mark.parametrize(("decode", "expected"), [("full", 40), ("keyframe", 4)])
def test_hls_playlist_is_read_in_full_and_keyframe_mode(tmp_path: Path, decode: str, expected: int) -> None:
    clip = write_clip(tmp_path / "src.mp4", seconds=4, fps=10, gop=10)
    directory = tmp_path / "hls"
    write_hls(clip, directory)
    assert len(list(directory.glob("*.ts"))) >= 3
    with hls_server(directory) as url:
        reader = PyAVReader("cam-hls", url, ReaderOptions(analysis_fps=30, decode=decode))  # type: ignore[arg-type]
        frames = []
        with pytest.raises(SourceError, match="stream ended"):  # a live source that ends is reconnected
            for frame in reader:
                frames.append(frame)
    assert reader.stats.frames_decoded == expected
    assert frames and all(f.captured_at - frames[0].captured_at < timedelta(seconds=10) for f in frames)
    if decode == "keyframe":
        assert all(f.keyframe for f in frames)
