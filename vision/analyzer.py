"""One camera's analysis: detector -> tracker -> a rule per zone -> violations with plates attached."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Detections, Frame, PlateReading, Violation
from vision.camera_setup import CameraSetup
from vision.detection_window import DetectionWindow, detection_window
from vision.detectors.base import Detector, detect_at, input_size
from vision.episodes import EpisodeAware, EpisodeJournal
from vision.plates import PlateReader, TrackPlates
from vision.plates.pool import PlatePool
from vision.rules import Rule, build_rule
from vision.rules.common import VEHICLE_LABELS, PlateInterest, anchor, normalised
from vision.steady_view import NO_OFFSET, Offset, SteadyView, shifted
from vision.tracking import Tracker
from vision.vehicle_boxes import one_box_per_vehicle
from vision.view_check import ViewCheck, ViewState
from vision.view_memory import RememberedView, ViewMemory, zones_key
from vision.violations import registry
from vision.violations.unions import ZoneConfig

log = logging.getLogger(__name__)
DRIFT_WARNING = 0.05  # share of the picture's width or height the camera drifted: say so in the log
# share of the picture's width: the steady view's offset this far from the view check's is one period of a
# repeating pattern off (the two differ by a few pixels where the camera also zooms or turns a little)
STEADY_DISAGREES = 0.015


class StreetAnalyzer:
    """Per-camera state (tracker, rule timers, plate votes) lives here and nowhere else.

    The detector looks at the zones' window (`vision.detection_window`; the camera's
    `detection_zoom`) where it can resize its input.

    With `steady` (the default), the tracker and the rules get boxes in the camera's reference view
    (`vision.steady_view`): a camera swaying in the wind or drifting on its mount does not move a parked
    vehicle or the zones. Frames carry their `offset`, so what is cropped or marked lands on the picture.
    A camera turned to another view (`vision.view_check`) gets no rules at all until it shows its view
    again: the zones do not fit another street. Tracks, plate votes and stays then start afresh (a case
    reported before continues through the journal, as after a restart). With `views`, a picture of the
    view is remembered (every `remember_view_seconds` of capture time while the camera shows it) and the
    next run's first pictures must match it (`vision.view_memory`): a camera turned while the product
    was down gets no rules either.

    `process(frame, detect=False)` is for frames the motion gate calls static: the last detections
    are carried forward (the scene did not change), so rule timers keep advancing on capture time.
    Plates are read for vehicles inside a zone whose kind needs them; a rule that knows which tracks
    can matter (`PlateInterest`; parking: stopped vehicles only) narrows that further, unless
    `plates_for_every_vehicle` (measuring the plate path on moving traffic). With a `journal`,
    rules that can (`EpisodeAware`) get the camera's open episodes at start, and the journal hears which
    reported episodes are still in view (every `heartbeat_seconds` of capture time) and which ended, so
    a restart continues them instead of opening second cases.
    """

    def __init__(
        self,
        camera: CameraSetup,
        detector: Detector,
        plate_reader: PlateReader | None = None,
        *,
        tracker: Tracker | None = None,
        plate_interval_seconds: float = 1.0,
        journal: EpisodeJournal | None = None,
        heartbeat_seconds: float = 30.0,
        plate_pool: PlatePool | None = None,
        plate_wait_seconds: float = 2.0,
        plates_for_every_vehicle: bool = False,
        steady: bool = True,
        views: ViewMemory | None = None,
        remember_view_seconds: float = 600.0,
    ):
        self.camera = camera
        self.steady = SteadyView() if steady else None
        self.view_check = ViewCheck() if steady else None
        self.views = views if self.view_check is not None else None
        self.remember_view = timedelta(seconds=remember_view_seconds)
        self._zones_key = zones_key(camera.zones)
        self._remembered_at: datetime | None = None
        self._recall_view()
        self._offset: Offset = NO_OFFSET  # of the picture the last detections came from
        self._drift_said = False
        self.detector = detector
        self.tracker = tracker or self._new_tracker()
        self._plates_made = (plate_reader, plate_interval_seconds, plate_pool)
        self.plates = TrackPlates(plate_reader, plate_interval_seconds, pool=plate_pool) if plate_reader else None
        self.plate_wait_seconds = plate_wait_seconds  # at a confirmation, for a read still in the pool
        self.plates_for_every_vehicle = plates_for_every_vehicle
        self.rules: list[Rule] = []
        self._plate_zones: list[tuple[ZoneConfig, PlateInterest | None]] = []
        self.last_detections: Detections | None = None
        self._window: DetectionWindow | None = None  # of the zones, for frames of `_window_for` (w, h)
        self._window_for: tuple[int, int] | None = None
        self._frame_size: tuple[int, int] | None = None
        read = {label for z in camera.zones for label in registry.kind_for_zone(z.kind).detector_labels}
        self._unread_labels = frozenset(set(detector.labels) - read) if camera.zones else frozenset()
        self.journal = journal
        self.heartbeat = timedelta(seconds=heartbeat_seconds)
        self._last_heartbeat: datetime | None = None
        self._start_rules()

    def _new_tracker(self) -> Tracker:
        return Tracker(lost_frames=max(int(self.camera.analysis_fps * 10), 10))

    def _start_rules(self) -> None:
        """A rule per zone, knowing the camera's open episodes (a case reported before is not opened twice)."""
        camera = self.camera
        self.rules = [build_rule(zone, camera.tz, self._plate_of) for zone in camera.zones]
        plate_zone_kinds = {k.zone_kind for k in registry.KINDS if k.evidence.needs_plate}
        # (zone, the rule that narrows its reads or None); every vehicle: a plate-reading survey of traffic
        self._plate_zones = [
            (zone, rule if isinstance(rule, PlateInterest) and not self.plates_for_every_vehicle else None)
            for zone, rule in zip(camera.zones, self.rules, strict=True)
            if zone.kind in plate_zone_kinds
        ]
        if self.journal is not None:
            known = self.journal.open_episodes(camera.camera_id)
            for rule in self.rules:
                if isinstance(rule, EpisodeAware):
                    rule.resume(known)

    def process(self, frame: Frame, detect: bool = True) -> list[Violation]:
        fresh = detect or self.last_detections is None
        found = one_box_per_vehicle(self._detect(frame)) if fresh else None
        self._follow_view(frame, found)
        if found is not None:
            self._frame_size = (frame.width, frame.height)
            if self.view_lost:  # its offset from a view it does not show means nothing
                self.last_detections = shifted(found, (-self._offset[0], -self._offset[1]))
                return []
            self._offset = self.steady.offset(frame.image, found.boxes) if self.steady is not None else NO_OFFSET
            self._say_drift(frame)
            steady = shifted(found, (-self._offset[0], -self._offset[1]))
            self.last_detections = self.tracker.update(steady, frame)
        detections = self.last_detections
        if self.view_lost or detections is None:
            return []  # the zones do not fit what the camera shows now
        frame = self._as_the_rules_see(frame)
        if self.plates is not None:
            self._observe_plates(frame, detections)
        violations = [v for rule in self.rules for v in rule.update(frame, detections)]
        violations = [self._with_plate(v) for v in violations]
        if self.plates is not None:
            self.plates.prune(frame.captured_at)
        if self.journal is not None:
            self._keep_journal(frame.captured_at)
        return violations

    @property
    def view_lost(self) -> bool:
        """The camera shows another view than the one its zones were drawn on (`vision.view_check`)."""
        return self.view_check is not None and self.view_check.state is ViewState.OTHER

    def _follow_view(self, frame: Frame, found: Detections | None) -> None:
        """Check the view, on frames the motion gate calls static too (a camera turned to a quiet street
        wakes the detector once); what was found last is left out. When the view is lost or found again,
        say so and start tracks, plate votes and rules afresh (nothing seen before the turn continues a
        stay after it)."""
        if self.view_check is None or not self.view_check.due(frame.captured_at):
            return  # between checks: nothing to look at, and the last check's offset is not news
        if found is None:  # the last detections, carried forward, where they show on this picture
            found = shifted(self.last_detections, self._offset) if self.last_detections is not None else None
        lost = self.view_lost
        self.view_check.check(frame.image, found.boxes if found is not None else None, frame.captured_at)
        if self.view_check.take_reanchored() and self.steady is not None:
            self.steady, self._offset = SteadyView(), NO_OFFSET  # its reference was a picture of the other view
        self._check_steady(frame)
        self._remember_view(frame)
        if self.view_lost == lost:
            return
        if self.view_lost:
            log.warning(
                "camera %s no longer shows the view its zones were drawn on (turned, zoomed or knocked); no "
                "rule runs until it does: point it back, or redraw or re-save its zones for the new view",
                self.camera.camera_id,
            )
        else:
            log.warning("camera %s shows the view its zones were drawn on again; rules resume", self.camera.camera_id)
        self.tracker = self._new_tracker()
        reader, interval, pool = self._plates_made
        self.plates = TrackPlates(reader, interval, pool=pool) if reader else None
        self._start_rules()

    def _recall_view(self) -> None:
        """Hand the view check the picture an earlier run remembered for these zones, if any."""
        if self.views is None or self.view_check is None:
            return
        remembered = self.views.recall(self.camera.camera_id)
        if remembered is None or remembered.zones_key != self._zones_key:
            return  # none yet, or of zones since changed: this run's first picture is the view
        decoded = cv2.imdecode(np.frombuffer(remembered.jpeg, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            log.warning("camera %s: the remembered view is not a readable picture; not used", self.camera.camera_id)
            return
        self.view_check.recall(np.asarray(decoded, np.uint8))

    def _remember_view(self, frame: Frame) -> None:
        """Remember the picture the check has just found the view on, now and then (its light changes)."""
        check = self.view_check
        if self.views is None or check is None or check.offset is None or not check.confirmed:
            return
        if self._remembered_at is not None and frame.captured_at - self._remembered_at < self.remember_view:
            return
        small = cv2.resize(frame.image, check.small_size(frame.image), interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            self._remembered_at = frame.captured_at
            view = RememberedView(self._zones_key, jpeg.tobytes(), frame.captured_at)
            self.views.remember(self.camera.camera_id, view)

    def _check_steady(self, frame: Frame) -> None:
        """Put the steady view right where the view check has just measured a clearly different offset."""
        measured = self.view_check.offset if self.view_check is not None else None
        if measured is None or self.steady is None:
            return
        held = self.steady.held
        if max(abs(measured[0] - held[0]), abs(measured[1] - held[1])) > STEADY_DISAGREES * frame.width:
            log.info(
                "camera %s: the steady view held %+.0f, %+.0f px, feature matching measures %+.0f, %+.0f px; "
                "corrected",
                self.camera.camera_id,
                *held,
                *measured,
            )
            self.steady.correct(measured)

    def view_offset(self) -> Offset:
        """Pixels the camera's picture has drifted from the first one its analysis saw (camera health)."""
        return self._offset

    def _say_drift(self, frame: Frame) -> None:
        """Warn once when the camera has drifted by more than `DRIFT_WARNING` of its picture (again after it
        came back under half that): the rules follow, but the integrator should re-aim it or redraw zones."""
        drift = max(abs(self._offset[0]) / frame.width, abs(self._offset[1]) / frame.height)
        if drift > DRIFT_WARNING and not self._drift_said:
            self._drift_said = True
            log.warning(
                "camera %s has drifted %+.0f, %+.0f px from the view its analysis started on; zones and rules "
                "follow it, but re-aim the camera or redraw its zones",
                self.camera.camera_id,
                *self._offset,
            )
        elif drift < DRIFT_WARNING / 2:
            self._drift_said = False

    def _as_the_rules_see(self, frame: Frame) -> Frame:
        """The frame with its offset and the part of the picture the detector saw (a box at its edge may
        be cut), in the rules' coordinates."""
        window = self._window_of(frame)
        dx, dy = self._offset
        if window is None and dx == 0.0 and dy == 0.0:
            return frame
        left, top, right, bottom = window.bounds if window is not None else (0, 0, frame.width, frame.height)
        view = (round(left - dx), round(top - dy), round(right - dx), round(bottom - dy))
        return dataclasses.replace(frame, view=view, offset=self._offset)

    def _window_of(self, frame: Frame) -> DetectionWindow | None:
        """The zones' window for frames of this size (made once per size); None where the whole frame
        is detected (the detector cannot resize its input, or the zones cover most of the picture)."""
        size = (frame.width, frame.height)
        if self._window_for != size:
            whole = input_size(self.detector)
            zones = [zone.polygon for zone in self.camera.zones]
            zoom = self.camera.detection_zoom
            self._window = detection_window(zones, *size, whole, zoom=zoom) if whole else None
            self._window_for = size
        return self._window

    def _detect(self, frame: Frame) -> Detections:
        """The detector on the zones' window where it has one, else on the whole frame."""
        window = self._window_of(frame)
        if window is None:
            return self.detector.detect(frame.image)
        return window.to_frame(detect_at(self.detector, window.crop(frame.image), window.image_size))

    def explained_motion(self) -> list[tuple[float, float, float, float]]:
        """Normalised boxes of the last detections that no zone's rule reads (a pedestrian beside a
        no-parking zone): the motion gate does not wake the detector for change there."""
        detections, size = self.last_detections, self._frame_size
        if detections is None or size is None or not self._unread_labels:
            return []
        width, height = size
        detections = shifted(detections, self._offset)  # the gate looks at the picture
        return [
            (float(b[0]) / width, float(b[1]) / height, float(b[2]) / width, float(b[3]) / height)
            for b, label in zip(detections.boxes, detections.labels, strict=True)
            if label in self._unread_labels
        ]

    def _plate_of(self, track_id: int) -> PlateReading | None:
        return self.plates.reading(track_id) if self.plates is not None else None

    def _keep_journal(self, now: datetime) -> None:
        assert self.journal is not None
        aware = [rule for rule in self.rules if isinstance(rule, EpisodeAware)]
        ended = [s for rule in aware for s in rule.take_ended()]
        if ended:
            self.journal.ended(ended)
        if self._last_heartbeat is None or now - self._last_heartbeat >= self.heartbeat:
            self._last_heartbeat = now
            seen = [s for rule in aware for s in rule.sightings()]
            if seen:
                self.journal.seen(seen)

    def _observe_plates(self, frame: Frame, detections: Detections) -> None:
        assert self.plates is not None
        picture = shifted(detections, frame.offset)  # what to read the plates from
        plate_boxes: list[npt.NDArray[np.float32]] | None = None  # gathered once, when a vehicle needs them
        for i, label in enumerate(detections.labels):
            track_id = int(detections.track_ids[i])
            if label not in VEHICLE_LABELS or track_id < 0:
                continue
            box, point = detections.boxes[i], normalised(anchor(detections.boxes[i]), frame)
            if any(
                zone.contains(*point) and (rule is None or rule.wants_plate(track_id, box, frame.captured_at))
                for zone, rule in self._plate_zones
            ):
                if plate_boxes is None:
                    labels = detections.labels
                    plate_boxes = [picture.boxes[j] for j in range(len(labels)) if labels[j] == "license_plate"]
                self.plates.observe(frame, track_id, picture.boxes[i], plate_boxes)

    def _with_plate(self, violation: Violation) -> Violation:
        if self.plates is None or violation.track_id is None:
            return violation
        if violation.violation_type not in registry.plate_types():
            return violation
        reading = self.plates.reading(violation.track_id)
        if reading is None and self.plates.pool is not None:
            self.plates.wait_for(violation.track_id, self.plate_wait_seconds)
            reading = self.plates.reading(violation.track_id)
        if reading is None:  # a confirmed violation waits for this read: not at the camera's priority
            pool = self.plates.pool
            reading = pool.confirming(lambda: self._read_now(violation)) if pool else self._read_now(violation)
        return dataclasses.replace(violation, plate=reading) if reading else violation

    def _read_now(self, violation: Violation) -> PlateReading | None:
        """No vote yet (a track seen only briefly): read the plate on the violation's own photos."""
        assert self.plates is not None
        for photo in reversed(violation.photos):
            vehicle = next((m for m in photo.marks if m.label in VEHICLE_LABELS), None)
            if vehicle is None:
                continue
            candidate = self.plates.reader.read(photo.frame.image, vehicle.box)
            if candidate is not None:
                return PlateReading(candidate.text, candidate.confidence, candidate.crop, votes=1)
        return None
