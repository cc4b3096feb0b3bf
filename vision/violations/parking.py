"""Illegal parking 违法停车: a vehicle stays in a no-parking zone longer than the permitted stop time."""

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


class NoParkingParams(ParamsBase):
    dwell_seconds: float = Field(gt=0, description="Permitted stop time before parking is a violation.")
    photo_interval_seconds: float = Field(
        default=60.0, gt=0, description="Interval between the in-between photos of a parked vehicle."
    )

    @model_validator(mode="after")
    def _verify_interval(self) -> NoParkingParams:
        if self.photo_interval_seconds > self.dwell_seconds:
            raise ValueError("photo_interval_seconds must not exceed dwell_seconds")
        return self


class NoParkingZone(NoParkingParams, ZoneBase):
    kind: Literal["no_parking"]


PictureSide = Literal["left", "top", "right", "bottom"]
PICTURE_SIDES: tuple[PictureSide, ...] = ("left", "top", "right", "bottom")  # the order of box edges


class ParkingDetails(DetailsBase):
    """Beyond its photos, plate and clip: the picture's edges the vehicle's box reached in them (the
    vehicle goes on past them, so a reviewer checks that the plate and the whole vehicle are the one
    accused; empty: seen whole)."""

    kind: Literal["illegal_parking"] = "illegal_parking"
    cut_by_picture: tuple[PictureSide, ...] = ()


def build_rule(zone: NoParkingZone, context: RuleContext) -> Rule:
    from vision.rules.parking import ParkingRule  # rules import this module's models

    return ParkingRule(zone, context.tz, plate_of=context.plate_of)


KIND = ViolationKind(
    type="illegal_parking",
    source="camera",
    zone_kind="no_parking",
    zone_model=NoParkingZone,
    params_model=NoParkingParams,
    details_model=ParkingDetails,
    build_rule=build_rule,
    names=KindNames(zh="违法停车", en="illegal parking"),
    evidence=EvidenceNeeds(
        photo_roles=("arrival", "interval", "confirmation"), min_photos=3, needs_plate=True, needs_clip=True
    ),
    reject_reasons=reasons(RejectReason("exempt_vehicle", "豁免车辆", "exempt vehicle")),
    case_codes=CaseCodes(major="05", minor="0510", major_name="街面秩序", minor_name="机动车乱停放"),
    detector_labels=("vehicle", "truck", "license_plate"),
    recheck=RecheckSpec(labels=("vehicle", "truck"), min_iou=0.5),
)
