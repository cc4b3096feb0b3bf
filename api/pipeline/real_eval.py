"""`enforce eval --real`: detectors measured on the real-data kit, side by side.

Three parts, each a plain function returning typed rows (the CLI and the bench print them):
- `measure_ap`: AP50 per pipeline label on the kit's labelled images (`kit_datasets`), every detector
  run through its product backend at a low confidence (so the whole precision-recall curve is seen),
  640 px, its own NMS;
- `measure_clip`: each kit clip played through a real camera worker with its zones (`kit_clips`),
  the outcome judged against what a person sees (MANIFEST §3); `measure_as_configured` plays each with
  the detector the cameras file gives a camera of its view (`KitClip.camera_detector`);
- `plate_figures`: the plate path's figures on the kit's real crops and the Beijing clip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from api.pipeline.evaluate_street import play_footage
from api.pipeline.kit_clips import KIT_CLIPS, ClipOutcome, KitClip
from api.pipeline.kit_datasets import KitDataset, samples
from api.pipeline.real_clips import CLIP_START, clip_camera
from ingest.config import load_config
from ingest.readers import open_reader
from vision.detectors.base import Detector, DetectorError
from vision.detectors.config import (
    PIPELINE_LABELS,
    DetectorConfig,
    OnnxDetectorConfig,
    OpenVinoDetectorConfig,
    UltralyticsDetectorConfig,
)
from vision.detectors.factory import build_detector
from vision.detectors.memo import MemoDetector
from vision.evaluation.ap import APAccumulator

EVAL_CONFIDENCE = 0.001
EVAL_IMAGE_SIZE = 640
COCO_STREET = {"car": "vehicle", "bus": "vehicle", "truck": "truck", "person": "person"}
TEACHER_WEIGHTS = Path("weights/coco_detectors/yolov8n_int8_openvino_model")
AS_CONFIGURED = "as configured"


@dataclass(frozen=True)
class DetectorUnderTest:
    name: str
    config: DetectorConfig


def shipped_detector(config_file: Path, name: str) -> DetectorUnderTest:
    """A detector of the cameras file (e.g. 'street')."""
    detectors = load_config(config_file).detectors
    if name not in detectors:
        raise DetectorError(f"no detector named {name!r} in {config_file}; known: {sorted(detectors)}")
    return DetectorUnderTest(name, detectors[name])


def teacher_detector(root: Path) -> DetectorUnderTest:
    """The kit's COCO YOLOv8n INT8 OpenVINO export, car/bus -> vehicle, truck, person."""
    config = OpenVinoDetectorConfig(type="openvino", weights=root / TEACHER_WEIGHTS, class_map=COCO_STREET)
    return DetectorUnderTest("coco-yolov8n-int8", config)


def weights_detector(path: Path, name: str | None = None) -> DetectorUnderTest:
    """Any weights given by path: the backend from the file (`.onnx`: ONNX Runtime; `.xml` or an
    export folder: OpenVINO; else Ultralytics), the class map from the model's names (pipeline labels
    kept as they are, COCO car/bus/truck/person mapped, the rest dropped). Named `name`, else the
    file's stem."""
    config: DetectorConfig
    if path.suffix.lower() == ".onnx":
        config = OnnxDetectorConfig(type="onnx", weights=path)
    elif path.is_dir() or path.suffix.lower() == ".xml":
        config = OpenVinoDetectorConfig(type="openvino", weights=path)
    else:
        config = UltralyticsDetectorConfig(type="ultralytics", weights=path)
    names = build_detector(config).labels  # no class map: the model's own names
    class_map = {n: n for n in names if n in PIPELINE_LABELS} | {n: COCO_STREET[n] for n in names if n in COCO_STREET}
    if not class_map:
        raise DetectorError(f"{path}: none of the model's classes is a pipeline label or a COCO street class")
    return DetectorUnderTest(name or path.stem, config.model_copy(update={"class_map": class_map}))


def weights_names(paths: Sequence[Path]) -> list[str]:
    """Column names for weights given by path: the stem, with the parent folder where stems repeat
    (two copies of one model from different folders are two columns, not one)."""
    stems = [p.stem for p in paths]
    names = [f"{p.parent.name}/{p.stem}" if stems.count(p.stem) > 1 else p.stem for p in paths]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"--weights names the same model twice: {repeated}")
    return names


def at_eval_threshold(config: DetectorConfig) -> DetectorConfig:
    """The config at AP settings: every score down to EVAL_CONFIDENCE, EVAL_IMAGE_SIZE px."""
    return config.model_copy(
        update={"confidence": EVAL_CONFIDENCE, "label_confidence": {}, "image_size": EVAL_IMAGE_SIZE}
    )


@dataclass(frozen=True)
class APRow:
    detector: str
    dataset: str
    label: str
    ap: float | None  # None: the detector has no such label, or the set has no such truth
    truths: int
    images: int


def measure_ap(name: str, detector: Detector, dataset: KitDataset, root: Path, limit: int | None) -> list[APRow]:
    """AP50 per scored label of `dataset` for one detector (built at `at_eval_threshold`)."""
    accumulator = APAccumulator(dataset.scored)
    images = 0
    for _name, image, truth in samples(dataset, root, limit):
        accumulator.add(detector.detect(image), truth)
        images += 1
    return [
        APRow(
            name,
            dataset.name,
            label,
            accumulator.ap(label) if label in detector.labels else None,
            accumulator.truths(label),
            images,
        )
        for label in dataset.scored
    ]


@dataclass(frozen=True)
class ClipRow:
    detector: str
    clip: str
    expectation: str
    outcome: str
    passed: bool | None  # None: the detector cannot test this clip (it lacks a label the clip needs)


def clip_outcome(clip: KitClip, detector: Detector, root: Path, analysis_fps: float | None = None) -> ClipOutcome:
    """Play the clip through a real camera worker with its zones; also note when each label is seen
    (a second pass over the same sampled frames; use a `MemoDetector` so the model runs once)."""
    camera = clip_camera(clip, analysis_fps or clip.analysis_fps, root)
    parking: dict[str, list[float]] = {z.name: [] for z in clip.zones if z.kind == "no_parking"}
    barbecue: dict[str, int] = {z.name: 0 for z in clip.zones if z.kind == "barbecue_watch"}
    for violation in play_footage(camera, detector, None):
        zone = violation.zone_name or ""
        if violation.violation_type == "illegal_parking":
            parking.setdefault(zone, []).append((violation.first_seen_at - CLIP_START).total_seconds())
        elif violation.violation_type == "open_barbecue":
            barbecue[zone] = barbecue.get(zone, 0) + 1
    seen: dict[str, list[float]] = {}
    with open_reader(camera) as reader:
        for frame in reader:
            second = (frame.captured_at - CLIP_START).total_seconds()
            for label in set(detector.detect(frame.image).labels):
                seen.setdefault(label, []).append(second)
    return ClipOutcome(
        {k: tuple(sorted(v)) for k, v in parking.items()}, barbecue, {k: tuple(v) for k, v in seen.items()}
    )


def describe(clip: KitClip, outcome: ClipOutcome) -> str:
    parts = []
    for zone, firsts in outcome.parking.items():
        when = f" (first seen {', '.join(f'{t:.1f}' for t in firsts)} s)" if firsts else ""
        parts.append(f"{zone}: {len(firsts)} parking case(s){when}")
    parts += [f"{zone}: {count} barbecue case(s)" for zone, count in outcome.barbecue.items()]
    if any(z.kind == "barbecue_watch" for z in clip.zones):
        parts += [
            f"{label} seen in {len(outcome.seen_at.get(label, ()))} frame(s)"
            + (f" ({outcome.seen_between(label, 16.0, 22.0)} in 16-22 s)" if label == "grill" else "")
            for label in ("grill", "smoke", "fire")
        ]
    return "; ".join(parts)


def measure_clip(
    name: str, clip: KitClip, detector: Detector, root: Path, analysis_fps: float | None = None
) -> ClipRow:
    missing = [label for label in clip.needs if label not in detector.labels]
    if missing:
        return ClipRow(name, clip.name, clip.expectation, f"n/a (no {', '.join(missing)} label)", None)
    outcome = clip_outcome(clip, detector, root, analysis_fps)
    return ClipRow(name, clip.name, clip.expectation, describe(clip, outcome), clip.judge(outcome))


def measure_as_configured(
    config_file: Path, clips: Sequence[KitClip], root: Path, analysis_fps: float | None = None
) -> list[ClipRow]:
    """Each clip with the cameras file's detector for its view (`KitClip.camera_detector`), built once
    each with its own thresholds, as a camera runs it; the outcome names the detector."""
    built: dict[str, Detector] = {}
    rows = []
    for clip in clips:
        name = clip.camera_detector
        if name not in built:
            built[name] = MemoDetector(build_detector(shipped_detector(config_file, name).config))
        row = measure_clip(AS_CONFIGURED, clip, built[name], root, analysis_fps)
        rows.append(replace(row, outcome=f"[{name}] {row.outcome}"))
    return rows


def select_clips(names: list[str] | None) -> tuple[KitClip, ...]:
    """The named kit clips (all by default; 'none' for none); an unknown name is a KeyError."""
    if not names:
        return KIT_CLIPS
    if names == ["none"]:
        return ()
    known = {c.name: c for c in KIT_CLIPS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"no kit clip {unknown}; known: {', '.join(known)}")
    return tuple(known[n] for n in names)


@dataclass(frozen=True)
class PlateFigure:
    """One plate-reading figure of one detector/reader pair on one source (e.g. exact match)."""

    detector: str
    source: str  # e.g. 'datasets/lprnet_plates_cn' or 'clips/cn_beijing_traffic_closeup_plates'
    metric: str  # e.g. 'exact match'
    value: float | None
    count: int  # plates scored


def plate_figures(detectors: list[DetectorUnderTest], root: Path) -> list[PlateFigure]:
    """The product's plate path on the kit: exact match of its reader on the 1,000 real crops
    (datasets/lprnet_plates_cn), and the listed plates (MANIFEST §3.2) it reads from the Beijing clip
    with the kit's COCO detector finding the vehicles (5 analysed fps, one vote per track). Plates do
    not depend on the scene detectors under test, so the figures are printed once."""
    del detectors
    from api.pipeline.real_plates import BEIJING_CLIP, BEIJING_PLATES, TimedReader, beijing_clip_plates, plate_crops
    from vision.plates.reader import PlateReader

    reader = PlateReader()
    crops = plate_crops(root)
    exact = 0
    for text, crop in crops:
        candidate = reader.read_plate(crop)
        exact += int(candidate is not None and candidate.text == text)
    clip = beijing_clip_plates(TimedReader(), fps=5.0, root=root)
    return [
        PlateFigure(
            f"plates ({reader.engine})", "datasets/lprnet_plates_cn", "exact match", exact / len(crops), len(crops)
        ),
        PlateFigure(
            f"plates ({reader.engine}) + kit COCO",
            f"clips/{BEIJING_CLIP}",
            "listed plates read",
            len(clip.found()) / len(BEIJING_PLATES),
            len(BEIJING_PLATES),
        ),
    ]
