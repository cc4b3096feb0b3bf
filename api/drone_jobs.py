"""Drone processing jobs: an uploaded flight is compared with its area's baseline in the background.

State lives in the database: flights.status (queued -> processing -> done | failed), progress and
status_detail; findings are keyed deterministically so a rerun adds none, and a flight left in
'processing' by a restart is picked up again by `resume()`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db.base import session_scope
from api.db.models import DroneFindingRow, DroneFrameReport, DroneUpload, Flight, SurveyArea
from api.pipeline.context import FlightSource, ModelIdentity
from api.uploads.paths import hide_paths
from ingest.config import AppConfig
from ingest.drone.errors import FootageError
from vision.change.config import DroneConfig, aerial_detector_config
from vision.change.frames import TelemetryRecord
from vision.change.pipeline import ChangeReport
from vision.detectors.base import Detector
from vision.geometry.geo import LocalFrame
from vision.sink import ViolationSink

FlightSink = ViolationSink[FlightSource]
DetectorFactory = Callable[[], Detector]

log = logging.getLogger(__name__)
PENDING = ("queued", "processing")


class AreaMismatchError(ValueError):
    """A flight's footage does not lie over the survey area it was filed under."""


def upload_root(settings: object | None = None) -> Path:
    configured = getattr(settings, "upload_dir", None)
    return Path(configured or os.environ.get("ENFORCE_UPLOAD_DIR", "var/uploads"))


def flight_folder(root: Path, flight_id: int) -> Path:
    return root / "flights" / str(flight_id)


def area_frame(area: SurveyArea) -> LocalFrame:
    lat, lon = area.polygon[0]
    return LocalFrame(float(lat), float(lon))


def coverage(track: list[TelemetryRecord], polygon: list[list[float]]) -> float:
    """Share of the track's positions inside the polygon (lat/lon)."""
    import cv2
    import numpy as np

    if not track:
        return 0.0
    frame = LocalFrame(float(polygon[0][0]), float(polygon[0][1]))
    poly = np.array([frame.to_en(float(a), float(b)) for a, b in polygon], np.float32)
    inside = sum(cv2.pointPolygonTest(poly, frame.to_en(r.lat, r.lon), False) >= 0 for r in track)
    return inside / len(track)


def check_flight_over_area(
    track: list[TelemetryRecord],
    area: SurveyArea,
    flight_id: int,
    minimum: float,
    all_areas: list[SurveyArea] | None = None,
) -> float:
    share = coverage(track, area.polygon)
    if share >= minimum:
        return share
    elsewhere = ""
    for other in all_areas or []:
        if other.id != area.id and coverage(track, other.polygon) >= minimum:
            elsewhere = f"; it lies over survey area {other.name!r} (id {other.id}) instead"
            break
    raise AreaMismatchError(
        f"flight {flight_id} does not cover survey area {area.name!r} (id {area.id}): only {share:.0%} of "
        f"its positions fall inside the area, {minimum:.0%} needed{elsewhere}. It cannot be compared with "
        "that area's baseline."
    )


def read_track(folder: Path) -> list[TelemetryRecord]:
    """Telemetry only (no decoding): the SRT of a video, or the tags of the stills."""
    from ingest.drone.srt import parse_srt
    from ingest.drone.stills import read_still

    if not folder.is_dir():
        raise FootageError(str(folder), "no footage uploaded for this flight")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    srts = [p for p in files if p.suffix.lower() == ".srt"]
    if srts:
        return parse_srt(srts[0])
    stills = [p for p in files if p.suffix.lower() in (".jpg", ".jpeg")]
    if not stills:
        raise FootageError(str(folder), "no SRT telemetry or geotagged stills uploaded for this flight")
    return [read_still(p, i, "track").telemetry for i, p in enumerate(stills)]


@dataclass
class JobResult:
    flight_id: int
    status: str
    detail: str
    new_findings: int = 0


def shipped_detector() -> Detector:
    """The shipped aerial model (what a `drone:` section without `detector` runs)."""
    from vision.change.detector import roof_detector

    return roof_detector(aerial_detector_config())


class DroneJobRunner:
    """Processes queued flights one at a time; `start()` runs it on a background thread.

    `config` is the `drone:` section; `detector_factory` builds its detector on the first job (a
    missing weights file fails that job, not the server).
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        upload_dir: Path,
        sink: FlightSink | None = None,
        config: DroneConfig | None = None,
        detector_factory: DetectorFactory = shipped_detector,
    ):
        self.sessions, self.upload_dir, self.sink = session_factory, upload_dir, sink
        self.config = config or DroneConfig()
        self._detector_factory = detector_factory
        self._detector: Detector | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- queue -----------------------------------------------------------------------------------
    def enqueue(self, flight_id: int) -> None:
        with session_scope(self.sessions) as s:
            flight = s.get(Flight, flight_id)
            if flight is None:
                raise KeyError(f"flight {flight_id} not found")
            flight.status, flight.progress, flight.status_detail = "queued", 0.0, "waiting to be processed"

    def pending(self) -> list[int]:
        with session_scope(self.sessions) as s:
            return list(s.scalars(select(Flight.id).where(Flight.status.in_(PENDING)).order_by(Flight.id)))

    def resume(self) -> list[JobResult]:
        """Process every queued flight and every one a restart left half done."""
        return [self.process(fid) for fid in self.pending()]

    def start(self, poll_seconds: float = 2.0) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.resume()
                except Exception:  # noqa: BLE001 - the runner must outlive one bad job
                    log.exception("drone job runner iteration failed")
                self._stop.wait(poll_seconds)

        self._thread = threading.Thread(target=loop, name="drone-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)

    # --- one job ---------------------------------------------------------------------------------
    def _set(self, flight_id: int, status: str, progress: float, detail: str) -> None:
        """Status for the operator: file names, never the server's folders."""
        detail = hide_paths(detail, [self.upload_dir])
        with session_scope(self.sessions) as s:
            flight = s.get(Flight, flight_id)
            if flight is not None:
                flight.status, flight.progress, flight.status_detail = status, progress, detail[:4000]

    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = self._detector_factory()
        return self._detector

    def process(self, flight_id: int) -> JobResult:
        try:
            return self._process(flight_id)
        except (FootageError, AreaMismatchError) as exc:
            self._set(flight_id, "failed", 0.0, str(exc))
            return JobResult(flight_id, "failed", str(exc))
        except Exception as exc:
            log.exception("drone job for flight %d failed", flight_id)
            detail = f"internal error: {type(exc).__name__}: {exc}"
            self._set(flight_id, "failed", 0.0, detail)
            return JobResult(flight_id, "failed", detail)

    def _process(self, flight_id: int) -> JobResult:
        from ingest.drone.flights import load_folder
        from vision.change.pipeline import ChangeDetector

        with session_scope(self.sessions) as s:
            flight = s.get(Flight, flight_id)
            if flight is None:
                raise KeyError(f"flight {flight_id} not found")
            unfinished = [
                u.filename
                for u in s.scalars(select(DroneUpload).where(DroneUpload.flight_id == flight_id))
                if u.status != "complete"
            ]
            areas = list(s.scalars(select(SurveyArea).order_by(SurveyArea.id)))
            area_id = flight.survey_area_id
        if unfinished:
            raise FootageError(f"flight {flight_id}", f"uploads not complete: {', '.join(unfinished)}")
        self._set(flight_id, "processing", 0.02, "reading telemetry")
        folder = flight_folder(self.upload_dir, flight_id)
        track = read_track(folder)
        area = self._match_area(flight_id, area_id, track, areas)
        if area.baseline_flight_id is None or area.baseline_flight_id == flight_id:
            with session_scope(self.sessions) as s:
                row = s.get(SurveyArea, area.id)
                assert row is not None
                row.baseline_flight_id = flight_id
            detail = f"baseline flight of survey area {area.name!r}; later flights are compared with it"
            self._set(flight_id, "done", 1.0, detail)
            return JobResult(flight_id, "done", detail)
        baseline_id = area.baseline_flight_id
        frame = area_frame(area)
        self._set(flight_id, "processing", 0.05, "decoding footage")
        new = load_folder(str(flight_id), folder, self.config)
        base = load_folder(str(baseline_id), flight_folder(self.upload_dir, baseline_id), self.config)
        report = ChangeDetector(self.detector(), self.config).compare(
            base, new, frame, progress=lambda p, msg: self._set(flight_id, "processing", 0.1 + 0.8 * p, msg)
        )
        added = self._store(flight_id, baseline_id, area, report, new.date, base.date)
        bad = report.unregistered
        detail = f"{len(report.findings)} new structure(s) found, {added} new since the last run"
        if bad:
            reasons = "; ".join(f"frame {f.frame_index + 1}: {f.reason}" for f in bad[:5])
            detail += f"; {len(bad)} of {len(report.frames)} frames not registered ({reasons})"
        self._set(flight_id, "done", 1.0, detail)
        return JobResult(flight_id, "done", detail, added)

    def _match_area(
        self, flight_id: int, area_id: int | None, track: list[TelemetryRecord], areas: list[SurveyArea]
    ) -> SurveyArea:
        minimum = self.config.min_area_coverage
        if area_id is not None:
            area = next((a for a in areas if a.id == area_id), None)
            if area is None:
                raise AreaMismatchError(
                    f"flight {flight_id} names survey area {area_id}, which does not exist"
                )
            check_flight_over_area(track, area, flight_id, minimum, areas)
            return area
        scored = sorted(((coverage(track, a.polygon), a.id, a) for a in areas), key=lambda t: (-t[0], t[1]))
        if not scored or scored[0][0] < minimum:
            raise AreaMismatchError(
                f"flight {flight_id} lies over no registered survey area (best coverage {scored[0][0]:.0%})"
                if scored
                else f"flight {flight_id}: no survey areas are registered"
            )
        area = scored[0][2]
        with session_scope(self.sessions) as s:
            row = s.get(Flight, flight_id)
            assert row is not None
            row.survey_area_id = area.id
        return area

    def _store(
        self,
        flight_id: int,
        baseline_id: int,
        area: SurveyArea,
        report: ChangeReport,
        new_date: str,
        base_date: str,
    ) -> int:
        from vision.change.violation import finding_to_violation

        with session_scope(self.sessions) as s:
            for fr in report.frames:
                row = s.scalar(
                    select(DroneFrameReport).where(
                        DroneFrameReport.flight_id == flight_id,
                        DroneFrameReport.frame_index == fr.frame_index,
                    )
                )
                if row is None:
                    row = DroneFrameReport(flight_id=flight_id, frame_index=fr.frame_index)
                    s.add(row)
                row.baseline_frame_index, row.registered = fr.baseline_index, fr.ok
                row.quality, row.reason = fr.quality, fr.reason or None
        added = 0
        for f in report.findings:
            with session_scope(self.sessions) as s:
                frow = s.scalar(
                    select(DroneFindingRow).where(
                        DroneFindingRow.flight_id == flight_id, DroneFindingRow.finding_key == f.key
                    )
                )
                if frow is None:
                    frow = DroneFindingRow(
                        flight_id=flight_id,
                        baseline_flight_id=baseline_id,
                        finding_key=f.key,
                        lat=f.lat,
                        lon=f.lon,
                        area_m2=f.area_m2,
                        registration_quality=f.registration_quality,
                        score=f.score,
                        frame_index=f.best.new.frame.index,
                        submitted=False,
                    )
                    s.add(frow)
                    added += 1
                already = frow.submitted
            if already or self.sink is None:
                continue
            violation = finding_to_violation(
                f,
                flight_id=str(flight_id),
                baseline_flight_id=str(baseline_id),
                flight_dates=(base_date, new_date),
                area_name=area.name,
            )
            source = FlightSource(str(flight_id), area.name, self.config.timezone, ModelIdentity.of(self.detector()))
            self.sink.submit(violation, source)
            with session_scope(self.sessions) as s:
                frow = s.scalar(
                    select(DroneFindingRow).where(
                        DroneFindingRow.flight_id == flight_id, DroneFindingRow.finding_key == f.key
                    )
                )
                if frow is not None:
                    frow.submitted = True
        return added


def drone_runner(
    session_factory: sessionmaker[Session], upload_dir: Path, config: AppConfig, sink: FlightSink | None = None
) -> DroneJobRunner:
    """A runner with the config file's `drone:` section and the detector it names."""
    from vision.change.detector import roof_detector

    return DroneJobRunner(
        session_factory, upload_dir, sink, config.drone, lambda: roof_detector(config.drone_detector())
    )


def start_drone_jobs(
    app: object, settings: object, config: AppConfig, sink: FlightSink | None = None
) -> DroneJobRunner:
    """Start the background runner for an app (call from the lifespan; `runner.stop()` on shutdown).

    It first resumes flights a restart left queued or processing, then polls for newly queued ones.
    """
    state = app.state  # type: ignore[attr-defined]
    runner = drone_runner(state.session_factory, upload_root(settings), config, sink)
    state.drone_jobs = runner
    runner.start()
    return runner
