"""Mud-tracking / uncovered truck 渣土车带泥上路 / 未覆盖: a truck leaves a worksite exit with mud
on it, a mud trail behind it, or an uncovered load."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

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

ExitDirection = Literal["up", "down", "left", "right"]
MudSign = Literal["mud", "uncovered_load", "trail"]


class WorksiteExitParams(ParamsBase):
    exit_direction: ExitDirection = Field(
        description="Image direction a truck moves in when it leaves the worksite."
    )
    min_evidence_frames: int = Field(default=3, ge=1, description="k: frames that must show mud/load.")
    evidence_window_frames: int = Field(default=6, ge=1, description="n: frames looked at.")

    @model_validator(mode="after")
    def _verify_k_of_n(self) -> WorksiteExitParams:
        if self.min_evidence_frames > self.evidence_window_frames:
            raise ValueError("min_evidence_frames must not exceed evidence_window_frames")
        return self


class WorksiteExitZone(WorksiteExitParams, ZoneBase):
    kind: Literal["worksite_exit"]


class MudTruckDetails(DetailsBase):
    kind: Literal["mud_truck"] = "mud_truck"
    mud_signs: tuple[MudSign, ...] = ()
    direction: str | None = None  # observed direction of travel


def build_rule(zone: WorksiteExitZone, context: RuleContext) -> Rule:
    from vision.rules.mud_truck import MudTruckRule  # rules import this module's models

    return MudTruckRule(zone, context.tz)


KIND = ViolationKind(
    type="mud_truck",
    source="camera",
    zone_kind="worksite_exit",
    zone_model=WorksiteExitZone,
    params_model=WorksiteExitParams,
    details_model=MudTruckDetails,
    build_rule=build_rule,
    names=KindNames(zh="渣土车带泥上路/未覆盖", en="mud / uncovered truck"),
    evidence=EvidenceNeeds(photo_roles=("exit", "evidence"), min_photos=2, needs_plate=True, needs_clip=True),
    reject_reasons=reasons(
        RejectReason("exempt_vehicle", "豁免车辆", "exempt vehicle"),
        RejectReason("load_covered", "已覆盖/无泥", "load covered, no mud"),
    ),
    case_codes=CaseCodes(major="03", minor="0305", major_name="施工管理", minor_name="渣土运输"),
    detector_labels=("vehicle", "truck", "mud", "uncovered_load", "license_plate"),
    recheck=RecheckSpec(why="moving_vehicle"),  # the truck has driven on: nothing stays to look at
)
