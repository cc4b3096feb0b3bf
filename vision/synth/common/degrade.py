"""Image degradations applied after rendering: fog, rain, sensor noise, motion blur, JPEG.

Each takes a BGR uint8 image and returns a new one; randomness comes from the caller's generator.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]


def fog(image: Image, density: npt.NDArray[np.float32], colour: tuple[int, int, int]) -> Image:
    """Blend towards `colour` by a per-pixel density in [0, 1] (e.g. from a depth map)."""
    a = np.clip(density, 0.0, 1.0)[..., None]
    out = image.astype(np.float32) * (1.0 - a) + np.asarray(colour, np.float32) * a
    return np.clip(out, 0, 255).astype(np.uint8)


def rain(image: Image, rng: np.random.Generator, amount: float, angle_deg: float = 10.0) -> Image:
    """Streaks of light rain over the image and a slight darkening; amount in [0, 1]."""
    h, w = image.shape[:2]
    layer = np.zeros((h, w), np.float32)
    n = int(amount * h * w / 600)
    xs = rng.integers(0, w, n)
    ys = rng.integers(0, h, n)
    length = max(6, h // 40)
    dx = int(np.sin(np.radians(angle_deg)) * length)
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        cv2.line(layer, (x, y), (x + dx, y + length), 1.0, 1)
    layer = cv2.GaussianBlur(layer, (3, 3), 0) * (60 + 80 * amount)
    out = image.astype(np.float32) * (1.0 - 0.15 * amount) + layer[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def sensor_noise(image: Image, rng: np.random.Generator, sigma: float) -> Image:
    """Additive Gaussian noise with standard deviation `sigma` (grey levels)."""
    if sigma <= 0:
        return image
    noise = rng.standard_normal(image.shape, dtype=np.float32) * np.float32(sigma)
    return np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def motion_blur(image: Image, length: int, angle_deg: float) -> Image:
    """Linear motion blur over `length` pixels in direction `angle_deg`; length < 2 is a no-op."""
    if length < 2:
        return image
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2.0
    dx, dy = np.cos(np.radians(angle_deg)) * c, np.sin(np.radians(angle_deg)) * c
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
    k /= max(k.sum(), 1e-6)
    return np.asarray(cv2.filter2D(image, -1, k), np.uint8)


def jpeg(image: Image, quality: int) -> Image:
    """Round-trip through JPEG at `quality` (1-100)."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return np.asarray(decoded, np.uint8)


def glow(image: Image, points: list[tuple[int, int, float, tuple[int, int, int]]]) -> Image:
    """Additive light glows: (x, y, radius_px, BGR colour) each, e.g. headlights and street lights."""
    if not points:
        return image
    h, w = image.shape[:2]
    layer = np.zeros((h, w, 3), np.float32)
    for x, y, radius, colour in points:
        r = max(1.0, radius)
        x0, x1 = int(max(0, x - 3 * r)), int(min(w, x + 3 * r + 1))
        y0, y1 = int(max(0, y - 3 * r)), int(min(h, y + 3 * r + 1))
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        g = np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * r * r))
        layer[y0:y1, x0:x1] += g[..., None] * np.asarray(colour, np.float32)
    return np.clip(image.astype(np.float32) + layer, 0, 255).astype(np.uint8)
