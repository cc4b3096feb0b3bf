"""The view a camera's zones fit, remembered between processes.

A camera's analysis checks that its picture still shows the view its zones were drawn on
(`vision.view_check`). Within one process the first picture is the reference; a camera turned while
the product was down would make its new view the reference at the next start, and its zones would
fall on another street. So the analyzer remembers a picture that showed the view (refreshed while it
does, so a restart at night compares with a picture of about the same light) and, at the next start,
the first pictures must match it before the new view is taken for the old one.

A remembered picture belongs to one set of zones (`zones_key`): zones changed or re-saved through
the API start afresh from the picture the camera shows then (the integrator looked at it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from vision.violations.unions import ZoneConfig


@dataclass(frozen=True)
class RememberedView:
    zones_key: str
    jpeg: bytes  # the picture, at most `view_check.ViewCheck.width` pixels wide
    taken_at: datetime  # capture time


class ViewMemory(Protocol):
    """Where a camera's remembered view lives between processes (the database in the product).
    Both calls are best effort: a failing store is logged and the camera goes on as without one."""

    def recall(self, camera_id: str) -> RememberedView | None: ...

    def remember(self, camera_id: str, view: RememberedView) -> None: ...


def zones_key(zones: Sequence[ZoneConfig]) -> str:
    """A digest of the zones' geometry and kinds: a remembered view holds for these zones only."""
    shapes = [
        {"name": z.name, "kind": z.kind, "polygon": [[round(x, 5), round(y, 5)] for x, y in z.polygon]} for z in zones
    ]
    return hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest()
