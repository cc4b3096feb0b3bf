"""An animated, semi-transparent smoke plume rising from a grill (a chain of soft blobs)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from vision.synth.common.rng import make_rng

SMOKE_LABEL_ALPHA = 0.15  # the labelled smoke box covers pixels at least this opaque


def plume_alpha(
    shape: tuple[int, int],
    origin: tuple[float, float],
    px_per_m: float,
    t: float,
    seed: int,
    wind: float,
    height_m: float = 3.0,
    density: float = 0.85,
) -> npt.NDArray[np.float32]:
    """Opacity in [0, 1] over an image of `shape` for a plume rising from pixel `origin` at time `t` (s)."""
    h, w = shape
    alpha = np.zeros((h, w), np.float32)
    rng = make_rng(seed, "smoke")
    n = 22
    phases = rng.uniform(0, 1, n)
    wobble = rng.uniform(0, 2 * np.pi, n)
    rate = 0.35  # plume cycles per second
    ox, oy = origin
    for i in range(n):
        a = float((phases[i] + i / n + t * rate) % 1.0)
        rise = a * height_m
        x = ox + (wind * rise + 0.15 * np.sin(wobble[i] + t * 1.7 + a * 5)) * px_per_m
        y = oy - rise * px_per_m
        r = (0.14 + 0.45 * a) * px_per_m
        op = density * (1 - a) ** 1.3 * min(1.0, a * 10 + 0.2)
        r_i = int(3 * r) + 1
        x0, x1, y0, y1 = int(x) - r_i, int(x) + r_i + 1, int(y) - r_i, int(y) + r_i + 1
        cx0, cx1, cy0, cy1 = max(x0, 0), min(x1, w), max(y0, 0), min(y1, h)
        if cx0 >= cx1 or cy0 >= cy1 or r < 0.5:
            continue
        yy, xx = np.mgrid[cy0:cy1, cx0:cx1].astype(np.float32)
        g = op * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * r * r))
        region = alpha[cy0:cy1, cx0:cx1]
        region[:] = 1 - (1 - region) * (1 - g)
    return alpha


def composite(
    image: npt.NDArray[np.uint8], alpha: npt.NDArray[np.float32], colour: tuple[int, int, int]
) -> npt.NDArray[np.uint8]:
    a = cv2.GaussianBlur(alpha, (0, 0), 1.0)[..., None]
    out = image.astype(np.float32) * (1 - a) + np.asarray(colour, np.float32) * a
    return np.clip(out, 0, 255).astype(np.uint8)


def alpha_box(
    alpha: npt.NDArray[np.float32], threshold: float = SMOKE_LABEL_ALPHA
) -> tuple[float, float, float, float] | None:
    ys, xs = np.nonzero(alpha >= threshold)
    if len(xs) == 0:
        return None
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)
