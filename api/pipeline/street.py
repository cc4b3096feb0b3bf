"""Street-camera wiring: one analyzer and plate reader per camera; one shared detector per detector
name (unless `shared_detector.enabled` is false), one plate-reading pool and one evidence sink for all
of them."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from api.pipeline.context import ModelIdentity, camera_context
from api.pipeline.evidence_queue import QueuedEvidenceSink
from evidence.records import RecordContext
from evidence.writer import EvidenceWriter
from ingest.config import AppConfig, CameraConfig
from ingest.config.loader import config_sha256
from ingest.readers.pyav_reader import LIVE_SCHEMES
from vision.analyzer import StreetAnalyzer
from vision.detectors.base import Detector
from vision.detectors.factory import build_detector
from vision.detectors.shared import SharedDetector, share_detector
from vision.episodes import EpisodeJournal
from vision.plates.pool import PlatePool
from vision.plates.reader import PlateReader
from vision.view_memory import ViewMemory
from vision.violations import registry

log = logging.getLogger(__name__)


@dataclass
class StreetWiring:
    """Builds per-camera vision state on demand (also after a worker restart) and remembers which
    model each camera runs, so every record names the model that produced it."""

    config: AppConfig
    config_path: Path
    journal: EpisodeJournal | None = None  # open episodes survive restarts (one case per stay)
    views: ViewMemory | None = None  # the view each camera's zones fit survives restarts
    models: dict[str, ModelIdentity] = field(default_factory=dict)

    shared: dict[str, SharedDetector] = field(default_factory=dict)  # by detector name, built at first use

    def __post_init__(self) -> None:
        self.config_sha256 = config_sha256(self.config_path)
        self.plate_pool = PlatePool(self.config.plates.read_threads)  # shared by the cameras of this process
        self._lock = threading.Lock()  # cameras (re)start on their own threads
        self._users: dict[str, set[str]] = {}  # detector name -> ids of the cameras sharing it

    def detector_for(self, camera: CameraConfig) -> Detector:
        name = camera.detectors[0]
        if len(camera.detectors) > 1:
            log.warning("camera %s lists %d detectors; the street analyzer runs the first (%s)",
                        camera.id, len(camera.detectors), name)
        detector = self._shared(name, camera.id) if self.config.shared_detector.enabled else build_detector(
            self.config.detectors[name]
        )
        self.models[camera.id] = ModelIdentity.of(detector)
        return detector

    def _shared(self, name: str, camera_id: str) -> SharedDetector:
        """One detector per name for all cameras of this process (a restarted camera gets it again);
        it knows how many cameras use it, so a batch goes once all of them have a frame waiting."""
        with self._lock:
            if name not in self.shared:
                self.shared[name] = share_detector(self.config.detectors[name], self.config.shared_detector)
            users = self._users.setdefault(name, set())
            users.add(camera_id)
            self.shared[name].callers = len(users)
            return self.shared[name]

    def analyzer_for(self, camera: CameraConfig) -> StreetAnalyzer:
        plates = self.config.plates
        reader = PlateReader(plates.engine_for(camera.id), intel_model=plates.intel_model)
        if any(registry.kind_for_zone(zone.kind).evidence.needs_plate for zone in camera.zones):
            reader.warm_up()  # models loaded with the camera, not at its first plate read
        # A live camera reads plates in the shared pool, so a slow read never delays its frames. A file
        # does not run away while a plate is read: reading inline gives it every read a live camera
        # playing the same footage in real time would get (in the pool, a file played at full speed
        # would outrun its reads).
        live = urlsplit(camera.source).scheme in LIVE_SCHEMES
        return StreetAnalyzer(
            camera.analysis_setup(), self.detector_for(camera), reader, journal=self.journal,
            plate_pool=self.plate_pool if live else None, views=self.views,
        )

    def context_for(self, camera: CameraConfig) -> RecordContext:
        return camera_context(camera, self.models[camera.id], self.config_sha256)

    def sink(self, writer: EvidenceWriter) -> QueuedEvidenceSink:
        """The cameras hand violations to one writer thread (evidence is written off their threads)."""
        return QueuedEvidenceSink(writer, self.context_for)

    def close(self) -> None:
        """After the cameras stopped: end the shared detectors' workers and the plate pool."""
        with self._lock:
            shared, self.shared = list(self.shared.values()), {}
        for detector in shared:
            detector.close()
        self.plate_pool.close()
