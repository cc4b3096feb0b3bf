"""The camera-view guards on the real-data kit's clips: how often a detector boxes one vehicle twice
(`vision.vehicle_boxes`), and what the view check (`vision.view_check`) says on each clip and when a
fixed camera's clip is followed by another clip.

    PYTHONPATH=$PWD YOLO_OFFLINE=1 .venv/bin/python bench/camera_view_real_bench.py

Sampled at 2 fps. Prints, per detector (shipped street, the kit's COCO YOLOv8n INT8) and clip, the
vehicle boxes and the near-identical duplicates merged; per clip, the view check's "another view"
verdicts (fixed cameras: every one is false) and its fewest matching features; and, for each fixed
camera followed by every other clip (resized to its picture), the seconds until "another view".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from api.pipeline.real_clips import realdata_root
from api.pipeline.real_eval import COCO_STREET, TEACHER_WEIGHTS, shipped_detector
from vision.detectors import Detector, build_detector
from vision.detectors.config import OpenVinoDetectorConfig
from vision.rules.common import VEHICLE_LABELS
from vision.vehicle_boxes import one_box_per_vehicle
from vision.view_check import ViewCheck, ViewState

FIXED = (
    "cn_expressway_gantry_cctv_sichuan",
    "motorway_overpass_along_axis",
    "street_elevated_traffic_with_parked_cars",
    "overhead_parking_lot_car_parks",
)
START = datetime(2026, 5, 1, 9)
Look = tuple[npt.NDArray[np.uint8], npt.NDArray[np.float32]]


def sampled(path: Path, fps: float = 2.0) -> list[npt.NDArray[np.uint8]]:
    capture = cv2.VideoCapture(str(path))
    step, frames, index = max(1, round(capture.get(cv2.CAP_PROP_FPS) / fps)), [], 0
    while True:
        ok, image = capture.read()
        if not ok:
            return frames
        if index % step == 0:
            frames.append(image)
        index += 1


def verdicts(check: ViewCheck, looks: list[Look], after: float = 0.0) -> list[ViewState]:
    return [
        check.check(image, boxes, START + timedelta(seconds=after + i / 2)) for i, (image, boxes) in enumerate(looks)
    ]


def main() -> None:
    kit = realdata_root()
    clips = {p.stem: sampled(p) for p in sorted((kit / "clips").glob("*.mp4"))}
    street = build_detector(shipped_detector(Path("configs/cameras.yaml"), "street").config)
    teacher = build_detector(
        OpenVinoDetectorConfig(type="openvino", weights=kit / TEACHER_WEIGHTS, class_map=COCO_STREET)
    )
    detectors: dict[str, Detector] = {"street": street, "coco-yolov8n-int8": teacher}
    looks: dict[str, list[Look]] = {}
    print(f"{'detector':18s} {'clip':42s} {'vehicle boxes':>13s} {'duplicates':>10s}")
    for name, detector in detectors.items():
        for clip, frames in clips.items():
            if clip.startswith(("bbq", "aerial", "drone")):
                continue
            found = [detector.detect(f) for f in frames]
            if name == "street":
                looks[clip] = [(f, d.boxes) for f, d in zip(frames, found, strict=True)]
            boxes = sum(sum(label in VEHICLE_LABELS for label in d.labels) for d in found)
            merged = sum(sum(label in VEHICLE_LABELS for label in one_box_per_vehicle(d).labels) for d in found)
            print(f"{name:18s} {clip:42s} {boxes:13d} {boxes - merged:5d} ({(boxes - merged) / max(boxes, 1):5.1%})")
    for clip, frames in clips.items():
        looks.setdefault(clip, [(f, street.detect(f).boxes) for f in frames])
    print(f"\n{'clip':42s} {'pictures':>8s} {'another view':>12s} {'fewest matches':>14s}")
    for clip, seen in looks.items():
        check, fewest = ViewCheck(), []
        states = []
        for i, (image, boxes) in enumerate(seen):
            states.append(check.check(image, boxes, START + timedelta(seconds=i / 2)))
            fewest.append(check.inliers)
        counted = [n for n in fewest if n is not None]
        other = sum(s is ViewState.OTHER for s in states)
        print(f"{clip:42s} {len(states):8d} {other:12d} {min(counted) if counted else '-':>14}")
    print("\nfixed camera, then another clip at its size: seconds until 'another view' (never: it could not tell)")
    for home in FIXED:
        height, width = looks[home][0][0].shape[:2]
        for other, seen in looks.items():
            if other == home:
                continue
            check = ViewCheck()
            verdicts(check, looks[home])
            scale = np.array([width / seen[0][0].shape[1], height / seen[0][0].shape[0]] * 2, np.float32)
            moved = [(cv2.resize(image, (width, height)), boxes * scale) for image, boxes in seen[:30]]
            states = verdicts(check, moved, after=len(looks[home]) / 2)
            first = next((i / 2 for i, s in enumerate(states) if s is ViewState.OTHER), None)
            print(f"{home:42s} -> {other:42s} {'never' if first is None else f'{first:.1f} s'}")


if __name__ == "__main__":
    main()
