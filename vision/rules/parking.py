"""Illegal parking: a vehicle stationary inside a no-parking zone for longer than the stop time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

import numpy as np

from vision.rules.common import (
    VEHICLE_LABELS,
    Box,
    anchor,
    box_size,
    episode_key,
    iou,
    local_time,
    mark,
    normalised,
    photo,
    polygon_of,
)
from vision.types import Detections, EvidencePhoto, Frame, Violation
from vision.zones import NoParkingZone

MAX_INTERVAL_PHOTOS = 3  # each photo holds a full-resolution frame until the violation is out


@dataclass
class _Stay:
    """One vehicle standing in one place; survives brief occlusion and track id changes."""

    track_id: int | None  # the track that owns it now; None while nobody does
    label: str
    ref_anchor: tuple[float, float]  # pixels, where the stay began
    ref_size: float
    last_box: Box
    last_seen: datetime
    counting_since: datetime | None = None  # inside active hours only
    next_photo_at: datetime | None = None
    key: str = ""
    photos: list[EvidencePhoto] = field(default_factory=list)
    reported: bool = False
    adopted: bool = False  # taken over by another track id after its own went unseen


class ParkingRule:
    """`update` once per analysed frame; one violation per stay, however long it lasts.

    A vehicle is stationary while its anchor (bottom centre) stays within `move_tolerance` of its box
    size from where the stay began, so detector jitter and a small shunt do not restart the clock.
    A stay outlives `max_missed_seconds` without a detection (occlusion) and is handed to a new
    track id whose box overlaps its last box by `reassociate_iou` at the same place.
    """

    def __init__(
        self,
        zone: NoParkingZone,
        tz: tzinfo,
        *,
        move_tolerance: float = 0.25,
        max_missed_seconds: float = 15.0,
        reassociate_iou: float = 0.5,
    ):
        self.zone = zone
        self.tz = tz
        self.move_tolerance = move_tolerance
        self.max_missed = timedelta(seconds=max_missed_seconds)
        self.reassociate_iou = reassociate_iou
        self.dwell = timedelta(seconds=zone.dwell_seconds)
        self.photo_step = timedelta(seconds=min(zone.photo_interval_seconds, zone.dwell_seconds / 2))
        self._stays: list[_Stay] = []

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        active = self.zone.active_at(local_time(frame, self.tz))
        vehicles = [
            i
            for i, label in enumerate(detections.labels)
            if label in VEHICLE_LABELS and detections.track_ids[i] >= 0
        ]
        owned = {s.track_id: s for s in self._stays if s.track_id is not None}
        # Known ids first, so a new id can only take over a stay nobody claimed this frame.
        vehicles.sort(key=lambda i: int(detections.track_ids[i]) not in owned)
        claimed: set[int] = set()
        violations = []
        for i in vehicles:
            track_id, box = int(detections.track_ids[i]), detections.boxes[i]
            point = anchor(box)
            stay = owned.get(track_id)
            if stay is not None and self._moved(stay, point):
                if stay.adopted:  # a passer-by had taken it over: leave it for the parked car to reclaim
                    stay.track_id = None
                else:  # the vehicle itself drove off
                    self._stays.remove(stay)
                stay = None
            if stay is None:
                stay = self._reassociate(box, point, claimed)
                if stay is not None:
                    stay.adopted = stay.track_id != track_id
            if stay is None:
                if not self.zone.contains(*normalised(point, frame)):
                    continue
                stay = _Stay(track_id, detections.labels[i], point, box_size(box), box, now)
                self._stays.append(stay)
            stay.track_id = track_id
            claimed.add(id(stay))
            stay.last_box, stay.last_seen = box, now
            if not active:
                stay.counting_since, stay.photos = None, []  # the clock only runs inside active hours
                continue
            violation = self._advance(stay, frame, float(detections.scores[i]))
            if violation is not None:
                violations.append(violation)
        self._stays = [s for s in self._stays if now - s.last_seen <= self.max_missed]
        return violations

    def _moved(self, stay: _Stay, point: tuple[float, float]) -> bool:
        distance = float(np.hypot(point[0] - stay.ref_anchor[0], point[1] - stay.ref_anchor[1]))
        return distance > self.move_tolerance * stay.ref_size

    def _reassociate(self, box: Box, point: tuple[float, float], claimed: set[int]) -> _Stay | None:
        """A stay whose vehicle went unseen or changed id: same place, overlapping box."""
        candidates = [
            s
            for s in self._stays
            if id(s) not in claimed
            and not self._moved(s, point)
            and iou(s.last_box, box) >= self.reassociate_iou
        ]
        return max(candidates, key=lambda s: iou(s.last_box, box), default=None)

    def _advance(self, stay: _Stay, frame: Frame, score: float) -> Violation | None:
        now = frame.captured_at
        if stay.counting_since is None:
            stay.counting_since, stay.next_photo_at = now, now + self.photo_step
            stay.key = episode_key(frame, self.zone.name, "illegal_parking", now, stay.track_id)
            stay.photos = [photo("arrival", frame, (mark(stay.label, stay.last_box, score),))]
            return None
        if stay.reported:
            return None
        if now - stay.counting_since > self.dwell:
            stay.reported = True
            stay.photos.append(photo("confirmation", frame, (mark(stay.label, stay.last_box, score),)))
            photos, stay.photos = tuple(stay.photos), []  # the violation holds the frames from here on
            return Violation(
                violation_type="illegal_parking",
                source_id=frame.source_id,
                zone_name=self.zone.name,
                episode_key=stay.key,
                object_label=stay.label,
                track_id=stay.track_id,
                first_seen_at=stay.counting_since,
                confirmed_at=now,
                photos=photos,
                zone_polygon=polygon_of(self.zone.polygon),
            )
        assert stay.next_photo_at is not None
        if now >= stay.next_photo_at:
            if len(stay.photos) <= MAX_INTERVAL_PHOTOS:
                stay.photos.append(photo("interval", frame, (mark(stay.label, stay.last_box, score),)))
            while stay.next_photo_at <= now:
                stay.next_photo_at += self.photo_step
        return None
