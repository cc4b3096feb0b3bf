"""Per-camera ring buffer of recent sampled frames, for pre-event photos and clips.

Bounded by seconds of capture time and by bytes. A frame the reader kept as the camera sent it (a
keyframe's packets, `Frame.encoded`) is stored as those bytes: nothing is encoded. Otherwise, with
`jpeg_quality` set, frames are stored JPEG-compressed (about 20x smaller). Stored frames are decoded
again when asked for; `clip` hands them on still compressed, so a camera confirming a violation does
not spend its time decoding the clip's frames.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import ClipFrame, EncodedFrame, Frame
from evidence.clip import FrameDecoders


@dataclass(frozen=True, eq=False)
class _Stored:
    frame: Frame  # image replaced by a 1x1 placeholder when `encoded` holds the pixels
    encoded: EncodedFrame | None
    nbytes: int


_PLACEHOLDER = np.zeros((1, 1, 3), np.uint8)


class FrameRing:
    def __init__(
        self, *, max_seconds: float = 30.0, max_bytes: int = 64 * 1024 * 1024, jpeg_quality: int | None = 90
    ):
        if max_seconds <= 0 or max_bytes <= 0:
            raise ValueError("ring buffer bounds must be positive")
        if jpeg_quality is not None and not 1 <= jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be 1..100 or None, got {jpeg_quality}")
        self.max_age = timedelta(seconds=max_seconds)
        self.max_bytes = max_bytes
        self.jpeg_quality = jpeg_quality
        self._items: deque[_Stored] = deque()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def push(self, frame: Frame) -> None:
        if self._items and frame.captured_at < self._items[-1].frame.captured_at:
            self.clear()  # the source restarted with an earlier clock (a file replayed): start afresh
        self._items.append(self._store(frame))
        self.nbytes += self._items[-1].nbytes
        newest = frame.captured_at
        while len(self._items) > 1 and (
            newest - self._items[0].frame.captured_at > self.max_age or self.nbytes > self.max_bytes
        ):
            self.nbytes -= self._items.popleft().nbytes

    def clear(self) -> None:
        self._items.clear()
        self.nbytes = 0

    def between(self, start: datetime, end: datetime) -> tuple[Frame, ...]:
        """Frames captured in [start, end], oldest first."""
        return tuple(self._load(s) for s in self._items if start <= s.frame.captured_at <= end)

    def last(self, seconds: float, until: datetime | None = None) -> tuple[Frame, ...]:
        """Frames of the `seconds` before `until` (default: the newest frame), oldest first."""
        if not self._items:
            return ()
        end = until or self._items[-1].frame.captured_at
        return self.between(end - timedelta(seconds=seconds), end)

    def clip(self, seconds: float, until: datetime | None = None) -> tuple[ClipFrame, ...]:
        """As `last`, but frames kept compressed (a JPEG, a keyframe's packets) come as `EncodedFrame`s, not decoded."""
        if not self._items:
            return ()
        end = until or self._items[-1].frame.captured_at
        start = end - timedelta(seconds=seconds)
        return tuple(self._as_clip(s) for s in self._items if start <= s.frame.captured_at <= end)

    def _store(self, frame: Frame) -> _Stored:
        if frame.encoded is not None:
            bare = dataclasses.replace(frame, image=_PLACEHOLDER, encoded=None)
            return _Stored(bare, frame.encoded, len(frame.encoded.data))
        if self.jpeg_quality is None:
            return _Stored(frame, None, frame.image.nbytes)
        ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not ok:
            raise ValueError(f"cannot JPEG-encode frame {frame.index} of {frame.source_id}")
        data = buf.tobytes()
        f = frame
        jpeg = EncodedFrame(f.source_id, f.index, f.captured_at, data, f.width, f.height, f.pts_seconds, f.keyframe)
        return _Stored(dataclasses.replace(frame, image=_PLACEHOLDER), jpeg, len(data))

    @staticmethod
    def _as_clip(stored: _Stored) -> ClipFrame:
        return stored.encoded or stored.frame

    @staticmethod
    def _load(stored: _Stored) -> Frame:
        if stored.encoded is None:
            return stored.frame
        image = decode_picture(stored.encoded)
        return dataclasses.replace(stored.frame, image=image)


def decode_picture(frame: EncodedFrame) -> npt.NDArray[np.uint8]:
    """The BGR pixels of a frame the ring keeps compressed."""
    if frame.codec == "mjpeg":
        decoded = cv2.imdecode(np.frombuffer(frame.data, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            raise ValueError(f"ring buffer holds an undecodable JPEG for frame {frame.index}")
        return np.asarray(decoded, dtype=np.uint8)
    picture = FrameDecoders().decode(frame)
    return np.asarray(picture.to_ndarray(format="bgr24"), dtype=np.uint8)
