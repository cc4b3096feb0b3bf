"""Parking scenarios that break a rule which lets one vehicle's stay pass to another (issue 12).

A stay must be one vehicle, stationary over the whole dwell. Each scene here makes that hard:

- ``parking_dense_traffic`` (negative): one platoon in the lane inside the zone, 1-3 s headways,
  slow-downs that travel upstream through the platoon; every car reaches the spot of the car ahead a
  moment later, none stops. Expected: no violation.
- ``parking_stop_and_go`` (negative): a queue in that lane waits 8-15 s, then in turn crawls
  1.2-2 m or moves 2.5-4.5 m, and waits again; several cars stay in the zone longer than the 20 s
  dwell in all, none stands still (within 1 m) that long. A crawl moves the car's anchor less than a
  quarter of its box on screen, so a rule that only compares with where the stay began sees a
  wait-crawl-wait (up to 31 s) as one standstill. Expected: no violation.
- ``parking_lookalike_swap`` (mixed): two look-alike pairs (same colour and body, different plates).
  Near spot: U parks 10 s and leaves; V stops in the spot 1.6 s after U has cleared it and parks
  11.5 s: 24 s together, each under the dwell, no violation. Far spot (the issue's second phase):
  X parks 10 s and leaves; Y stops in the spot 1.4 s after X has cleared it and stays to the end of
  the clip: exactly one violation, Y's, with Y's plate, counted from Y's arrival (24.4 s), not X's
  (12 s).
- ``parking_occluded`` (positive): a car parks 46.5 s on the far curb while slow traffic in the lane
  between passes the camera; trucks and vans hide half of it or more for 1.5-6.5 s at a time.
  Expected: exactly one violation, with its plate, from its arrival.
- ``parking_curb_row`` (positive): four cars stand nose to tail along the near curb the whole clip, as
  cars park along a street, the nearest three in the zone; seen along the street from the pole, each
  one's box overlaps the box of the car in front of it (nearer the camera). A fifth car stops 9 s in the
  lane beside the row, then drives on. Expected: three violations, one per parked car in the zone, none
  for the fourth car or the short stop.

All use a 20 s dwell and an 1920x1080 pole camera (plates stay readable); times in the ground truth
come from the same tracks that move the cars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.synth.common.rng import make_rng
from vision.synth.street.actors import Car, CarBody, Truck
from vision.synth.street.camera import PoleCamera
from vision.synth.street.layout import StreetLayout
from vision.synth.street.plates import random_plate
from vision.synth.street.script import Actor, Scenario, Track, ground_zone, location, make_car, shop_row
from vision.synth.street.traffic import (
    DT,
    Array,
    Lane,
    follow,
    from_profile,
    from_speeds,
    smooth,
    stop_and_go,
    time_at,
    time_grid,
    to_track,
)

DWELL = 20.0
ZONE = "no-parking"
CURB, LANE_OUT, LANE_IN = -5.9, -5.25, -1.75
FAR, NEAR = 110.0, -3.0  # cars appear at z = FAR and leave below the image by z = NEAR
ZONE_RECT = (-7.0, -3.8, 12.5, 31.5)  # x0, x1, z0, z1 on the ground: the curb and the outer lane
BODY_LENGTH = {"sedan": 4.7, "hatchback": 4.0, "suv": 4.7, "van": 5.0}
COLOURS = [(240, 240, 240), (20, 20, 20), (160, 160, 165), (40, 40, 170), (150, 80, 20), (30, 120, 200)]


@dataclass(frozen=True)
class LanePath:
    """One car's sampled path in a lane (the tracks are made from it)."""

    car: Car
    s: Array


def _camera() -> PoleCamera:
    return PoleCamera(1920, 1080, mount_height=6.0, tilt_deg=11.0, hfov_deg=34.0, x=-9.5, yaw_deg=8.0)


def _street(rng: np.random.Generator, cam: PoleCamera, no_parking: tuple[int, float, float]) -> StreetLayout:
    return StreetLayout(
        cam,
        lanes=4,
        lane_width=3.5,
        sidewalk_left=4.0,
        sidewalk_right=4.0,
        shops=shop_row(rng, ["便利店", "大药房", "手机维修", "早餐店", "洗衣店", "烟酒茶"]),
        no_parking=(no_parking,),
        gate=None,
        gate_across_z=None,
        lights=((-1, 50.0), (1, 25.0), (1, 55.0)),
        time_of_day="day",
        weather="clear",
        asphalt=(80, 82, 86),
        sidewalk=(150, 160, 165),
    )


def _camera_dict(cam_id: str, name: str, start: str, polygon: list[list[float]]) -> dict[str, object]:
    return {
        "id": cam_id,
        "name": name,
        "source": f"file:{cam_id}.mp4",
        "timezone": "Asia/Shanghai",
        "start_time": start,
        "analysis_fps": 2,
        "location": location("解放路 66号 东侧", "330102001007", "上城区城管执法队 一中队", 30.2571, 120.1702),
        "detectors": ["street-v2"],
        "zones": [
            {
                "name": ZONE,
                "kind": "no_parking",
                "polygon": polygon,
                "dwell_seconds": DWELL,
                "photo_interval_seconds": 10,
                "active_hours": ["07:00-22:00"],
            }
        ],
    }


def _random_car(rng: np.random.Generator) -> Car:
    bodies: list[CarBody] = ["sedan", "sedan", "hatchback", "suv", "suv", "van"]
    body = bodies[int(rng.integers(0, len(bodies)))]
    return make_car(rng, body, COLOURS[int(rng.integers(0, len(COLOURS)))], green=bool(rng.random() < 0.25))


def _in_zone(cam: PoleCamera, x: float, z: float) -> bool:
    """Ground point inside the zone rectangle and inside the image (the zone polygon is clipped to it)."""
    x0, x1, z0, z1 = ZONE_RECT
    if not (x0 <= x <= x1 and z0 <= z <= z1):
        return False
    ((u, v),) = cam.project(np.array([[x, 0.0, z]]))[0]
    return bool(0 <= u <= cam.width and 0 <= v <= cam.height)


def _samples(track: Track) -> Array:
    return np.clip(np.arange(track.first, track.last + DT / 2, DT), track.first, track.last)


def zone_seconds(cam: PoleCamera, track: Track) -> float:
    """Time the track's ground point spends inside the zone (sampled every DT)."""
    ts = _samples(track)
    inside = 0
    for t in ts:
        pos = track.at(float(t))
        inside += pos is not None and _in_zone(cam, pos[0], pos[1])
    return inside * DT


def longest_still(track: Track, radius: float = 1.0) -> float:
    """Longest time the track stays within `radius` metres of one point."""
    ts = _samples(track)
    pts = np.array([track.at(float(t))[:2] for t in ts])  # type: ignore[index]
    best, j = 0.0, 0
    for i in range(len(ts)):
        j = max(j, i)
        while j + 1 < len(ts) and np.hypot(*(pts[j + 1] - pts[i])) <= radius:
            j += 1
        best = max(best, float(ts[j] - ts[i]))
    return best


def _lane_actors(paths: list[LanePath], lane: Lane, times: Array, duration: float) -> list[tuple[str, LanePath, Track]]:
    """The paths seen during the clip, with ids car-01, car-02, ... in lane order."""
    out: list[tuple[str, LanePath, Track]] = []
    for path in paths:
        track = to_track(times, path.s, lane, (0.0, duration), (NEAR, FAR))
        if track is not None:
            out.append((f"car-{len(out) + 1:02d}", path, track))
    return out


def _passers(
    rng: np.random.Generator, lane: Lane, times: Array, duration: float, first: float, gap: tuple[float, float]
) -> list[tuple[Car, Track]]:
    """Free-flowing cars in another lane, a safe gap apart."""
    out = []
    t = first
    while t < duration - 4:
        speed = float(rng.uniform(10.0, 12.5))
        s = from_profile(times, t, [(0.0, speed), (200.0, speed)])
        track = to_track(times, s, lane, (0.0, duration), (NEAR, FAR))
        if track is not None:
            out.append((_random_car(rng), track))
        t += float(rng.uniform(*gap))
    return out


def _passers_negatives(actors: list[Actor], reason: str) -> list[dict[str, object]]:
    """The ground truth's negative entry of every actor that only passes through."""
    return [{"object_id": a.id, "reason": reason} for a in actors if a.role == "passing_through"]


# ---- dense traffic --------------------------------------------------------------------------------


def parking_dense_traffic(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-parking-dense-traffic")
    cam = _camera()
    lay = _street(rng, cam, (-1, 13.0, 31.0))
    duration = 50.0
    times = time_grid(-60.0, duration)
    lane = Lane(LANE_OUT, FAR)
    # the platoon's head cruises at 10 m/s and slows to 3.5-5.5 m/s every 6-11 s (a bus, a turning car
    # further down the road); Newell's followers carry each slow-down upstream through the zone
    knots, t = [(float(times[0]), 10.0)], float(times[0]) + 6.0
    while t < duration:
        slow = float(rng.uniform(3.5, 5.5))
        knots += [(t, 10.0), (t + 2.0, slow), (t + 2.0 + float(rng.uniform(2.0, 4.0)), slow)]
        t = knots[-1][0] + 2.0
        knots.append((t, 10.0))
        t += float(rng.uniform(2.0, 5.0))
    head = from_speeds(times, knots)
    head += lane.s(8.0) - head[int(np.searchsorted(times, 0.0))]  # the head is near the camera at 0 s
    paths = [LanePath(_random_car(rng), head)]
    while True:
        leader = paths[-1]
        car = _random_car(rng)
        gap = float(rng.uniform(1.2, 2.0))
        spacing = (BODY_LENGTH[leader.car.body] + BODY_LENGTH[car.body]) / 2 + gap
        s = follow(leader.s, float(rng.uniform(0.5, 1.0)), spacing)
        if lane.z(s)[-1] > FAR:  # not in view before the clip ends
            break
        paths.append(LanePath(car, s))
    platoon = _lane_actors(paths, lane, times, duration)
    actors: list[Actor] = []
    negatives: list[dict[str, object]] = []
    previous: LanePath | None = None
    previous_id = ""
    for actor_id, path, track in platoon:
        actors.append(Actor(actor_id, path.car, track, "dense_traffic"))
        in_zone = zone_seconds(cam, track)
        where = "drove through the zone" if in_zone > 0 else "drove in the zone's lane out of the zone's view"
        reason = f"{where} in dense traffic without stopping"
        if previous is not None:
            headways = _headways(times, previous.s, path.s, lane)
            if headways:
                reason += f"; reached the spot of {previous_id} {min(headways):.1f}-{max(headways):.1f} s after it"
        slowest = _slowest_in_zone(cam, times, path.s, lane)
        if slowest is not None:
            reason += f"; slowest {slowest:.1f} m/s in the zone"
        negatives.append({"object_id": actor_id, "reason": reason})
        previous, previous_id = path, actor_id
    inner = Lane(LANE_IN, FAR)
    for k, (car, track) in enumerate(_passers(rng, inner, times, duration, -6.0, (6.0, 10.0))):
        actor_id = f"car-in-{k + 1:02d}"
        actors.append(Actor(actor_id, car, track, "passing_through"))
        negatives.append({"object_id": actor_id, "reason": "drove past in the inner lane, outside the zone"})
    camera = _camera_dict(
        "synth-parking-dense-traffic",
        "解放路 dense traffic (synthetic)",
        "2026-05-01T08:10:00+08:00",
        ground_zone(cam, *ZONE_RECT),
    )
    return Scenario("parking_dense_traffic", seed, lay, tuple(actors), duration, camera, [], negatives, fps)


def _zone_positions(lane: Lane) -> list[float]:
    """Lane distances of the zone's visible stretch, every metre."""
    cam = _camera()
    zs = [z for z in np.arange(ZONE_RECT[2], ZONE_RECT[3] + 0.01, 1.0) if _in_zone(cam, lane.x, float(z))]
    return [lane.s(float(z)) for z in zs]


def _headways(times: Array, leader: Array, follower: Array, lane: Lane) -> list[float]:
    """Seconds between the leader and the follower reaching each point of the zone (inside the clip)."""
    out = []
    for p in _zone_positions(lane):
        t0, t1 = time_at(times, leader, p), time_at(times, follower, p)
        if 0.0 <= t0 and t1 < float(times[-1]):
            out.append(t1 - t0)
    return out


def _slowest_in_zone(cam: PoleCamera, times: Array, s: Array, lane: Lane) -> float | None:
    speeds = np.diff(s) / DT
    z = lane.z(s[:-1])
    visible = [
        float(v) for v, zz, t in zip(speeds, z, times[:-1], strict=True) if t >= 0 and _in_zone(cam, lane.x, float(zz))
    ]
    return min(visible) if visible else None


# ---- stop and go ----------------------------------------------------------------------------------


def parking_stop_and_go(seed: int = 0, fps: int = 10) -> Scenario:
    rng = make_rng(seed, "scenario-parking-stop-and-go")
    cam = _camera()
    lay = _street(rng, cam, (-1, 13.0, 31.0))
    duration = 55.0
    times = time_grid(-90.0, duration)
    lane = Lane(LANE_OUT, FAR)
    # crawls of 1.2-2 m (under a quarter of a car's box on screen) alternate with moves of 2.5-4.5 m
    head, _ = stop_and_go(times, 0.0, rng, waits=(8.0, 15.0), creeps=((1.2, 2.0), (2.5, 4.5)), speeds=(1.0, 2.0))
    head += lane.s(13.0) - head[int(np.searchsorted(times, 0.0))]  # the queue's head just below the view
    paths = [LanePath(_random_car(rng), head)]
    arrive = float(times[0])
    while True:
        leader = paths[-1]
        car = _random_car(rng)
        arrive += float(rng.uniform(4.0, 8.0))
        free = from_profile(times, arrive, [(0.0, 8.0), (400.0, 8.0)])
        gap = float(rng.uniform(1.5, 2.5))
        spacing = (BODY_LENGTH[leader.car.body] + BODY_LENGTH[car.body]) / 2 + gap
        s = follow(leader.s, float(rng.uniform(1.0, 1.6)), spacing, free)
        if lane.z(s)[-1] > FAR:
            break
        paths.append(LanePath(car, s))
    paths = [LanePath(p.car, smooth(p.s, 0.5)) for p in paths]  # no instant stops; order and gaps stay
    actors: list[Actor] = []
    negatives: list[dict[str, object]] = []
    for actor_id, path, track in _lane_actors(paths, lane, times, duration):
        actors.append(Actor(actor_id, path.car, track, "queued_stop_and_go"))
        in_zone, still = zone_seconds(cam, track), longest_still(track)
        reason = (
            f"queued in the zone's lane: {in_zone:.1f} s in the zone in all, longest standstill "
            f"{still:.1f} s (< {DWELL:.0f} s dwell); crawls 1.2-2 m and moves 2.5-4.5 m between stops"
            if in_zone > 0
            else f"queued upstream of the zone's view, longest standstill {still:.1f} s"
        )
        negatives.append({"object_id": actor_id, "reason": reason})
    inner = Lane(LANE_IN, FAR)
    for k, (car, track) in enumerate(_passers(rng, inner, times, duration, -4.0, (7.0, 12.0))):
        actor_id = f"car-in-{k + 1:02d}"
        actors.append(Actor(actor_id, car, track, "passing_through"))
        negatives.append({"object_id": actor_id, "reason": "drove past the queue in the inner lane"})
    camera = _camera_dict(
        "synth-parking-stop-and-go",
        "解放路 stop-and-go queue (synthetic)",
        "2026-05-01T17:40:00+08:00",
        ground_zone(cam, *ZONE_RECT),
    )
    return Scenario("parking_stop_and_go", seed, lay, tuple(actors), duration, camera, [], negatives, fps)


# ---- look-alike swap ------------------------------------------------------------------------------


def _lookalike_pair(rng: np.random.Generator, body: CarBody, colour: tuple[int, int, int]) -> tuple[Car, Car]:
    first = make_car(rng, body, colour)
    second = make_car(rng, body, colour)
    while second.plate.text == first.plate.text:
        second = make_car(rng, body, colour)
    return first, second


def _cleared(track: Track, spot_z: float, after: float) -> float:
    """When a car leaving the curb spot at `spot_z` is a car length (4.7 m) away from it."""
    for t in _samples(track):
        pos = track.at(float(t))
        if t >= after and pos is not None and np.hypot(pos[0] - CURB, pos[1] - spot_z) >= 4.7:
            return float(t)
    return track.last


def parking_lookalike_swap(seed: int = 0, fps: int = 10) -> Scenario:
    """Near spot (z 19.5): U 3.0-13.0 s, V 15.5-27.0 s. Far spot (z 27.5): X 12.0-22.0 s, Y 24.4 s to
    the end (60 s): the one violation, Y's. Each arrival stops 1.5-2 s after the car before has cleared
    the spot (moved a car length away); every car ends its pull-in straight, so parked look-alikes
    stand exactly alike."""
    rng = make_rng(seed, "scenario-parking-lookalike-swap")
    cam = _camera()
    lay = _street(rng, cam, (-1, 13.0, 31.0))
    duration = 60.0
    near, far = 19.5, 27.5
    u, v = _lookalike_pair(rng, "sedan", (240, 240, 240))
    x, y = _lookalike_pair(rng, "suv", (160, 160, 165))
    u_in, u_out, v_in, v_out = 3.0, 13.0, 15.5, 27.0
    x_in, x_out, y_in = 12.0, 22.0, 24.4
    actors = [
        Actor(
            "car-U",
            u,
            Track(
                (
                    (0.0, LANE_OUT, 48.0),
                    (1.8, LANE_OUT, 27.0),
                    (u_in - 0.4, CURB, near + 1.0),
                    (u_in, CURB, near),
                    (u_out, CURB, near),
                    (14.3, LANE_OUT, 12.0),
                    (15.5, LANE_OUT, -2.0),
                )
            ),
            "parked_shorter_than_dwell",
        ),
        Actor(
            "car-V",
            v,
            Track(
                (
                    (9.0, LANE_IN, 95.0),
                    (14.3, LANE_IN, 25.0),
                    (v_in - 0.4, CURB, near + 1.0),
                    (v_in, CURB, near),
                    (v_out, CURB, near),
                    (28.3, LANE_OUT, 12.0),
                    (29.5, LANE_OUT, -2.0),
                )
            ),
            "lookalike_took_the_spot_shorter_than_dwell",
        ),
        Actor(
            "car-X",
            x,
            Track(
                (
                    (6.0, LANE_OUT, 95.0),
                    (10.5, LANE_OUT, 36.0),
                    (x_in - 0.4, CURB, far + 1.0),
                    (x_in, CURB, far),
                    (x_out, CURB, far),
                    (23.2, LANE_IN, 23.0),
                    (25.0, LANE_IN, -2.0),
                )
            ),
            "parked_shorter_than_dwell",
        ),
        Actor(
            "car-Y",
            y,
            Track(
                (
                    (18.5, LANE_OUT, 95.0),
                    (23.1, LANE_OUT, 36.0),
                    (y_in - 0.4, CURB, far + 1.0),
                    (y_in, CURB, far),
                    (duration, CURB, far),
                )
            ),
            "lookalike_took_the_spot_beyond_dwell",
        ),
    ]
    inner = Lane(LANE_IN, FAR)
    times = time_grid(-10.0, duration)
    for k, (car, track) in enumerate(_passers(rng, inner, times, duration, 30.0, (6.0, 9.0))):
        actors.append(Actor(f"car-P{k + 1}", car, track, "passing_through"))
    violations: list[dict[str, object]] = [
        {
            "type": "illegal_parking",
            "object_id": "car-Y",
            "zone": ZONE,
            "plate": y.plate.text,
            "start_s": y_in,
            "end_s": duration,
            "confirm_after_s": y_in + DWELL,
        }
    ]
    negatives: list[dict[str, object]] = [
        {
            "object_id": "car-U",
            "reason": f"parked {u_out - u_in:.0f} s (< {DWELL:.0f} s dwell); look-alike car-V (same white sedan, "
            f"plate {v.plate.text}) stopped in the spot {v_in - _cleared(actors[0].track, near, u_out):.1f} s after "
            f"car-U had cleared it: {v_out - u_in:.0f} s together",
        },
        {
            "object_id": "car-V",
            "reason": f"parked {v_out - v_in:.1f} s (< {DWELL:.0f} s dwell) in the spot car-U (plate "
            f"{u.plate.text}) had just left",
        },
        {
            "object_id": "car-X",
            "reason": f"parked {x_out - x_in:.0f} s (< {DWELL:.0f} s dwell); look-alike car-Y (same silver SUV, "
            f"plate {y.plate.text}) stopped in the spot {y_in - _cleared(actors[2].track, far, x_out):.1f} s after "
            f"car-X had cleared it, and its dwell counts from its "
            f"own arrival ({y_in} s), not car-X's ({x_in} s)",
        },
        *_passers_negatives(actors, "drove past in the inner lane, outside the zone"),
    ]
    camera = _camera_dict(
        "synth-parking-lookalike-swap",
        "解放路 look-alike swap (synthetic)",
        "2026-05-01T11:20:00+08:00",
        ground_zone(cam, *ZONE_RECT),
    )
    return Scenario("parking_lookalike_swap", seed, lay, tuple(actors), duration, camera, violations, negatives, fps)


# ---- occluded -------------------------------------------------------------------------------------


def occluded_camera() -> PoleCamera:
    """On the right-hand sidewalk looking across the road at the left curb, with the lanes between."""
    return PoleCamera(1920, 1080, mount_height=5.0, tilt_deg=10.0, hfov_deg=44.0, x=9.5, yaw_deg=-18.0)


OCCLUDED_SPOT_Z = 30.0
OCCLUDED_ZONE = (-7.0, -3.8, 20.0, 40.0)


def parking_occluded(seed: int = 0, fps: int = 10) -> Scenario:
    """The parked car (car-A) stands 5.5-52.0 s; trucks and vans crawl past in the lane between at
    about 10, 17, 24.5 (around the confirmation), 31, 38 (a truck that stops 3 s beside it) and 49 s,
    hiding half of it or more for 1.5-6.5 s each (the SUV less than half)."""
    rng = make_rng(seed, "scenario-parking-occluded")
    cam = occluded_camera()
    lay = _street(rng, cam, (-1, 20.5, 39.5))
    duration = 58.0
    arrive, leave = 5.5, 52.0
    parked = make_car(rng, "sedan", (40, 40, 170))
    actors = [
        Actor(
            "car-A",
            parked,
            Track(
                (
                    (1.0, LANE_OUT, 80.0),
                    (4.0, LANE_OUT, 36.0),
                    (arrive - 0.4, CURB, OCCLUDED_SPOT_Z + 1.0),
                    (arrive, CURB, OCCLUDED_SPOT_Z),
                    (leave, CURB, OCCLUDED_SPOT_Z),
                    (53.5, LANE_OUT, 22.0),
                    (55.5, LANE_OUT, -2.0),
                )
            ),
            "parked_beyond_dwell_occluded",
        )
    ]
    times = time_grid(-40.0, duration)
    lane = Lane(LANE_IN, FAR)
    crawl = [(0.0, 7.0), (lane.s(36.0), 7.0), (lane.s(32.0), 3.5), (lane.s(12.0), 3.5), (lane.s(4.0), 7.0)]
    # where the lane crosses the line of sight from the pole (x 9.5) to the parked car
    sight = lane.s(OCCLUDED_SPOT_Z * (cam.x - LANE_IN) / (cam.x - CURB))
    probe = from_profile(times, 0.0, crawl)
    to_sight = time_at(times, probe, sight)  # seconds from entering the view to the line of sight

    def truck(body: str, cab: tuple[int, int, int], bed: tuple[int, int, int], load: str = "none") -> Truck:
        return Truck(0.0, 0.0, 180.0, body, cab, bed, random_plate(rng, "yellow"), load=load)  # type: ignore[arg-type]

    passing: list[tuple[str, Car | Truck, float, float, str]] = [
        ("truck-1", truck("box", (200, 200, 200), (220, 220, 225)), 10.0, 0.0, "box truck"),
        ("van-1", make_car(rng, "van", (240, 240, 240)), 17.0, 0.0, "van"),
        ("truck-2", truck("dump", (30, 160, 230), (40, 140, 210), "covered"), 24.5, 0.0, "dump truck"),
        ("suv-1", make_car(rng, "suv", (20, 20, 20)), 31.0, 0.0, "SUV"),
        ("truck-3", truck("box", (40, 120, 40), (200, 200, 190)), 38.0, 3.0, "box truck (stops 3 s beside it)"),
        ("van-2", make_car(rng, "van", (150, 80, 20)), 49.0, 0.0, "van"),
    ]
    negatives: list[dict[str, object]] = []
    for actor_id, thing, at, stop, what in passing:
        s = from_profile(times, at - to_sight, crawl, stops=((sight, stop),) if stop else ())
        track = to_track(times, s, lane, (0.0, duration), (NEAR, FAR))
        assert track is not None
        actors.append(Actor(actor_id, thing, track, "passing_occluder"))
        negatives.append(
            {"object_id": actor_id, "reason": f"{what} crawling past in the lane between, outside the zone"}
        )
    away = Lane(LANE_IN + 3.5, -3.0, towards=False)
    for k, (car, track) in enumerate(_passers(rng, away, times, duration, -2.0, (7.0, 11.0))):
        actor_id = f"car-away-{k + 1:02d}"
        actors.append(Actor(actor_id, car, track, "passing_through"))
        negatives.append({"object_id": actor_id, "reason": "drove away in the far lanes, outside the zone"})
    violations: list[dict[str, object]] = [
        {
            "type": "illegal_parking",
            "object_id": "car-A",
            "zone": ZONE,
            "plate": parked.plate.text,
            "start_s": arrive,
            "end_s": leave,
            "confirm_after_s": arrive + DWELL,
        }
    ]
    camera = _camera_dict(
        "synth-parking-occluded",
        "解放路 west curb behind traffic (synthetic)",
        "2026-05-01T15:05:00+08:00",
        ground_zone(cam, *OCCLUDED_ZONE),
    )
    return Scenario("parking_occluded", seed, lay, tuple(actors), duration, camera, violations, negatives, fps)


# ---- curb row -------------------------------------------------------------------------------------

ROW_SPOTS = (18.0, 23.6, 29.0, 34.6)  # ground z of the parked cars' centres: 0.6-1.2 m between bumpers
ROW_IN_ZONE = 3  # the first three stand in the zone (it ends at z 31.5); the fourth's near end is beyond it


def parking_curb_row(seed: int = 0, fps: int = 10) -> Scenario:
    """Four cars parked nose to tail along the curb for the whole 45 s, the nearest three in the zone;
    traffic in both directions; a fifth car stops 9 s in the zone's lane beside the row and drives on."""
    rng = make_rng(seed, "scenario-parking-curb-row")
    cam = _camera()
    lay = _street(rng, cam, (-1, 13.0, 31.0))
    duration = 45.0
    row_bodies: list[CarBody] = ["sedan", "suv", "hatchback", "sedan"]
    colours = [COLOURS[int(i)] for i in rng.permutation(len(COLOURS))[: len(ROW_SPOTS)]]
    parked = [make_car(rng, body, colour) for body, colour in zip(row_bodies, colours, strict=True)]
    actors = [
        Actor(
            f"car-R{k + 1}",
            car,
            Track(((0.0, CURB, z), (duration, CURB, z))),
            "parked_beyond_dwell" if k < ROW_IN_ZONE else "parked_beyond_the_zone",
        )
        for k, (car, z) in enumerate(zip(parked, ROW_SPOTS, strict=True))
    ]
    stop_in, stop_out = 12.0, 21.0
    actors.append(
        Actor(
            "car-S",
            _random_car(rng),
            Track(
                (
                    (6.0, LANE_OUT, 95.0),
                    (stop_in - 1.5, LANE_OUT, 29.0),
                    (stop_in, LANE_OUT, 24.0),
                    (stop_out, LANE_OUT, 24.0),
                    (stop_out + 2.0, LANE_OUT, 12.0),
                    (stop_out + 3.5, LANE_OUT, -2.0),
                )
            ),
            "stopped_shorter_than_dwell",
        )
    )
    times = time_grid(-10.0, duration)
    for k, (car, track) in enumerate(_passers(rng, Lane(LANE_IN, FAR), times, duration, -4.0, (6.0, 10.0))):
        actors.append(Actor(f"car-P{k + 1}", car, track, "passing_through"))
    away = Lane(LANE_IN + 3.5, -3.0, towards=False)
    for k, (car, track) in enumerate(_passers(rng, away, times, duration, -2.0, (7.0, 11.0))):
        actors.append(Actor(f"car-away-{k + 1:02d}", car, track, "passing_through"))
    violations: list[dict[str, object]] = [
        {
            "type": "illegal_parking",
            "object_id": actor.id,
            "zone": ZONE,
            "plate": car.plate.text,
            "start_s": 0.0,
            "end_s": duration,
            "confirm_after_s": DWELL,
        }
        for actor, car in zip(actors[:ROW_IN_ZONE], parked, strict=False)
    ]
    negatives: list[dict[str, object]] = [
        {"object_id": actors[ROW_IN_ZONE].id, "reason": "parked at the curb beyond the zone's far end"},
        {
            "object_id": "car-S",
            "reason": f"stopped {stop_out - stop_in:.0f} s (< {DWELL:.0f} s dwell) in the zone's lane beside the row",
        },
        *_passers_negatives(actors, "drove past outside the zone"),
    ]
    camera = _camera_dict(
        "synth-parking-curb-row",
        "解放路 parked row along the curb (synthetic)",
        "2026-05-01T10:30:00+08:00",
        ground_zone(cam, *ZONE_RECT),
    )
    return Scenario("parking_curb_row", seed, lay, tuple(actors), duration, camera, violations, negatives, fps)


BUILDERS = {
    "parking_dense_traffic": parking_dense_traffic,
    "parking_stop_and_go": parking_stop_and_go,
    "parking_lookalike_swap": parking_lookalike_swap,
    "parking_occluded": parking_occluded,
    "parking_curb_row": parking_curb_row,
}
