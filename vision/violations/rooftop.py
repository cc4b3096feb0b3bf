"""Rooftop illegal structure 屋顶违建: a structure absent from the baseline flight of the same area
(drone footage; found by vision/change, no zone and no per-frame rule)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vision.violations.base import (
    CaseCodes,
    DetailsBase,
    EvidenceNeeds,
    KindNames,
    RecheckSpec,
    RejectReason,
    ViolationKind,
    reasons,
)


class RooftopDetails(DetailsBase):
    kind: Literal["rooftop_structure"] = "rooftop_structure"
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    area_m2: float = Field(ge=0)
    baseline_flight_id: str | None = None
    flight_dates: tuple[str, ...] = ()
    registration_quality: float | None = None


KIND = ViolationKind(
    type="rooftop_structure",
    source="drone",
    zone_kind=None,
    zone_model=None,
    params_model=None,
    details_model=RooftopDetails,
    build_rule=None,
    names=KindNames(zh="屋顶违建", en="rooftop structure"),
    evidence=EvidenceNeeds(
        photo_roles=("before", "after", "before_full", "after_full"),
        min_photos=4,
        needs_plate=False,
        needs_clip=False,
    ),
    reject_reasons=reasons(RejectReason("permitted_structure", "已审批建筑", "permitted structure")),
    case_codes=CaseCodes(major="01", minor="0101", major_name="市容环境", minor_name="私搭乱建"),
    detector_labels=("roof_structure",),
    recheck=RecheckSpec(why="needs_flight"),  # a fixed camera cannot see it: a new flight must
)
