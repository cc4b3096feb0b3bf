"""Small real footage files for upload tests (encoded here, so every byte is a decodable video)."""

from __future__ import annotations

import tempfile
from pathlib import Path


def tiny_mp4(frames: int = 12, width: int = 112, height: int = 84, seed: int = 0) -> bytes:
    """An H.264 MP4 with its index first (faststart), noisy enough to be tens of kilobytes."""
    import av
    import numpy as np

    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.mp4"
        with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
            stream = container.add_stream("libx264", rate=12, options={"g": "6"})
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for _ in range(frames):
                pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
                container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
            container.mux(stream.encode(None))
        return path.read_bytes()
