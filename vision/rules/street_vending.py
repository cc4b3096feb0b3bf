"""Street vending: an attended stall (cart, tricycle, table or mat with goods) standing in a watch zone
for longer than the zone's persistence time inside active hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np

from vision.rules.common import (
    Box,
    anchor,
    episode_key,
    iou,
    local_time,
    mark,
    normalised,
    normalised_box,
    photo,
    polygon_of,
)
from vision.types import Detections, EvidencePhoto, Frame, LabelledBox, ObjectIdentity, Violation, ViolationDetails
from vision.violations.street_vending import TYPE, VendingWatchZone

STALL, PERSON = "vending_stall", "person"


@dataclass
class _Episode:
    """One stall at one place: where it first stood, when, the first photo, the most people at it."""

    stall: Box
    origin: tuple[float, float]  # the stall's anchor when the episode began (pixels)
    started_at: datetime
    last_attended: datetime
    start_photo: EvidencePhoto
    people: int
    reported: bool = False


@dataclass(frozen=True)
class AttendedStall:
    stall: LabelledBox
    people: tuple[LabelledBox, ...]

    @property
    def box(self) -> Box:
        return np.asarray(self.stall.box, np.float32)

    @property
    def marks(self) -> tuple[LabelledBox, ...]:
        return (self.stall, *self.people)


def _near(stall: Box, person: Box, radius: float) -> bool:
    """A person's feet within `radius` stall sizes of the stall's box."""
    margin = radius * max(float(stall[2] - stall[0]), float(stall[3] - stall[1]), 1.0)
    x, y = anchor(person)
    return stall[0] - margin <= x <= stall[2] + margin and stall[1] - margin <= y <= stall[3] + margin


def attended_stalls(frame: Frame, detections: Detections, zone: VendingWatchZone) -> list[AttendedStall]:
    """Stalls standing in the watched part of the zone with at least `min_people` people at them."""
    people = [i for i, label in enumerate(detections.labels) if label == PERSON]
    found: list[AttendedStall] = []
    for i, label in enumerate(detections.labels):
        stall = detections.boxes[i]
        if label != STALL or not zone.watches(*normalised(anchor(stall), frame)):
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


def _same_stall(episode: _Episode, stall: Box) -> bool:
    """The episode's stall when it overlaps the last box or stands within one stall width of it."""
    if iou(episode.stall, stall) >= 0.2:
        return True
    a, b = anchor(episode.stall), anchor(stall)
    width = max(float(episode.stall[2] - episode.stall[0]), 1.0)
    return abs(a[0] - b[0]) <= width and abs(a[1] - b[1]) <= width


class StreetVendingRule:
    """One episode per stall: it begins when an attended stall is first seen, survives gaps (a bus
    passing in front, the vendor stepping away) up to the zone's `max_gap_seconds`, restarts when the
    stall moves more than `move_tolerance` stall widths from where it began (a tricycle riding by),
    and yields one violation once it has lasted `persistence_seconds`. People are counted, never cropped."""

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
        for found in attended_stalls(frame, detections, self.zone):
            box = found.box
            episode = self._match(box)
            if episode is None or self._moved(episode, box):
                if episode is not None:
                    self._episodes.remove(episode)
                start = photo("start", frame, found.marks)
                self._episodes.append(_Episode(box, anchor(box), now, now, start, len(found.people)))
                continue
            episode.stall, episode.last_attended = box, now
            episode.people = max(episode.people, len(found.people))
            if episode.reported or now - episode.started_at < self.persistence:
                continue
            episode.reported = True
            violations.append(self._violation(episode, found, frame))
        return violations

    def _match(self, box: Box) -> _Episode | None:
        candidates = [e for e in self._episodes if _same_stall(e, box)]
        if not candidates:
            return None
        x, y = anchor(box)
        return min(candidates, key=lambda e: (anchor(e.stall)[0] - x) ** 2 + (anchor(e.stall)[1] - y) ** 2)

    def _moved(self, episode: _Episode, box: Box) -> bool:
        x, y = anchor(box)
        width = max(float(episode.stall[2] - episode.stall[0]), 1.0)
        return max(abs(x - episode.origin[0]), abs(y - episode.origin[1])) > self.zone.move_tolerance * width

    def _violation(self, episode: _Episode, found: AttendedStall, frame: Frame) -> Violation:
        where = normalised(episode.origin, frame)
        return Violation(
            violation_type=TYPE,  # type: ignore[arg-type]  # until ViolationType comes from the kind registry
            source_id=frame.source_id,
            zone_name=self.zone.name,
            episode_key=episode_key(frame, self.zone.name, TYPE, episode.started_at, where=where),
            object_label=STALL,
            track_id=None,
            first_seen_at=episode.started_at,
            confirmed_at=frame.captured_at,
            photos=(episode.start_photo, photo("persisted", frame, found.marks)),
            zone_polygon=polygon_of(self.zone.polygon),
            details=ViolationDetails(people_count=episode.people),
            identity=ObjectIdentity(normalised_box(found.box, frame)),
        )
