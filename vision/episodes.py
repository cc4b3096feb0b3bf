"""Episodes that outlive a process: what a rule needs to know at start so a restart, a crashed
worker or a second process never opens a second case for a stay that already has one.

A rule reports a `KnownEpisode` for every stay it has reported (a case exists); the analyzer keeps
the journal's `last_seen_at` fresh while the vehicle stays and ends the episode when it leaves. At
start the analyzer hands each rule the open episodes of its zones; a vehicle found again at the same
place, proved the same by plate or appearance, continues its old episode instead of opening one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from vision.identity import Appearance

NormBox = tuple[float, float, float, float]  # x1, y1, x2, y2 in normalised [0, 1] image coordinates


@dataclass(frozen=True)
class KnownEpisode:
    key: str
    source_id: str
    zone_name: str
    violation_type: str
    box: NormBox
    appearance: Appearance | None
    plate_text: str | None  # confident readings only
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class EpisodeSighting:
    """A reported episode still in view at `seen_at` (or, for `ended`, last seen then)."""

    key: str
    seen_at: datetime


class EpisodeJournal(Protocol):
    """Where open episodes live between processes (the database in the product)."""

    def open_episodes(self, source_id: str) -> Sequence[KnownEpisode]: ...

    def seen(self, sightings: Sequence[EpisodeSighting]) -> None: ...

    def ended(self, sightings: Sequence[EpisodeSighting]) -> None: ...


@runtime_checkable
class EpisodeAware(Protocol):
    """A rule whose reported episodes can be resumed after a restart."""

    def resume(self, episodes: Sequence[KnownEpisode]) -> None: ...

    def sightings(self) -> list[EpisodeSighting]: ...

    def take_ended(self) -> list[EpisodeSighting]: ...


def norm_iou(a: NormBox, b: NormBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0.0) * max(h, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
