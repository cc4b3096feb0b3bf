"""Local capture devices (`device:N`) through OpenCV; stamped with the wall clock at capture."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import cv2
import numpy as np

from domain.types import Frame
from ingest.readers.base import FrameReader, ReaderStats, SourceError, StallError
from ingest.readers.pyav_reader import Clock, ReaderOptions, wall_clock
from ingest.sampling import RateSampler


def device_index(url: str) -> int:
    parts = urlsplit(url)
    return int(parts.path or parts.netloc)


class DeviceReader(FrameReader):
    def __init__(self, source_id: str, url: str, options: ReaderOptions, *, clock: Clock = wall_clock):
        self.source_id = source_id
        self.index = device_index(url)
        self.options = options
        self.stats = ReaderStats()
        self._clock = clock
        self._capture: cv2.VideoCapture | None = None

    def __iter__(self) -> Iterator[Frame]:
        capture = self._capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            self.close()
            raise SourceError(f"local video device {self.index} cannot be opened")
        sampler = RateSampler(self.options.analysis_fps)
        try:
            while True:
                ok, image = capture.read()
                if not ok or image is None:
                    raise StallError(f"local video device {self.index} stopped delivering frames")
                self.stats.frames_decoded += 1
                captured_at = self._clock()
                if not sampler.take(captured_at):
                    continue
                self.stats.frames_sampled += 1
                yield Frame(
                    self.source_id, self.stats.frames_decoded - 1, captured_at, np.asarray(image, np.uint8)
                )
        finally:
            self.close()

    def close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()
