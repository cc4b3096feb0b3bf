"""The real-data kit's labelled image sets (MANIFEST §2), read where they lie, with the map from each
set's class ids to the pipeline's labels. Classes a map leaves out are ignored (neither truth nor
scored); a detection on such an object still counts as a false positive of the label it was given."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from vision.evaluation.ap import LabelledBoxes


@dataclass(frozen=True)
class KitDataset:
    name: str
    images: str  # folder under datasets/, relative to the kit root
    labels: str
    class_map: dict[int, str]  # YOLO class id -> pipeline label
    scored: tuple[str, ...]  # labels reported (AP per label)
    note: str = ""

    def folder(self, root: Path) -> Path:
        return root / "datasets" / self.images


KIT_DATASETS = (
    KitDataset(
        "coco128",
        "coco128/images/train2017",
        "coco128/labels/train2017",
        {2: "vehicle", 5: "vehicle", 7: "truck", 0: "person"},  # car, bus -> vehicle; truck; person
        ("vehicle", "truck", "person"),
    ),
    KitDataset(
        "atl_traffic_cctv/valid",
        "atl_traffic_cctv/valid/images",
        "atl_traffic_cctv/valid/labels",
        {1: "vehicle", 2: "vehicle", 3: "truck"},  # bike 0 ignored, bus 1, car 2, truck 3
        ("vehicle", "truck"),
    ),
    KitDataset(
        "fire8_fire_smoke/valid",
        "fire8_fire_smoke/valid/images",
        "fire8_fire_smoke/valid/labels",
        {0: "fire", 2: "smoke"},  # 1 'default' is a full-frame "nothing here" tag: dropped
        ("smoke", "fire"),
        note="40 of its 47 frames share source videos with fire8's own test split (near-duplicates): "
        "not a held-out figure",
    ),
)


def read_labels(path: Path, width: int, height: int, class_map: dict[int, str]) -> LabelledBoxes:
    """A YOLO label file (class cx cy w h, or class x1 y1 x2 y2 ... polygons) as pixel xyxy truths."""
    boxes: list[list[float]] = []
    labels: list[str] = []
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        try:
            class_id, values = int(parts[0]), [float(v) for v in parts[1:]]
        except ValueError:
            raise ValueError(f"{path}:{number}: not a YOLO label line: {line!r}") from None
        if len(values) < 4 or (len(values) > 4 and len(values) % 2):
            raise ValueError(f"{path}:{number}: expected 'class cx cy w h' or a polygon, got {len(values)} numbers")
        if class_id not in class_map:
            continue
        if len(values) == 4:
            cx, cy, w, h = values
            x1, y1, x2, y2 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
        else:
            xs, ys = values[0::2], values[1::2]
            x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
        boxes.append([x1 * width, y1 * height, x2 * width, y2 * height])
        labels.append(class_map[class_id])
    return LabelledBoxes(np.asarray(boxes, np.float32).reshape(-1, 4), tuple(labels))


def samples(
    dataset: KitDataset, root: Path, limit: int | None = None
) -> Iterator[tuple[str, npt.NDArray[np.uint8], LabelledBoxes]]:
    """(image name, BGR image, truths) in file-name order, at most `limit` images."""
    images = sorted(p for p in dataset.folder(root).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    for path in images[:limit]:
        image: npt.NDArray[np.uint8] | None = cv2.imread(str(path))  # type: ignore[assignment]  # not PIL
        if image is None:
            raise ValueError(f"{path}: cannot decode image")
        truth = read_labels(
            root / "datasets" / dataset.labels / f"{path.stem}.txt", image.shape[1], image.shape[0], dataset.class_map
        )
        yield path.name, image, truth
