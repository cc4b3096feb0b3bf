"""Flight video + SRT: check they belong together, decode only the frames that are asked for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import av
import numpy as np

from domain.types import Frame
from ingest.drone.errors import FootageError
from ingest.drone.srt import parse_srt
from vision.change.frames import GeoFrame, TelemetryRecord


def probe_video(path: Path) -> tuple[int, int, float, int]:
    """(width, height, fps, frame count) or FootageError naming the file."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise FootageError(str(path), "no video stream")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            count = stream.frames or 0
            if count == 0 and stream.duration and stream.time_base:
                count = int(round(float(stream.duration * stream.time_base) * fps))
            return stream.codec_context.width, stream.codec_context.height, fps, count
    except av.error.FFmpegError as exc:
        raise FootageError(
            str(path), f"not a readable video ({exc.strerror or type(exc).__name__})"
        ) from None


class FlightVideo:
    """One flight video with its SRT; telemetry is read and checked on construction."""

    def __init__(self, video: Path, srt: Path, source_id: str):
        self.video, self.srt, self.source_id = video, srt, source_id
        self.width, self.height, self.fps, count = probe_video(video)
        self.telemetry: list[TelemetryRecord] = parse_srt(srt)
        if count and abs(count - len(self.telemetry)) > max(2, 0.02 * count):
            raise FootageError(
                str(srt),
                f"{len(self.telemetry)} telemetry records for {count} video frames in {video.name} "
                "(wrong SRT for this video, or one of them is truncated)",
            )

    def frames(self, indices: Iterable[int]) -> Iterator[GeoFrame]:
        """Decode the video once, converting only the wanted frames to pixels."""
        wanted = sorted(set(indices))
        if not wanted:
            return
        by_index = {r.index: r for r in self.telemetry}
        next_i = 0
        try:
            with av.open(str(self.video)) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                for n, vf in enumerate(container.decode(stream)):
                    if n != wanted[next_i]:
                        continue
                    rec = by_index.get(n)
                    if rec is None:
                        raise FootageError(str(self.srt), f"no telemetry for video frame {n + 1}")
                    image = np.asarray(vf.to_ndarray(format="bgr24"), np.uint8)
                    frame = Frame(
                        self.source_id,
                        n,
                        rec.captured_at,
                        image,
                        pts_seconds=rec.time_s,
                        keyframe=bool(vf.key_frame),
                    )
                    yield GeoFrame(frame, rec, self.video.name)
                    next_i += 1
                    if next_i == len(wanted):
                        return
        except av.error.FFmpegError as exc:
            raise FootageError(
                str(self.video),
                f"video is corrupt or truncated after frame {next_i} ({exc.strerror or type(exc).__name__})",
            ) from None
        if next_i < len(wanted):
            raise FootageError(
                str(self.video), f"video ended before frame {wanted[next_i] + 1} (truncated video?)"
            )
