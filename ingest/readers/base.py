"""The one reader interface: an iterator of `Frame`s sampled to the camera's analysis rate."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from domain.types import Frame


class SourceError(Exception):
    """A source failed in a way that may heal (network down, server restarted): reconnect."""


class StallError(SourceError):
    """No frame arrived for longer than the stall timeout."""


class CorruptSourceError(Exception):
    """A source is broken for good (truncated or corrupt file): do not retry; the message names it."""


@dataclass
class ReaderStats:
    """Counters a reader keeps; the worker copies them into health."""

    frames_decoded: int = 0  # every frame the decoder produced (before sampling)
    frames_sampled: int = 0  # frames handed out at the analysis rate
    clock_offset_s: float | None = None  # camera clock minus server clock, where the stream tells it


class FrameReader(ABC):
    """Iterate sampled frames of one source; `close()` releases it. One reader = one connection."""

    stats: ReaderStats

    @abstractmethod
    def __iter__(self) -> Iterator[Frame]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
