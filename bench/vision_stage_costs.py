"""Per-frame CPU cost of the vision stages on 1080p frames: detect (ONNX Runtime / Ultralytics),
camera offset (steady view), view check (per check, every 2 s of capture time), track, rules,
plate read. Prints medians in milliseconds.

    PYTHONPATH=. YOLO_OFFLINE=1 python bench/vision_stage_costs.py [--onnx PATH] [--pt PATH] [--frames 40]

Without weights it builds the test YOLOv8n (random-calibrated, COCO names) the tests use, so the
detector figure is the cost of a YOLOv8n graph at the given input size, not of a trained model.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from domain.types import Frame
from ingest.config.camera import CameraConfig
from tests.support.plates import VEHICLE, street_with_vehicle
from tests.support.yolo_test_model import COCO_STREET_MAP, build_test_model, scene
from vision.analyzer import StreetAnalyzer
from vision.detectors import build_detector
from vision.detectors.config import OnnxDetectorConfig, UltralyticsDetectorConfig
from vision.plates import PlateReader
from vision.rules import build_rule
from vision.steady_view import SteadyView
from vision.tracking import Tracker
from vision.view_check import ViewCheck


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} ms"


def timed(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--onnx", type=Path)
    parser.add_argument("--pt", type=Path)
    parser.add_argument("--image-size", type=int, default=640)
    parser.add_argument("--frames", type=int, default=40)
    args = parser.parse_args()
    if args.onnx is None:
        folder = Path(tempfile.mkdtemp())
        model = build_test_model(folder)
        args.onnx, args.pt = model.onnx, model.pt
        # re-export at the requested size
        from ultralytics import YOLO

        args.onnx = Path(YOLO(str(model.pt)).export(format="onnx", imgsz=args.image_size, verbose=False))
    image = np.asarray(cv2.resize(scene(12), (1920, 1080)), np.uint8)
    class_map = COCO_STREET_MAP
    print(f"frame 1920x1080, detector input {args.image_size}, {args.frames} frames, medians")
    onnx = build_detector(
        OnnxDetectorConfig(type="onnx", weights=args.onnx, image_size=args.image_size, class_map=class_map)
    )
    onnx.detect(image)
    print(f"detect  onnxruntime (CPU)   {median_ms(timed(lambda: onnx.detect(image), args.frames))}")
    if args.pt is not None:
        ultra = build_detector(
            UltralyticsDetectorConfig(
                type="ultralytics", weights=args.pt, image_size=args.image_size, class_map=class_map
            )
        )
        ultra.detect(image)
        device = getattr(ultra, "device", "?")
        print(
            f"detect  ultralytics ({device:>6})  {median_ms(timed(lambda: ultra.detect(image), args.frames))}"
        )
    detections = onnx.detect(image)
    view = SteadyView()
    view.offset(image, detections.boxes)
    swayed = [  # the same picture as a swaying camera gives it: half a pixel further right each frame
        np.asarray(cv2.warpAffine(image, np.array([[1, 0, i / 2], [0, 1, 0]], np.float32), (1920, 1080)), np.uint8)
        for i in range(1, args.frames + 1)
    ]
    steady_times = []
    for picture in swayed:
        t0 = time.perf_counter()
        view.offset(picture, detections.boxes)
        steady_times.append(time.perf_counter() - t0)
    print(f"steady  view offset             {median_ms(steady_times)}")
    check, check_times = ViewCheck(every_seconds=0.0), []
    check.check(image, detections.boxes, datetime(2026, 5, 1, 1, tzinfo=UTC))
    for i, picture in enumerate(swayed):
        t0 = time.perf_counter()
        check.check(picture, detections.boxes, datetime(2026, 5, 1, 1, tzinfo=UTC) + timedelta(seconds=i + 1))
        check_times.append(time.perf_counter() - t0)
    print(f"view    check (one, every 2 s)  {median_ms(check_times)}")
    tracker = Tracker()
    start = datetime(2026, 5, 1, 1, tzinfo=UTC)
    frames = [Frame("bench", i, start + timedelta(seconds=i), image) for i in range(args.frames)]
    track_times = []
    for frame in frames:
        t0 = time.perf_counter()
        tracked = tracker.update(detections, frame)
        track_times.append(time.perf_counter() - t0)
    print(f"track   bytetrack ({len(detections)} dets)   {median_ms(track_times)}")
    camera = CameraConfig.model_validate(
        {
            "id": "bench",
            "name": "bench",
            "source": "file:x.mp4",
            "location": {"lat": 30, "lon": 120, "address": "a", "grid_code": "1", "responsible_unit": "u"},
            "zones": [
                {
                    "name": "p",
                    "kind": "no_parking",
                    "polygon": [[0, 0.4], [1, 0.4], [1, 1], [0, 1]],
                    "dwell_seconds": 1e6,
                },
                {
                    "name": "m",
                    "kind": "worksite_exit",
                    "polygon": [[0, 0], [1, 0], [1, 0.4], [0, 0.4]],
                    "exit_direction": "down",
                },
                {
                    "name": "b",
                    "kind": "barbecue_watch",
                    "polygon": [[0, 0.5], [1, 0.5], [1, 1], [0, 1]],
                    "persistence_seconds": 60,
                },
            ],
        }
    )
    rules = [build_rule(zone, camera.tz) for zone in camera.zones]
    rule_times = []
    for frame in frames:
        t0 = time.perf_counter()
        for rule in rules:
            rule.update(frame, tracked)
        rule_times.append(time.perf_counter() - t0)
    print(f"rules   3 zones                 {median_ms(rule_times)}")
    plated = street_with_vehicle("浙A·12345")
    for engine in ("lprnet", "rapidocr"):
        reader = PlateReader(engine)
        reader.read(plated, VEHICLE)
        print(f"plate   locate + {engine:9s} rec {median_ms(timed(lambda r=reader: r.read(plated, VEHICLE), 10))}")
    analyzer = StreetAnalyzer(camera.analysis_setup(), onnx)
    whole = timed(lambda: analyzer.process(frames[0], detect=True), args.frames)
    carried = timed(lambda: analyzer.process(frames[0], detect=False), args.frames)
    print(f"analyzer.process detect=True    {median_ms(whole)}")
    print(f"analyzer.process detect=False   {median_ms(carried)}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
