"""Street vending: an attended stall (cart, tricycle, table or mat with goods) standing in a watch zone
for longer than the zone's persistence time inside active hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np

from domain.types import Detections, EvidencePhoto, Frame, LabelledBox, ObjectIdentity, Violation
from vision.rules.common import (
    Box,
    anchor,
    area,
    episode_key,
    in_picture,
    ioa,
    local_time,
    mark,
    normalised,
    normalised_box,
    photo,
    polygon_of,
)
from vision.violations.street_vending import TYPE, StreetVendingDetails, VendingWatchZone

STALL, PERSON = "vending_stall", "person"
NESTED = 0.7  # share of a box inside another for the two to be one stall


@dataclass(eq=False)
class _Episode:
    """One stall at one place: where it first stood, when, the first photo, people at it per frame."""

    stall: Box
    first: Box  # the stall's box when the episode began
    origin: tuple[float, float]  # its anchor (pixels)
    started_at: datetime
    last_attended: datetime
    start_photo: EvidencePhoto
    people: list[int]
    reported: bool = False

    @property
    def typical_people(self) -> int:
        """The (upper) median count over the attended frames: passers-by do not raise it."""
        return sorted(self.people)[len(self.people) // 2]


@dataclass(frozen=True)
class AttendedStall:
    stall: LabelledBox
    people: tuple[LabelledBox, ...]

    @property
    def box(self) -> Box:
        return np.asarray(self.stall.box, np.float32)

    @property
    def marks(self) -> tuple[LabelledBox, ...]:
        """The stall only: people are counted, never marked or cropped."""
        return (self.stall,)


def _near(stall: Box, person: Box, radius: float) -> bool:
    """A person's feet beside the stall: within `radius` half-widths of its sides, and within
    `radius` stall heights of the ground line it stands on (further up the image is further away)."""
    x, y = anchor(person)
    mx = radius * max(float(stall[2] - stall[0]), 1.0) / 2
    my = radius * max(float(stall[3] - stall[1]), 1.0)
    return stall[0] - mx <= x <= stall[2] + mx and stall[3] - my <= y <= stall[3] + my


def _nested(a: Box, b: Box) -> bool:
    """Most of one box lies inside the other: two detections of one stall (its goods, the whole cart)."""
    return ioa(a, b) >= NESTED or ioa(b, a) >= NESTED


def attended_stalls(frame: Frame, detections: Detections, zone: VendingWatchZone) -> list[AttendedStall]:
    """Stalls standing in the watched part of the zone with at least `min_people` people at them;
    of two nested stall boxes only the larger counts."""
    people = [i for i, label in enumerate(detections.labels) if label == PERSON]
    stalls = [i for i, label in enumerate(detections.labels) if label == STALL]
    stalls.sort(key=lambda i: -area(detections.boxes[i]))
    kept: list[int] = []
    for i in stalls:
        if not any(_nested(detections.boxes[i], detections.boxes[k]) for k in kept):
            kept.append(i)
    found: list[AttendedStall] = []
    for i in kept:
        stall = detections.boxes[i]
        if not zone.watches(*normalised(anchor(stall), frame)):
            continue
        at = [j for j in people if _near(stall, detections.boxes[j], zone.attendance_radius)]
        if len(at) >= zone.min_people:
            found.append(
                AttendedStall(
                    mark(STALL, stall, float(detections.scores[i])),
                    tuple(mark(PERSON, detections.boxes[j], float(detections.scores[j])) for j in at),
                )
            )
    return found


class StreetVendingRule:
    """One episode per stall at one place: it begins when an attended stall is first seen there,
    survives gaps (a bus passing in front, the vendor stepping away) up to the zone's
    `max_gap_seconds`, and yields one violation once it has lasted `persistence_seconds`. A stall
    whose anchor is more than `move_tolerance` stall widths from where an episode began is another
    episode's (a tricycle ridden by begins a new one each few frames and never lasts). People at the
    stall are counted (the median over its frames), never cropped."""

    def __init__(self, zone: VendingWatchZone, tz: tzinfo):
        self.zone = zone
        self.tz = tz
        self.max_gap = timedelta(seconds=zone.max_gap_seconds)
        self.persistence = timedelta(seconds=zone.persistence_seconds)
        self._episodes: list[_Episode] = []

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        self._episodes = [e for e in self._episodes if now - e.last_attended <= self.max_gap]
        if not self.zone.active_at(local_time(frame, self.tz)):
            self._episodes = []
            return []
        violations = []
        taken: set[int] = set()
        for found in attended_stalls(frame, detections, self.zone):
            box = found.box
            episode = self._match(box, taken)
            if episode is None:
                start = photo("start", frame, found.marks)
                self._episodes.append(_Episode(box, box, anchor(box), now, now, start, [len(found.people)]))
                taken.add(id(self._episodes[-1]))
                continue
            taken.add(id(episode))
            episode.stall, episode.last_attended = box, now
            episode.people.append(len(found.people))
            if episode.reported or now - episode.started_at < self.persistence:
                continue
            episode.reported = True
            if not self._already_reported_here(episode):
                violations.append(self._violation(episode, found, frame))
        return violations

    def _already_reported_here(self, episode: _Episode) -> bool:
        """Another episode at this stall's place was reported: a second box of the same stall (its
        goods beside the cart, cartons set down by it) opened this one. One stall, one case."""
        box = episode.stall
        reach = self.zone.move_tolerance * max(float(box[2] - box[0]), 1.0)
        x, y = anchor(box)
        return any(
            other.reported
            and (max(abs(x - other.origin[0]), abs(y - other.origin[1])) <= reach or _nested(other.stall, box))
            for other in self._episodes
            if other is not episode
        )

    def _match(self, box: Box, taken: set[int]) -> _Episode | None:
        """The nearest episode not yet matched on this frame that began within `move_tolerance`
        stall widths of this stall's anchor, or whose first box and this one are nested (the detector
        boxed the goods only, or the whole cart)."""
        x, y = anchor(box)
        width = max(float(box[2] - box[0]), 1.0)
        reach = self.zone.move_tolerance * width
        near = [
            (max(abs(x - e.origin[0]), abs(y - e.origin[1])), e)
            for e in self._episodes
            if id(e) not in taken
        ]
        near = [(d, e) for d, e in near if d <= reach or _nested(e.first, box)]
        return min(near, key=lambda de: de[0])[1] if near else None

    def _violation(self, episode: _Episode, found: AttendedStall, frame: Frame) -> Violation:
        where = normalised(episode.origin, frame)
        return Violation(
            violation_type=TYPE,
            source_id=frame.source_id,
            zone_name=self.zone.name,
            episode_key=episode_key(frame, self.zone.name, TYPE, episode.started_at, where=where),
            object_label=STALL,
            track_id=None,
            first_seen_at=episode.started_at,
            confirmed_at=frame.captured_at,
            photos=(episode.start_photo, photo("persisted", frame, found.marks)),
            zone_polygon=polygon_of(self.zone.polygon),
            details=StreetVendingDetails(
                people_count=episode.typical_people,
                persisted_seconds=round((frame.captured_at - episode.started_at).total_seconds(), 1),
            ),
            identity=ObjectIdentity(normalised_box(in_picture(found.box, frame), frame)),
        )
