"""Real negative footage for the parking rule: clips in which a person sees no vehicle stop.

The clips are the real-data kit's (`../shared/realdata/clips`, or `ENFORCE_REALDATA`; see its
MANIFEST §3); they are read where they lie and never copied into the product. Each clip gets a
no-parking zone over its traffic lanes with two stop times (5 s and 20 s), and is played through a
real camera worker (reader, sampling, motion gate, ring buffer, analyzer) at a chosen analysed rate.
Every parking violation found on them is a false case.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.pipeline.evaluate_street import play_footage
from ingest.config import CameraConfig
from vision.detectors.base import Detector
from vision.detectors.config import DetectorConfig, UltralyticsDetectorConfig
from vision.detectors.factory import build_detector
from vision.detectors.memo import MemoDetector
from vision.plates.reader import PlateReader
from vision.types import Violation

REPO = Path(__file__).resolve().parents[2]
STOP_TIMES = (5.0, 20.0)
COCO_VEHICLES = {"car": "vehicle", "bus": "vehicle", "truck": "truck"}


def realdata_root() -> Path:
    return Path(os.environ.get("ENFORCE_REALDATA", REPO.parent / "shared" / "realdata"))


@dataclass(frozen=True)
class NegativeClip:
    name: str  # file stem under clips/
    lanes: tuple[tuple[float, float], ...]  # normalised polygon over the carriageways
    seen: str  # what a person sees (MANIFEST §3)


PARKING_NEGATIVES = (
    NegativeClip(
        "cn_expressway_gantry_cctv_sichuan",
        ((0.02, 0.40), (0.98, 0.40), (0.98, 0.99), (0.02, 0.99)),
        "expressway dome camera, light free-flowing traffic; nothing stops",
    ),
    NegativeClip(
        "motorway_overpass_along_axis",
        ((0.02, 0.05), (0.98, 0.05), (0.98, 0.99), (0.02, 0.99)),
        "motorway from an overpass, 0-6 cars all moving towards the camera; nothing stops",
    ),
    NegativeClip(
        "cn_beijing_traffic_closeup_plates",
        ((0.01, 0.01), (0.99, 0.01), (0.99, 0.99), (0.01, 0.99)),
        "telephoto on one lane of slow queuing traffic; every vehicle moves (slowly)",
    ),
)


def kit_coco_detector_config(root: Path | None = None) -> UltralyticsDetectorConfig:
    """The kit's COCO YOLOv8n INT8 OpenVINO export, mapped to the pipeline's vehicle labels."""
    weights = (root or realdata_root()) / "weights" / "coco_detectors" / "yolov8n_int8_openvino_model"
    return UltralyticsDetectorConfig(type="ultralytics", weights=weights, class_map=COCO_VEHICLES, device="cpu")


def clip_camera(clip: NegativeClip, analysis_fps: float, root: Path | None = None) -> CameraConfig:
    """A camera playing the clip, with one no-parking zone over the lanes per stop time."""
    video = (root or realdata_root()) / "clips" / f"{clip.name}.mp4"
    zones = [
        {
            "name": f"lanes-{int(stop)}s",
            "kind": "no_parking",
            "polygon": [list(p) for p in clip.lanes],
            "dwell_seconds": stop,
            "photo_interval_seconds": stop / 2,
        }
        for stop in STOP_TIMES
    ]
    return CameraConfig.model_validate(
        {
            "id": clip.name.replace("_", "-")[:60],
            "name": clip.name,
            "source": f"file:{video}",
            "timezone": "Asia/Shanghai",
            "start_time": datetime(2026, 5, 1, 2, 0, tzinfo=UTC),
            "location": {"lat": 0.0, "lon": 0.0, "address": clip.name, "grid_code": "test", "responsible_unit": "test"},
            "analysis_fps": analysis_fps,
            "detectors": ["under-test"],
            "zones": zones,
        }
    )


def detectors_under_test(root: Path | None = None) -> dict[str, DetectorConfig]:
    """The kit's COCO INT8 detector and the shipped street detector of configs/cameras.yaml."""
    from ingest.config.loader import load_config

    return {
        "coco-yolov8n-int8": kit_coco_detector_config(root),
        "shipped street": load_config(REPO / "configs" / "cameras.yaml").detectors["street"],
    }


def false_cases(
    fps_list: tuple[float, ...] = (1.0, 2.0, 4.0), root: Path | None = None
) -> list[tuple[str, str, float, int]]:
    """(detector, clip, fps, parking cases) for every detector, clip and analysed rate."""
    rows = []
    for name, config in detectors_under_test(root).items():
        detector = MemoDetector(build_detector(config))
        for clip in PARKING_NEGATIVES:
            for fps in fps_list:
                rows.append((name, clip.name, fps, len(play(clip_camera(clip, fps, root), detector))))
    return rows


def play(camera: CameraConfig, detector: Detector, plate_reader: PlateReader | None = None) -> list[Violation]:
    """Every parking violation the real camera worker confirms on the whole clip."""
    return [v for v in play_footage(camera, detector, plate_reader) if v.violation_type == "illegal_parking"]
