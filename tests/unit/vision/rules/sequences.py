"""Synthetic frame + detection sequences for rule tests (1280x720, times from a local base)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from vision.rules.common import Rule
from vision.types import Detections, Frame, Violation

TZ = ZoneInfo("Asia/Shanghai")
WIDTH, HEIGHT = 1280, 720
_IMAGE = np.zeros((HEIGHT, WIDTH, 3), np.uint8)  # rules never read pixels; one shared image


@dataclass(frozen=True)
class Obj:
    label: str
    box: tuple[float, float, float, float]
    track_id: int = -1
    score: float = 0.9


def at(hhmm: str, seconds: float = 0.0) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(2026, 5, 1, hour, minute, tzinfo=TZ) + timedelta(seconds=seconds)


def detections(objects: Iterable[Obj]) -> Detections:
    objects = list(objects)
    return Detections(
        boxes=np.array([o.box for o in objects], np.float32).reshape(-1, 4),
        scores=np.array([o.score for o in objects], np.float32),
        labels=tuple(o.label for o in objects),
        track_ids=np.array([o.track_id for o in objects], np.int64),
    )


def run(
    rule: Rule, start: datetime, seconds: float, scene: Callable[[float], Iterable[Obj]], fps: float = 2.0
) -> list[Violation]:
    """Feed the rule frames at `fps` from `start` up to and including `start + seconds`."""
    violations: list[Violation] = []
    steps = int(round(seconds * fps))
    for index in range(steps + 1):
        t = index / fps
        frame = Frame("cam-1", index, start + timedelta(seconds=t), _IMAGE)
        violations += rule.update(frame, detections(scene(t)))
    return violations


def shift(box: tuple[float, float, float, float], dx: float = 0.0, dy: float = 0.0) -> tuple[float, ...]:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
