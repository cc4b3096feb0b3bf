"""Scripted lane traffic: Newell following keeps its gap and headway; keyframes keep the path."""

from __future__ import annotations

import numpy as np

from vision.synth.common.rng import make_rng
from vision.synth.street import traffic as tr


def test_follower_keeps_spacing_and_reaches_each_point_lag_plus_spacing_over_speed_later() -> None:
    times = tr.time_grid(0.0, 30.0)
    leader = tr.from_speeds(times, [(0.0, 10.0), (30.0, 10.0)])
    follower = tr.follow(leader, lag_s=0.8, spacing=6.0)
    assert np.all(leader - follower >= 6.0 - 1e-9)
    for position in (50.0, 120.0, 200.0):
        headway = tr.time_at(times, follower, position) - tr.time_at(times, leader, position)
        assert abs(headway - (0.8 + 6.0 / 10.0)) < 0.02


def test_follower_never_passes_a_slower_free_path_or_its_leader() -> None:
    times = tr.time_grid(-20.0, 40.0)
    leader, _ = tr.stop_and_go(times, 100.0, make_rng(3, "t"), (5.0, 9.0), ((1.0, 2.0), (3.0, 4.0)), (1.0, 2.0))
    free = tr.from_profile(times, -10.0, [(0.0, 8.0), (400.0, 8.0)])
    raw = tr.follow(leader, 1.2, 6.5, free)
    assert np.all(raw <= free) and np.all(leader - raw >= 6.5 - 1e-9)
    follower, smooth_leader = tr.smooth(raw, 0.5), tr.smooth(leader, 0.5)
    assert np.all(smooth_leader - follower >= 6.5 - 2e-3)  # smoothing both keeps the gap
    assert np.all(np.diff(follower) >= -1e-9)  # never backs up


def test_stop_and_go_draws_waits_and_creeps_in_turn() -> None:
    times = tr.time_grid(0.0, 120.0)
    s, waits = tr.stop_and_go(times, 0.0, make_rng(1, "t"), (6.0, 15.0), ((1.2, 2.0), (2.5, 4.5)), (1.0, 2.0))
    assert waits and all(6.0 <= w <= 15.0 for w in waits)
    moving = np.diff(s) > 1e-9
    starts = np.flatnonzero(np.diff(moving.astype(int)) == 1) + 1
    ends = np.flatnonzero(np.diff(moving.astype(int)) == -1) + 1
    creeps = [s[e] - s[b] for b, e in zip(starts, ends, strict=False)]
    assert len(creeps) >= 4
    large, small = creeps[::2], creeps[1::2]  # the first wait is followed by the second range, then in turn
    assert all(2.5 - 1e-6 <= c <= 4.5 + 1e-6 for c in large)
    assert all(1.2 - 1e-6 <= c <= 2.0 + 1e-6 for c in small)


def test_track_keeps_the_path_within_tolerance_and_a_standstill_is_one_segment() -> None:
    times = tr.time_grid(0.0, 20.0)
    s = np.interp(times, [0.0, 5.0, 12.0, 20.0], [0.0, 40.0, 40.0, 90.0])
    lane = tr.Lane(-5.25, 100.0)
    track = tr.to_track(times, s, lane, (0.0, 20.0), (-3.0, 110.0))
    assert track is not None and len(track.keys) == 4
    for t, expected in zip(times, lane.z(s), strict=True):
        x, z, _ = track.at(float(t))  # type: ignore[misc]
        assert x == -5.25 and abs(z - expected) <= tr.TOLERANCE_M + 1e-9
    (t0, _, z0), (t1, _, z1) = track.keys[1], track.keys[2]
    assert (t0, t1) == (5.0, 12.0) and z0 == z1 == 60.0
    assert track.at(8.0)[2] is None  # type: ignore[index]  # standing still: no heading
    away = tr.to_track(times, s, tr.Lane(1.75, -3.0, towards=False), (0.0, 20.0), (-3.0, 110.0))
    assert away is not None and away.keys[-1][2] == 87.0
    assert tr.to_track(times, s, lane, (30.0, 40.0), (-3.0, 110.0)) is None
