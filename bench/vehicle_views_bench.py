"""How many real vehicles the parking rule can see clearly enough to start a stay, before and after
partly hidden vehicles were seen by their visible part (`vision.rules.views`).

    PYTHONPATH=$PWD .venv/bin/python bench/vehicle_views_bench.py [--min-height 24]

On the real-data kit's labelled images (ENFORCE_REALDATA, default ../shared/realdata): the ATL
traffic-camera valid frames (real CCTV: cars queued, passing and parked) and COCO128, the labelled
vehicles (car, bus, truck) of each image are taken as the detections a perfect detector would give.
For each vehicle at least `--min-height` px tall it prints how many:
- were clear by the former test (`covered`: no vehicle in front overlaps it, none covers a quarter);
- are clear now (`view_of`: whole, or enough of it shows beside the vehicles in front);
- of those, show only part (their appearance is taken from that part).
Ground-truth boxes, not a detector's: the figures say what the rule may see, not what a detector finds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from api.pipeline.kit_datasets import KIT_DATASETS, KitDataset, samples
from api.pipeline.real_clips import realdata_root
from domain.types import Detections
from vision.rules.views import covered, view_of


def count(dataset: KitDataset, root: Path, min_height: float) -> tuple[int, int, int, int, int]:
    """(images, vehicles, clear before, clear now, partly shown now)."""
    images = vehicles = before = now = partly = 0
    for _name, _image, truth in samples(dataset, root):
        images += 1
        keep = [i for i, label in enumerate(truth.labels) if label in ("vehicle", "truck")]
        boxes = truth.boxes[keep]
        scene = Detections(
            boxes,
            np.full(len(boxes), 0.9, np.float32),
            ("vehicle",) * len(boxes),
            np.arange(len(boxes), dtype=np.int64),
        )
        for i, box in enumerate(boxes):
            if box[3] - box[1] < min_height:
                continue
            vehicles += 1
            before += not covered(box, scene, skip=i)
            view = view_of(box, scene, skip=i)
            now += view is not None
            partly += view is not None and not view.whole
    return images, vehicles, before, now, partly


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-height", type=float, default=24.0, help="pixels: smaller vehicles are skipped")
    args = parser.parse_args()
    root = realdata_root()
    print(f"{'data set':28s} {'images':>6s} {'vehicles':>8s} {'clear before':>13s} {'clear now':>10s} {'partly':>7s}")
    totals = np.zeros(5, np.int64)
    for dataset in (d for d in KIT_DATASETS if "vehicle" in d.scored):
        row = count(dataset, root, args.min_height)
        totals += row
        images, vehicles, before, now, partly = row
        if images:
            print(f"{dataset.name:28s} {images:6d} {vehicles:8d} {before:13d} {now:10d} {partly:7d}")
    images, vehicles, before, now, partly = (int(v) for v in totals)
    if vehicles:
        print(
            f"{'all':28s} {images:6d} {vehicles:8d} {before:13d} {now:10d} {partly:7d}   "
            f"clear before {before / vehicles:.3f}, now {now / vehicles:.3f} (x{now / max(before, 1):.2f})"
        )


if __name__ == "__main__":
    main()
