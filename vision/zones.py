"""Zone configuration shared by every kind: where a rule applies and when.

Each kind's zone model (its `kind` and rule parameters) lives in its module under vision/violations/;
the config union of all zones is `vision.violations.unions.ZoneConfig`.

Polygons are in normalised [0, 1] image coordinates so a zone survives a change of stream
resolution. Active hours are in the camera's local time; a window may wrap past midnight.
"""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from vision.geometry.polygon import Point, contains, self_intersection, signed_area

_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
MIN_ZONE_AREA = 1e-4  # of the image; anything smaller is a drawing mistake


class TimeWindow(BaseModel):
    """A daily window [start, end) in local time; end <= start wraps past midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        match = _WINDOW.match(text.strip())
        if not match:
            raise ValueError(f"active hours window {text!r} must look like 'HH:MM-HH:MM'")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise ValueError(f"active hours window {text!r} has an impossible time")
        end = time(0, 0) if h2 == 24 else time(h2, m2)
        return cls(start=time(h1, m1), end=end)

    def covers(self, local: time) -> bool:
        if self.start == self.end:
            return True  # "00:00-24:00" and friends: the whole day
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class ZoneBase(BaseModel):
    """What every zone has: a name, a polygon and active hours. Each violation kind adds its `kind`
    discriminator and rule parameters (vision/violations/<kind>.py)."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # each kind narrows it to Literal[its zone kind]
    name: str = Field(min_length=1, max_length=80)
    polygon: list[Point] = Field(min_length=3, max_length=64)
    active_hours: list[TimeWindow] = Field(
        default_factory=list,
        max_length=24,
        description="Daily windows 'HH:MM-HH:MM' in the camera's local time; empty means always.",
    )

    @field_validator("active_hours", mode="before")
    @classmethod
    def _parse_windows(cls, value: object) -> object:
        if isinstance(value, list):
            return [TimeWindow.parse(v) if isinstance(v, str) else v for v in value]
        return value

    @field_serializer("active_hours", when_used="json")
    def _windows_as_text(self, windows: list[TimeWindow]) -> list[str]:
        return [str(w) for w in windows]

    @field_validator("polygon")
    @classmethod
    def _verify_polygon(cls, points: list[Point]) -> list[Point]:
        for index, (x, y) in enumerate(points):
            if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                raise ValueError(f"point {index} ({x}, {y}) is outside the normalised image [0, 1]")
        crossing = self_intersection(points)
        if crossing is not None:
            i, j = crossing
            raise ValueError(f"polygon is self-intersecting: edge {i} crosses edge {j}")
        if abs(signed_area(points)) < MIN_ZONE_AREA:
            raise ValueError(f"polygon area is below {MIN_ZONE_AREA} of the image")
        return points

    def contains(self, x: float, y: float) -> bool:
        """Whether a normalised image point lies in the zone."""
        return contains(self.polygon, x, y)

    def active_at(self, local: time) -> bool:
        return not self.active_hours or any(w.covers(local) for w in self.active_hours)
