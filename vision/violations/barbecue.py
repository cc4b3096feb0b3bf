"""Open-air barbecue 露天烧烤: a grill with smoke or flame persists in a watch zone inside active hours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

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
from vision.zones import ZoneBase

if TYPE_CHECKING:
    from vision.rules.common import Rule


class BarbecueWatchParams(ParamsBase):
    persistence_seconds: float = Field(gt=0, description="How long smoke/flame must persist.")


class BarbecueWatchZone(BarbecueWatchParams, ZoneBase):
    kind: Literal["barbecue_watch"]


class BarbecueDetails(DetailsBase):
    kind: Literal["open_barbecue"] = "open_barbecue"
    people_count: int | None = Field(default=None, ge=0)  # a count only, never face crops


def build_rule(zone: BarbecueWatchZone, context: RuleContext) -> Rule:
    from vision.rules.barbecue import BarbecueRule  # rules import this module's models

    return BarbecueRule(zone, context.tz)


KIND = ViolationKind(
    type="open_barbecue",
    source="camera",
    zone_kind="barbecue_watch",
    zone_model=BarbecueWatchZone,
    params_model=BarbecueWatchParams,
    details_model=BarbecueDetails,
    build_rule=build_rule,
    names=KindNames(zh="露天烧烤", en="open-air barbecue"),
    evidence=EvidenceNeeds(photo_roles=("start", "persisted"), min_photos=2, needs_plate=False, needs_clip=True),
    reject_reasons=reasons(RejectReason("licensed_premises", "持证经营场所", "licensed premises")),
    case_codes=CaseCodes(major="01", minor="0115", major_name="市容环境", minor_name="露天烧烤"),
    detector_labels=("grill", "smoke", "fire", "person"),
    recheck=RecheckSpec(labels=("grill", "smoke", "fire"), min_iou=0.3, margin=1.0),
)
