"""Train street-v2: synthetic street scenes plus the real images of prepare_real.py.

Runs where a GPU is (a lent H100 here); renders its synthetic scenes itself so that only the real
images travel. Writes best.pt and results.csv under --out.

    python scripts/street_v2/train_street_v2.py --real var/device/street_real \
        --base var/device/street-v2-base.pt --out runs/v2 --synth-train 3000 --synth-val 300 \
        --hours 0.085 --freeze 10 --device 0
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

from scripts.street_v2.names import NAMES


def build_data_yaml(synth: Path, real: Path, real_repeats: int, out: Path, names: tuple[str, ...] = NAMES) -> Path:
    """One data.yaml over the synthetic folders and the real list (real images repeated)."""
    real_train = sorted(str(p.resolve()) for p in (real / "train" / "images").glob("*.jpg"))
    listing = out / "real_train.txt"
    listing.write_text("\n".join(real_train * real_repeats) + "\n")
    data = {
        "path": str(out.resolve()),
        "train": [str((synth / "images" / "train").resolve()), str(listing.resolve())],
        "val": [str((synth / "images" / "val").resolve()), str((real / "val" / "images").resolve())],
        "names": dict(enumerate(names)),
    }
    target = out / "data.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, required=True)
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--synth", type=Path, default=Path("/tmp/street_synth"))
    parser.add_argument("--synth-train", type=int, default=3000)
    parser.add_argument("--synth-val", type=int, default=300)
    parser.add_argument("--real-repeats", type=int, default=2)
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--hours", type=float, default=0.085)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--freeze", type=int, default=10)
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--device", default="0")
    args = parser.parse_args()
    from vision.synth.street import CLASS_NAMES

    if tuple(CLASS_NAMES) != NAMES[: len(CLASS_NAMES)]:
        raise SystemExit(f"synthetic classes {CLASS_NAMES} are not the first of {NAMES}")
    render_synthetic(args.synth, args.synth_train, args.synth_val)
    if args.render_only:
        return
    args.out.mkdir(parents=True, exist_ok=True)
    data = build_data_yaml(args.synth, args.real, args.real_repeats, args.out)
    train_mixed(args, data, args.freeze)


def render_synthetic(synth: Path, train_count: int, val_count: int) -> None:
    """The synthetic street scenes under `synth`, unless they are there already."""
    from vision.synth.street.dataset import build_street_dataset

    if not (synth / "images" / "train").is_dir():
        started = time.monotonic()
        build_street_dataset(synth, train_count, val_count, 0, workers=16)
        print(f"rendered {train_count}+{val_count} scenes in {time.monotonic() - started:.0f} s", flush=True)


def train_mixed(args: argparse.Namespace, data: Path, freeze: int | list[int], lr0: float | None = None) -> Path:
    """Train `args.base` as it is (keep_architecture) on `data` with the street settings (RAM cache,
    close_mosaic 3, patience 100); best.pt and results.csv land in `args.out`."""
    from vision.training import TrainRequest, train

    best = train(
        TrainRequest(
            data=data,
            out=args.out,
            base=str(args.base),
            epochs=args.epochs,
            imgsz=args.imgsz,
            batch=args.batch,
            device=args.device,
            workers=args.workers,
            time_hours=args.hours,
            cache="ram",
            lr0=lr0,
            keep_architecture=True,
            extra={"close_mosaic": 3, "patience": 100, "freeze": freeze},
        )
    )
    print(f"best weights: {best}")
    return best


if __name__ == "__main__":
    main()
