"""Build street-v2's real training images (licensed sources only) as a YOLO folder.

Sources, each with a licence that allows training (see vision/models/DATA_SOURCES.md):
  - ATL traffic-camera train split (CC BY 4.0), one Roboflow copy per source frame; human labels for
    bus/car -> vehicle, truck -> truck; bike dropped. Frames of the kit's valid split are left out.
  - fire8 train (CC BY 4.0): Fire -> fire, smoke -> smoke; the full-frame "default" tag dropped.
  - CCPD sample (MIT): real roadside cars; plates boxed by the HyperLPR3 detector (Apache-2.0).
Classes the human labels lack (person on ATL; vehicle/truck/person on fire8 and CCPD) are
pseudo-labelled by the kit's COCO YOLOv8n (AGPL-3.0) so that fine-tuning does not learn "a
person is background". 10 % of the images (by a hash of the name) go to a real validation split.

    PYTHONPATH=. YOLO_OFFLINE=1 python scripts/street_v2/prepare_real.py \
        --kit ../shared/realdata --atl-git /work/.mirror/yuskun+object_detected/repo --out var/device/street_real
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from scripts.street_v2.names import NAMES
from vision.plates.hyperlpr import PlateLocator

ID = {n: i for i, n in enumerate(NAMES)}
TEACHER_MAP = {"car": "vehicle", "bus": "vehicle", "truck": "truck", "person": "person"}
# (longest side, JPEG quality) per source: small enough that the set travels to a GPU machine (~30 MB)
STORED = {"atl": (704, 72), "fire8": (480, 70), "ccpd": (704, 72)}
ATL_STEM = re.compile(r"^(?P<stem>.+?)_(?:png|jpg)\.rf\.")


@dataclass
class Sample:
    name: str
    image: np.ndarray
    labels: list[tuple[int, float, float, float, float]]  # class, cx, cy, w, h (normalised)
    source: str
    licence: str
    pseudo: list[str] = field(default_factory=list)  # classes added by a teacher


def read_yolo(text: str) -> list[tuple[int, float, float, float, float]]:
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 5:
            c, *box = parts
            rows.append((int(c), *(float(v) for v in box)))
    return rows  # type: ignore[return-value]


def atl_samples(git_dir: Path, kit: Path) -> Iterator[Sample]:
    held_out = {ATL_STEM.match(p.name)["stem"] for p in (kit / "datasets/atl_traffic_cctv/valid/images").iterdir()}
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", "HEAD", "datasets/car/train/images"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    chosen: dict[str, str] = {}
    for path in sorted(listing):
        match = ATL_STEM.match(Path(path).name)
        if match and match["stem"] not in held_out:
            chosen.setdefault(match["stem"], path)
    atl_names = ["bike", "bus", "car", "truck"]
    for stem, path in sorted(chosen.items()):
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True, capture_output=True
        ).stdout
        label_path = path.replace("/images/", "/labels/").rsplit(".", 1)[0] + ".txt"
        text = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"HEAD:{label_path}"], capture_output=True, text=True
        ).stdout
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        labels = []
        for c, *box in read_yolo(text):
            name = {"bus": "vehicle", "car": "vehicle", "truck": "truck"}.get(atl_names[c])
            if name:
                labels.append((ID[name], *box))
        yield Sample(f"atl_{stem}", image, labels, f"yuskun/object_detected:{path}", "CC BY 4.0")  # type: ignore[arg-type]


def fire8_samples(kit: Path) -> Iterator[Sample]:
    root = kit / "datasets/fire8_fire_smoke/train"
    for image_path in sorted((root / "images").glob("*.jpg")):
        text = (root / "labels" / (image_path.stem + ".txt")).read_text()
        labels = [(ID["fire"] if c == 0 else ID["smoke"], *box) for c, *box in read_yolo(text) if c in (0, 2)]
        yield Sample(
            f"fire8_{image_path.stem[:40]}",
            cv2.imread(str(image_path)),
            labels,
            f"fire8 train/{image_path.name}",
            "CC BY 4.0",
        )  # type: ignore[arg-type]


def ccpd_samples(kit: Path) -> Iterator[Sample]:
    for image_path in sorted((kit / "datasets/ccpd_sample/sample").glob("*/*.jpg")):
        yield Sample(
            f"ccpd_{image_path.parent.name}_{image_path.stem}",
            cv2.imread(str(image_path)),
            [],
            f"detectRecog/CCPD sample/{image_path.parent.name}/{image_path.name}",
            "MIT",
        )


class Teacher:
    """The kit's COCO YOLOv8n INT8 IR through Ultralytics: boxes for vehicle/truck/person."""

    def __init__(self, folder: Path, confidence: float = 0.4) -> None:
        from ultralytics import YOLO

        self.model = YOLO(str(folder), task="detect")
        self.confidence = confidence

    def boxes(self, image: np.ndarray, wanted: set[str]) -> list[tuple[int, float, float, float, float]]:
        result = self.model.predict(image, imgsz=640, conf=self.confidence, verbose=False)[0]
        rows = []
        for cls, xywhn in zip(result.boxes.cls.tolist(), result.boxes.xywhn.tolist(), strict=True):
            name = TEACHER_MAP.get(result.names[int(cls)])
            if name in wanted:
                rows.append((ID[name], *xywhn))
        return rows


def plate_boxes(locator: PlateLocator, image: np.ndarray) -> list[tuple[int, float, float, float, float]]:
    """License-plate labels (normalised centre and size) from the product's HyperLPR3 locator."""
    h, w = image.shape[:2]
    rows = []
    for quad in locator.locate(image.astype(np.uint8)):
        x1, y1, x2, y2 = quad.box
        rows.append((ID["license_plate"], (x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h))
    return rows


def shrink(image: np.ndarray, side: int) -> np.ndarray:
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", type=Path, default=Path("../shared/realdata"))
    parser.add_argument("--atl-git", type=Path, required=True, help="git dir of the yuskun/object_detected snapshot")
    parser.add_argument("--out", type=Path, default=Path("var/device/street_real"))
    parser.add_argument("--val-share", type=float, default=0.1)
    args = parser.parse_args()
    teacher = Teacher(args.kit / "weights/coco_detectors/yolov8n_int8_openvino_model")
    plates = PlateLocator(args.kit / "weights/plates/hyperlpr3/y5fu_640x_sim.onnx", threshold=0.5, iou=0.4)
    index = []
    counts: dict[str, int] = {}
    for sample in [*atl_samples(args.atl_git, args.kit), *fire8_samples(args.kit), *ccpd_samples(args.kit)]:
        if sample.image is None:
            raise ValueError(f"{sample.source} does not decode")
        wanted = {"person"} if sample.name.startswith("atl_") else {"vehicle", "truck", "person"}
        sample.labels += teacher.boxes(sample.image, wanted)
        sample.pseudo = sorted(wanted)
        if sample.name.startswith("ccpd_"):
            sample.labels += plate_boxes(plates, sample.image)
            sample.pseudo.append("license_plate")
        digest = int(hashlib.sha256(sample.name.encode()).hexdigest(), 16)
        split = "val" if (digest % 1000) / 1000 < args.val_share else "train"
        (args.out / split / "images").mkdir(parents=True, exist_ok=True)
        (args.out / split / "labels").mkdir(parents=True, exist_ok=True)
        side, quality = STORED[sample.name.split("_", 1)[0]]
        cv2.imwrite(
            str(args.out / split / "images" / f"{sample.name}.jpg"),
            shrink(sample.image, side),
            [cv2.IMWRITE_JPEG_QUALITY, quality],
        )
        (args.out / split / "labels" / f"{sample.name}.txt").write_text(
            "".join(f"{c} {x:.6f} {y:.6f} {w:.6f} {h:.6f}\n" for c, x, y, w, h in sample.labels)
        )
        index.append(
            {
                "image": f"{split}/images/{sample.name}.jpg",
                "source": sample.source,
                "licence": sample.licence,
                "pseudo_labelled": sample.pseudo,
            }
        )
        for c, *_ in sample.labels:
            counts[NAMES[c]] = counts.get(NAMES[c], 0) + 1
    (args.out / "sources.json").write_text(json.dumps(index, indent=1, ensure_ascii=False))
    print(f"{len(index)} images; boxes per class: {counts}")


if __name__ == "__main__":
    main()
