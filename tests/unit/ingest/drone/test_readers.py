"""SRT and still readers: good footage parses; bad footage fails naming the file (and line)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from ingest.drone.errors import FootageError, TelemetryError
from ingest.drone.srt import parse_srt
from ingest.drone.stills import read_still
from ingest.drone.video import FlightVideo, probe_video
from vision.synth.aerial.flight import TelemetrySample, geotagged_jpeg, srt_block


def _samples(n: int = 5) -> list[TelemetrySample]:
    start = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
    from datetime import timedelta

    return [
        TelemetrySample(
            i,
            i * 0.5,
            start + timedelta(seconds=i * 0.5),
            30.2 + i * 1e-5,
            120.1,
            80.0 + i,
            92.0 + i,
            350.0,
            -90.0,
        )
        for i in range(n)
    ]


def _write(path: Path, samples: list[TelemetrySample]) -> Path:
    path.write_text("".join(srt_block(s, 0.5) for s in samples))
    return path


def test_parses_dji_srt(tmp_path: Path) -> None:
    recs = parse_srt(_write(tmp_path / "f.SRT", _samples()))
    assert [r.index for r in recs] == [0, 1, 2, 3, 4]
    assert recs[2].lat == pytest.approx(30.20002) and recs[2].rel_alt == pytest.approx(82.0)
    assert recs[0].yaw == pytest.approx(350.0) and recs[0].pitch == -90.0
    assert recs[1].captured_at == datetime(2026, 5, 1, 3, 0, 0, 500000, tzinfo=UTC)


def test_truncated_srt_names_file_and_line(tmp_path: Path) -> None:
    text = "".join(srt_block(s, 0.5) for s in _samples())
    path = tmp_path / "cut.SRT"
    path.write_text(text[: text.index("[latitude", text.index("FrameCnt: 4"))])  # cut inside block 4
    with pytest.raises(TelemetryError) as err:
        parse_srt(path)
    assert str(path) in str(err.value)
    assert err.value.line == 19  # block 4 starts on line 19 (6 lines per block)
    assert "block 4" in str(err.value) and "latitude" in str(err.value)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s.replace("[latitude: 30.2000000]", "[latitude: 0.0]", 1).replace(
                "[longitude: 120.1000000]", "[longitude: 0.0]", 1
            ),
            "no valid GPS position",
        ),
        (lambda s: s.replace("00:00:01,000 -->", "00:00:01 ->", 1), "malformed timing line"),
        (lambda s: s.replace("[latitude: 30.2000300]", "[latitude: 30.3000300]", 1), "position jumps"),
        (lambda s: s.replace("FrameCnt: 4,", "FrameCnt: 2,", 1), "frame count goes backwards"),
        (lambda s: s.replace("2026-05-01 03:00:01.500", "2026-05-01 02:00:01.500", 1), "time goes backwards"),
        (lambda s: "", "empty SRT"),
    ],
)
def test_inconsistent_telemetry_is_refused(tmp_path: Path, edit, expected: str) -> None:  # noqa: ANN001
    path = tmp_path / "bad.SRT"
    path.write_text(edit("".join(srt_block(s, 0.5) for s in _samples())))
    with pytest.raises(TelemetryError, match=expected) as err:
        parse_srt(path)
    assert str(path) in str(err.value)


def test_corrupt_video_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "DJI_0001.MP4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + np.random.default_rng(0).bytes(4000))
    with pytest.raises(FootageError, match="DJI_0001.MP4") as err:
        probe_video(bad)
    assert "not a readable video" in str(err.value)
    srt = _write(tmp_path / "DJI_0001.SRT", _samples())
    with pytest.raises(FootageError, match="DJI_0001.MP4"):
        FlightVideo(bad, srt, "f1")


def test_still_exif_and_xmp_round_trip(tmp_path: Path) -> None:
    s = _samples(1)[0]
    img = np.full((90, 160, 3), 120, np.uint8)
    path = tmp_path / "DJI_0001.JPG"
    path.write_bytes(geotagged_jpeg(img, s))
    g = read_still(path, 0, "f1")
    assert g.telemetry.lat == pytest.approx(s.lat, abs=1e-6)
    assert g.telemetry.lon == pytest.approx(s.lon, abs=1e-6)
    assert g.telemetry.rel_alt == pytest.approx(80.0) and g.telemetry.abs_alt == pytest.approx(92.0)
    assert g.telemetry.yaw == pytest.approx(350.0) and g.frame.image.shape == (90, 160, 3)


def test_still_without_gps_is_refused(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "plain.jpg"
    cv2.imwrite(str(path), np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(TelemetryError, match="plain.jpg.*no GPS position"):
        read_still(path, 0, "f1")
