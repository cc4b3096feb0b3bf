"""The kit's INT8 COCO YOLOv8n, dequantised to FP32 Ultralytics weights, finds what the IR finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.pipeline.real_clips import realdata_root
from vision.dequantize import dequantize_to_ultralytics, read_ir_convs, save_checkpoint

IR = Path("weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml")


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def test_every_convolution_maps_to_a_yolov8n_module() -> None:
    convs = read_ir_convs(realdata_root() / IR)
    assert len(convs) == 64  # 63 convolutions + the DFL's
    assert convs[0].module == "model.0" and convs[0].weight.shape == (16, 3, 3, 3)
    assert {c.module for c in convs} >= {"model.22.cv2.0.2", "model.22.cv3.2.2", "model.22.dfl"}
    assert all(c.bias is not None for c in convs if c.module != "model.22.dfl")


@pytest.mark.slow
def test_fp32_weights_agree_with_the_int8_ir_on_coco128(tmp_path: Path) -> None:
    from ultralytics import YOLO

    root = realdata_root()
    weights = save_checkpoint(dequantize_to_ultralytics(root / IR), tmp_path / "coco.pt", "test")
    fp32, int8 = YOLO(str(weights)), YOLO(str((root / IR).parent), task="detect")
    images = sorted((root / "datasets/coco128/images/train2017").glob("*.jpg"))[:24]
    matched = total = 0
    for image in images:
        a = int8.predict(str(image), imgsz=640, conf=0.4, verbose=False)[0].boxes
        b = fp32.predict(str(image), imgsz=640, conf=0.25, verbose=False)[0].boxes
        total += len(a)
        if len(a) == 0 or len(b) == 0:
            continue
        iou = _iou(a.xyxy.numpy(), b.xyxy.numpy())
        same_class = a.cls.numpy()[:, None] == b.cls.numpy()[None, :]
        matched += int(((iou >= 0.7) & same_class).any(axis=1).sum())
    assert total >= 60, f"too few IR detections to compare: {total}"
    assert matched / total >= 0.95, f"only {matched}/{total} IR boxes have an FP32 twin"
