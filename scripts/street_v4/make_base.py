"""street-v4's training start: the kit's COCO YOLOv8n IR dequantised to FP32, its Detect head
replaced by a slim head for the classes COCO lacks (`vision.two_head`). Only that head trains;
`scripts/street_v4/stack.py` puts it beside COCO's own head afterwards.

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/make_base.py \
        --ir ../shared/realdata/weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml \
        --width 32 --out var/device/street-v4-base-w32.pt

street-v5's start is street-v4's trained head, widened to every street label (the new classes keep
their filters; vehicle, truck and person start at the prior):

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/make_base.py \
        --widen vision/models/street-v4/street-v4-head.pt --out var/v5base.pt
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from scripts.street_v2.names import NAMES
from vision.dequantize import dequantize_to_ultralytics, save_checkpoint
from vision.two_head import new_class_model, widen_classes

# the street labels COCO has no class for, in the order of street-v2's names
NEW_NAMES = ("license_plate", "mud", "uncovered_load", "smoke", "grill", "fire")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ir", type=Path, help="the COCO IR to start a new head from")
    parser.add_argument("--widen", type=Path, help="a trained head checkpoint to widen to every street label")
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.widen:
        checkpoint = torch.load(args.widen, weights_only=False)
        trained = (checkpoint.get("ema") or checkpoint["model"]).float()
        save_checkpoint(widen_classes(trained, NAMES), args.out, source=f"{args.widen.name} widened to {NAMES}")
        print(f"wrote {args.out}")
        return
    if not args.ir:
        parser.error("give --ir (a new head) or --widen (a trained head)")
    coco = dequantize_to_ultralytics(args.ir)
    model = new_class_model(coco, NEW_NAMES, args.width)
    save_checkpoint(model, args.out, source=f"dequantised {args.ir.name}; slim head width {args.width} for {NEW_NAMES}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
