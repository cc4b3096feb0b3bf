"""Street YOLO datasets: train/val/test from disjoint seed ranges (see `default_splits`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from vision.synth.common.yolo import SplitSpec, YoloLabel, write_dataset
from vision.synth.street import CLASS_ID, CLASS_NAMES
from vision.synth.street.scene import render, sample_scene

TRAIN_SEED0, VAL_SEED0, TEST_SEED0 = 0, 10_000_000, 20_000_000  # disjoint: a split never reaches the next


def default_splits(train: int, val: int, test: int) -> list[SplitSpec]:
    return [
        SplitSpec("train", TRAIN_SEED0, train),
        SplitSpec("val", VAL_SEED0, val),
        SplitSpec("test", TEST_SEED0, test),
    ]


def render_sample(seed: int) -> tuple[npt.NDArray[np.uint8], list[YoloLabel]]:
    """One training image (960x540) and its labels; deterministic in `seed`."""
    result = render(sample_scene(seed), t=float(seed % 97) * 0.37, frame_seed=seed)
    return result.image, [YoloLabel(CLASS_ID[b.label], b.box) for b in result.boxes]


def build_street_dataset(out: Path, train: int, val: int, test: int, workers: int = 1) -> Path:
    """Write the dataset under `out`; returns the path of its data.yaml."""
    splits = [s for s in default_splits(train, val, test) if s.count > 0]
    return write_dataset(out, CLASS_NAMES, splits, render_sample, workers=workers)
