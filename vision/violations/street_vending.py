"""Street vending (流动摊贩 / 占道经营): a vendor's cart, tricycle, stall or mat with goods, with people
at it, standing in a `vending_watch` zone longer than the zone's persistence time inside active hours.

Not a violation: people walking with bags (no stall), a parked tricycle without goods (no stall, or
nobody at it), a shop's own display inside its doorway (the polygon or its `exclusions` leave the
doorway out), a delivery unloaded in less than the persistence time. The rule is
`vision.rules.street_vending.StreetVendingRule`; the kind's registry entry is `make_kind()` at the
bottom (module attribute `KIND`), the one block to adapt to `vision/violations/base.py`.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vision.geometry.polygon import Point, contains, signed_area
from vision.zones import MIN_ZONE_AREA, _ZoneBase

TYPE = "street_vending"
ZONE_KIND = "vending_watch"
DETECTOR_LABELS = ("vending_stall", "person")


class VendingWatchZone(_ZoneBase):
    """A sidewalk, road edge or square where vending is watched; doorways left out of the polygon
    (or listed in `exclusions`) so that a shop's own display at its door is never a stall."""

    kind: Literal["vending_watch"]
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

    def watches(self, x: float, y: float) -> bool:
        """Whether a normalised point is in the zone and in none of its exclusions."""
        return self.contains(x, y) and not any(contains(p, x, y) for p in self.exclusions)


class StreetVendingDetails(BaseModel):
    """What the record says beyond the common fields: how many people were at the stall (the most
    seen at once; counted, never cropped) and how long it had stood when confirmed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["street_vending"] = "street_vending"
    people_count: int = Field(ge=0)
    persisted_seconds: float = Field(ge=0)


NAMES = {"zh": "流动摊贩占道经营", "en": "Street vending"}
PHOTO_ROLES = ("start", "persisted")
REJECT_REASONS = (
    ("not_a_stall", "非摊点（行人携物、空车）", "Not a stall (people with bags, an empty tricycle)"),
    ("shop_display", "店铺门口自有陈列", "The shop's own display at its door"),
    ("delivery", "送货装卸", "A delivery being unloaded"),
    ("nobody_at_stall", "摊点无人", "Nobody at the stall"),
    ("outside_hours", "不在管控时段", "Outside the zone's active hours"),
)
CASE_CODES = ("市容环境", "占道经营")  # 大类 / 小类: defaults, configurable per deployment


def build_rule(zone: VendingWatchZone, tz: tzinfo) -> Any:
    """The zone's rule (imported here so the kind module stays importable without the rules package)."""
    from vision.rules.street_vending import StreetVendingRule

    return StreetVendingRule(zone, tz)


# ---- registry entry: the one block to adapt to vision/violations/base.py's final names ---------------


def make_kind() -> Any:
    """`ViolationKind` for the registry (interface: /work/notes/kind-interface.md)."""
    from vision.violations.base import CaseCodes, EvidenceNeeds, KindNames, RejectReason, ViolationKind

    return ViolationKind(
        type=TYPE,
        source="camera",
        zone_kind=ZONE_KIND,
        zone_model=VendingWatchZone,
        details_model=StreetVendingDetails,
        build_rule=lambda zone, context: build_rule(zone, context.tz),
        names=KindNames(zh=NAMES["zh"], en=NAMES["en"]),
        evidence=EvidenceNeeds(
            photo_roles=PHOTO_ROLES, min_photos=len(PHOTO_ROLES), needs_plate=False, needs_clip=True, face_crops=False
        ),
        reject_reasons=tuple(RejectReason(code=c, zh=zh, en=en) for c, zh, en in REJECT_REASONS),
        case_codes=CaseCodes(major=CASE_CODES[0], minor=CASE_CODES[1]),
        detector_labels=DETECTOR_LABELS,
    )


def __getattr__(name: str) -> Any:
    """`KIND`, built on first use (the registry's base module lands separately)."""
    if name == "KIND":
        return make_kind()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
