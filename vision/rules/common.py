"""Small helpers the rules share: box geometry, local time, episode keys, evidence marks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time, tzinfo
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from domain.types import Detections, EvidencePhoto, Frame, LabelledBox, Violation

VEHICLE_LABELS = ("vehicle", "truck")
Box = npt.NDArray[np.float32]


class Rule(Protocol):
    """A small stateful object per zone; time comes from frame.captured_at only."""

    def update(self, frame: Frame, detections: Detections) -> list[Violation]: ...


@runtime_checkable
class PlateInterest(Protocol):
    """A rule that knows which vehicles' plates can matter to it. The analyzer reads plates in such a
    rule's zone only for the tracks it names; other plate zones read every vehicle inside them."""

    def wants_plate(self, track_id: int, box: Box, now: datetime) -> bool: ...


def local_time(frame: Frame, tz: tzinfo) -> time:
    return frame.captured_at.astimezone(tz).time()


def anchor(box: Box) -> tuple[float, float]:
    """Bottom centre in pixels: where a vehicle or object touches the ground."""
    return float(box[0] + box[2]) / 2, float(box[3])


def normalised(point: tuple[float, float], frame: Frame) -> tuple[float, float]:
    return point[0] / frame.width, point[1] / frame.height


def normalised_box(box: Box, frame: Frame) -> tuple[float, float, float, float]:
    """A pixel box in normalised [0, 1] image coordinates."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    return x1 / frame.width, y1 / frame.height, x2 / frame.width, y2 / frame.height


def box_size(box: Box) -> float:
    """Geometric mean of width and height, the scale movements are judged against."""
    return float(np.sqrt(max(box[2] - box[0], 1.0) * max(box[3] - box[1], 1.0)))


def area(box: Box) -> float:
    return float(max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0))


def intersection(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return float(max(w, 0.0) * max(h, 0.0))


def iou(a: Box, b: Box) -> float:
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def ioa(a: Box, b: Box) -> float:
    """Share of box `a` that lies inside box `b`."""
    own = area(a)
    return intersection(a, b) / own if own > 0 else 0.0


def episode_key(
    frame: Frame,
    zone_name: str,
    kind: str,
    started: datetime,
    track_id: int | None = None,
    where: tuple[float, float] | None = None,
) -> str:
    """`camera:zone:kind:[track-N:]start[@x,y]`; `where` (normalised anchor) keeps two vehicles that
    arrive in the same second apart without a track id, which does not survive a restart."""
    stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    who = f"track-{track_id}:" if track_id is not None else ""
    place = f"@{where[0]:.3f},{where[1]:.3f}" if where is not None else ""
    return f"{frame.source_id}:{zone_name}:{kind}:{who}{stamp}{place}"


def mark(label: str, box: Box, score: float | None = None) -> LabelledBox:
    return LabelledBox(
        label=label, box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])), score=score
    )


def in_picture(box: Box, frame: Frame) -> Box:
    """A box of the rules' (steady) coordinates where it shows in the frame's picture (`Frame.offset`):
    what to crop for an appearance or to mark on a photo."""
    dx, dy = frame.offset
    if dx == 0.0 and dy == 0.0:
        return box
    return (box[:4] + np.array([dx, dy, dx, dy], np.float32)).astype(np.float32)


def photo(role: str, frame: Frame, marks: tuple[LabelledBox, ...]) -> EvidencePhoto:
    """An evidence photo that keeps its pixels: a frame viewing a reused buffer (shared memory,
    a ring-buffer slot) is copied, since the buffer may be overwritten before evidence is written.
    The marks, given in the rules' coordinates, are placed where they show in the picture."""
    if not frame.image.flags.owndata:
        frame = dataclasses.replace(frame, image=frame.image.copy())
    dx, dy = frame.offset
    if dx or dy:
        marks = tuple(
            dataclasses.replace(m, box=(m.box[0] + dx, m.box[1] + dy, m.box[2] + dx, m.box[3] + dy)) for m in marks
        )
    return EvidencePhoto(role, frame, marks)


def polygon_of(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in points)
