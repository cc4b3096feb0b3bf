"""What a violation kind declares about itself: one `ViolationKind` value per kind module.

Imports only pydantic and `vision.zones` at run time, so `domain.types` can use `DetailsBase`
without a cycle (rules, which import `domain.types`, are imported lazily by each kind's builder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.types import DetailsBase
from vision.zones import ZoneBase

if TYPE_CHECKING:
    from domain.types import PlateReading
    from vision.rules.common import Rule

Source = Literal["camera", "drone"]
PlateLookup = Callable[[int], "PlateReading | None"]  # a track's voted plate reading


@dataclass(frozen=True)
class KindNames:
    zh: str
    en: str


@dataclass(frozen=True)
class RejectReason:
    """A reason code a reviewer may reject an event of the kind with."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class CaseCodes:
    """Category codes in the digital city-management case system (大类 / 小类). The defaults follow
    the event category names of GB/T 30428.2; a deployment overrides the codes in its settings."""

    major: str
    minor: str
    major_name: str = ""
    minor_name: str = ""


@dataclass(frozen=True)
class EvidenceNeeds:
    photo_roles: tuple[str, ...]  # e.g. ("start", "persisted")
    min_photos: int
    needs_plate: bool  # plate close-up + plate reading
    needs_clip: bool
    face_crops: bool = False  # always False for people counts


@dataclass(frozen=True)
class RecheckSpec:
    """How a camera looks at a handled case's place again (核查 after 处置): detections of `labels`
    at the original object's box (IoU >= `min_iou`, or the centre within `margin` box sizes of it)
    mean it is still there. No labels: not re-checkable by a camera, for `why` (a reason code)."""

    labels: tuple[str, ...] = ()
    min_iou: float = 0.5
    margin: float = 0.0
    why: str = ""

    def __post_init__(self) -> None:
        if bool(self.labels) == bool(self.why):
            raise ValueError("a re-check spec names either the labels to look for or why it cannot look")


@dataclass(frozen=True)
class RuleContext:
    """What a rule needs from its camera besides its zone."""

    tz: tzinfo
    plate_of: PlateLookup | None = None


class ParamsBase(BaseModel):
    """A kind's rule parameters: what a zone of the kind carries besides name, polygon and hours."""

    model_config = ConfigDict(extra="forbid")


RuleBuilder = Callable[[Any, RuleContext], "Rule"]
ZoneModel = type[ZoneBase]  # aliases: inside ViolationKind, `type` is a field's name
ParamsModel = type[ParamsBase]
DetailsModel = type[DetailsBase]


@dataclass(frozen=True)
class ViolationKind:
    type: str  # Violation.violation_type, e.g. "open_barbecue"
    source: Source
    zone_kind: str | None  # config discriminator, e.g. "barbecue_watch" (None for drone kinds)
    zone_model: ZoneModel | None  # the zone: ZoneBase + params_model + `kind: Literal[zone_kind]`
    params_model: ParamsModel | None  # the rule parameters alone (stored as a zone's JSON params)
    details_model: DetailsModel  # field `kind: Literal[type]`
    build_rule: RuleBuilder | None  # (zone of zone_model, context) -> Rule
    names: KindNames
    evidence: EvidenceNeeds
    reject_reasons: tuple[RejectReason, ...]
    case_codes: CaseCodes
    detector_labels: tuple[str, ...]  # pipeline labels the rule reads
    recheck: RecheckSpec = RecheckSpec(why="not_supported")  # 核查: how the place is looked at again

    def __post_init__(self) -> None:
        camera = self.source == "camera"
        parts = (self.zone_kind, self.zone_model, self.params_model, self.build_rule)
        if camera and any(p is None for p in parts):
            raise ValueError(f"camera kind {self.type!r} needs zone_kind, zone_model, params_model and build_rule")
        if not camera and any(p is not None for p in parts):
            raise ValueError(f"drone kind {self.type!r} takes no zone or rule")
        if self.details_model.model_fields["kind"].default != self.type:
            raise ValueError(f"{self.details_model.__name__}.kind must default to {self.type!r}")
        if self.zone_model is not None and self.zone_model.model_fields["kind"].annotation != Literal[self.zone_kind]:
            raise ValueError(f"{self.zone_model.__name__}.kind must be Literal[{self.zone_kind!r}]")
        codes = [r.code for r in self.reject_reasons]
        if len(set(codes)) != len(codes) or "other" not in codes:
            raise ValueError(f"kind {self.type!r}: reject reason codes must be unique and include 'other'")

    def params_of(self, zone: ZoneBase) -> dict[str, Any]:
        """The zone's rule parameters as JSON-ready values (what the database stores)."""
        assert self.params_model is not None, f"{self.type} has no zone parameters"
        return zone.model_dump(mode="json", include=set(self.params_model.model_fields))


COMMON_REASONS = (
    RejectReason("not_a_violation", "不构成违法", "not a violation"),
    RejectReason("duplicate", "重复", "duplicate"),
    RejectReason("insufficient_evidence", "证据不足", "insufficient evidence"),
    RejectReason("wrong_location", "位置错误", "wrong location"),
)
OTHER_REASON = RejectReason("other", "其他", "other")


def reasons(*specific: RejectReason) -> tuple[RejectReason, ...]:
    """The common reject reasons, the kind's own, then 'other' (the web page numbers them 1..n)."""
    return (*COMMON_REASONS[:1], *specific, *COMMON_REASONS[1:], OTHER_REASON)
