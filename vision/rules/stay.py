"""One vehicle standing in one place, and what it looks like on one frame (the parking rule's state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.types import EvidencePhoto, Frame, ObjectIdentity, PlateReading
from vision.identity import Appearance, Verdict, compare, plates_conflict
from vision.rules.common import Box, anchor, box_size, in_picture, normalised_box
from vision.rules.views import WHOLE_VIEW, VehicleView, part_in, same_view

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
    view: VehicleView | None  # what of it shows (`vision.rules.views.view_of`); None: too little to tell it by
    appearance: Appearance | None  # of the part that shows; None when not clear or too small
    plate: str | None  # the track's confident plate reading, if any
    read: PlateReading | None = None  # the track's voted reading at any confidence

    @property
    def clear(self) -> bool:
        """It shows whole, or enough of it shows to tell it by."""
        return self.view is not None

    @property
    def point(self) -> tuple[float, float]:
        return anchor(self.box)


BORDER_SHARE = 0.005  # of the picture's width / height: a box this close to an edge is cut by it


def cut_sides(box: Box, frame: Frame, *, whole_picture: bool = False) -> tuple[bool, bool, bool, bool]:
    """Which of the box's edges (left, top, right, bottom) lie on the edge of what the detector saw (the
    picture, or its `view` of it; `whole_picture`: the picture's own edges, as its photos show them): the
    object may go on beyond them, so they are not where it ends."""
    mx, my = frame.width * BORDER_SHARE, frame.height * BORDER_SHARE
    full = (0, 0, frame.width, frame.height)
    left, top, right, bottom = full if whole_picture else frame.view or full
    return (
        bool(box[0] <= left + mx),
        bool(box[1] <= top + my),
        bool(box[2] >= right - mx),
        bool(box[3] >= bottom - my),
    )


def cut_by_picture(view: VehicleView | None, box: Box, frame: Frame) -> VehicleView | None:
    """The view with the box's edges on the picture's edge taken out of the edges in plain view: like
    one hidden by a vehicle in front, a vehicle cut by the picture is judged still by the edges that show."""
    cut = cut_sides(box, frame)
    if view is None or not any(cut):
        return view
    left, top, right, bottom = (free and not c for free, c in zip(view.free, cut, strict=True))
    return VehicleView(view.part, (left, top, right, bottom))


Span = tuple[float, float] | None  # lowest and highest position of one box edge seen in view (None: never)


@dataclass(eq=False)  # one stay is one vehicle's: identity, not field equality (its boxes are arrays)
class Stay:
    """Stationary means stationary the whole time: every whole sighting's anchor must fit in a square
    of side `tolerance * size` (the extent of all anchors since arrival), not only stay near the first;
    a partly hidden one's box edges in view must each stay within that of where they were seen before."""

    track_id: int | None  # the track that owns it now; None while nobody does
    label: str
    size: float
    last_box: Box
    place: Box  # the last whole box: where the vehicle stands (a partly hidden box may be cut); at first, the first
    last_seen: datetime
    extent: list[float]  # min x, min y, max x, max y of the anchors seen whole (and the first one)
    edges: list[Span]  # left, top, right, bottom: where each box edge was seen in view
    arrival: Appearance | None  # the vehicle in the arrival photo
    recent: Appearance | None  # the appearance kept for comparing (`observe`)
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
    arrival_view: VehicleView = WHOLE_VIEW  # what of the vehicle each appearance shows
    recent_view: VehicleView = WHOLE_VIEW

    @classmethod
    def begin(cls, sighting: Sighting, now: datetime) -> Stay:
        x, y = sighting.point
        stay = cls(
            sighting.track_id,
            sighting.label,
            box_size(sighting.box),
            sighting.box,
            sighting.box,
            now,
            [x, y, x, y],
            [None, None, None, None],
            sighting.appearance,
            sighting.appearance,
            sighting.plate,
            arrival_view=sighting.view or WHOLE_VIEW,
            recent_view=sighting.view or WHOLE_VIEW,
        )
        stay._note_edges(sighting)
        return stay

    def would_move(self, sighting: Sighting, tolerance: float, edge_tolerance: float) -> bool:
        """Whether the sighting shows the vehicle elsewhere: a whole one by its anchor (`tolerance` of
        the stay's size), a partly hidden one by the edges of its box in view (`edge_tolerance`; an edge
        next to the vehicle in front may be where the box is cut, not where the vehicle ends)."""
        if sighting.view is None:
            return False  # too hidden: its box may be cut anywhere
        if sighting.view.whole:
            x, y = sighting.point
            x1, y1, x2, y2 = self.extent
            return max(max(x2, x) - min(x1, x), max(y2, y) - min(y1, y)) > tolerance * self.size
        # cut by the picture alone (no vehicle hides it): its edges in view are its own, as firm as a whole
        # one's anchor; an edge next to a vehicle in front must stand stiller
        limit = (edge_tolerance if sighting.view.behind else tolerance) * self.size
        for span, free, value in zip(self.edges, sighting.view.free, sighting.box[:4], strict=True):
            if free and span is not None and max(span[1], float(value)) - min(span[0], float(value)) > limit:
                return True
        return False

    def recount(self, sighting: Sighting) -> None:
        """Start the stay's count and its stillness over from this sighting (nothing counted stands)."""
        x, y = sighting.point
        self.counting_since, self.photos = None, []
        self.extent, self.edges = [x, y, x, y], [None, None, None, None]
        self._note_edges(sighting)

    def _note_edges(self, sighting: Sighting) -> None:
        if sighting.view is None:
            return
        for i, (free, value) in enumerate(zip(sighting.view.free, sighting.box[:4], strict=True)):
            span, at = self.edges[i], float(value)
            if free:
                self.edges[i] = (at, at) if span is None else (min(span[0], at), max(span[1], at))

    def identity(self, sighting: Sighting, at_arrival: bool = False) -> Verdict:
        """Is `sighting` this stay's vehicle? Plates first, then appearance (the arrival photo's with
        `at_arrival`, else the last clear sighting's), compared only where both show about the same part
        of the box (`same_view`; else appearance cannot say). A track whose plate votes name another plate
        than the stay's (more than `VOTE_MISREAD` characters apart), though not yet confidently, is never
        the same vehicle by looks alone: a look-alike took the id (different once that plate was read on
        `REPEATED_READ` frames) or the reading is unclear (unsure)."""
        reference, view = (self.arrival, self.arrival_view) if at_arrival else (self.recent, self.recent_view)
        shown = sighting.view
        look = sighting.appearance if shown is not None and same_view(view, shown) else None
        verdict = compare(reference, look, self.plate, sighting.plate)
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
        """Note a sighting of the stay's vehicle. One too hidden to tell it by moves nothing: its box may be
        cut anywhere and its crop shows the other vehicle too. A partly hidden one notes the edges in view.
        The appearance kept for comparing is of a whole view, alone in its crop, wherever there was one; a
        vehicle never yet seen so keeps that of its latest view of the same part (never another part:
        then the track alone would vouch for it)."""
        self.track_id, self.last_box, self.last_seen, self.vacant_frames = sighting.track_id, sighting.box, now, 0
        view = sighting.view
        if view is None:
            return
        self.adopted_views += 1
        self._note_edges(sighting)
        if view.whole:
            self.place = sighting.box
            x, y = sighting.point
            x1, y1, x2, y2 = self.extent
            self.extent = [min(x1, x), min(y1, y), max(x2, x), max(y2, y)]
        if sighting.appearance is not None:
            if view.whole or (not self.recent_view.whole and same_view(self.recent_view, view)):
                self.recent, self.recent_view = sighting.appearance, view
            if self.arrival is None:
                self.arrival, self.arrival_view = sighting.appearance, view
        if self.plate is None:
            self.plate = sighting.plate

    def recent_rect(self) -> Box:
        """Where the part of its place that `recent` shows is, in pixels (the spot check looks there)."""
        return part_in(self.place, self.recent_view.part)

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
        where = normalised_box(in_picture(self.place, frame), frame)  # as the picture shows it: what a restart
        return ObjectIdentity(where, tuple(seen.to_list()) if seen else (), self.plate)  # or a re-check sees first
