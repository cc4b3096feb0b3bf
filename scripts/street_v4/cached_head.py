"""Train street-v4's new-class head on CPU from cached neck features.

The backbone and neck are frozen, so each training image's neck features (the three maps COCO's
Detect reads) are computed once and kept; epochs then run only the slim head, forward and back,
which two CPU cores can afford. The price: no mosaic or colour augmentation (each image is seen as
rendered or photographed, real images also mirrored).

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/cached_head.py cache \
        --ir ../shared/realdata/weights/coco_detectors/yolov8n_int8_openvino_model/yolov8n.xml \
        --synth var/v4synth --real var/device/street_real --out var/v4cache
    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v4/cached_head.py train \
        --base var/device/street-v4-base-w32.pt --cache var/v4cache --epochs 30 --out var/v4head-w32.pt
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
import torch

from scripts.street_v2.names import NAMES
from scripts.street_v4.make_base import NEW_NAMES
from vision.detectors.letterbox import model_input

SIZE = 640
SPLITS = ("synth_train", "real_train", "synth_val", "real_val")
# the classes the cached labels keep: the new classes only (street-v4's head), or every street label
# (street-v5's head, which also learns the rendered vehicles, trucks and people COCO does not see)
TARGETS = {"new": NEW_NAMES, "street": NAMES}


@dataclass(frozen=True)
class Item:
    image: Path
    label: Path
    names: tuple[str, ...]
    flip: bool


def items_of(images: Path, labels: Path, names: tuple[str, ...], flips: tuple[bool, ...]) -> list[Item]:
    return [Item(p, labels / f"{p.stem}.txt", names, f) for p in sorted(images.glob("*.jpg")) for f in flips]


def labels_of(
    item: Item, target: tuple[str, ...], w: int, h: int, scale: float, left: float, top: float
) -> np.ndarray:
    """(n, 5) rows of class id in `target`, cx, cy, bw, bh normalised to the SIZE x SIZE input."""
    new_id = {item.names.index(n): i for i, n in enumerate(target) if n in item.names}
    rows = []
    for line in item.label.read_text().splitlines() if item.label.is_file() else []:
        parts = line.split()
        if len(parts) != 5 or int(parts[0]) not in new_id:
            continue
        cx, cy, bw, bh = (float(v) for v in parts[1:])
        if item.flip:
            cx = 1.0 - cx
        rows.append(
            (
                new_id[int(parts[0])],
                (cx * w * scale + left) / SIZE,
                (cy * h * scale + top) / SIZE,
                bw * w * scale / SIZE,
                bh * h * scale / SIZE,
            )
        )
    return np.asarray(rows, np.float32).reshape(-1, 5)


def neck_features(model: Any, x: torch.Tensor) -> list[torch.Tensor]:
    """The maps the Detect head reads (Ultralytics' layer loop, stopped before the head)."""
    outputs: list[Any] = []
    for module in model.model[:-1]:
        if module.f != -1:
            x = outputs[module.f] if isinstance(module.f, int) else [x if j == -1 else outputs[j] for j in module.f]
        x = module(x)
        outputs.append(x if module.i in model.save else None)
    return [outputs[j] for j in model.model[-1].f]


def cache(args: argparse.Namespace) -> None:
    from vision.dequantize import dequantize_to_ultralytics
    from vision.synth.street import CLASS_NAMES

    torch.set_num_threads(args.threads)
    model = dequantize_to_ultralytics(args.ir).float().eval()
    synth_names = tuple(CLASS_NAMES)
    keep = TARGETS[args.names]
    sets = {
        "synth_train": items_of(args.synth / "images/train", args.synth / "labels/train", synth_names, (False,)),
        "real_train": items_of(
            args.real / "train/images", args.real / "train/labels", NAMES, (False,) if args.no_flip else (False, True)
        ),
        "synth_val": items_of(args.synth / "images/val", args.synth / "labels/val", synth_names, (False,)),
        "real_val": items_of(args.real / "val/images", args.real / "val/labels", NAMES, (False,)),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, items in sets.items():
        target = args.out / f"{name}.pt"
        if target.is_file():
            continue
        started = time.monotonic()
        levels: list[list[torch.Tensor]] = [[], [], []]
        labels: list[np.ndarray] = []
        for start in range(0, len(items), args.batch):
            chunk = items[start : start + args.batch]
            tensors = []
            for item in chunk:
                image = cv2.imread(str(item.image))
                if image is None:
                    raise ValueError(f"{item.image} does not decode")
                if item.flip:
                    image = np.ascontiguousarray(image[:, ::-1])
                tensor, box = model_input(image, (SIZE, SIZE), SIZE)  # the product's letterbox
                tensors.append(tensor[0])
                labels.append(labels_of(item, keep, image.shape[1], image.shape[0], box.gain, box.left, box.top))
            with torch.no_grad():
                feats = neck_features(model, torch.from_numpy(np.stack(tensors)))
            for level, feat in zip(levels, feats, strict=True):
                level.append(feat.half())
        torch.save({"feats": [torch.cat(level) for level in levels], "labels": labels}, target)
        print(f"{name}: {len(items)} images cached in {time.monotonic() - started:.0f} s", flush=True)


def load_split(folder: Path, name: str) -> tuple[list[torch.Tensor], list[np.ndarray]]:
    data = torch.load(folder / f"{name}.pt", weights_only=False)
    return data["feats"], data["labels"]


def batch_targets(labels: list[np.ndarray]) -> dict[str, torch.Tensor]:
    index = [np.full(len(rows), i, np.float32) for i, rows in enumerate(labels)]
    rows = np.concatenate(labels) if labels else np.zeros((0, 5), np.float32)
    return {
        "batch_idx": torch.from_numpy(np.concatenate(index) if index else np.zeros(0, np.float32)),
        "cls": torch.from_numpy(rows[:, :1].copy()),
        "bboxes": torch.from_numpy(rows[:, 1:].copy()),
    }


def split_loss(head: Any, criterion: Any, feats: list[torch.Tensor], labels: list[np.ndarray], batch: int) -> float:
    total = 0.0
    head.train()  # the loss wants training outputs; BatchNorm statistics are frozen by eval below
    for module in head.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.eval()
    with torch.no_grad():
        for start in range(0, len(labels), batch):
            chunk = [f[start : start + batch].float() for f in feats]
            loss, _ = criterion(head(chunk), batch_targets(labels[start : start + batch]))
            total += float(loss.sum())
    return total / max(len(labels), 1)


def train(args: argparse.Namespace) -> None:
    from ultralytics.utils.loss import v8DetectionLoss

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    base = torch.load(args.base, weights_only=False)["model"].float()
    base.args = SimpleNamespace(box=7.5, cls=0.5, dfl=1.5)
    head = base.model[-1]
    criterion = v8DetectionLoss(base)
    train_sets = [load_split(args.cache, n) for n in ("synth_train", "real_train")]
    feats = [torch.cat([s[0][level] for s in train_sets]) for level in range(3)]
    labels = [rows for s in train_sets for rows in s[1]]
    val = {n: load_split(args.cache, n) for n in ("synth_val", "real_val")}
    trainable = [p for n, p in head.named_parameters() if not n.startswith("dfl")]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=5e-4)
    steps = args.epochs * math.ceil(len(labels) / args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    best, best_state = math.inf, None
    generator = torch.Generator().manual_seed(0)
    for epoch in range(args.epochs):
        started = time.monotonic()
        head.train()
        order = torch.randperm(len(labels), generator=generator)
        running = 0.0
        for start in range(0, len(labels), args.batch):
            index = order[start : start + args.batch]
            chunk = [f[index].float() for f in feats]
            loss, _ = criterion(head(chunk), batch_targets([labels[i] for i in index.tolist()]))
            optimizer.zero_grad()
            loss = loss.sum()
            loss.backward()
            optimizer.step()
            schedule.step()
            running += float(loss)
        losses = {n: split_loss(head, criterion, v[0], v[1], args.batch) for n, v in val.items()}
        score = losses["synth_val"] + losses["real_val"]
        if score < best:
            best, best_state = score, {k: v.detach().clone() for k, v in head.state_dict().items()}
        print(
            f"epoch {epoch + 1}/{args.epochs}: train {running / len(labels):.3f}, "
            + ", ".join(f"{n} {v:.3f}" for n, v in losses.items())
            + f" ({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    assert best_state is not None
    head.load_state_dict(best_state)
    head.eval()
    from vision.dequantize import save_checkpoint

    save_checkpoint(base, args.out, source=f"street-v4 head trained on cached features, best val loss {best:.3f}")
    print(f"wrote {args.out} (best val loss {best:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache")
    c.add_argument("--ir", type=Path, required=True)
    c.add_argument("--synth", type=Path, required=True)
    c.add_argument("--real", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--batch", type=int, default=8)
    c.add_argument("--threads", type=int, default=2)
    c.add_argument("--names", choices=sorted(TARGETS), default="new", help="the classes the labels keep")
    c.add_argument("--no-flip", action="store_true", help="real images once, not also mirrored")
    t = sub.add_parser("train")
    t.add_argument("--base", type=Path, required=True)
    t.add_argument("--cache", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    cache(args) if args.command == "cache" else train(args)


if __name__ == "__main__":
    main()
