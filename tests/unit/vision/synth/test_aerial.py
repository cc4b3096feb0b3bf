"""The aerial generator: deterministic by seed, labels on the rendered structures, telemetry round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from vision.geometry.camera import Intrinsics, Pose
from vision.synth.aerial.dataset import build_dataset, structure_boxes
from vision.synth.aerial.layout import generate_layout
from vision.synth.aerial.render import Lighting, SiteState, WorldRaster


def test_same_seed_gives_same_image_bytes(tmp_path: Path) -> None:
    a = build_dataset(tmp_path / "a", {"val": 1}, views=2)
    b = build_dataset(tmp_path / "b", {"val": 1}, views=2)
    files_a = sorted((a.parent / "val" / "images").iterdir())
    assert len(files_a) == 2
    for fa in files_a:
        fb = b.parent / "val" / "images" / fa.name
        assert fa.read_bytes() == fb.read_bytes()
        label = (a.parent / "val" / "labels" / f"{fa.stem}.txt").read_text()
        assert label == (b.parent / "val" / "labels" / f"{fa.stem}.txt").read_text()
        for line in label.splitlines():
            cls, *xywh = line.split()
            assert cls == "0"
            x, y, w, h = map(float, xywh)
            assert (
                -1e-4 <= x - w / 2 and x + w / 2 <= 1 + 1e-4 and -1e-4 <= y - h / 2 and y + h / 2 <= 1 + 1e-4
            )


def test_labels_land_on_the_rendered_structures() -> None:
    layout = generate_layout(11, size_m=100.0, survey_margin_m=10.0)
    structures = layout.candidates[:4]
    assert structures
    light = Lighting()
    with_s = WorldRaster(layout, SiteState(structures, light), res=0.1)
    without = WorldRaster(layout, SiteState((), light), res=0.1)
    intr = Intrinsics.from_hfov(640, 360, 70.0)
    for s in structures:
        pose = Pose(s.rect.e + 3.0, s.rect.n - 2.0, 60.0, 25.0, -88.0)
        diff = cv2.absdiff(with_s.photograph(intr, pose), without.photograph(intr, pose)).max(axis=2) > 25
        boxes = structure_boxes(structures, intr, pose)
        assert s.sid in {b.sid for b in boxes}
        inside = np.zeros_like(diff)
        for b in boxes:
            x1, y1, x2, y2 = (int(round(v)) for v in b.box)
            inside[y1:y2, x1:x2] = True
            assert diff[y1:y2, x1:x2].mean() > 0.3  # the box is mostly the structure
        # Structure pixels outside every box are only anti-aliased edges and the short shadow.
        assert diff[~inside].sum() < 0.5 * diff[inside].sum()


def test_structures_absent_from_a_state_are_not_labelled() -> None:
    layout = generate_layout(12, size_m=100.0, survey_margin_m=10.0)
    s = layout.candidates[0]
    intr = Intrinsics.from_hfov(640, 360, 70.0)
    pose = Pose(s.rect.e, s.rect.n, 60.0, 0.0)
    assert structure_boxes([s], intr, pose)
    assert not structure_boxes([replace(s, rect=replace(s.rect, e=s.rect.e + 500))], intr, pose)
