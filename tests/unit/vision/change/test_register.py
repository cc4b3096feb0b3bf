"""Registration recovers a known homography and refuses frames that show different ground."""

from __future__ import annotations

import cv2
import numpy as np

from vision.change.register import Registrar
from vision.geometry.camera import Intrinsics, Pose, apply_h
from vision.synth.aerial.layout import generate_layout
from vision.synth.aerial.render import Lighting, SiteState, WorldRaster, camera_effects


def _view(seed: int = 5) -> np.ndarray:
    layout = generate_layout(seed, size_m=100.0, survey_margin_m=10.0)
    world = WorldRaster(layout, SiteState(layout.candidates[:3], Lighting()), res=0.05)
    roof = layout.buildings[0].roof  # look at a roof corner: buildings, roads and ground in view
    corner = roof.corners()[2]
    return world.photograph(Intrinsics.from_hfov(800, 450, 70.0), Pose(corner[0], corner[1], 35.0, 30.0))


def test_recovers_known_homography() -> None:
    base = _view()
    h, w = base.shape[:2]
    angle, scale = np.radians(12.0), 1.08
    known = np.array(
        [
            [scale * np.cos(angle), -scale * np.sin(angle), 30.0],
            [scale * np.sin(angle), scale * np.cos(angle), -20.0],
            [2e-5, -1e-5, 1.0],
        ]
    )
    # `moved` is `base` seen through `known`: a base pixel p lands at known @ p in moved.
    moved = cv2.warpPerspective(base, known, (w, h))
    moved = camera_effects(cv2.convertScaleAbs(moved, alpha=0.85, beta=10), np.random.default_rng(0), 2.0)
    reg = Registrar().register(moved, base)
    assert reg.ok, reg.reason
    assert reg.homography is not None and reg.quality > 0.3
    probe = [(200, 150), (600, 150), (600, 350), (200, 350), (400, 225)]
    expected = apply_h(np.linalg.inv(known), apply_h(known, probe))
    got = apply_h(reg.homography, apply_h(known, probe))
    assert np.abs(got - expected).max() < 1.5


def test_unrelated_ground_is_reported_with_a_reason() -> None:
    rng = np.random.default_rng(1)
    noise = (rng.random((450, 800, 3)) * 255).astype(np.uint8)
    reg = Registrar().register(noise, _view())
    assert not reg.ok and reg.homography is None
    assert reg.reason  # e.g. "only 7 feature matches (need 25) ..."
