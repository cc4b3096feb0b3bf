"""The drone job runner's evidence sink, and the record context cameras' violations are written with
(the cameras' own sink, off their threads, is `api.pipeline.evidence_queue.QueuedEvidenceSink`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from api import __version__
from api.pipeline.context import ModelIdentity
from evidence.records import Place, RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig
from vision.detectors.base import file_sha256
from vision.types import Violation

log = logging.getLogger(__name__)

ContextFactory = Callable[[CameraConfig], RecordContext]


class FlightEvidenceSink:
    """The drone job runner's sink: each new rooftop structure becomes a signed record + pending event.

    Survey areas carry no address, grid code or responsible unit yet, so the place is the finding's
    own position; a reviewer sees lat/lon and the area name in the record.
    """

    def __init__(self, writer: EvidenceWriter, weights: Path, config_sha256: str):
        self.writer = writer
        self.model = ModelIdentity(weights.stem, file_sha256(weights), "onnx")
        self.config_sha256 = config_sha256

    def context_for(self, violation: Violation) -> RecordContext:
        details = violation.details
        lat, lon = details.lat or 0.0, details.lon or 0.0
        return RecordContext(
            device_kind="flight",
            device_id=violation.source_id,
            place=Place(
                lat=lat,
                lon=lon,
                address=f"rooftop at {lat:.6f}, {lon:.6f} ({violation.zone_name or 'survey area'})",
                grid_code="unassigned",
                responsible_unit="unassigned",
            ),
            timezone="Asia/Shanghai",
            model_name=self.model.name,
            weights_sha256=self.model.weights_sha256,
            detector_type=self.model.detector_type,
            config_sha256=self.config_sha256,
            software_version=__version__,
        )

    def submit(self, violation: Violation, **meta: object) -> object:
        record = self.writer.write(violation, self.context_for(violation))
        log.info("rooftop structure on flight %s -> evidence record %s", violation.source_id, record.record_id)
        return record.record_id
