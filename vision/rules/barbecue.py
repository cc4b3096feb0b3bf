"""Open-air barbecue: a grill with smoke or flame inside a watch zone for longer than a minimum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from vision.rules.common import (
    Box,
    anchor,
    episode_key,
    intersection,
    local_time,
    mark,
    normalised,
    photo,
    polygon_of,
)
from vision.types import Detections, EvidencePhoto, Frame, LabelledBox, Violation, ViolationDetails
from vision.zones import BarbecueWatchZone


@dataclass
class _Episode:
    started_at: datetime
    last_burning: datetime
    start_photo: EvidencePhoto
    people: int
    reported: bool = False


def _smokes(grill: Box, other: Box) -> bool:
    """Smoke or flame touching the grill, or rising from it (overlapping columns, up to 3 grill heights)."""
    h = float(grill[3] - grill[1])
    column = (grill[0], grill[1] - 3.0 * h, grill[2], grill[3])
    return intersection(grill, other) > 0 or intersection(column, other) > 0  # type: ignore[arg-type]


def burning_grills(frame: Frame, detections: Detections, zone: BarbecueWatchZone) -> list[LabelledBox]:
    """Marks for grills in the zone with smoke/fire on them, plus that smoke/fire."""
    plumes = [i for i, label in enumerate(detections.labels) if label in ("smoke", "fire")]
    marks: list[LabelledBox] = []
    for i, label in enumerate(detections.labels):
        grill = detections.boxes[i]
        if label != "grill" or not zone.contains(*normalised(anchor(grill), frame)):
            continue
        found = [j for j in plumes if _smokes(grill, detections.boxes[j])]
        if found:
            marks.append(mark("grill", grill, float(detections.scores[i])))
            marks += [
                mark(detections.labels[j], detections.boxes[j], float(detections.scores[j])) for j in found
            ]
    return marks


class BarbecueRule:
    """Burning persists across gaps of up to `max_gap_seconds` (smoke comes and goes); one violation
    per episode. People are counted (anchor in the zone), the most seen at once; never cropped."""

    def __init__(self, zone: BarbecueWatchZone, tz: tzinfo, *, max_gap_seconds: float = 20.0):
        self.zone = zone
        self.tz = tz
        self.max_gap = timedelta(seconds=max_gap_seconds)
        self.persistence = timedelta(seconds=zone.persistence_seconds)
        self._episode: _Episode | None = None

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        episode = self._episode
        if episode is not None and now - episode.last_burning > self.max_gap:
            episode = self._episode = None
        if not self.zone.active_at(local_time(frame, self.tz)):
            self._episode = None
            return []
        marks = burning_grills(frame, detections, self.zone)
        if not marks:
            return []
        people = sum(
            1
            for i, label in enumerate(detections.labels)
            if label == "person" and self.zone.contains(*normalised(anchor(detections.boxes[i]), frame))
        )
        if episode is None:
            episode = self._episode = _Episode(now, now, photo("start", frame, tuple(marks)), people)
            return []
        episode.last_burning = now
        episode.people = max(episode.people, people)
        if episode.reported or now - episode.started_at <= self.persistence:
            return []
        episode.reported = True
        return [
            Violation(
                violation_type="open_barbecue",
                source_id=frame.source_id,
                zone_name=self.zone.name,
                episode_key=episode_key(frame, self.zone.name, "open_barbecue", episode.started_at),
                object_label="grill",
                track_id=None,
                first_seen_at=episode.started_at,
                confirmed_at=now,
                photos=(episode.start_photo, photo("persisted", frame, tuple(marks))),
                zone_polygon=polygon_of(self.zone.polygon),
                details=ViolationDetails(people_count=episode.people),
            )
        ]
