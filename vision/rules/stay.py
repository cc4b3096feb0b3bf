"""One vehicle standing in one place, and what it looks like on one frame (the parking rule's state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.types import Detections, EvidencePhoto, Frame, ObjectIdentity, PlateReading
from vision.identity import Appearance, Verdict, compare, plates_conflict
from vision.rules.common import Box, anchor, box_size, ioa, normalised_box

OCCLUDED_SHARE = 0.25  # a box covered this much by another vehicle's box gives no clear view
IN_FRONT_SHARE = 0.02  # nor does any overlap with a vehicle standing nearer the camera (lower bottom edge)
REPEATED_READ = 2  # votes: a plate read this often is the plate of the vehicle on the track, not a misread
# characters: unconfident votes this far from the stay's plate can be that plate misread (1 and 3, 8 and B
# confused on one small plate); two vehicles' plates of one city differ in more of their five last characters
VOTE_MISREAD = 2


@dataclass(frozen=True, eq=False)
class Sighting:
    """A tracked vehicle on this frame: where, whether it is seen clearly, and what it looks like."""

    index: int  # in the frame's detections
    track_id: int
    label: str
    box: Box
    score: float
    clear: bool  # no other vehicle covers it: its crop shows this vehicle only
    appearance: Appearance | None  # None when not clear or too small
    plate: str | None  # the track's confident plate reading, if any
    read: PlateReading | None = None  # the track's voted reading at any confidence

    @property
    def point(self) -> tuple[float, float]:
        return anchor(self.box)


def covered(box: Box, others: Detections, skip: int | None = None) -> bool:
    """Whether another vehicle hides part of `box`: it covers `OCCLUDED_SHARE` of it, or any of it
    while standing nearer the camera (its bottom edge lower in the image), so its pixels are in the crop."""
    for i in range(len(others)):
        if i == skip:
            continue
        share = ioa(box, others.boxes[i])
        if share > OCCLUDED_SHARE or (share > IN_FRONT_SHARE and others.boxes[i][3] > box[3]):
            return True
    return False


BORDER_SHARE = 0.005  # of the picture's width / height: a box this close to an edge is cut by it


def at_border(box: Box, frame: Frame) -> bool:
    """Whether the box reaches the edge of what the detector saw (the picture, or its `view` of it):
    the object may go on beyond it, so neither its whole extent nor its ground point is known."""
    mx, my = frame.width * BORDER_SHARE, frame.height * BORDER_SHARE
    left, top, right, bottom = frame.view or (0, 0, frame.width, frame.height)
    return bool(box[0] <= left + mx or box[1] <= top + my or box[2] >= right - mx or box[3] >= bottom - my)


@dataclass(eq=False)  # one stay is one vehicle's: identity, not field equality (its boxes are arrays)
class Stay:
    """Stationary means stationary the whole time: every clear sighting's anchor must fit in a square
    of side `tolerance * size` (the extent of all anchors since arrival), not only stay near the first."""

    track_id: int | None  # the track that owns it now; None while nobody does
    label: str
    size: float
    last_box: Box
    place: Box  # the last clear box: where the whole vehicle stands (a partly hidden box shows part of it)
    last_seen: datetime
    extent: list[float]  # min x, min y, max x, max y of the anchors seen clearly
    arrival: Appearance | None  # the vehicle in the arrival photo
    recent: Appearance | None  # the last clear sighting
    plate: str | None = None  # the first confident plate reading
    counting_since: datetime | None = None  # inside active hours only
    next_photo_at: datetime | None = None
    key: str = ""
    photos: list[EvidencePhoto] = field(default_factory=list)
    reported: bool = False
    adopted: bool = False  # taken over by another track id after its own went unseen
    adopted_at: datetime | None = None  # when the track that owns it now took it over
    adopted_views: int = 0  # clear sightings of that track since
    vacant_frames: int = 0  # consecutive frames the spot was visibly empty or held something else

    @classmethod
    def begin(cls, sighting: Sighting, now: datetime) -> Stay:
        x, y = sighting.point
        return cls(
            sighting.track_id,
            sighting.label,
            box_size(sighting.box),
            sighting.box,
            sighting.box,
            now,
            [x, y, x, y],
            sighting.appearance,
            sighting.appearance,
            sighting.plate,
        )

    def would_move(self, point: tuple[float, float], tolerance: float) -> bool:
        x1, y1, x2, y2 = self.extent
        width = max(x2, point[0]) - min(x1, point[0])
        height = max(y2, point[1]) - min(y1, point[1])
        return max(width, height) > tolerance * self.size

    def identity(self, sighting: Sighting, reference: Appearance | None = None) -> Verdict:
        """Is `sighting` this stay's vehicle? Plates first, then appearance (of `reference`, default
        the last clear sighting). A track whose plate votes name another plate than the stay's (more
        than `VOTE_MISREAD` characters apart), though not yet confidently, is never the same vehicle by
        looks alone: a look-alike took the id (different once that plate was read on `REPEATED_READ`
        frames) or the reading is unclear (unsure)."""
        verdict = compare(reference or self.recent, sighting.appearance, self.plate, sighting.plate)
        read = sighting.read
        if (
            verdict is Verdict.SAME
            and self.plate
            and not sighting.plate
            and read
            and plates_conflict(self.plate, read.text, misread=VOTE_MISREAD)
        ):
            return Verdict.DIFFERENT if read.votes >= REPEATED_READ else Verdict.UNSURE
        return verdict

    def observe(self, sighting: Sighting, now: datetime) -> None:
        self.track_id, self.last_box, self.last_seen, self.vacant_frames = sighting.track_id, sighting.box, now, 0
        if not sighting.clear:
            return  # a partly hidden box moves its anchor and its crop shows the other vehicle too
        self.place = sighting.box
        self.adopted_views += 1
        x, y = sighting.point
        self.extent = [min(self.extent[0], x), min(self.extent[1], y), max(self.extent[2], x), max(self.extent[3], y)]
        if sighting.appearance is not None:
            self.recent = sighting.appearance
            if self.arrival is None:
                self.arrival = sighting.appearance
        if self.plate is None:
            self.plate = sighting.plate

    def adopt(self, sighting: Sighting, now: datetime) -> None:
        """A new track id takes the stay over; it must prove itself (`proved_since_adoption`)."""
        if sighting.track_id != self.track_id:
            self.adopted, self.adopted_at, self.adopted_views = True, now, 0

    def proved_since_adoption(self, sighting: Sighting, now: datetime, hold: timedelta) -> bool:
        """One look at a look-alike passing through the spot is no proof: the adopting track must show
        the same confident plate, or stand still, the same vehicle, on clear views spanning `hold`."""
        if self.adopted_at is None or (self.plate is not None and sighting.plate == self.plate):
            return True
        return self.adopted_views >= 2 and now - self.adopted_at >= hold

    def identity_record(self, frame: Frame) -> ObjectIdentity:
        seen = self.recent or self.arrival
        return ObjectIdentity(normalised_box(self.place, frame), tuple(seen.to_list()) if seen else (), self.plate)
