"""Fine-tune the aerial roof_structure detector (aerial-v1 -> aerial-v2) on a prepared YOLO dataset,
with aerial-v1's own augmentations (any rotation, flips, scale 0.3, mosaic); nothing is downloaded.

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/finetune_aerial.py --data var/device/aerial_ds/data.yaml \
        --base vision/models/aerial-v1/aerial-v1.pt --out var/device/out/aerial-v2 \
        --epochs 40 --hours 0.06 --device 0 --workers 16 --batch 64

Writes <out>/best.pt, <out>/run/ (ultralytics run: results.csv, args.yaml) and <out>/result.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("YOLO_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="YOLO data.yaml (absolute `path:`)")
    ap.add_argument("--base", type=Path, required=True, help="starting weights (.pt)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--hours", type=float, default=0.0, help="wall-clock cap for training (0: none)")
    ap.add_argument("--imgsz", type=int, default=640)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--freeze", type=int, default=0, help="freeze the first N layers (10: the backbone)")
    ap.add_argument("--fraction", type=float, default=1.0, help="share of the training images to use")
    ap.add_argument("--cache", default="ram", help="ram, disk or none")
    args = ap.parse_args()
    for path in (args.data, args.base):
        if not path.is_file():
            raise SystemExit(f"not found: {path}")

    from vision.training import TrainRequest, train

    started = time.time()
    train(
        TrainRequest(
            data=args.data,
            out=args.out,
            base=str(args.base),
            epochs=args.epochs,
            imgsz=args.imgsz,
            batch=args.batch,
            device=args.device,
            workers=args.workers,
            time_hours=args.hours or None,
            seed=0,
            cache=False if args.cache == "none" else args.cache,
            freeze=args.freeze or None,
            extra={  # aerial-v1's augmentations: a roof seen from above has no up
                "single_cls": True,
                "patience": 100,
                "warmup_epochs": 1.0,
                "close_mosaic": 5,
                "degrees": 180.0,
                "flipud": 0.5,
                "fliplr": 0.5,
                "scale": 0.3,
                "fraction": args.fraction,
            },
        )
    )
    seconds = time.time() - started
    result = {
        "train_s": round(seconds, 1),
        "epochs_requested": args.epochs,
        "hours_cap": args.hours,
        "imgsz": args.imgsz,
        "batch": args.batch,
        "freeze": args.freeze,
        "base": str(args.base),
        "data": str(args.data),
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)  # noqa: T201 - a script


if __name__ == "__main__":
    main()
