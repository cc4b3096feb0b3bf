"""Build the aerial-v2 fine-tune dataset: synthetic renders + licensed real negatives (empty labels).

    PYTHONPATH=. python scripts/build_aerial_ds.py --out var/device/aerial_ds \
        --real var/device/aerial_real [--train-areas 100 --val-areas 15] [--step synth|real|all]

Layout (YOLO): images/{train,val}/*.jpg, labels/{train,val}/*.txt, data.yaml, MANIFEST.tsv.
- synthetic: vision.synth.aerial views (960x540) of areas from seed 700 on (train; aerial-v1 used 0-699)
  and 1,000,000 on (val, aerial-v1's own val range), stored at 640x360 (the size training sees them
  at, imgsz 640), JPEG 85. Labels are normalised, so they carry over unchanged.
- real negatives: every image listed in <real>/manifest.tsv whose licence allows training (use =
  train), already cropped to training scale by scripts/fetch_aerial_real.py; split train/val by the
  manifest's `split` column. Empty label files: background images.
- the Intel top-down clip (kit clip overhead_lot_lane_cars_passing.mp4, CC BY 4.0): frames every
  0.5 s, 640x360, empty labels; the first 24 s train, the rest val.
No file whose licence is "none stated" is read.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SIZE = (640, 360)
QUALITY = 85
TRAIN_FIRST_SEED = 700  # aerial-v1 trained on 0-699; new areas add variety
VAL_FIRST_SEED = 1_000_000
INTEL_CLIP = "overhead_lot_lane_cars_passing"  # CC BY 4.0 (Intel IoT DevKit sample-videos)
INTEL_TRAIN_UNTIL_S = 24.0


def _write_jpg(path: Path, image: np.ndarray) -> None:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    if not ok:
        raise RuntimeError(f"JPEG encoding failed for {path}")
    path.write_bytes(buf.tobytes())


def _render(args: tuple[int, str, str]) -> int:
    seed, split, out = args
    from vision.synth.aerial.dataset import render_seed

    tmp = Path(out) / ".render" / f"{seed}"
    (tmp / "images").mkdir(parents=True, exist_ok=True)
    (tmp / "labels").mkdir(parents=True, exist_ok=True)
    render_seed(seed, tmp)
    n = 0
    for img_path in sorted((tmp / "images").glob("*.jpg")):
        image = cv2.imread(str(img_path))
        small = cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)
        _write_jpg(Path(out) / "images" / split / f"synth_{img_path.name}", small)
        label = Path(out) / "labels" / split / f"synth_{img_path.stem}.txt"
        shutil.copyfile(tmp / "labels" / f"{img_path.stem}.txt", label)
        n += 1
    shutil.rmtree(tmp)
    return n


def build_synth(out: Path, train_areas: int, val_areas: int, workers: int) -> None:
    jobs = [(TRAIN_FIRST_SEED + i, "train", str(out)) for i in range(train_areas)]
    jobs += [(VAL_FIRST_SEED + i, "val", str(out)) for i in range(val_areas)]
    todo = [j for j in jobs if not (out / "images" / j[1] / f"synth_s{j[0]:07d}_v3.jpg").is_file()]
    with ProcessPoolExecutor(workers) as pool:
        done = sum(pool.map(_render, todo))
    shutil.rmtree(out / ".render", ignore_errors=True)
    print(f"synthetic: {done} images rendered ({len(jobs) - len(todo)} areas were already there)")  # noqa: T201 - a script


def _background(out: Path, split: str, name: str, image: np.ndarray) -> None:
    _write_jpg(out / "images" / split / f"{name}.jpg", image)
    (out / "labels" / split / f"{name}.txt").write_text("")


def build_real(out: Path, real: Path) -> int:
    manifest = real / "manifest.tsv"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} missing: run scripts/fetch_aerial_real.py first")
    n = 0
    with manifest.open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["use"] != "train":
                continue
            image = cv2.imread(str(real / row["file"]))
            if image is None:
                raise ValueError(f"cannot read {real / row['file']}")
            small = cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)
            _background(out, row["split"], "real_" + Path(row["file"]).stem, small)
            n += 1
    return n


def build_intel(out: Path, step_s: float = 0.5) -> int:
    from vision.change.real_negatives import clip_path

    cap = cv2.VideoCapture(str(clip_path(INTEL_CLIP)))
    fps = cap.get(cv2.CAP_PROP_FPS) or 12.5
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    n = 0
    for index in np.arange(0, total, max(1, round(step_s * fps))):
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(index))
        ok, frame = cap.read()
        if not ok:
            continue
        split = "train" if index / fps < INTEL_TRAIN_UNTIL_S else "val"
        _background(out, split, f"intel_lot_{int(index):04d}", cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA))
        n += 1
    cap.release()
    return n


def write_yaml(out: Path) -> Path:
    yaml = out / "data.yaml"
    # `path` must be absolute for ultralytics; the lead rewrites it on the device (see notes/aerial_train.md)
    yaml.write_text(
        f"path: {out.resolve()}\ntrain: images/train\nval: images/val\nnames:\n  0: roof_structure\n"
    )
    return yaml


def write_manifest(out: Path) -> None:
    rows = []
    for split in ("train", "val"):
        for img in sorted((out / "images" / split).glob("*.jpg")):
            label = out / "labels" / split / f"{img.stem}.txt"
            boxes = len(label.read_text().splitlines())
            source = img.stem.split("_")[0]
            rows.append((split, img.name, source, boxes, hashlib.sha256(img.read_bytes()).hexdigest()[:16]))
    with (out / "MANIFEST.tsv").open("w") as fh:
        fh.write("split\tfile\tsource\tboxes\tsha256_16\n")
        for r in rows:
            fh.write("\t".join(map(str, r)) + "\n")
    for split in ("train", "val"):
        sel = [r for r in rows if r[0] == split]
        by = {s: sum(1 for r in sel if r[2] == s) for s in sorted({r[2] for r in sel})}
        print(f"{split}: {len(sel)} images {by}, {sum(r[3] for r in sel)} boxes")  # noqa: T201 - a script


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--real", type=Path, required=True)
    ap.add_argument("--train-areas", type=int, default=100)
    ap.add_argument("--val-areas", type=int, default=15)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--step", choices=("synth", "real", "all"), default="all")
    args = ap.parse_args()
    for split in ("train", "val"):
        (args.out / "images" / split).mkdir(parents=True, exist_ok=True)
        (args.out / "labels" / split).mkdir(parents=True, exist_ok=True)
    if args.step in ("synth", "all"):
        build_synth(args.out, args.train_areas, args.val_areas, args.workers)
    if args.step in ("real", "all"):
        for old in list((args.out / "images").glob("*/real_*")) + list((args.out / "images").glob("*/intel_*")):
            old.unlink()
            (args.out / "labels" / old.parent.name / f"{old.stem}.txt").unlink(missing_ok=True)
        print(f"real negatives: {build_real(args.out, args.real)} images")  # noqa: T201 - a script
        print(f"intel clip negatives: {build_intel(args.out)} frames")  # noqa: T201 - a script
    write_yaml(args.out)
    write_manifest(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {size / 1e6:.1f} MB")  # noqa: T201 - a script


if __name__ == "__main__":
    main()
