"""Synthetic frame + detection sequences for rule tests (1280x720, times from a local base).

Every object is painted on the frame with its `look` (body colour, window band, stripe), so rules that
judge identity by appearance see what the detections say: two objects with the same look are
look-alikes, a `detected=False` object is in the picture but missed by the detector, a `painted=False`
one is a detection of part of an object painted in full (the part of a vehicle the detector still sees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from domain.types import Detections, Frame, Violation
from vision.rules.common import Rule

TZ = ZoneInfo("Asia/Shanghai")
WIDTH, HEIGHT = 1280, 720
_ROAD = np.random.default_rng(7).integers(70, 100, (HEIGHT, WIDTH, 1), dtype=np.uint8).repeat(3, axis=2)
LOOKS = (  # body BGR, stripe BGR, window band top and bottom (share of the box height)
    ((40, 40, 170), (200, 200, 200), 0.15, 0.45),  # 0 red sedan
    ((235, 235, 235), (30, 30, 30), 0.10, 0.40),  # 1 white SUV
    ((150, 80, 20), (20, 160, 230), 0.25, 0.50),  # 2 blue van
    ((30, 30, 30), (40, 200, 40), 0.20, 0.35),  # 3 black hatchback
)


@dataclass(frozen=True)
class Obj:
    label: str
    box: tuple[float, float, float, float]
    track_id: int = -1
    score: float = 0.9
    look: int = 0  # index into LOOKS
    detected: bool = True  # False: painted, but the detector missed it
    colour: tuple[int, int, int] | None = None  # BGR body colour in place of the look's
    painted: bool = True  # False: a detection of something painted as another object (a partly hidden vehicle)


def paint(objects: Iterable[Obj]) -> np.ndarray:
    """The frame: road texture, then each object in order (later ones in front)."""
    image = _ROAD.copy()
    for o in objects:
        if not o.painted:
            continue
        body, stripe, top, bottom = LOOKS[o.look]
        body = o.colour or body
        x1, y1, x2, y2 = (int(round(v)) for v in o.box)
        x1, y1, x2, y2 = max(x1, 0), max(y1, 0), min(x2, WIDTH), min(y2, HEIGHT)
        if x2 - x1 < 2 or y2 - y1 < 2:
            continue
        h = y2 - y1
        image[y1:y2, x1:x2] = body
        image[y1 + int(h * top) : y1 + int(h * bottom), x1 + (x2 - x1) // 8 : x2 - (x2 - x1) // 8] = (25, 25, 25)
        image[y1 + int(h * 0.6) : y1 + int(h * 0.7), x1:x2] = stripe
    return image


def at(hhmm: str, seconds: float = 0.0) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(2026, 5, 1, hour, minute, tzinfo=TZ) + timedelta(seconds=seconds)


def detections(objects: Iterable[Obj]) -> Detections:
    objects = [o for o in objects if o.detected]
    return Detections(
        boxes=np.array([o.box for o in objects], np.float32).reshape(-1, 4),
        scores=np.array([o.score for o in objects], np.float32),
        labels=tuple(o.label for o in objects),
        track_ids=np.array([o.track_id for o in objects], np.int64),
    )


def run(
    rule: Rule,
    start: datetime,
    seconds: float,
    scene: Callable[[float], Iterable[Obj]],
    fps: float = 2.0,
    view: tuple[int, int, int, int] | None = None,
) -> list[Violation]:
    """Feed the rule frames at `fps` from `start` up to and including `start + seconds`; `view`: the
    part of the picture the detector looked at (`Frame.view`)."""
    violations: list[Violation] = []
    steps = int(round(seconds * fps))
    for index in range(steps + 1):
        t = index / fps
        objects = list(scene(t))
        frame = Frame("cam-1", index, start + timedelta(seconds=t), paint(objects), view=view)
        violations += rule.update(frame, detections(objects))
    return violations


def shift(box: tuple[float, float, float, float], dx: float = 0.0, dy: float = 0.0) -> tuple[float, ...]:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
