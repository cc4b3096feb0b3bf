"""Illegal parking: one vehicle, proved the same, stationary inside a no-parking zone beyond the stop time.

A stay belongs to one vehicle. Continuing it on a track, handing it to a new track id after occlusion,
and confirming it all need the same vehicle (`vision.identity`: confident plates, else appearance);
confirmation compares the arrival photo's vehicle with the confirmation photo's and a mismatch ends the
stay. While nobody claims a stay, its spot (its last whole box: a partly hidden box shows only part of
the vehicle) is looked at: visibly empty or holding something else for `vacant_frames_to_end` frames
ends it; covered by a passing vehicle keeps it; seen empty on even one frame, no track continues or
takes it over (at a low rate the tracker hands a leaving car's id to the look-alike that parks next).
A track whose plate votes name another plate than the stay's is not proved its vehicle by looks (and
is another one once that plate was read twice). A new track id that took a stay over must show the
stay's confident plate, or stand still as the same vehicle over `adoption_hold_seconds` of clear views,
before the stay is confirmed: one look at a look-alike rolling through a hidden spot proves nothing.
A stay's anchors must stay inside `move_tolerance` of its box size over the whole dwell, so a crawling
queue never parks. A vehicle partly hidden by one in front is seen where enough of it shows
(`vision.rules.views`): its appearance is that part's, compared only with views of the same part, and
the edges of its box in plain view (not its anchor, which may be where the box is cut) must stay within
`edge_tolerance` of its size: a partly hidden vehicle's stay rests on less, so it must stand stiller
(outlines in view hold to a few pixels on a parked car; a queue crawling behind the car ahead moves
them more). Such a move counts the stay again rather than ending it, and one counted behind another
vehicle counts again once seen whole (the one in front drove on, as in a queue moving up).
A vehicle whose box reaches the picture's edge on one side (a bus parked half out of view) is judged
like a partly hidden one by the edges that show, held to `move_tolerance` since no vehicle cuts them,
and its case names the sides (`ParkingDetails.cut_by_picture`) for the reviewer to check the plate and
the vehicle; one cut on two sides or more (a corner) starts no stay: too little of it may show.
Plates are asked for (`wants_plate`) only for a stay that has counted a quarter of the stop time and
for a track standing where a stay's vehicle stood: traffic passing the zone costs no read. Reported
stays are `KnownEpisode`s: after a restart `resume` hands them back, and the same vehicle at
the same place continues its episode instead of opening a second case.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

import numpy as np

from domain.types import Detections, EvidencePhoto, Frame, Violation
from vision.episodes import EpisodeSighting, KnownEpisode, norm_iou
from vision.identity import Verdict, appearance_of, compare, confident_plate
from vision.rules.common import (
    VEHICLE_LABELS,
    Box,
    episode_key,
    in_picture,
    iou,
    local_time,
    mark,
    normalised,
    normalised_box,
    photo,
    polygon_of,
)
from vision.rules.stay import Sighting, Stay, cut_by_picture, cut_sides
from vision.rules.views import covered, part_in, view_of
from vision.violations.base import PlateLookup
from vision.violations.parking import PICTURE_SIDES, NoParkingZone, ParkingDetails, PictureSide

log = logging.getLogger(__name__)
MAX_INTERVAL_PHOTOS = 3  # each photo holds a full-resolution frame until the violation is out


class ParkingRule:
    """`update` once per analysed frame; one violation per stay, however long it lasts."""

    def __init__(
        self,
        zone: NoParkingZone,
        tz: tzinfo,
        *,
        plate_of: PlateLookup | None = None,
        move_tolerance: float = 0.25,
        edge_tolerance: float = 0.1,
        max_missed_seconds: float = 15.0,
        reassociate_iou: float = 0.5,
        vacant_frames_to_end: int = 2,
        confirm_wait_seconds: float = 30.0,
        resume_within_seconds: float = 900.0,
        adoption_hold_seconds: float = 3.0,
        plate_after_seconds: float | None = None,
    ):
        self.zone, self.tz, self.plate_of = zone, tz, plate_of
        self.move_tolerance, self.edge_tolerance = move_tolerance, edge_tolerance
        self.max_missed = timedelta(seconds=max_missed_seconds)
        self.reassociate_iou = reassociate_iou
        self.vacant_frames_to_end = vacant_frames_to_end
        self.confirm_wait = timedelta(seconds=confirm_wait_seconds)
        self.resume_within = timedelta(seconds=resume_within_seconds)
        self.adoption_hold = timedelta(seconds=adoption_hold_seconds)
        if plate_after_seconds is None:  # a quarter of the stop time: short stops are not read
            plate_after_seconds = max(2.0, min(zone.dwell_seconds / 4, 30.0))
        self.plate_after = timedelta(seconds=plate_after_seconds)
        self.dwell = timedelta(seconds=zone.dwell_seconds)
        self.photo_step = timedelta(seconds=min(zone.photo_interval_seconds, zone.dwell_seconds / 2))
        self._stays: list[Stay] = []
        self._origins: dict[int, tuple[Box, datetime]] = {}  # track id -> first clear box, last seen
        self._known: list[KnownEpisode] = []
        self._ended: list[EpisodeSighting] = []
        self._active = False  # the zone's hours held at the last update

    # -- episodes across restarts ------------------------------------------------------------------
    def resume(self, episodes: Sequence[KnownEpisode]) -> None:
        self._known += [e for e in episodes if e.zone_name == self.zone.name and e.violation_type == "illegal_parking"]

    def sightings(self) -> list[EpisodeSighting]:
        return [EpisodeSighting(s.key, s.last_seen) for s in self._stays if s.reported]

    def take_ended(self) -> list[EpisodeSighting]:
        ended, self._ended = self._ended, []
        return ended

    # -- plates --------------------------------------------------------------------------------------
    def wants_plate(self, track_id: int, box: Box, now: datetime) -> bool:
        """A plate can matter only inside active hours, for a vehicle whose stay has counted at least
        `plate_after` and is not reported yet, or for another track standing where a stay's vehicle stood
        (its plate can decide whether it is that vehicle under a new id). Traffic passing through the zone
        is not read."""
        if not self._active:
            return False
        for stay in self._stays:
            if stay.track_id == track_id:
                counting = stay.counting_since
                return not stay.reported and counting is not None and now - counting >= self.plate_after
        return any(iou(s.place, box) >= self.reassociate_iou for s in self._stays)

    # -- the verb --------------------------------------------------------------------------------
    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        now = frame.captured_at
        active = self._active = self.zone.active_at(local_time(frame, self.tz))
        owned = {s.track_id: s for s in self._stays if s.track_id is not None}
        sightings = self._sightings(frame, detections, owned)
        self._note_origins(sightings, now)
        sightings.sort(key=lambda s: s.track_id not in owned)  # known ids first: new ones take leftovers
        claimed: set[int] = set()
        violations = []
        for sighting in sightings:
            stay = self._continued(owned.get(sighting.track_id), sighting)
            if stay is None:
                stay = self._taken_over(sighting, claimed, now)
            if stay is None:
                stay = self._begun(sighting, frame, claimed)
            if stay is None:
                continue
            claimed.add(id(stay))
            stay.observe(sighting, now)
            if not active:
                stay.counting_since, stay.photos = None, []  # the clock only runs inside active hours
                continue
            violation = self._advance(stay, sighting, frame)
            if violation is not None:
                violations.append(violation)
        self._look_at_unclaimed(frame, detections, claimed)
        for stay in [s for s in self._stays if now - s.last_seen > self.max_missed]:
            _say(now, stay, "ends: unseen too long")
            self._end(stay)
        expired = [k for k in self._known if now - k.last_seen_at > self.resume_within]
        self._known = [k for k in self._known if k not in expired]
        self._ended += [EpisodeSighting(k.key, k.last_seen_at) for k in expired]
        return violations

    # -- steps ---------------------------------------------------------------------------------------
    def _sightings(self, frame: Frame, detections: Detections, owned: dict[int, Stay]) -> list[Sighting]:
        vehicles = detections.only(*VEHICLE_LABELS)
        found = []
        for i, track_id in enumerate(int(t) for t in vehicles.track_ids):
            box = vehicles.boxes[i]
            if track_id < 0:
                continue
            near = track_id in owned or any(iou(s.place, box) > 0 for s in self._stays)
            if not near and not self.zone.contains(*normalised((float(box[0] + box[2]) / 2, float(box[3])), frame)):
                continue
            view = cut_by_picture(view_of(box, vehicles, skip=i), box, frame)
            reading = self.plate_of(track_id) if self.plate_of else None
            plate = confident_plate(reading.text, reading.confidence) if reading else None
            appearance = None
            if view is not None:
                appearance = appearance_of(frame.image, in_picture(part_in(box, view.part), frame))
            label, score = vehicles.labels[i], float(vehicles.scores[i])
            found.append(Sighting(i, track_id, label, box, score, view, appearance, plate, reading))
        return found

    def _continued(self, stay: Stay | None, sighting: Sighting) -> Stay | None:
        if stay is None:
            return None
        if stay.vacant_frames:
            _say(stay.last_seen, stay, "ends: its spot was seen empty since", sighting)
            self._end(stay)  # whatever stands there now came after: the tracker kept the id, not the vehicle
            return None
        if not sighting.clear:
            return stay  # a hidden vehicle keeps its stay; nothing about it can be judged now
        moved = stay.would_move(sighting, self.move_tolerance, self.edge_tolerance)
        if moved and sighting.view is not None and not sighting.view.whole:
            # Partly hidden, the edges of its box in view moved: a queue crawling up behind the car ahead,
            # or a box cut differently. The vehicle may still stand there, so the stay does not end, but
            # nothing counted so far stands: count again from here (a reported case stays as it is).
            if not stay.reported:
                _say(stay.last_seen, stay, "edges in view moved: counts again", sighting)
                stay.recount(sighting)
            moved = False
        if moved and not stay.adopted:
            _say(stay.last_seen, stay, "ends: its vehicle moved", sighting)
            self._end(stay)  # the vehicle itself drove off
            return None
        if moved or stay.identity(sighting) is Verdict.DIFFERENT:
            _say(stay.last_seen, stay, f"left by its track (moved={moved})", sighting)
            stay.track_id = None  # the track now shows another vehicle (an id swap): leave the stay
            return None
        return stay

    def _taken_over(self, sighting: Sighting, claimed: set[int], now: datetime) -> Stay | None:
        """A stay whose vehicle went unseen or changed id: same place, overlapping box, same vehicle."""
        candidates = [
            s
            for s in self._stays
            if id(s) not in claimed
            and not s.vacant_frames  # the spot was seen empty since its vehicle was: a newcomer
            and iou(s.place, sighting.box) >= self.reassociate_iou
            and not s.would_move(sighting, self.move_tolerance, self.edge_tolerance)
            and s.identity(sighting) is Verdict.SAME
            and self._arrived_at(sighting.track_id, s.place)
        ]
        stay = max(candidates, key=lambda s: iou(s.place, sighting.box), default=None)
        if stay is not None:
            stay.adopt(sighting, now)
            _say(stay.last_seen, stay, f"taken over (adopted={stay.adopted})", sighting)
        return stay

    def _note_origins(self, sightings: Sequence[Sighting], now: datetime) -> None:
        for sighting in sightings:
            first = self._origins.get(sighting.track_id)
            if first is not None:
                self._origins[sighting.track_id] = (first[0], now)
            elif sighting.clear:
                self._origins[sighting.track_id] = (sighting.box, now)
        self._origins = {t: o for t, o in self._origins.items() if now - o[1] <= self.max_missed}

    def _arrived_at(self, track_id: int, place: Box) -> bool:
        """Whether the track was first seen clearly at `place`. A stay's vehicle found again under a new
        id (after an occlusion or an id change) appears where it stands; a track first seen elsewhere
        drove in, so it is a newcomer, however much it looks like the stay's vehicle."""
        origin = self._origins.get(track_id)
        return origin is None or iou(origin[0], place) >= self.reassociate_iou

    def _begun(self, sighting: Sighting, frame: Frame, claimed: set[int]) -> Stay | None:
        if not sighting.clear or sighting.appearance is None:
            return None  # a stay starts on a clear view of its vehicle: that is its identity
        if sum(cut_sides(sighting.box, frame)) > 1:
            return None  # cut by the picture on two sides or more: too little of the vehicle may show
        if not self.zone.contains(*normalised(sighting.point, frame)):
            return None
        if any(
            id(s) not in claimed
            and not s.vacant_frames
            and iou(s.place, sighting.box) >= self.reassociate_iou
            and s.identity(sighting) is Verdict.UNSURE
            for s in self._stays
        ):
            return None  # maybe the vehicle of an unclaimed stay: neither take it over nor start a second one
        stay = Stay.begin(sighting, frame.captured_at)
        _say(frame.captured_at, stay, "begins", sighting)
        self._stays.append(stay)
        known = self._known_match(sighting, frame)
        if known is not None:  # the same stay as before a restart: its case exists already
            self._known.remove(known)
            stay.key, stay.counting_since, stay.reported = known.key, known.first_seen_at, True
            stay.plate = stay.plate or known.plate_text
        return stay

    def _known_match(self, sighting: Sighting, frame: Frame) -> KnownEpisode | None:
        box = normalised_box(sighting.box, frame)
        for known in self._known:
            if norm_iou(known.box, box) < self.reassociate_iou:
                continue
            if frame.captured_at - known.last_seen_at > self.resume_within:
                continue
            if compare(known.appearance, sighting.appearance, known.plate_text, sighting.plate) is Verdict.SAME:
                return known
        return None

    def _advance(self, stay: Stay, sighting: Sighting, frame: Frame) -> Violation | None:
        now = frame.captured_at
        if stay.reported:
            return None
        seen_whole = sighting.view is not None and sighting.view.whole
        if stay.counting_since is not None and seen_whole and stay.arrival_view.behind:
            # Counted while behind another vehicle, now in front of none: the one in front drove on (a
            # queue moving up, as often as a parked row thinning). Count again from a whole view. (One
            # counted while cut by the picture's edge alone, its box now clear of it, only jittered.)
            _say(now, stay, "seen whole now: counts again", sighting)
            stay.counting_since, stay.photos = None, []
        if stay.counting_since is None:
            if sighting.view is None or sighting.appearance is None:
                return None  # the arrival photo must show its vehicle
            _say(now, stay, "starts counting", sighting)
            stay.counting_since, stay.next_photo_at = now, now + self.photo_step
            stay.arrival, stay.arrival_view = sighting.appearance, sighting.view
            where = normalised(sighting.point, frame)
            stay.key = episode_key(frame, self.zone.name, "illegal_parking", now, where=where)
            stay.photos = [photo("arrival", frame, (mark(stay.label, stay.last_box, sighting.score),))]
            return None
        if now - stay.counting_since > self.dwell:
            return self._confirm(stay, sighting, frame)
        assert stay.next_photo_at is not None
        if now >= stay.next_photo_at:
            if len(stay.photos) <= MAX_INTERVAL_PHOTOS:
                stay.photos.append(photo("interval", frame, (mark(stay.label, stay.last_box, sighting.score),)))
            while stay.next_photo_at <= now:
                stay.next_photo_at += self.photo_step
        return None

    def _confirm(self, stay: Stay, sighting: Sighting, frame: Frame) -> Violation | None:
        """Report only when the confirmation photo's vehicle is the arrival photo's."""
        assert stay.counting_since is not None
        now = frame.captured_at
        verdict = stay.identity(sighting, at_arrival=True) if sighting.clear else Verdict.UNSURE
        _say(now, stay, f"confirmation check: {verdict.value}", sighting)
        if verdict is Verdict.DIFFERENT:
            self._end(stay)
            return None
        if verdict is Verdict.UNSURE:
            if now - stay.counting_since - self.dwell > self.confirm_wait:
                stay.counting_since, stay.photos = None, []  # cannot prove it: count again from a clear view
            return None
        if not stay.proved_since_adoption(sighting, now, self.adoption_hold):
            return None  # wait: the vehicle that took the stay over has not shown it stands there yet
        known = self._known_match(sighting, frame)
        if known is not None:
            self._known.remove(known)
            stay.key, stay.reported = known.key, True
            return None
        stay.reported = True
        stay.photos.append(photo("confirmation", frame, (mark(stay.label, stay.last_box, sighting.score),)))
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
            identity=stay.identity_record(frame),
            details=ParkingDetails(cut_by_picture=_cut_in(photos)),
        )

    def _look_at_unclaimed(self, frame: Frame, detections: Detections, claimed: set[int]) -> None:
        """A stay nobody claimed: covered by a vehicle means hidden; otherwise its spot is looked at."""
        vehicles = detections.only(*VEHICLE_LABELS)
        for stay in [s for s in self._stays if id(s) not in claimed]:
            if covered(stay.place, vehicles):
                continue
            verdict = compare(stay.recent, appearance_of(frame.image, in_picture(stay.recent_rect(), frame)))
            _say(frame.captured_at, stay, f"unclaimed, spot looks {verdict.value} (vacant {stay.vacant_frames})")
            if verdict is Verdict.SAME:  # still there, only the detector missed it
                stay.last_seen, stay.vacant_frames = frame.captured_at, 0
            elif verdict is Verdict.DIFFERENT:
                stay.vacant_frames += 1
                if stay.vacant_frames >= self.vacant_frames_to_end:
                    self._end(stay)

    def _end(self, stay: Stay) -> None:
        if stay in self._stays:
            self._stays.remove(stay)
        if stay.reported:
            self._ended.append(EpisodeSighting(stay.key, stay.last_seen))


def _cut_in(photos: Sequence[EvidencePhoto]) -> tuple[PictureSide, ...]:
    """The picture's edges the marked vehicle reached in any of the case's photos (not a detection window's:
    the photos show what lies past those)."""
    cuts = [
        cut_sides(np.asarray(mark.box, np.float32), shot.frame, whole_picture=True)
        for shot in photos
        for mark in shot.marks
    ]
    return tuple(side for i, side in enumerate(PICTURE_SIDES) if any(cut[i] for cut in cuts))


def _say(now: datetime, stay: Stay, what: str, sighting: Sighting | None = None) -> None:
    """Debug trace of the rule's decisions (logger `vision.rules.parking` at DEBUG)."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    seen = ""
    if sighting is not None:
        similarity = stay.recent.similarity(sighting.appearance) if stay.recent and sighting.appearance else None
        seen = (
            f" | track {sighting.track_id} box {[round(float(v)) for v in sighting.box]} clear={sighting.clear} "
            f"plate={sighting.plate} sim={similarity if similarity is None else round(similarity, 3)}"
        )
        if sighting.read is not None:
            seen += f" read={sighting.read.text}x{sighting.read.votes}@{sighting.read.confidence}"
    log.debug(
        "%s stay %s (track %s, plate %s, counting %s, adopted %s): %s%s",
        now.strftime("%H:%M:%S.%f")[:-5],
        hex(id(stay))[-5:],
        stay.track_id,
        stay.plate,
        stay.counting_since,
        stay.adopted,
        what,
        seen,
    )
