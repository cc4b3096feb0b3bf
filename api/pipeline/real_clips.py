"""Real negative footage for the parking rule: clips in which a person sees no vehicle stop.

The clips are the real-data kit's (`../shared/realdata/clips`, or `ENFORCE_REALDATA`; see its
MANIFEST §3); they are read where they lie and never copied into the product. Each clip gets its
zones from `api.pipeline.kit_clips` (for these: a no-parking zone over the traffic lanes with 5 s and
20 s stop times) and is played through a real camera worker (reader, sampling, motion gate, ring
buffer, analyzer) at a chosen analysed rate. Every parking violation found on them is a false case.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from api.pipeline.evaluate_street import play_footage
from api.pipeline.kit_clips import KitClip, kit_clip
from domain.types import Violation
from ingest.config import CameraConfig
from vision.detectors.base import Detector
from vision.detectors.config import DetectorConfig, UltralyticsDetectorConfig
from vision.detectors.factory import build_detector
from vision.detectors.memo import MemoDetector
from vision.plates.reader import PlateReader

REPO = Path(__file__).resolve().parents[2]
CLIP_START = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 in the clips' Asia/Shanghai: inside any hours
COCO_VEHICLES = {"car": "vehicle", "bus": "vehicle", "truck": "truck"}


def realdata_root() -> Path:
    return Path(os.environ.get("ENFORCE_REALDATA", REPO.parent / "shared" / "realdata"))


PARKING_NEGATIVES = tuple(
    kit_clip(name)
    for name in (
        "cn_expressway_gantry_cctv_sichuan",
        "motorway_overpass_along_axis",
        "cn_beijing_traffic_closeup_plates",
    )
)


def kit_coco_detector_config(root: Path | None = None) -> UltralyticsDetectorConfig:
    """The kit's COCO YOLOv8n INT8 OpenVINO export, mapped to the pipeline's vehicle labels."""
    weights = (root or realdata_root()) / "weights" / "coco_detectors" / "yolov8n_int8_openvino_model"
    return UltralyticsDetectorConfig(type="ultralytics", weights=weights, class_map=COCO_VEHICLES, device="cpu")


def clip_camera(clip: KitClip, analysis_fps: float, root: Path | None = None) -> CameraConfig:
    """A camera playing the clip, with the clip's zones (`api.pipeline.kit_clips`)."""
    video = (root or realdata_root()) / "clips" / f"{clip.name}.mp4"
    zones: list[dict[str, object]] = []
    for zone in clip.zones:
        timing: dict[str, object] = (
            {"dwell_seconds": zone.seconds, "photo_interval_seconds": zone.seconds / 2}
            if zone.kind == "no_parking"
            else {"persistence_seconds": zone.seconds}
        )
        zones.append({"name": zone.name, "kind": zone.kind, "polygon": [list(p) for p in zone.polygon], **timing})
    return CameraConfig.model_validate(
        {
            "id": clip.name.replace("_", "-")[:60],
            "name": clip.name,
            "source": f"file:{video}",
            "timezone": "Asia/Shanghai",
            "start_time": CLIP_START,
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
