"""The short clip around the event: H.264 in MP4 via PyAV, timed from the frames' capture timestamps."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from domain.types import Frame

log = logging.getLogger(__name__)
PREFERRED_CODECS = ("libx264", "h264", "mpeg4")  # the PyAV wheel ships libx264; mpeg4 is the fallback


@dataclass(frozen=True)
class ClipInfo:
    codec: str
    fps: float
    frame_count: int
    width: int
    height: int


def pick_codec() -> str:
    for name in PREFERRED_CODECS:
        try:
            av.codec.Codec(name, "w")
        except Exception:  # noqa: BLE001 - PyAV raises several types for a missing encoder
            continue
        if name == "mpeg4":
            log.warning("no H.264 encoder in this PyAV build; clips fall back to MPEG-4 Part 2")
        return name
    raise RuntimeError(f"none of the clip encoders {PREFERRED_CODECS} is available in PyAV")


def encode_clip(frames: tuple[Frame, ...], path: Path, max_width: int = 1280) -> ClipInfo:
    """Write `frames` (in capture order) to an MP4; presentation times follow the capture times."""
    if not frames:
        raise ValueError("encode_clip needs at least one frame")
    codec_name = pick_codec()
    first = frames[0]
    scale = min(1.0, max_width / first.width)
    width = int(first.width * scale) // 2 * 2  # yuv420p needs even sizes
    height = int(first.height * scale) // 2 * 2
    span = (frames[-1].captured_at - first.captured_at).total_seconds()
    fps = (len(frames) - 1) / span if span > 0 and len(frames) > 1 else 5.0
    time_base = Fraction(1, 1000)
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream(codec_name, rate=max(1, round(fps)))
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = time_base
        if codec_name in ("libx264", "h264"):
            stream.options = {"preset": "veryfast", "crf": "23"}
        last_pts = -1
        for frame in frames:
            # one swscale pass scales and converts to the encoder's yuv420p (half the CPU of an OpenCV
            # area resize followed by the conversion)
            video_frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame.image), format="bgr24").reformat(
                width, height, "yuv420p", interpolation="BICUBIC"
            )
            pts = round((frame.captured_at - first.captured_at).total_seconds() * 1000)
            pts = max(pts, last_pts + 1)  # strictly increasing even if two frames share a timestamp
            video_frame.pts, video_frame.time_base, last_pts = pts, time_base, pts
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    codec = "h264" if codec_name in ("libx264", "h264") else codec_name
    return ClipInfo(codec, round(fps, 3), len(frames), width, height)
