"""The street-v3 dataset: random street scenes with street trade, labelled with street-v3's classes.

street-v3 is street-v2 (the synthetic classes plus the real `fire`) with `vending_stall` appended, so
the ids of the nine old classes do not move.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from vision.synth.common.yolo import SplitSpec, YoloLabel, write_dataset
from vision.synth.street import CLASS_NAMES
from vision.synth.street.dataset import default_splits
from vision.synth.street.scene import render, sample_scene
from vision.synth.street.vending import LABEL

STREET_V3_NAMES: tuple[str, ...] = (*CLASS_NAMES, "fire", LABEL)
STREET_V3_ID = {name: i for i, name in enumerate(STREET_V3_NAMES)}


def render_vending_sample(seed: int) -> tuple[npt.NDArray[np.uint8], list[YoloLabel]]:
    """One 960x540 image with street trade and its street-v3 labels; deterministic in `seed`."""
    result = render(sample_scene(seed, vending=True), t=float(seed % 97) * 0.37, frame_seed=seed)
    return result.image, [YoloLabel(STREET_V3_ID[b.label], b.box) for b in result.boxes]


def build_vending_dataset(out: Path, train: int, val: int, test: int, workers: int = 1) -> Path:
    """Write the dataset under `out`; returns the path of its data.yaml."""
    splits: list[SplitSpec] = [s for s in default_splits(train, val, test) if s.count > 0]
    return write_dataset(out, STREET_V3_NAMES, splits, render_vending_sample, workers=workers)
