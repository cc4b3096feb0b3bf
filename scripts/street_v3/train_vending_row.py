"""street-v3: street-v2 plus `vending_stall`, learning only that class's classifier rows (CPU).

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v3/train_vending_row.py train --out var/street_v3
    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v3/train_vending_row.py finish --out var/street_v3

`train` renders the synthetic vending dataset (street trade with its look-alikes), appends the class
to street-v2 and trains the new rows only: every other module is frozen through the trainer, the
other rows' gradients are masked to zero, and weight decay is off. `finish` grafts the learned rows
into an untouched copy of street-v2 (so every other weight is street-v2's, bit for bit) and saves
`vision/models/street-v3/street-v3.pt`; export and INT8 follow with `vision.training.export_onnx`
and `python -m vision.quantize`.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from vision.dequantize import save_checkpoint
from vision.head_transfer import append_class, graft_class, head_freeze_names, train_only_class
from vision.synth.street.vending import LABEL
from vision.synth.street.vending_dataset import STREET_V3_NAMES, build_vending_dataset
from vision.training import TrainRequest, train

V2 = Path("vision/models/street-v2/street-v2.pt")
V3 = Path("vision/models/street-v3/street-v3.pt")
ROW = STREET_V3_NAMES.index(LABEL)


def _load(path: Path) -> Any:
    from ultralytics import YOLO

    model: Any = YOLO(str(path)).model
    return model.float()


def do_train(args: argparse.Namespace) -> None:
    out: Path = args.out
    data = args.data or out / "data" / "data.yaml"
    if not data.is_file():
        t0 = time.monotonic()
        data = build_vending_dataset(out / "data", args.train, args.val, args.test, workers=args.workers)
        logging.info("rendered the dataset in %.0f s", time.monotonic() - t0)
    base = append_class(_load(V2), LABEL)
    if args.init is not None:  # go on from an earlier run's row (e.g. at another image size)
        base = graft_class(base, _load(args.init), ROW)
    if tuple(base.names.values()) != STREET_V3_NAMES:
        raise SystemExit(f"street-v2 + {LABEL} gives {base.names}, the dataset has {STREET_V3_NAMES}")
    base_path = save_checkpoint(base, out / "base.pt", source=f"street-v2 with {LABEL} appended")
    t0 = time.monotonic()
    best = train(
        TrainRequest(
            data=data,
            out=out,
            base=str(base_path),
            epochs=args.epochs,
            imgsz=args.imgsz,
            batch=args.batch,
            workers=args.workers,
            time_hours=args.hours,
            freeze=head_freeze_names(base),  # type: ignore[arg-type]
            lr0=args.lr0,
            optimizer="AdamW",
            keep_architecture=True,
            prepare=lambda model: train_only_class(model, ROW),
            extra={"weight_decay": 0.0, "warmup_epochs": 1, "cache": "ram", "amp": False, "patience": 100},
        )
    )
    logging.info("trained in %.0f s: %s", time.monotonic() - t0, best)


def do_finish(args: argparse.Namespace) -> None:
    trained = _load(args.out / "best.pt")  # every weight but row ROW is thrown away below
    v3 = graft_class(append_class(_load(V2), LABEL), trained, ROW)
    save_checkpoint(v3, V3, source=f"street-v2 + {LABEL} rows trained alone ({args.out / 'best.pt'})")
    logging.info("saved %s", V3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["train", "finish"])
    parser.add_argument("--out", type=Path, default=Path("var/street_v3"))
    parser.add_argument("--train", type=int, default=360)
    parser.add_argument("--val", type=int, default=60)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--hours", type=float, default=0.35)
    parser.add_argument("--imgsz", type=int, default=416)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr0", type=float, default=0.03)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--init", type=Path, default=None, help="start the new row from this run's best.pt")
    parser.add_argument("--data", type=Path, default=None, help="an already rendered dataset's data.yaml")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    (do_train if args.step == "train" else do_finish)(args)


if __name__ == "__main__":
    main()
