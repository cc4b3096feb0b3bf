"""The camera workers' violation sink: every violation becomes a signed evidence record + pending event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from api import __version__
from api.pipeline.context import ModelIdentity
from evidence.errors import StoreUnavailableError
from evidence.records import Place, RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import CameraConfig
from vision.detectors.base import file_sha256
from vision.types import Violation
from vision.violations.rooftop import RooftopDetails

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
        if not isinstance(details, RooftopDetails):
            raise ValueError(f"a flight's record needs rooftop details, not {details.kind}")
        lat, lon = details.lat, details.lon
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
