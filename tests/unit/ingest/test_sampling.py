from datetime import UTC, datetime, timedelta

import pytest

from ingest.sampling import RateSampler

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def taken(fps: float, source_fps: float, seconds: float) -> list[int]:
    sampler = RateSampler(fps)
    n = round(seconds * source_fps)
    return [i for i in range(n) if sampler.take(T0 + timedelta(seconds=i / source_fps))]


@pytest.mark.parametrize(
    ("fps", "source_fps", "expected_every"),
    [(5, 25, 5), (1, 25, 25), (2, 10, 5), (10, 10, 1), (30, 10, 1)],
)
def test_sampler_keeps_a_steady_cadence(fps: float, source_fps: float, expected_every: int) -> None:
    indices = taken(fps, source_fps, 10)
    assert indices[0] == 0
    assert {b - a for a, b in zip(indices, indices[1:], strict=False)} == {expected_every}


def test_sampler_restarts_after_a_gap_and_never_takes_two_frames_close_together() -> None:
    sampler = RateSampler(2)
    times = [0.0, 0.1, 0.5, 0.6, 3.0, 3.05, 3.5, 3.9, 4.0]
    kept = [t for t in times if sampler.take(T0 + timedelta(seconds=t))]
    assert kept == [0.0, 0.5, 3.0, 3.5, 4.0]


def test_sampler_rejects_bad_rate() -> None:
    with pytest.raises(ValueError, match="fps must be > 0"):
        RateSampler(0)
