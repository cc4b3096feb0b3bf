"""Write small H.264 clips with known content (tests, benchmarks, demos).

The scene is a smooth textured background, a grey box sliding across it (motion) and, during the
given intervals, a bright white square (an easy thing for a test analyzer to find).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt


def background(width: int, height: int, seed: int = 7) -> npt.NDArray[np.uint8]:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(40, 150, size=(height // 16 + 2, width // 16 + 2, 3)).astype(np.float32)
    ys = np.linspace(0, coarse.shape[0] - 1.001, height)
    xs = np.linspace(0, coarse.shape[1] - 1.001, width)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    top = coarse[y0][:, x0] * (1 - fx) + coarse[y0][:, x0 + 1] * fx
    bottom = coarse[y0 + 1][:, x0] * (1 - fx) + coarse[y0 + 1][:, x0 + 1] * fx
    return np.clip(top * (1 - fy) + bottom * fy, 0, 255).astype(np.uint8)


def scene_frame(
    base: npt.NDArray[np.uint8],
    t: float,
    *,
    bright: bool,
    moving: bool = True,
    noise: npt.NDArray[np.int16] | None = None,
) -> npt.NDArray[np.uint8]:
    """The picture at time t (seconds)."""
    img = base.copy()
    h, w = img.shape[:2]
    if moving:
        size = max(4, h // 6)
        x = int((t * w / 4) % max(1, w - size))
        y = h // 2
        img[y : y + size, x : x + size] = (20, 20, 20)
    if bright:
        size = max(4, h // 5)
        img[h // 8 : h // 8 + size, w - size - w // 8 : w - w // 8] = 255
    if noise is not None:  # sensor-like noise makes the encoder/decoder work like on real footage
        img = np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return img


def write_clip(
    path: Path,
    *,
    seconds: float = 4.0,
    fps: int = 10,
    width: int = 320,
    height: int = 240,
    gop: int | None = None,
    bright_intervals: Sequence[tuple[float, float]] = (),
    moving: bool = True,
    noise: int = 0,
    bitrate: int | None = None,
    preset: str = "ultrafast",
    faststart: bool = False,
) -> Path:
    """Encode a clip; `gop` frames between keyframes (default: one keyframe per second)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    base = background(width, height)
    rng = np.random.default_rng(3)
    noise_bank = (
        [rng.integers(-noise, noise + 1, size=base.shape, dtype=np.int16) for _ in range(4)] if noise else []
    )
    options = {"preset": preset, "tune": "zerolatency"}
    container_options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", container_options=container_options) as out:
        stream = out.add_stream("libx264", rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = gop or fps
        stream.codec_context.options = {**options, "keyint_min": str(gop or fps), "sc_threshold": "0"}
        if bitrate:
            stream.codec_context.bit_rate = bitrate
        stream.time_base = Fraction(1, fps)
        for i in range(round(seconds * fps)):
            t = i / fps
            bright = any(a <= t < b for a, b in bright_intervals)
            img = scene_frame(
                base, t, bright=bright, moving=moving, noise=noise_bank[i % 4] if noise else None
            )
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
