"""street-v4's training start: the kit's COCO YOLOv8n IR dequantised to FP32, its Detect head
replaced by a slim head for the classes COCO lacks (`vision.two_head`). Only that head trains;
`scripts/street_v4/stack.py` puts it beside COCO's own head afterwards.

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/make_base.py \
        --ir ../shared/realdata/weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml \
        --width 32 --out var/device/street-v4-base-w32.pt
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vision.dequantize import dequantize_to_ultralytics, save_checkpoint
from vision.two_head import new_class_model

# the street labels COCO has no class for, in the order of street-v2's names
NEW_NAMES = ("license_plate", "mud", "uncovered_load", "smoke", "grill", "fire")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ir", type=Path, required=True)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    coco = dequantize_to_ultralytics(args.ir)
    model = new_class_model(coco, NEW_NAMES, args.width)
    save_checkpoint(model, args.out, source=f"dequantised {args.ir.name}; slim head width {args.width} for {NEW_NAMES}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
