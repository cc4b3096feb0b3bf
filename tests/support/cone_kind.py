"""A small but real violation kind for tests: traffic cones left in a cone-watch zone.

It exists to show that a kind is one module plus one registry line: registered in a test
(`registry.KINDS = (*registry.KINDS, KIND)` before the unions are built) it appears in the config
union, in `build_rule`, in the database's zone params, in GET /kinds and in the manifest details.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Literal

from pydantic import Field

from domain.types import Detections, Frame, Violation
from vision.rules.common import anchor, episode_key, local_time, mark, normalised, photo, polygon_of
from vision.violations.base import (
    CaseCodes,
    DetailsBase,
    EvidenceNeeds,
    KindNames,
    ParamsBase,
    RejectReason,
    RuleContext,
    ViolationKind,
    reasons,
)
from vision.zones import ZoneBase


class ConeWatchParams(ParamsBase):
    min_cones: int = Field(default=2, ge=1, description="Cones that must stand in the zone at once.")
    persistence_seconds: float = Field(gt=0, description="How long they must stay.")


class ConeWatchZone(ConeWatchParams, ZoneBase):
    kind: Literal["cone_watch"]


class ConeDetails(DetailsBase):
    kind: Literal["stray_cones"] = "stray_cones"
    cone_count: int = Field(ge=1)


class ConeRule:
    """One violation when at least `min_cones` cones stand in the zone for `persistence_seconds`."""

    def __init__(self, zone: ConeWatchZone, tz: tzinfo):
        self.zone, self.tz = zone, tz
        self._since: datetime | None = None
        self._start_frame: Frame | None = None
        self._reported = False

    def update(self, frame: Frame, detections: Detections) -> list[Violation]:
        cones = detections.only("cone")
        inside = [i for i in range(len(cones)) if self.zone.contains(*normalised(anchor(cones.boxes[i]), frame))]
        if len(inside) < self.zone.min_cones or not self.zone.active_at(local_time(frame, self.tz)):
            self._since, self._reported = None, False
            return []
        if self._since is None:
            self._since, self._start_frame = frame.captured_at, frame
        if self._reported or frame.captured_at - self._since < timedelta(seconds=self.zone.persistence_seconds):
            return []
        self._reported = True
        assert self._start_frame is not None
        marks = tuple(mark("cone", cones.boxes[i]) for i in inside)
        return [
            Violation(
                violation_type="stray_cones",
                source_id=frame.source_id,
                zone_name=self.zone.name,
                episode_key=episode_key(frame, self.zone.name, "stray_cones", self._since),
                object_label="cone",
                track_id=None,
                first_seen_at=self._since,
                confirmed_at=frame.captured_at,
                photos=(photo("start", self._start_frame, marks), photo("persisted", frame, marks)),
                zone_polygon=polygon_of(self.zone.polygon),
                details=ConeDetails(cone_count=len(inside)),
            )
        ]


def build_rule(zone: ConeWatchZone, context: RuleContext) -> ConeRule:
    return ConeRule(zone, context.tz)


KIND = ViolationKind(
    type="stray_cones",
    source="camera",
    zone_kind="cone_watch",
    zone_model=ConeWatchZone,
    params_model=ConeWatchParams,
    details_model=ConeDetails,
    build_rule=build_rule,
    names=KindNames(zh="锥桶占道", en="stray traffic cones"),
    evidence=EvidenceNeeds(photo_roles=("start", "persisted"), min_photos=2, needs_plate=False, needs_clip=False),
    reject_reasons=reasons(RejectReason("roadworks_permit", "占道施工许可", "roadworks permit")),
    case_codes=CaseCodes(major="05", minor="0599", major_name="街面秩序", minor_name="其他"),
    detector_labels=("cone",),
)
