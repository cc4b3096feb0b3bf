"""PyAV reader for RTSP, HTTP (MJPEG, HLS) and video files, with a keyframe-only decode mode.

Frames are sampled to the analysis rate *before* colour conversion, so skipped frames cost only
their decode, and pictures that are neither needed by the analysis rate nor referred to by another
picture (most B-frames) are not even decoded. In keyframe mode non-key packets never reach the decoder.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import av
import av.error

from domain.types import EncodedFrame, Frame
from ingest.readers.base import CorruptSourceError, FrameReader, ReaderStats, SourceError, StallError
from ingest.redact import mask_text, mask_url
from ingest.sampling import RateSampler

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LIVE_SCHEMES = ("rtsp", "rtsps", "http", "https")
KEPT_GROUPS = 8  # keyframe mode: packet groups whose picture may still be in the decoder


def wall_clock() -> datetime:
    return datetime.now(UTC)


def file_path(url: str) -> Path:
    """`file:relative/x.mp4`, `file:///abs/x.mp4` or a bare path."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return Path(url)
    return Path(parts.netloc + parts.path) if parts.netloc else Path(parts.path)


@dataclass(frozen=True)
class ReaderOptions:
    analysis_fps: float = 2.0
    decode: Literal["full", "keyframe"] = "full"
    open_timeout_s: float = 10.0
    stall_timeout_s: float = 10.0  # no packet for this long on a live source -> StallError
    rtsp_transport: Literal["tcp", "udp"] = "tcp"
    truncation_tolerance_s: float = 1.0  # a file ending this much before its declared duration is truncated
    # full mode: pictures well before the next one the analysis rate takes, and that no other picture
    # refers to (most B-frames), are dropped by the decoder instead of decoded
    skip_unneeded: bool = True
    # keyframe mode: each frame also carries its keyframe's packets (`Frame.encoded`), which the ring buffer
    # keeps instead of a JPEG it would encode (False: the benches' comparison)
    keep_keyframes: bool = True
    extra_options: dict[str, str] = field(default_factory=dict)


class PyAVReader(FrameReader):
    """One open connection to one source. Live sources are stamped with the wall clock at capture,
    files with `start_time` + presentation time."""

    def __init__(
        self,
        source_id: str,
        url: str,
        options: ReaderOptions,
        *,
        start_time: datetime | None = None,
        clock: Clock = wall_clock,
    ):
        self.source_id = source_id
        self.url = url
        self.options = options
        self.live = urlsplit(url).scheme in LIVE_SCHEMES
        self.stats = ReaderStats()
        self._clock = clock
        self._start_time = start_time
        self._container: Any = None
        self._offsets: deque[float] = deque(maxlen=50)
        self._sampled_pts: float | None = None  # presentation time of the last frame handed out
        self._tag = 0  # keyframe mode: the packet group last handed to the decoder
        self._kept: dict[int, list[Any]] = {}  # its packets and a few before, until their picture comes out
        self._untimed_before = False  # the last group had packets without a timestamp
        self._name = mask_url(url) if self.live else str(file_path(url))

    # -- opening -----------------------------------------------------------------------------------
    def _open(self) -> Any:
        opts = dict(self.options.extra_options)
        if self.live:
            if urlsplit(self.url).scheme.startswith("rtsp"):
                opts.setdefault("rtsp_transport", self.options.rtsp_transport)
            try:
                return av.open(
                    self.url,
                    options=opts,
                    timeout=(self.options.open_timeout_s, self.options.stall_timeout_s),
                )
            # `from None`: PyAV's own message carries the URL with its credentials
            except av.error.ExitError:
                wait = self.options.open_timeout_s
                raise StallError(f"{self._name}: no answer within {wait:g} s") from None
            except (av.error.FFmpegError, OSError) as exc:
                raise SourceError(f"{self._name}: cannot open stream: {mask_text(_reason(exc))}") from None
        path = file_path(self.url)
        if not path.is_file():
            raise CorruptSourceError(f"video file {path} does not exist")
        if path.stat().st_size == 0:
            raise CorruptSourceError(f"video file {path} is empty (0 bytes)")
        try:
            return av.open(str(path), options=opts)
        except (av.error.FFmpegError, OSError) as exc:
            raise CorruptSourceError(
                f"video file {path} cannot be opened as video ({_reason(exc)}): "
                "it is truncated before its index, corrupt, or not a video file"
            ) from exc

    def _file_start_time(self, container: Any) -> datetime:
        if self._start_time is not None:
            return self._start_time.astimezone(UTC)
        created = container.metadata.get("creation_time")
        if created:
            try:
                parsed = datetime.fromisoformat(created.replace("Z", "+00:00"))
                if parsed.tzinfo is not None:
                    return parsed.astimezone(UTC)
            except ValueError:
                pass
        log.warning(
            "camera %s: file %s has no start_time and no creation_time; using the clock now",
            self.source_id,
            self._name,
        )
        return self._clock()

    # -- reading -----------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Frame]:
        container = self._container = self._open()
        try:
            video = next((s for s in container.streams if s.type == "video"), None)
            if video is None:
                if self.live:
                    raise SourceError(f"{self._name}: stream has no video")
                raise self._broken("has no video stream")
            keyframe_only = self.options.decode == "keyframe"
            if keyframe_only:
                video.codec_context.skip_frame = "NONKEY"
                video.codec_context.copy_opaque = True  # a picture carries its packets' tag
            yield from self._frames(container, video, keyframe_only)
        finally:
            self.close()

    def _frames(self, container: Any, video: Any, keyframe_only: bool) -> Iterator[Frame]:
        sampler = RateSampler(self.options.analysis_fps)
        file_start = None if self.live else self._file_start_time(container)
        first_time: float | None = None  # presentation time of the first frame
        packet_span: list[float] = []  # first and last packet time seen by the demuxer (all packets)
        last_time: float | None = None
        rate = float(video.average_rate) if video.average_rate else 0.0
        skips = self.options.skip_unneeded and not keyframe_only and rate > 0
        try:
            for av_frame, received_at, packets in self._decoded(container, video, keyframe_only, packet_span):
                self.stats.frames_decoded += 1
                index = self.stats.frames_decoded - 1
                pts_s = av_frame.time
                if pts_s is not None:
                    if first_time is None:
                        first_time = pts_s
                    last_time = pts_s
                    if skips and first_time is not None:  # dropped pictures keep their numbers
                        index = round((pts_s - first_time) * rate)
                if self.live:
                    captured_at = received_at  # wall clock when the picture's data arrived
                    self._update_clock_offset(container, pts_s, captured_at)
                else:
                    offset = 0.0 if pts_s is None or first_time is None else pts_s - first_time
                    assert file_start is not None
                    captured_at = file_start + timedelta(seconds=offset)
                if not sampler.take(captured_at):
                    continue
                self.stats.frames_sampled += 1
                self._sampled_pts = pts_s
                image = av_frame.to_ndarray(format="bgr24")
                keyframe = bool(av_frame.key_frame)
                encoded = None
                # a keyframe decodes on its own: its packets are the picture
                if keyframe_only and packets and self.options.keep_keyframes:
                    encoded = EncodedFrame(
                        self.source_id, index, captured_at, b"".join(bytes(p) for p in packets),
                        image.shape[1], image.shape[0], pts_s, keyframe, video.codec_context.name,
                        bytes(video.codec_context.extradata or b""),
                    )
                yield Frame(
                    source_id=self.source_id,
                    index=index,
                    captured_at=captured_at,
                    image=image,
                    pts_seconds=pts_s,
                    keyframe=keyframe,
                    encoded=encoded,
                )
        except av.error.ExitError as exc:
            if self.live:
                raise StallError(
                    f"{self._name}: no data for {self.options.stall_timeout_s:g} s (stalled)"
                ) from None
            raise self._broken(f"read was interrupted: {exc}") from exc
        except av.error.EOFError:
            pass
        except (av.error.FFmpegError, OSError) as exc:
            if self.live:
                raise SourceError(f"{self._name}: stream error: {mask_text(_reason(exc))}") from None
            raise self._broken(
                f"is corrupt: undecodable data after {last_time or 0:.2f} s ({_reason(exc)})"
            ) from exc
        if self.live:
            raise SourceError(f"{self._name}: stream ended (server closed the connection)")
        self._check_complete(container, video, packet_span)

    def _packet_groups(
        self, container: Any, video: Any, packet_span: list[float]
    ) -> Iterator[tuple[list[Any], datetime]]:
        """Packets grouped by presentation time, with the wall clock when the first one arrived.
        Cameras that send one picture as several slices (several packets with one pts) must have
        them all decoded before the picture is complete."""
        group: list[Any] = []
        received_at = self._clock()
        for packet in container.demux(video):
            now = self._clock() if self.live else received_at
            if packet.pts is not None and packet.time_base is not None:
                t = float(packet.pts * packet.time_base)
                packet_span[:] = [min(packet_span[0], t), max(packet_span[1], t)] if packet_span else [t, t]
            if group and (packet.pts is None or packet.pts != group[-1].pts):
                yield group, received_at
                group = []
            if not group:
                received_at = now
            group.append(packet)
        if group:
            yield group, received_at

    def _decoded(
        self, container: Any, video: Any, keyframe_only: bool, packet_span: list[float]
    ) -> Iterator[tuple[Any, datetime, list[Any]]]:
        """Complete pictures in presentation order with their arrival time and, in keyframe mode, the
        packets that made them; in keyframe mode only key pictures are decoded, otherwise the decoder
        drops unneeded non-reference pictures."""
        skipping = False
        for group, received_at in self._packet_groups(container, video, packet_span):
            flush = any(p.size == 0 for p in group)
            if keyframe_only and not flush and not any(p.is_keyframe for p in group):
                continue
            if not keyframe_only and self.options.skip_unneeded:
                skip = not flush and not self._needed(group[0], video)
                if skip != skipping:
                    video.codec_context.skip_frame = "NONREF" if skip else "DEFAULT"
                    skipping = skip
            if keyframe_only:  # each picture says which group made it (the decoder may give it out later)
                self._tag += 1
                for packet in group:
                    packet.opaque = self._tag
                # grouped by timestamp, a group is one whole picture; one after packets without a timestamp
                # may finish a picture begun in them
                timed = all(p.pts is not None for p in group if p.size)
                if timed and not self._untimed_before:
                    self._kept[self._tag] = [p for p in group if p.size]
                self._untimed_before = not timed
                while len(self._kept) > KEPT_GROUPS:
                    self._kept.pop(next(iter(self._kept)))
            by_pts: dict[int | None, Any] = {}
            for packet in group:
                for av_frame in packet.decode():
                    by_pts[av_frame.pts] = av_frame  # a later output of the same picture is more complete
            for av_frame in by_pts.values():
                yield av_frame, received_at, self._kept.pop(av_frame.opaque, []) if keyframe_only else []

    def _needed(self, packet: Any, video: Any) -> bool:
        """Whether the picture may be the next one the analysis rate takes: from one and a half frame
        intervals before it is due (the sampler's own slack included), decode everything."""
        if self._sampled_pts is None or packet.pts is None or packet.time_base is None or not video.average_rate:
            return True
        frame_s = 1.0 / float(video.average_rate)
        due = self._sampled_pts + 1.0 / self.options.analysis_fps
        return float(packet.pts * packet.time_base) >= due - 1.5 * frame_s

    def _check_complete(self, container: Any, video: Any, packet_span: list[float]) -> None:
        if self.stats.frames_decoded == 0 or not packet_span:
            raise self._broken("contains no decodable video frames")
        first, last = packet_span
        declared = None
        if video.duration is not None and video.time_base is not None:
            declared = float(video.duration * video.time_base)
        elif container.duration is not None:
            declared = container.duration / 1_000_000
        if declared is None:
            return
        frame_s = 1.0 / float(video.average_rate) if video.average_rate else 0.0
        seen = last - first + frame_s
        if seen + self.options.truncation_tolerance_s < declared:
            raise self._broken(f"is truncated: video data ends at {seen:.2f} s of {declared:.2f} s declared")

    def _update_clock_offset(self, container: Any, pts_s: float | None, received_at: datetime) -> None:
        realtime_us = getattr(container, "start_time_realtime", None)
        if not realtime_us or pts_s is None or realtime_us <= 0:
            return
        camera_time = realtime_us / 1_000_000 + pts_s
        # Transport and decode delay only ever make a frame arrive later, so the frame with the least
        # delay among recent ones gives the best estimate of the clock offset (as NTP does).
        self._offsets.append(camera_time - received_at.timestamp())
        self.stats.clock_offset_s = max(self._offsets)

    def _broken(self, what: str) -> CorruptSourceError:
        return CorruptSourceError(f"video file {self._name} {what}")

    def close(self) -> None:
        container, self._container = self._container, None
        if container is not None:
            try:
                container.close()
            except Exception:  # noqa: BLE001 - closing a broken container must not mask the real error
                log.debug("camera %s: error while closing %s", self.source_id, self._name, exc_info=True)


def _reason(exc: BaseException) -> str:
    """FFmpeg's own words without the errno and the (possibly secret) URL PyAV appends."""
    return str(getattr(exc, "strerror", None) or exc)
