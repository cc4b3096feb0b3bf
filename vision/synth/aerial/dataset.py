"""YOLO dataset for `roof_structure`: random drone views of random areas; splits from disjoint seeds."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision.geometry.camera import Intrinsics, Pose, apply_h, ground_to_image
from vision.synth.aerial.layout import Structure, generate_layout
from vision.synth.aerial.render import Lighting, SiteState, WorldRaster, camera_effects
from vision.synth.common.yolo import YoloLabel, label_lines

log = logging.getLogger(__name__)
CLASS_NAMES = ("roof_structure",)
SPLIT_SEEDS = {"train": 0, "val": 1_000_000, "test": 2_000_000}  # disjoint seed ranges
MIN_VISIBLE = 0.4


@dataclass(frozen=True)
class ViewLabel:
    sid: int
    box: tuple[float, float, float, float]  # xyxy pixels, clipped to the image


def structure_boxes(structures: Iterable[Structure], intr: Intrinsics, pose: Pose) -> list[ViewLabel]:
    """Image boxes of the structures in view; a box cut by the border counts if >= 40% of it shows."""
    h = ground_to_image(intr, pose)
    out = []
    for s in structures:
        pts = apply_h(h, s.rect.corners())
        x1, y1 = pts.min(axis=0)
        x2, y2 = pts.max(axis=0)
        full = (x2 - x1) * (y2 - y1)
        cx1, cy1 = max(x1, 0.0), max(y1, 0.0)
        cx2, cy2 = min(x2, float(intr.width)), min(y2, float(intr.height))
        if cx2 <= cx1 or cy2 <= cy1 or full <= 0:
            continue
        if (cx2 - cx1) * (cy2 - cy1) / full < MIN_VISIBLE or min(cx2 - cx1, cy2 - cy1) < 3:
            continue
        out.append(ViewLabel(s.sid, (float(cx1), float(cy1), float(cx2), float(cy2))))
    return out


def random_state(seed: int, layout_structures: tuple[Structure, ...], rng: np.random.Generator) -> SiteState:
    k = int(rng.integers(0, len(layout_structures) + 1)) if layout_structures else 0
    chosen: list[int] = (
        [int(i) for i in rng.choice(len(layout_structures), size=k, replace=False)] if k else []
    )
    return SiteState(tuple(layout_structures[i] for i in sorted(chosen)), Lighting.random(rng), seed)


def render_seed(seed: int, out_dir: Path, views: int = 4, width: int = 960, height: int = 540) -> int:
    """One area, one date, `views` photographs; returns the number of labelled boxes written."""
    rng = np.random.default_rng([seed, 7100])
    layout = generate_layout(seed, size_m=float(rng.uniform(110, 150)), survey_margin_m=10.0)
    state = random_state(seed, layout.candidates, rng)
    world = WorldRaster(layout, state, res=0.05)
    boxes = 0
    for v in range(views):
        hfov = float(rng.uniform(62, 78))
        intr = Intrinsics.from_hfov(width, height, hfov)
        alt = float(rng.uniform(55, 120))
        pose = Pose(
            float(rng.uniform(20, layout.size_m - 20)),
            float(rng.uniform(20, layout.size_m - 20)),
            alt,
            float(rng.uniform(0, 360)),
            float(rng.uniform(-90, -72)),
        )
        img = camera_effects(world.photograph(intr, pose), rng)
        labels = structure_boxes(state.structures, intr, pose)
        name = f"s{seed:07d}_v{v}"
        quality = int(rng.integers(55, 95))
        cv2.imwrite(str(out_dir / "images" / f"{name}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        label_text = label_lines([YoloLabel(0, lab.box) for lab in labels], width, height)
        (out_dir / "labels" / f"{name}.txt").write_text(label_text)
        boxes += len(labels)
    return boxes


def _job(args: tuple[int, str, int]) -> int:
    seed, out, views = args
    return render_seed(seed, Path(out), views)


def build_dataset(out: Path, counts: dict[str, int], views: int = 4, workers: int = 1) -> Path:
    """Write `out/{train,val,test}/{images,labels}` and `out/data.yaml`; counts = areas per split."""
    for split, n in counts.items():
        d = out / split
        (d / "images").mkdir(parents=True, exist_ok=True)
        (d / "labels").mkdir(parents=True, exist_ok=True)
        jobs = [(SPLIT_SEEDS[split] + i, str(d), views) for i in range(n)]
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                total = sum(pool.map(_job, jobs, chunksize=4))
        else:
            total = sum(map(_job, jobs))
        log.info("%s: %d areas, %d images, %d boxes", split, n, n * views, total)
    yaml = out / "data.yaml"
    yaml.write_text(
        f"path: {out.resolve()}\ntrain: train/images\nval: val/images\ntest: test/images\n"
        f"names:\n  0: {CLASS_NAMES[0]}\n"
    )
    return yaml
