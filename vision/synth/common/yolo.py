"""YOLO-format datasets: `data.yaml`, `images/<split>/*.jpg`, `labels/<split>/*.txt`.

Splits come from disjoint seed ranges so a test image is never a near-copy of a training one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import yaml


@dataclass(frozen=True)
class YoloLabel:
    class_id: int
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels


@dataclass(frozen=True)
class SplitSpec:
    name: str  # train / val / test
    first_seed: int
    count: int

    @property
    def seeds(self) -> range:
        return range(self.first_seed, self.first_seed + self.count)


def check_disjoint(splits: Sequence[SplitSpec]) -> None:
    """Refuse overlapping seed ranges: a leak between splits would inflate held-out figures."""
    for i, a in enumerate(splits):
        for b in splits[i + 1 :]:
            if (
                a.count
                and b.count
                and a.first_seed < b.first_seed + b.count
                and b.first_seed < a.first_seed + a.count
            ):
                raise ValueError(f"seed ranges of splits {a.name!r} and {b.name!r} overlap")


def label_lines(labels: Sequence[YoloLabel], width: int, height: int) -> str:
    """YOLO text: one 'class cx cy w h' line per box, normalised to the image."""
    out = []
    for lab in labels:
        x1, y1, x2, y2 = lab.box
        cx, cy = (x1 + x2) / 2 / width, (y1 + y2) / 2 / height
        bw, bh = (x2 - x1) / width, (y2 - y1) / height
        out.append(f"{lab.class_id} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}")
    return "\n".join(out) + ("\n" if out else "")


def write_data_yaml(root: Path, names: Sequence[str], splits: Sequence[str]) -> Path:
    data = {"path": str(root.resolve()), "names": dict(enumerate(names))}
    for split in splits:
        data[split] = f"images/{split}"
    for required in ("train", "val"):  # ultralytics insists on both keys, even for a test-only set
        if required not in data and splits:
            data[required] = f"images/{splits[-1]}"
    path = root / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


Renderer = Callable[[int], tuple[npt.NDArray[np.uint8], list[YoloLabel]]]


def _write_one(args: tuple[Renderer, Path, str, int, int]) -> int:
    render, root, split, seed, quality = args
    image, labels = render(seed)
    h, w = image.shape[:2]
    stem = f"{seed:08d}"
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError(f"JPEG encoding failed for seed {seed}")
    (root / "images" / split / f"{stem}.jpg").write_bytes(buf.tobytes())
    (root / "labels" / split / f"{stem}.txt").write_text(label_lines(labels, w, h), encoding="utf-8")
    return len(labels)


def write_dataset(
    root: Path,
    names: Sequence[str],
    splits: Sequence[SplitSpec],
    render: Renderer,
    workers: int = 1,
    quality: int = 92,
) -> Path:
    """Render every split's seeds with `render` (a picklable module-level function) and write them."""
    check_disjoint(splits)
    for split in splits:
        (root / "images" / split.name).mkdir(parents=True, exist_ok=True)
        (root / "labels" / split.name).mkdir(parents=True, exist_ok=True)
    jobs = [(render, root, s.name, seed, quality) for s in splits for seed in s.seeds]
    if workers <= 1:
        for job in jobs:
            _write_one(job)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_write_one, jobs, chunksize=16))
    return write_data_yaml(root, names, [s.name for s in splits])
