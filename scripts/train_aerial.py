"""Generate the aerial YOLO dataset and train aerial-v1 (run on a GPU machine; also works on CPU, slowly).

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/train_aerial.py --out runs/aerial --train-areas 700 \
        --epochs 60 --hours 0.08 --device 0 --workers 16
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("YOLO_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("runs/aerial"))
    ap.add_argument("--train-areas", type=int, default=700)
    ap.add_argument("--val-areas", type=int, default=60)
    ap.add_argument("--test-areas", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--hours", type=float, default=0.0, help="wall-clock cap for training (0: none)")
    ap.add_argument("--imgsz", type=int, default=640)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--model", default="yolov8n.yaml")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)

    from vision.synth.aerial.dataset import build_dataset

    t0 = time.time()
    data = build_dataset(
        args.out / "data",
        {"train": args.train_areas, "val": args.val_areas, "test": args.test_areas},
        views=4,
        workers=args.workers,
    )
    t_data = time.time() - t0
    print(f"dataset: {t_data:.1f}s", flush=True)  # noqa: T201 - a script, not library code

    import ultralytics.engine.trainer as trainer_mod
    from ultralytics import YOLO

    trainer_mod.check_amp = lambda model: True  # the check downloads weights; we are offline
    model = YOLO(args.model)
    t1 = time.time()
    kw = {"time": args.hours} if args.hours > 0 else {}
    model.train(
        data=str(data),
        epochs=args.epochs,
        imgsz=args.imgsz,
        batch=args.batch,
        device=args.device,
        workers=args.workers,
        project=str(args.out.resolve()),
        name="train",
        exist_ok=True,
        plots=False,
        cache="ram",
        single_cls=True,
        seed=0,
        deterministic=False,
        patience=100,
        verbose=False,
        close_mosaic=5,
        degrees=180.0,
        flipud=0.5,
        fliplr=0.5,
        scale=0.3,
        **kw,
    )
    t_train = time.time() - t1
    best = args.out / "train" / "weights" / "best.pt"
    metrics = YOLO(str(best)).val(
        data=str(data),
        split="test",
        imgsz=args.imgsz,
        batch=32,
        device=args.device,
        plots=False,
        verbose=False,
    )
    result = {
        "map50_test": float(metrics.box.map50),
        "map50_95_test": float(metrics.box.map),
        "precision_test": float(metrics.box.mp),
        "recall_test": float(metrics.box.mr),
        "dataset_s": t_data,
        "train_s": t_train,
        "epochs_requested": args.epochs,
        "hours_cap": args.hours,
        "train_areas": args.train_areas,
        "imgsz": args.imgsz,
        "model": args.model,
    }
    print(json.dumps(result), flush=True)  # noqa: T201
    (args.out / "result.json").write_text(json.dumps(result, indent=2))
    shutil.copy(best, args.out / "aerial-v1.pt")


if __name__ == "__main__":
    main()
