"""ONNX Runtime against OpenVINO Runtime on the same model, through the product's detectors.

Each ONNX file is converted to an OpenVINO IR in a temporary folder (`openvino.convert_model`, no
download) and both backends run the same real photos (the kit's COCO128) at the same input size:
letterbox, inference, decode, NMS, wall-clock per frame. The kit's own INT8 IR is timed as well when
the kit is there. Runs interleave the backends image by image, so load from other processes hits
both alike; the load average is printed.

    PYTHONPATH=. python bench/detector_runtime_bench.py [--frames 40] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import openvino as ov

from api.pipeline.real_clips import realdata_root
from vision.detectors.base import Detector
from vision.detectors.config import OnnxDetectorConfig, OpenVinoDetectorConfig
from vision.detectors.factory import build_detector

MODEL_DIR = Path(__file__).resolve().parents[1] / "vision" / "models" / "street-v1"


def photos(count: int) -> list[npt.NDArray[np.uint8]]:
    folder = realdata_root() / "datasets" / "coco128" / "images" / "train2017"
    if folder.is_dir():
        images = [cv2.imread(str(p)) for p in sorted(folder.glob("*.jpg"))[:count]]
        return [np.asarray(i, np.uint8) for i in images if i is not None]
    rng = np.random.default_rng(0)  # no kit: noise frames of a CCTV size
    return [rng.integers(0, 255, (540, 960, 3), dtype=np.uint8) for _ in range(count)]


def to_ir(onnx: Path, folder: Path) -> Path:
    xml = folder / f"{onnx.stem}.xml"
    ov.save_model(ov.convert_model(str(onnx)), str(xml), compress_to_fp16=False)
    return xml


def timed(detectors: dict[str, Detector], images: list[npt.NDArray[np.uint8]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in detectors}
    for detector in detectors.values():  # warm-up
        for image in images[:3]:
            detector.detect(image)
    for image in images:
        for name, detector in detectors.items():
            start = time.perf_counter()
            detector.detect(image)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--onnx", type=Path, nargs="+", default=[MODEL_DIR / "street-v1.onnx", MODEL_DIR / "street-v1-int8.onnx"]
    )
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--imgsz", type=int, default=640)
    args = parser.parse_args()
    images = photos(args.frames)
    common = {"image_size": args.imgsz, "threads": args.threads}
    print(f"{len(images)} frames, input {args.imgsz} px, {args.threads} threads, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'model':28s} {'runtime':30s} {'mean ms':>8s} {'median':>8s} {'p95':>8s}")
    with tempfile.TemporaryDirectory() as tmp:
        for onnx in args.onnx:
            xml = to_ir(onnx, Path(tmp))
            detectors: dict[str, Detector] = {
                "onnxruntime": build_detector(OnnxDetectorConfig(type="onnx", weights=onnx, **common)),
                "openvino (f32)": build_detector(OpenVinoDetectorConfig(type="openvino", weights=xml, **common)),
                "openvino (device default)": build_detector(
                    OpenVinoDetectorConfig(type="openvino", weights=xml, precision="auto", **common)
                ),
            }
            for name, ms in timed(detectors, images).items():
                arr = np.array(ms)
                print(
                    f"{onnx.name:28s} {name:30s} {arr.mean():8.1f} {np.median(arr):8.1f} "
                    f"{np.percentile(arr, 95):8.1f}"
                )
    kit_ir = realdata_root() / "weights" / "coco_detectors" / "yolov8n_int8_openvino_model"
    if kit_ir.is_dir():
        kit = build_detector(OpenVinoDetectorConfig(type="openvino", weights=kit_ir, **common))
        arr = np.array(timed({"kit": kit}, images)["kit"])
        print(f"{kit_ir.name[:28]:28s} {'openvino (f32)':30s} {arr.mean():8.1f} {np.median(arr):8.1f} "
              f"{np.percentile(arr, 95):8.1f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
