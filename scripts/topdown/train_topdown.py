"""Train street-topdown: the kit's COCO YOLOv8n (dequantised, `vision/dequantize.py`) fine-tuned on parked
cars seen from straight above (`prepare_topdown.py`), one class, `vehicle`, for cameras that look down on a
lot (a mast or a drone). `--device 0` on a GPU, `--device cpu` here (about 50 s an epoch on 2 cores at
416); writes best.pt and results.csv under --out.

    python scripts/topdown/train_topdown.py --data var/device/topdown/data.yaml \
        --base var/device/yolov8n-coco-fp32.pt --out /tmp/topdown --device 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

# A top-down picture has no up: turn and mirror freely. Scale varies with the mast's or drone's height.
AUGMENT = {
    "degrees": 180.0,
    "flipud": 0.5,
    "fliplr": 0.5,
    "scale": 0.9,  # 0.1x-1.9x: one set of photos from one height stands in for many heights
    "translate": 0.2,
    "mosaic": 1.0,
    "mixup": 0.1,
    "hsv_h": 0.02,
    "hsv_s": 0.7,
    "hsv_v": 0.5,
    "close_mosaic": 10,
    "patience": 0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=120)
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--hours", type=float, default=None)
    parser.add_argument("--device", default="0")
    args = parser.parse_args()
    from vision.training import TrainRequest, train

    best = train(
        TrainRequest(
            data=args.data,
            out=args.out,
            base=str(args.base),
            epochs=args.epochs,
            imgsz=args.imgsz,
            batch=args.batch,
            device=args.device,
            workers=args.workers,
            time_hours=args.hours,
            cache="ram",
            extra=dict(AUGMENT),
        )
    )
    print(f"best weights: {best}")


if __name__ == "__main__":
    main()
