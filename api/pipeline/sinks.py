"""The drone job runner's evidence sink (the cameras' own sink, off their threads, is
`api.pipeline.evidence_queue.QueuedEvidenceSink`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from api.pipeline.context import FlightSource, flight_context
from domain.types import Violation
from evidence.records import RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig

log = logging.getLogger(__name__)

ContextFactory = Callable[[CameraConfig], RecordContext]


class FlightEvidenceSink:
    """The drone job runner's sink: each new rooftop structure becomes a signed record + pending event,
    described by the flight it came from (its area, time zone and the detector that found it)."""

    def __init__(self, writer: EvidenceWriter, config_sha256: str):
        self.writer = writer
        self.config_sha256 = config_sha256

    def submit(self, violation: Violation, flight: FlightSource) -> None:
        record = self.writer.write(violation, flight_context(violation, flight, self.config_sha256))
        log.info("rooftop structure on flight %s -> evidence record %s", flight.flight_id, record.record_id)
