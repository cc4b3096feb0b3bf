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
import shutil
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("YOLO_OFFLINE", "1")


def _read_results_without_polars() -> None:
    """Ultralytics reads results.csv back with polars when it saves a checkpoint; the GPU machine has
    no polars, so read it with the csv module there (the stub the aerial-v1 run used)."""
    try:
        import polars  # noqa: F401
    except ImportError:
        import csv

        from ultralytics.engine import trainer

        def read_results_csv(self: Any) -> dict[str, list[object]]:
            path = Path(self.csv)
            if not path.is_file():
                return {}
            with path.open(newline="") as handle:
                rows = list(csv.DictReader(handle))
            return {key.strip(): [row[key] for row in rows] for key in (rows[0] if rows else {})}

        trainer.BaseTrainer.read_results_csv = read_results_csv  # type: ignore[method-assign]


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

    import ultralytics.engine.trainer as trainer_mod
    from ultralytics import YOLO

    trainer_mod.check_amp = lambda model: True  # type: ignore[attr-defined]  # the check downloads weights
    _read_results_without_polars()
    model = YOLO(str(args.base))
    started = time.time()
    kw = {"time": args.hours} if args.hours > 0 else {}
    model.train(
        data=str(args.data),
        epochs=args.epochs,
        imgsz=args.imgsz,
        batch=args.batch,
        device=args.device,
        workers=args.workers,
        project=str(args.out.resolve()),
        name="run",
        exist_ok=True,
        plots=False,
        cache=False if args.cache == "none" else args.cache,
        single_cls=True,
        seed=0,
        deterministic=False,
        patience=100,
        verbose=False,
        warmup_epochs=1.0,
        close_mosaic=5,
        degrees=180.0,
        flipud=0.5,
        fliplr=0.5,
        scale=0.3,
        freeze=args.freeze or None,
        fraction=args.fraction,
        **kw,
    )
    seconds = time.time() - started
    best = args.out / "run" / "weights" / "best.pt"
    if not best.is_file():
        raise SystemExit(f"training finished without {best}")
    shutil.copyfile(best, args.out / "best.pt")
    result = {"train_s": round(seconds, 1), "epochs_requested": args.epochs, "hours_cap": args.hours,
              "imgsz": args.imgsz, "batch": args.batch, "freeze": args.freeze, "base": str(args.base),
              "data": str(args.data)}
    (args.out / "result.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)  # noqa: T201 - a script


if __name__ == "__main__":
    main()
