"""Open-air barbecue: a grill with smoke or flame inside a watch zone for longer than a minimum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np

from domain.types import Detections, EvidencePhoto, Frame, LabelledBox, ObjectIdentity, Violation
from vision.rules.common import (
    Box,
    anchor,
    episode_key,
    in_picture,
    intersection,
    iou,
    local_time,
    mark,
    normalised,
    normalised_box,
    photo,
    polygon_of,
)
from vision.violations.barbecue import BarbecueDetails, BarbecueWatchZone


@dataclass
class _Episode:
    """One stall: its grill's place, the first photo, the most people seen at once."""

    grill: Box
    started_at: datetime
    last_burning: datetime
    start_photo: EvidencePhoto
    people: int
    reported: bool = False


@dataclass(frozen=True)
class BurningGrill:
    grill: LabelledBox
    plumes: tuple[LabelledBox, ...]

    @property
    def marks(self) -> tuple[LabelledBox, ...]:
        return (self.grill, *self.plumes)


def _smokes(grill: Box, other: Box) -> bool:
    """Smoke or flame touching the grill, or rising from it (overlapping columns, up to 3 grill heights)."""
    h = float(grill[3] - grill[1])
    column = (grill[0], grill[1] - 3.0 * h, grill[2], grill[3])
    return intersection(grill, other) > 0 or intersection(column, other) > 0  # type: ignore[arg-type]


def burning_grills(frame: Frame, detections: Detections, zone: BarbecueWatchZone) -> list[BurningGrill]:
    """Grills in the zone with smoke/fire on them, each with its own smoke/fire."""
    plumes = [i for i, label in enumerate(detections.labels) if label in ("smoke", "fire")]
    found: list[BurningGrill] = []
    for i, label in enumerate(detections.labels):
        grill = detections.boxes[i]
        if label != "grill" or not zone.contains(*normalised(anchor(grill), frame)):
            continue
        on_it = [j for j in plumes if _smokes(grill, detections.boxes[j])]
        if on_it:
            found.append(
                BurningGrill(
                    mark("grill", grill, float(detections.scores[i])),
                    tuple(mark(detections.labels[j], detections.boxes[j], float(detections.scores[j])) for j in on_it),
                )
            )
    return found


def _same_stall(episode_grill: Box, grill: Box) -> bool:
    """A grill is the same stall's when it overlaps the episode's grill or stands within one grill
    width of it (a cook moves the grill a little; a second stall stands further away)."""
    if iou(episode_grill, grill) >= 0.2:
        return True
    a, b = anchor(episode_grill), anchor(grill)
    width = max(float(episode_grill[2] - episode_grill[0]), 1.0)
    return abs(a[0] - b[0]) <= width and abs(a[1] - b[1]) <= width


class BarbecueRule:
    """One episode per stall (a grill at one place): burning persists across gaps of up to
    `max_gap_seconds` (smoke comes and goes); one violation per episode, its photos showing that
    stall only. People are counted (anchor in the zone), the most seen at once; never cropped."""

    def __init__(self, zone: BarbecueWatchZone, tz: tzinfo, *, max_gap_seconds: float = 20.0):
        self.zone = zone
        self.tz = tz
        self.max_gap = timedelta(seconds=max_gap_seconds)
        self.persistence = timedelta(seconds=zone.persistence_seconds)
        self._episodes: list[_Episode] = []

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        self._episodes = [e for e in self._episodes if now - e.last_burning <= self.max_gap]
        if not self.zone.active_at(local_time(frame, self.tz)):
            self._episodes = []
            return []
        people = sum(
            1
            for i, label in enumerate(detections.labels)
            if label == "person" and self.zone.contains(*normalised(anchor(detections.boxes[i]), frame))
        )
        violations = []
        for burning in burning_grills(frame, detections, self.zone):
            grill = np.asarray(burning.grill.box, np.float32)
            episode = next((e for e in self._episodes if _same_stall(e.grill, grill)), None)
            if episode is None:
                self._episodes.append(_Episode(grill, now, now, photo("start", frame, burning.marks), people))
                continue
            episode.last_burning = now
            episode.people = max(episode.people, people)
            if episode.reported or now - episode.started_at <= self.persistence:
                continue
            episode.reported = True
            violations.append(self._violation(episode, burning, frame))
        return violations

    def _violation(self, episode: _Episode, burning: BurningGrill, frame: Frame) -> Violation:
        where = normalised(anchor(episode.grill), frame)
        grill = np.asarray(burning.grill.box, np.float32)
        return Violation(
            violation_type="open_barbecue",
            source_id=frame.source_id,
            zone_name=self.zone.name,
            episode_key=episode_key(frame, self.zone.name, "open_barbecue", episode.started_at, where=where),
            object_label="grill",
            track_id=None,
            first_seen_at=episode.started_at,
            confirmed_at=frame.captured_at,
            photos=(episode.start_photo, photo("persisted", frame, burning.marks)),
            zone_polygon=polygon_of(self.zone.polygon),
            details=BarbecueDetails(people_count=episode.people),
            identity=ObjectIdentity(normalised_box(in_picture(grill, frame), frame)),
        )
