"""Train street-v4's new-class head: synthetic street scenes plus the real images of
`scripts/street_v2/prepare_real.py`, labels cut to the classes COCO lacks; backbone and neck frozen.

Runs where a GPU is (a lent H100); renders its synthetic scenes itself so that only the real images
travel. Writes best.pt and results.csv under --out.

    python scripts/street_v4/train_street_v4.py --real var/device/street_real \
        --base var/device/street-v4-base-w32.pt --out /tmp/v4w32 --hours 0.075 --device 0
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scripts.street_v2.names import NAMES
from scripts.street_v2.train_street_v2 import build_data_yaml, render_synthetic, train_mixed
from scripts.street_v4.make_base import NEW_NAMES


def remap_split(images: Path, labels: Path, names: tuple[str, ...], out: Path, split: str) -> int:
    """Hard-link `images` into out/images/split and write out/labels/split with only NEW_NAMES' boxes,
    renumbered (split "" for street-v2's real layout, real/train/images)."""
    new_id = {names.index(n): i for i, n in enumerate(NEW_NAMES) if n in names}
    image_dir, label_dir = out / "images" / split, out / "labels" / split
    image_dir.mkdir(parents=True, exist_ok=True)
    label_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for image in sorted(images.glob("*.jpg")):
        target = image_dir / image.name
        if not target.exists():
            os.link(image, target)
        rows = []
        label = labels / f"{image.stem}.txt"
        for line in label.read_text().splitlines() if label.is_file() else []:
            parts = line.split()
            if len(parts) == 5 and int(parts[0]) in new_id:
                rows.append(" ".join([str(new_id[int(parts[0])]), *parts[1:]]))
        (label_dir / f"{image.stem}.txt").write_text("\n".join(rows) + ("\n" if rows else ""))
        count += 1
    return count


def build_data(synth: Path, real: Path, real_repeats: int, work: Path) -> Path:
    """street-v2's data layout and data.yaml over copies whose labels hold only NEW_NAMES."""
    from vision.synth.street import CLASS_NAMES

    for split in ("train", "val"):
        n = remap_split(synth / "images" / split, synth / "labels" / split, tuple(CLASS_NAMES), work / "synth", split)
        m = remap_split(real / split / "images", real / split / "labels", NAMES, work / "real" / split, "")
        print(f"{split}: {n} synthetic, {m} real images", flush=True)
    return build_data_yaml(work / "synth", work / "real", real_repeats, work, NEW_NAMES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, required=True)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--synth", type=Path, default=Path("/tmp/street_synth"))
    parser.add_argument("--synth-train", type=int, default=3000)
    parser.add_argument("--synth-val", type=int, default=300)
    parser.add_argument("--real-repeats", type=int, default=2)
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--hours", type=float, default=0.075)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--lr0", type=float, default=None)
    parser.add_argument("--device", default="0")
    args = parser.parse_args()
    render_synthetic(args.synth, args.synth_train, args.synth_val)
    if args.render_only:
        return
    if args.base is None:
        raise SystemExit("--base is needed to train")
    import torch

    from vision.training import read_results_without_polars
    from vision.two_head import trunk_freeze

    read_results_without_polars()
    args.out.mkdir(parents=True, exist_ok=True)
    data = build_data(args.synth, args.real, args.real_repeats, args.out / "data")
    train_mixed(args, data, trunk_freeze(torch.load(args.base, weights_only=False)["model"]), args.lr0)


if __name__ == "__main__":
    main()
