"""street-v2's starting point: the kit's COCO YOLOv8n IR, dequantised to FP32, its classifier
retargeted to the street labels (vehicle <- car, truck <- truck, person <- person).

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v2/make_base.py \
        --ir ../shared/realdata/weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml \
        --out var/device/street-v2-base.pt
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.street_v2.names import NAMES
from vision.dequantize import dequantize_to_ultralytics, save_checkpoint
from vision.head_transfer import retarget_classes

INIT_FROM = {"vehicle": "car", "truck": "truck", "person": "person"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    coco = dequantize_to_ultralytics(args.ir)
    model = retarget_classes(coco, NAMES, INIT_FROM)
    save_checkpoint(model, args.out, source=f"dequantised {args.ir.name}, classifier retargeted {INIT_FROM}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
