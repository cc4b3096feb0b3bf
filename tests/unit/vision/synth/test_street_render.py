"""Street scenes: labels sit on what was drawn, plates carry their label's text, seeds reproduce bytes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from vision.synth.common.yolo import SplitSpec, check_disjoint
from vision.synth.street import CLASS_NAMES
from vision.synth.street.actors import Car
from vision.synth.street.dataset import build_street_dataset, default_splits, render_sample
from vision.synth.street.plates import Plate, random_plate, render_plate
from vision.synth.street.scene import Conditions, StreetScene, render, sample_scene

CLEAN = Conditions(noise_sigma=0.0, jpeg_quality=None)


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_same_seed_same_bytes_other_seed_differs() -> None:
    a, labels_a = render_sample(11)
    b, labels_b = render_sample(11)
    c, _ = render_sample(12)
    assert a.tobytes() == b.tobytes()
    assert labels_a == labels_b
    assert a.tobytes() != c.tobytes()


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_boxes_inside_image_with_valid_classes(seed: int) -> None:
    image, labels = render_sample(seed)
    h, w = image.shape[:2]
    assert labels, "a training image without any labelled thing"
    for lab in labels:
        x1, y1, x2, y2 = lab.box
        assert 0 <= lab.class_id < len(CLASS_NAMES)
        assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h


def test_each_box_covers_the_pixels_its_object_changes() -> None:
    """Remove one object at a time: the pixels that change must fill that object's labelled box."""
    checked = 0
    for seed in range(40):
        scene = replace(sample_scene(seed), conditions=CLEAN)
        scene = replace(scene, layout=replace(scene.layout, time_of_day="day"))
        full = render(scene, frame_seed=seed)
        for i, car in enumerate(scene.cars):
            without = render(replace(scene, cars=scene.cars[:i] + scene.cars[i + 1 :]), frame_seed=seed)
            diff = np.any(full.image != without.image, axis=2)
            if diff.sum() < 400:
                continue
            ys, xs = np.nonzero(diff)
            changed = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
            boxes = [b.box for b in full.boxes if b.label == "vehicle"]
            best = max((iou(changed, b) for b in boxes), default=0.0)
            occluded_by_others = len([b for b in without.boxes if b.label == "vehicle"]) != len(boxes) - 1
            if not occluded_by_others:
                assert best > 0.8, (
                    f"seed {seed} car {i} ({car.body}): changed pixels {changed}, best IoU {best:.2f}"
                )
                checked += 1
        if checked >= 5:
            break
    assert checked >= 5


def test_plate_label_text_is_what_is_rendered() -> None:
    from rapidocr_onnxruntime import RapidOCR

    from vision.plates.ocr import plate_view
    from vision.synth.street.plate_ocr import read_plate

    ocr = RapidOCR()
    base = sample_scene(3, 1920, 1080)  # evidence resolution; the plate is about 90 px wide
    layout = replace(
        base.layout,
        time_of_day="day",
        camera=replace(base.layout.camera, x=0.0, yaw_deg=0.0, tilt_deg=11.0, mount_height=4.0),
    )
    rng = np.random.default_rng(5)
    for kind in ("blue", "green", "yellow"):
        plate = random_plate(rng, kind)
        car = Car(0.5, 8.0, 175.0, "sedan", (200, 200, 200), plate)
        result = render(StreetScene(layout, cars=(car,), conditions=CLEAN), frame_seed=1)
        plates = [b for b in result.boxes if b.label == "license_plate"]
        assert len(plates) == 1 and plates[0].text == plate.text
        assert read_plate(ocr, plate_view(result.image, plates[0].box)) == plate.text


def test_plate_formats() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        assert len(random_plate(rng, "blue").text) == 7
        assert len(random_plate(rng, "yellow").text) == 7
        green = random_plate(rng, "green").text
        assert len(green) == 8 and green[2] in "DF"
    assert render_plate(Plate("浙A12345", "blue")).shape == (70, 220, 3)


def test_splits_are_disjoint_and_overlap_is_refused() -> None:
    check_disjoint(default_splits(5_000_000, 5_000_000, 5_000_000))
    with pytest.raises(ValueError, match="overlap"):
        check_disjoint([SplitSpec("train", 0, 10), SplitSpec("test", 5, 10)])


def test_dataset_writer(tmp_path: Path) -> None:
    import yaml

    data = build_street_dataset(tmp_path, 2, 1, 1)
    meta = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert list(meta["names"].values()) == list(CLASS_NAMES)
    for split, n in (("train", 2), ("val", 1), ("test", 1)):
        images = sorted((tmp_path / "images" / split).glob("*.jpg"))
        labels = sorted((tmp_path / "labels" / split).glob("*.txt"))
        assert len(images) == len(labels) == n
        for path in labels:
            for line in path.read_text().splitlines():
                cls, *vals = line.split()
                assert 0 <= int(cls) < len(CLASS_NAMES)
                assert all(0.0 <= float(v) <= 1.0 for v in vals)
