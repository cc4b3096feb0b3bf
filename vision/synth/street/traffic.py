"""One lane of scripted traffic: speed profiles, Newell car following and stop-and-go, as ground tracks.

Positions are distances `s` (metres, non-decreasing) along a lane, sampled every `DT` seconds on a
shared time grid. Newell's simplified car-following model makes a follower copy its leader's path
`lag` seconds later and `spacing` metres behind, so a queue's stops and slow-downs travel upstream
as they do on a real road, a follower never overtakes or touches its leader (the gap is at least
`spacing` at every instant), and it reaches each point of the lane `lag + spacing / speed` seconds
after its leader: the headway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vision.synth.street.script import Track

DT = 0.1
TOLERANCE_M = 0.01  # keyframes follow the sampled path this closely
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Lane:
    """A straight lane at ground x; s = 0 at z = z0 and s grows towards the camera (z falls), or away
    from it when `towards` is False."""

    x: float
    z0: float
    towards: bool = True

    def z(self, s: Array) -> Array:
        return self.z0 - s if self.towards else self.z0 + s

    def s(self, z: float) -> float:
        return self.z0 - z if self.towards else z - self.z0


def time_grid(t0: float, t1: float) -> Array:
    return np.round(np.arange(t0, t1 + DT / 2, DT), 6)


def from_speeds(times: Array, knots: Sequence[tuple[float, float]], s0: float = 0.0) -> Array:
    """Distance at each time for a speed given at (time, m/s) knots, linear between them."""
    t_k = np.array([k[0] for k in knots], np.float64)
    v_k = np.array([k[1] for k in knots], np.float64)
    v = np.interp(times, t_k, v_k)
    steps = np.concatenate([[0.0], (v[1:] + v[:-1]) / 2 * np.diff(times)])
    return np.asarray(s0 + np.cumsum(steps), np.float64)


def from_profile(
    times: Array,
    enter_t: float,
    knots: Sequence[tuple[float, float]],
    stops: Sequence[tuple[float, float]] = (),
) -> Array:
    """Distance at each time for a vehicle passing s = 0 at `enter_t` with speed given at (s, m/s)
    knots (all > 0, linear between them) and standing still for (s, seconds) `stops`."""
    s_fine = np.arange(-200.0, 400.0, 0.05)
    v = np.interp(s_fine, [k[0] for k in knots], [k[1] for k in knots])
    t_of_s = np.concatenate([[0.0], np.cumsum(np.diff(s_fine) * 2 / (v[1:] + v[:-1]))])
    t_of_s += enter_t - float(np.interp(0.0, s_fine, t_of_s))
    for s_stop, seconds in stops:
        t_of_s[s_fine >= s_stop] += seconds
    return np.interp(times, t_of_s, s_fine)


def time_at(times: Array, s: Array, position: float) -> float:
    """When a path first reaches distance `position`."""
    i = int(np.searchsorted(s, position))
    if i >= len(s):
        return float("inf")
    if i == 0:
        return float(times[0])
    f = (position - s[i - 1]) / max(s[i] - s[i - 1], 1e-9)
    return float(times[i - 1] + f * (times[i] - times[i - 1]))


def stop_and_go(
    times: Array,
    s_at_start: float,
    rng: np.random.Generator,
    waits: tuple[float, float],
    creeps: Sequence[tuple[float, float]],
    speeds: tuple[float, float],
) -> tuple[Array, list[float]]:
    """A queue head that waits `waits` seconds, creeps forward at `speeds` m/s, and waits again; the
    creep lengths are drawn from the `creeps` ranges (metres) in turn.

    Returns the distances and the waits drawn (seconds), in order."""
    keys_t, keys_s = [float(times[0])], [s_at_start]
    drawn: list[float] = []
    while keys_t[-1] < times[-1]:
        wait = float(rng.uniform(*waits))
        drawn.append(wait)
        keys_t.append(keys_t[-1] + wait)
        keys_s.append(keys_s[-1])
        creep = float(rng.uniform(*creeps[len(drawn) % len(creeps)]))
        keys_t.append(keys_t[-1] + creep / float(rng.uniform(*speeds)))
        keys_s.append(keys_s[-1] + creep)
    return np.interp(times, keys_t, keys_s), drawn


def follow(leader: Array, lag_s: float, spacing: float, free: Array | None = None) -> Array:
    """Newell's follower: where the leader was `lag_s` earlier, `spacing` behind; never ahead of `free`."""
    k = max(1, int(round(lag_s / DT)))
    shifted = np.concatenate([np.full(k, leader[0]), leader[:-k]]) - spacing
    return shifted if free is None else np.minimum(shifted, free)


def smooth(s: Array, seconds: float) -> Array:
    """A moving average (twice, so speed ramps are smooth); keeps order, spacing and standstills."""
    n = max(1, int(round(seconds / DT)))
    out = s
    for _ in range(2):
        padded = np.concatenate([np.full(n, out[0]), out, np.full(n, out[-1])])
        out = np.convolve(padded, np.ones(2 * n + 1) / (2 * n + 1), mode="same")[n:-n]
    return np.round(out, 3)


def to_track(
    times: Array, s: Array, lane: Lane, t_range: tuple[float, float], z_range: tuple[float, float]
) -> Track | None:
    """Keyframes of the part of a path inside the time and depth windows (None when none is).

    Keyframes are dropped where the path is straight to within TOLERANCE_M, so a standstill is one
    segment between two equal positions."""
    z = lane.z(s)
    inside = (times >= t_range[0] - 1e-9) & (times <= t_range[1] + 1e-9) & (z >= z_range[0]) & (z <= z_range[1])
    idx = np.flatnonzero(inside)
    if len(idx) < 2:
        return None
    t_in, z_in = times[idx], np.round(z[idx], 3)
    keep = [0]
    for end in range(2, len(idx)):
        a = keep[-1]
        mid = np.arange(a + 1, end)
        line = z_in[a] + (z_in[end] - z_in[a]) * (t_in[mid] - t_in[a]) / (t_in[end] - t_in[a])
        if np.max(np.abs(line - z_in[mid])) > TOLERANCE_M:
            keep.append(end - 1)
    keep.append(len(idx) - 1)
    return Track(tuple((round(float(t_in[i]), 3), lane.x, float(z_in[i])) for i in keep))
