"""Mud-tracking / uncovered trucks: a truck leaving a worksite exit with mud or an open load."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np

from domain.types import Detections, EvidencePhoto, Frame, LabelledBox, Violation
from vision.identity import Appearance, Verdict, appearance_of, compare
from vision.rules.common import (
    Box,
    anchor,
    episode_key,
    in_picture,
    ioa,
    local_time,
    mark,
    normalised,
    photo,
    polygon_of,
)
from vision.rules.views import covered
from vision.violations.mud_truck import ExitDirection, MudTruckDetails, WorksiteExitZone

# Same truck on consecutive analysed frames while it drives scores 0.65-0.95; a different vehicle
# 0.35-0.92 (bench/identity_bench.py): only clearly different looks count as a swap.
TRUCK_SWAP_SIMILARITY = 0.60
DIRECTIONS: dict[ExitDirection, tuple[float, float]] = {
    "up": (0.0, -1.0),
    "down": (0.0, 1.0),
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
}


@dataclass(frozen=True)
class _Evidence:
    hits: int
    signs: frozenset[str]
    shots: tuple[tuple[Frame, tuple[LabelledBox, ...]], ...]


@dataclass
class _Truck:
    first_seen_at: datetime
    last_seen: datetime
    signs: deque[frozenset[str]]  # per frame: which mud signs were seen (the last n frames)
    shots: deque[tuple[Frame, tuple[LabelledBox, ...]]]  # frames that showed a sign
    best: _Evidence | None = None  # the window of n frames with the most sign frames, once >= k
    entry: tuple[float, float] | None = None  # normalised anchor when it first stood in the zone
    exit_photo: EvidencePhoto | None = None
    frames_since_exit: int = 0
    direction: str | None = None
    done: bool = False
    look: Appearance | None = None  # its last clear sighting: the case's photos show one truck


def mud_signs(truck: Box, detections: Detections, direction: tuple[float, float]) -> list[LabelledBox]:
    """Mud on the lower body or wheels, a mud trail just behind, or an uncovered load on top."""
    w, h = float(truck[2] - truck[0]), float(truck[3] - truck[1])
    lower = np.array([truck[0], truck[3] - 0.4 * h, truck[2], truck[3] + 0.1 * h], np.float32)
    dx, dy = direction
    behind = truck - np.array([dx * w, dy * h, dx * w, dy * h], np.float32)  # one truck length back
    found = []
    for i, label in enumerate(detections.labels):
        box = detections.boxes[i]
        if label == "mud" and ioa(box, lower) >= 0.3:
            found.append(mark("mud", box, float(detections.scores[i])))
        elif label == "mud" and ioa(box, behind) >= 0.3:
            found.append(mark("trail", box, float(detections.scores[i])))
        elif label == "uncovered_load" and ioa(box, truck) >= 0.5:
            found.append(mark("uncovered_load", box, float(detections.scores[i])))
    return found


def _reaches_edge(polygon: list[tuple[float, float]], direction: tuple[float, float], margin: float) -> bool:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    dx, dy = direction
    return (
        (dy > 0 and max(ys) >= 1 - margin)
        or (dy < 0 and min(ys) <= margin)
        or (dx > 0 and max(xs) >= 1 - margin)
        or (dx < 0 and min(xs) <= margin)
    )


class MudTruckRule:
    """A truck is leaving when its anchor moved `min_travel` (of the image) in the exit direction
    since it entered the zone and then left the zone. Where the zone runs to the image edge in the
    exit direction, a truck leaves the frame before it leaves the zone: there, reaching that edge
    after the same travel counts as leaving. It is a violation when mud signs showed on at least k of
    n consecutive frames of its track from when it entered the zone until n frames after it left
    (mud seen plainly on the way through the gate still counts when, close to the camera at the
    exit, the detector loses it). Entering the other way is not. Frames where the truck runs into
    the bottom of the image show no mud or trail evidence (its lower body is out of the picture);
    an uncovered load on top still counts there. A case is one truck: when a track's clear sighting
    looks unlike its previous one (`swap_below`; a moving truck changes view between frames, so this
    is far looser than the parking rule's), the tracker handed the id to another truck and the
    evidence gathered so far is dropped."""

    def __init__(
        self,
        zone: WorksiteExitZone,
        tz: tzinfo,
        *,
        min_travel: float = 0.05,
        edge_margin: float = 0.02,
        max_missed_seconds: float = 10.0,
        swap_below: float = TRUCK_SWAP_SIMILARITY,
    ):
        self.swap_below = swap_below
        self.zone = zone
        self.tz = tz
        self.min_travel = min_travel
        self.edge_margin = edge_margin
        self.max_missed = timedelta(seconds=max_missed_seconds)
        self.direction = DIRECTIONS[zone.exit_direction]
        self.zone_at_edge = _reaches_edge(zone.polygon, self.direction, edge_margin)
        self.k, self.n = zone.min_evidence_frames, zone.evidence_window_frames
        self._trucks: dict[int, _Truck] = {}

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        violations = []
        vehicles = detections.only("vehicle", "truck")  # the trucks' rows and what may hide them
        for i, label in enumerate(vehicles.labels):
            track_id = int(vehicles.track_ids[i])
            if label != "truck" or track_id < 0:
                continue
            box = vehicles.boxes[i]
            truck = self._trucks.get(track_id)
            look = None if covered(box, vehicles, skip=i) else appearance_of(frame.image, in_picture(box, frame))
            if truck is not None and not truck.done and self._swapped(truck, look):
                truck = None  # another truck now holds this id: start over with it
            if truck is None:
                truck = _Truck(now, now, deque(maxlen=self.n), deque(maxlen=self.n))
                self._trucks[track_id] = truck
            truck.last_seen = now
            truck.look = look or truck.look
            if truck.done:
                continue
            truck_mark = mark("truck", box, float(vehicles.scores[i]))
            self._follow(truck, frame, box, truck_mark)
            if truck.entry is None:  # not (or no longer) on its way out through the gate: no evidence
                truck.signs.clear()
                truck.shots.clear()
                truck.best = None
            else:
                signs = mud_signs(box, detections, self.direction)
                if self._at_edge(box, frame, DIRECTIONS["down"]):  # its lower body is out of the picture
                    signs = [s for s in signs if s.label == "uncovered_load"]
                truck.signs.append(frozenset(s.label for s in signs))
                if signs:
                    truck.shots.append((frame, (truck_mark, *signs)))
                self._keep_best_window(truck)
            if truck.exit_photo is not None:
                violation = self._judge(truck, track_id, frame)
                if violation is not None:
                    violations.append(violation)
        for track_id in [t for t, s in self._trucks.items() if now - s.last_seen > self.max_missed]:
            del self._trucks[track_id]
        return violations

    def _swapped(self, truck: _Truck, look: Appearance | None) -> bool:
        verdict = compare(truck.look, look, same_above=self.swap_below, different_below=self.swap_below)
        return verdict is Verdict.DIFFERENT

    def _follow(self, truck: _Truck, frame: Frame, box: Box, truck_mark: LabelledBox) -> None:
        """Note entry into the zone, and an exit in the configured direction."""
        point = normalised(anchor(box), frame)
        inside = self.zone.contains(*point)
        if inside and truck.entry is None:
            truck.entry, truck.first_seen_at = point, frame.captured_at
            return
        if truck.entry is None or truck.exit_photo is not None:
            return
        travel = (point[0] - truck.entry[0], point[1] - truck.entry[1])
        along = travel[0] * self.direction[0] + travel[1] * self.direction[1]
        if inside and not (self.zone_at_edge and self._at_edge(box, frame, self.direction)):
            return
        if along >= self.min_travel:
            truck.exit_photo = photo("exit", frame, (truck_mark,))
            dx, dy = travel
            truck.direction = (
                ("right" if dx > 0 else "left") if abs(dx) > abs(dy) else ("down" if dy > 0 else "up")
            )
        else:
            truck.entry = None  # left the other way (entering the site, or sideways): forget it

    def _at_edge(self, box: Box, frame: Frame, direction: tuple[float, float]) -> bool:
        """The truck's box touches the image edge in `direction`: the one it is heading for, or the
        bottom, where what sits in the box's lower part is the middle of its side, not wheels or
        lower body (so mud found there is not evidence)."""
        x1, y1, x2, y2 = (float(v) for v in box)
        dx, dy = direction
        w, h = frame.width * self.edge_margin, frame.height * self.edge_margin
        return (
            (dy > 0 and y2 >= frame.height - h)
            or (dy < 0 and y1 <= h)
            or (dx > 0 and x2 >= frame.width - w)
            or (dx < 0 and x1 <= w)
        )

    def _keep_best_window(self, truck: _Truck) -> None:
        """Remember the n-frame window with the most sign frames once it reaches k (its photos too)."""
        hits = sum(1 for s in truck.signs if s)
        if hits >= self.k and (truck.best is None or hits > truck.best.hits):
            shots = tuple(truck.shots)[-hits:]  # the sign frames of this window
            truck.best = _Evidence(hits, frozenset().union(*truck.signs), shots)

    def _judge(self, truck: _Truck, track_id: int, frame: Frame) -> Violation | None:
        truck.frames_since_exit += 1
        if truck.best is None:
            truck.done = truck.frames_since_exit >= self.n  # a clean exit: stop looking
            return None
        truck.done = True
        assert truck.exit_photo is not None
        if not self.zone.active_at(local_time(truck.exit_photo.frame, self.tz)):
            return None
        shots = sorted(truck.best.shots, key=lambda shot: -len(shot[1]))[:2]
        evidence = [photo("evidence", f, marks) for f, marks in sorted(shots, key=lambda s: s[0].captured_at)]
        signs = sorted(truck.best.signs)
        return Violation(
            violation_type="mud_truck",
            source_id=frame.source_id,
            zone_name=self.zone.name,
            episode_key=episode_key(frame, self.zone.name, "mud_truck", truck.first_seen_at, track_id),
            object_label="truck",
            track_id=track_id,
            first_seen_at=truck.first_seen_at,
            confirmed_at=frame.captured_at,
            photos=tuple(sorted([*evidence, truck.exit_photo], key=lambda p: p.frame.captured_at)),
            zone_polygon=polygon_of(self.zone.polygon),
            details=MudTruckDetails.model_validate({"mud_signs": signs, "direction": truck.direction}),
        )

