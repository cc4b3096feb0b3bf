"""Runs asked-for re-checks: frames of the case's camera -> detector -> vision.recheck.decide -> a signed
核查 record through the evidence writer (whose row sink marks the request done in the same transaction).
A failure (store, detector, database) leaves the request pending with a backoff and the error named."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from api.db.base import session_scope
from api.db.camera_config import camera_config_dict
from api.db.models import Camera, CaseRecheck, CaseStatus, Event
from api.pipeline.context import ModelIdentity, camera_context
from api.recheck.frames import FrameGrab, GrabPlan, from_ring, from_source
from api.recheck.notify import enqueue_result
from api.source_policy import SourcePolicy, SourceRefused
from domain.types import EvidencePhoto, LabelledBox
from evidence.recheck import RecheckCapture
from evidence.records import Manifest, RecheckInfo
from evidence.store import EvidenceStore
from evidence.writer import EvidenceWriter
from ingest.config import AppConfig, CameraConfig
from ingest.redact import mask_text
from ingest.ring import FrameRing
from vision.detectors.base import Detector
from vision.detectors.factory import build_detector
from vision.recheck import RecheckDecision, RecheckTarget, RecheckView, decide
from vision.violations import registry

log = logging.getLogger(__name__)
ORIGINAL_PLACE = "original_place"  # the mark of the object's box at confirmation on the re-check photos


class RecheckSkipped(Exception):
    """Nothing can be recorded for this request (no primary record, no camera): it is done, unrecorded."""


@dataclass
class RecheckRunner:
    factory: sessionmaker[Session]
    config: AppConfig
    config_sha256: str
    evidence_dir: Path
    policy: SourcePolicy
    writer: Callable[[], EvidenceWriter]  # opened on first use where the pipeline has none
    ring_of: Callable[[str], FrameRing | None]  # a running worker's ring buffer, by camera id
    clock: Callable[[], datetime]
    plan: GrabPlan = field(default_factory=GrabPlan)
    max_delay_s: float = 600.0
    _detectors: dict[str, Detector] = field(default_factory=dict)

    def run_due(self, batch: int = 5) -> int:
        """Run every pending re-check that is due; returns how many were tried."""
        with self.factory() as session:
            due = list(
                session.scalars(
                    select(CaseRecheck.id)
                    .where(CaseRecheck.state == "pending", CaseRecheck.next_attempt_at <= self.clock())
                    .order_by(CaseRecheck.next_attempt_at, CaseRecheck.id)
                    .limit(batch)
                )
            )
        for request_id in due:
            self.run(request_id)
        return len(due)

    def run(self, request_id: int) -> None:
        try:
            capture, camera, detector = self._look(request_id)
            record = self.writer().write_recheck(
                capture, camera_context(camera, ModelIdentity.of(detector), self.config_sha256)
            )
            info = capture.info
            log.info(
                "re-check %d of case %s: %s (%s), record %s",
                request_id,
                info.event_id,
                info.outcome,
                info.reason,
                record.record_id,
            )
        except RecheckSkipped as exc:
            self._finish_unrecorded(request_id, str(exc))
        except Exception as exc:  # noqa: BLE001 - kept pending and retried; the error is named
            self._failed(request_id, exc)

    # -- one re-check --------------------------------------------------------------------------
    def _look(self, request_id: int) -> tuple[RecheckCapture, CameraConfig, Detector]:
        with self.factory() as session:
            request = session.get_one(CaseRecheck, request_id)
            event = session.get_one(Event, request.event_id)
            handled = session.get_one(CaseStatus, request.case_status_id)
            if event.evidence_record_id is None:
                raise RecheckSkipped("the case has no evidence record to link a 核查 record to")
            if event.camera_id is None:
                raise RecheckSkipped("the case has no camera to look again with")
            row = session.get(Camera, event.camera_id, options=[selectinload(Camera.zones)])
            if row is None:
                raise RecheckSkipped(f"camera {event.camera_id} no longer exists")
            camera = CameraConfig.model_validate(camera_config_dict(row))
            requested_at, handled_at, event_id = request.requested_at, handled.reported_at, event.id
            primary_id = event.evidence_record_id
        primary = EvidenceStore(self.evidence_dir).load_record(primary_id).manifest  # type: ignore[arg-type]
        detector = self._detector(camera)
        grab = self._grab(camera, requested_at)
        target = RecheckTarget(
            primary.violation_type, registry.kind_of(primary.violation_type).recheck, primary.object.box
        )
        views = tuple(RecheckView(f.captured_at, f.width, f.height, detector.detect(f.image)) for f in grab.frames)
        decision = decide(target, views, min_frames=min(2, self.plan.count), unavailable=grab.why)
        info = RecheckInfo(
            request_id=request_id,
            event_id=event_id,
            handled_at=handled_at,
            requested_at=requested_at,
            source=grab.origin if grab.frames else "none",
            outcome=decision.outcome,
            reason=decision.reason,
            detail=mask_text(decision.detail),
            frames=len(grab.frames),
            frames_present=decision.frames_present,
            original_box=primary.object.box,
        )
        return RecheckCapture(info, primary, _photos(grab, decision, primary)), camera, detector

    def _grab(self, camera: CameraConfig, after: datetime) -> FrameGrab:
        if not camera.enabled:
            return FrameGrab((), "none", f"camera {camera.id} is disabled")
        try:
            source = self.policy.check(camera.source, require_resolution=False)
        except SourceRefused as exc:
            return FrameGrab((), "none", f"camera {camera.id}: source refused by the source policy: {exc}")
        camera = camera.model_copy(update={"source": source})
        ring = self.ring_of(camera.id)
        if ring is not None and not source.startswith("file:"):
            return from_ring(camera.id, ring, after, self.plan)
        return from_source(camera, after, self.plan)

    def _detector(self, camera: CameraConfig) -> Detector:
        name = camera.detectors[0]
        if name not in self._detectors:
            self._detectors[name] = build_detector(self.config.detectors[name])
        return self._detectors[name]

    # -- bookkeeping -----------------------------------------------------------------------------
    def _finish_unrecorded(self, request_id: int, why: str) -> None:
        with session_scope(self.factory) as session:
            request = session.get_one(CaseRecheck, request_id)
            request.state, request.outcome, request.reason = "done", "inconclusive", "unrecorded"
            request.detail, request.finished_at = why, self.clock()
            enqueue_result(session, request, None, request.finished_at)
        log.warning("re-check %d not recorded: %s", request_id, why)

    def _failed(self, request_id: int, exc: Exception) -> None:
        error = mask_text(f"{type(exc).__name__}: {exc}")[:500]
        with session_scope(self.factory) as session:
            request = session.get_one(CaseRecheck, request_id)
            request.attempts += 1
            request.last_error = error
            delay = min(5.0 * 2 ** (request.attempts - 1), self.max_delay_s)
            request.next_attempt_at = self.clock() + timedelta(seconds=delay)
        log.error("re-check %d failed (%s); retried in %.0f s", request_id, error, delay)


def _photos(grab: FrameGrab, decision: RecheckDecision, primary: Manifest) -> tuple[EvidencePhoto, ...]:
    """Each frame with the original place and what was found at it marked."""
    photos = []
    for i, frame in enumerate(grab.frames):
        marks: list[LabelledBox] = []
        if primary.object.box is not None:
            x1, y1, x2, y2 = primary.object.box
            marks.append(
                LabelledBox(ORIGINAL_PLACE, (x1 * frame.width, y1 * frame.height, x2 * frame.width, y2 * frame.height))
            )
        found = decision.matches[i] if i < len(decision.matches) else ()
        marks.extend(LabelledBox(m.label, m.box, m.score) for m in found)
        photos.append(EvidencePhoto("recheck", frame, tuple(marks)))
    return tuple(photos)


def ask_for_recheck(
    session: Session, handled: CaseStatus, event: Event, now: datetime, notify_url: str | None, base_url: str
) -> CaseRecheck:
    """In the 处置 report's transaction: a pending re-check, or one already done where the kind cannot be
    looked at again by a camera (the reason is the kind's). The outcome goes to `notify_url` when done."""
    spec = registry.kind_of(event.violation_type).recheck
    request = CaseRecheck(
        event_id=event.id,
        case_status_id=handled.id,
        state="pending",
        requested_at=now,
        next_attempt_at=now,
        attempts=0,
        notify_url=notify_url,
        base_url=base_url,
    )
    if not spec.labels:
        verdict = decide(RecheckTarget(event.violation_type, spec, None), ())
        request.state, request.outcome, request.reason = "done", verdict.outcome, verdict.reason
        request.detail, request.finished_at = verdict.detail, now
    session.add(request)
    session.flush()
    if request.state == "done":
        enqueue_result(session, request, None, now)
    return request
