"""Street vending (流动摊贩 / 占道经营): a vendor's cart, tricycle, stall or mat with goods, with people
at it, standing in a `vending_watch` zone longer than the zone's persistence time inside active hours.

Not a violation: people walking with bags (no stall), a parked tricycle without goods (no stall, or
nobody at it), a shop's own display inside its doorway (the polygon or its `exclusions` leave the
doorway out), a delivery unloaded in less than the persistence time. The rule is
`vision.rules.street_vending.StreetVendingRule`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from vision.geometry.polygon import Point, contains, signed_area
from vision.violations.base import (
    CaseCodes,
    DetailsBase,
    EvidenceNeeds,
    KindNames,
    ParamsBase,
    RecheckSpec,
    RejectReason,
    RuleContext,
    ViolationKind,
    reasons,
)
from vision.zones import MIN_ZONE_AREA, ZoneBase

if TYPE_CHECKING:
    from vision.rules.common import Rule

TYPE = "street_vending"
ZONE_KIND = "vending_watch"


class VendingWatchParams(ParamsBase):
    """How long an attended stall must stand, who counts as at it, and the doorways that never count."""

    persistence_seconds: float = Field(
        gt=0, description="How long an attended stall must stand before it is a violation."
    )
    min_people: int = Field(default=1, ge=1, le=20, description="People at the stall for it to count as attended.")
    attendance_radius: float = Field(
        default=1.0, gt=0, le=5, description="A person counts as at the stall within this many stall sizes of its box."
    )
    max_gap_seconds: float = Field(
        default=30.0, gt=0, description="A stall unseen or unattended this long ends its episode (a delivery left)."
    )
    move_tolerance: float = Field(
        default=0.5, gt=0, le=3, description="A stall whose anchor moves further than this many stall widths restarts."
    )
    exclusions: list[list[Point]] = Field(
        default_factory=list, max_length=16, description="Polygons inside the zone that never count (shop doorways)."
    )

    @field_validator("exclusions")
    @classmethod
    def _verify_exclusions(cls, polygons: list[list[Point]]) -> list[list[Point]]:
        for n, points in enumerate(polygons):
            if len(points) < 3:
                raise ValueError(f"exclusion {n} needs at least 3 points, got {len(points)}")
            for index, (x, y) in enumerate(points):
                if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                    raise ValueError(f"exclusion {n} point {index} ({x}, {y}) is outside the normalised image [0, 1]")
            if abs(signed_area(points)) < MIN_ZONE_AREA:
                raise ValueError(f"exclusion {n} area is below {MIN_ZONE_AREA} of the image")
        return polygons


class VendingWatchZone(VendingWatchParams, ZoneBase):
    """A sidewalk, road edge or square where vending is watched; doorways left out of the polygon
    (or listed in `exclusions`) so that a shop's own display at its door is never a stall."""

    kind: Literal["vending_watch"]

    def watches(self, x: float, y: float) -> bool:
        """Whether a normalised point is in the zone and in none of its exclusions."""
        return self.contains(x, y) and not any(contains(p, x, y) for p in self.exclusions)



class StreetVendingDetails(DetailsBase):
    """How many people were at the stall (the typical count over its frames; counted, never cropped)
    and how long it had stood when confirmed."""

    kind: Literal["street_vending"] = "street_vending"
    people_count: int = Field(ge=0)
    persisted_seconds: float = Field(ge=0)


def build_rule(zone: VendingWatchZone, context: RuleContext) -> Rule:
    from vision.rules.street_vending import StreetVendingRule  # rules import this module's models

    return StreetVendingRule(zone, context.tz)


KIND = ViolationKind(
    type=TYPE,
    source="camera",
    zone_kind=ZONE_KIND,
    zone_model=VendingWatchZone,
    params_model=VendingWatchParams,
    details_model=StreetVendingDetails,
    build_rule=build_rule,
    names=KindNames(zh="流动摊贩占道经营", en="street vending"),
    evidence=EvidenceNeeds(photo_roles=("start", "persisted"), min_photos=2, needs_plate=False, needs_clip=True),
    reject_reasons=reasons(
        RejectReason("not_a_stall", "非摊点（行人携物、空车）", "not a stall (people with bags, an empty tricycle)"),
        RejectReason("shop_display", "店铺门口自有陈列", "the shop's own display at its door"),
        RejectReason("delivery", "送货装卸", "a delivery being unloaded"),
        RejectReason("nobody_at_stall", "摊点无人", "nobody at the stall"),
    ),
    case_codes=CaseCodes(major="05", minor="0501", major_name="街面秩序", minor_name="无照经营游商"),
    detector_labels=("vending_stall", "person"),
    recheck=RecheckSpec(labels=("vending_stall",), min_iou=0.3),
)
