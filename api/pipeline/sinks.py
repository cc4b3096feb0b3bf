"""The violation sinks of camera workers and drone jobs: every violation becomes a signed evidence
record + pending event."""

from __future__ import annotations

import logging
from collections.abc import Callable

from api.pipeline.context import FlightSource, flight_context
from evidence.errors import StoreUnavailableError
from evidence.records import RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig
from vision.types import Violation

log = logging.getLogger(__name__)

ContextFactory = Callable[[CameraConfig], RecordContext]


class EvidenceSink:
    """Writes synchronously in the camera's thread, so a violation is on disk (or spooled for retry)
    before the worker moves on; nothing accepted lives only in memory."""

    def __init__(self, writer: EvidenceWriter, context_for: ContextFactory):
        self.writer = writer
        self.context_for = context_for
        self.written = 0
        self.spooled = 0

    def submit(self, violation: Violation, camera: CameraConfig) -> None:
        try:
            record = self.writer.write(violation, self.context_for(camera))
        except StoreUnavailableError as exc:
            self.spooled += 1
            log.error("%s", exc)  # already names the cause and where the violation is kept
            return
        self.written += 1
        log.info(
            "%s on %s (%s) -> evidence record %s (%s)",
            violation.violation_type, camera.id, violation.zone_name, record.record_id, record.kind,
        )

    def retry_spooled(self) -> None:
        try:
            for record in self.writer.retry_spooled():
                log.info("spooled violation written as record %s", record.record_id)
        except (StoreUnavailableError, OSError) as exc:
            log.warning("evidence store still unavailable: %s", exc)


class FlightEvidenceSink:
    """The drone job runner's sink: each new rooftop structure becomes a signed record + pending event,
    described by the flight it came from (its area, time zone and the detector that found it)."""

    def __init__(self, writer: EvidenceWriter, config_sha256: str):
        self.writer = writer
        self.config_sha256 = config_sha256

    def submit(self, violation: Violation, flight: FlightSource) -> None:
        record = self.writer.write(violation, flight_context(violation, flight, self.config_sha256))
        log.info("rooftop structure on flight %s -> evidence record %s", flight.flight_id, record.record_id)
