"""street-v3 with a `vending_stall` classification branch of its own (CPU).

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v3/train_vending_branch.py train --out $PWD/var/street_v3b
    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v3/train_vending_branch.py finish --out $PWD/var/street_v3b

`train` renders the synthetic vending dataset (unless `--data` names one), builds street-v2 with a
split classification branch at each Detect scale (`vision.head_transfer.split_class_branches`):
street-v2's branch, untouched, for the nine old classes, and a new branch (two 3x3 Convs copied from
street-v2's, a 1x1 convolution starting from the row-only street-v3's `vending_stall` row) for the
new class; only the new branches train, weight decay off. `finish` grafts the trained branches into
an untouched copy (every other weight street-v2's, bit for bit) and saves
`vision/models/street-v3/street-v3.pt`; export and INT8 follow as in the model card.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from vision.dequantize import save_checkpoint
from vision.head_transfer import graft_new_branches, split_class_branches, split_freeze_names
from vision.synth.street.vending import LABEL
from vision.synth.street.vending_dataset import STREET_V3_NAMES, build_vending_dataset
from vision.training import TrainRequest, train

V2 = Path("vision/models/street-v2/street-v2.pt")
V3 = Path("vision/models/street-v3/street-v3.pt")


def _load(path: Path) -> Any:
    from ultralytics import YOLO

    model: Any = YOLO(str(path)).model
    return model.float()


def _base(row_init: Path) -> Any:
    model = split_class_branches(_load(V2), LABEL, _load(row_init))
    if tuple(model.names.values()) != STREET_V3_NAMES:
        raise SystemExit(f"street-v2 + {LABEL} gives {model.names}, the dataset has {STREET_V3_NAMES}")
    return model


def do_train(args: argparse.Namespace) -> None:
    out: Path = args.out
    data = args.data or out / "data" / "data.yaml"
    if not data.is_file():
        t0 = time.monotonic()
        data = build_vending_dataset(out / "data", args.train, args.val, args.test, workers=args.workers)
        logging.info("rendered the dataset in %.0f s", time.monotonic() - t0)
    base = _base(args.row_init)
    base_path = save_checkpoint(base, out / "base.pt", source=f"street-v2 with a {LABEL} branch")
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
            freeze=split_freeze_names(base),  # type: ignore[arg-type]
            lr0=args.lr0,
            optimizer="AdamW",
            keep_architecture=True,
            extra={"weight_decay": 0.0, "warmup_epochs": 1, "cache": "ram", "amp": False, "patience": 100},
        )
    )
    logging.info("trained in %.0f s: %s", time.monotonic() - t0, best)


def do_finish(args: argparse.Namespace) -> None:
    trained = _load(args.out / "best.pt")  # only its new branches are kept
    v3 = graft_new_branches(_base(args.row_init), trained)
    save_checkpoint(v3, V3, source=f"street-v2 + a {LABEL} branch trained alone ({args.out / 'best.pt'})")
    logging.info("saved %s", V3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["train", "finish"])
    parser.add_argument("--out", type=Path, default=Path("var/street_v3b"))
    parser.add_argument("--train", type=int, default=360)
    parser.add_argument("--val", type=int, default=60)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hours", type=float, default=0.38)
    parser.add_argument("--imgsz", type=int, default=416)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr0", type=float, default=0.002)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--row-init", type=Path, default=Path("var/street_v3_row.pt"),
                        help="a row-only street-v3 (.pt) whose vending_stall row starts the new 1x1 convolutions")
    parser.add_argument("--data", type=Path, default=None, help="an already rendered dataset's data.yaml")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    (do_train if args.step == "train" else do_finish)(args)


if __name__ == "__main__":
    main()
