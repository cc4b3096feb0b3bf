"""The registry: every kind complete, unions derived from it, bad kinds refused with a clear error."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any, Literal, get_args

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from domain.types import EvidencePhoto, Frame, Violation
from tests.support import cone_kind
from vision.violations import registry, unions
from vision.violations.barbecue import BarbecueDetails
from vision.violations.base import DetailsBase, ViolationKind
from vision.violations.parking import ParkingDetails

CJK = re.compile(r"[\u4e00-\u9fff]")
POLYGON = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]


@pytest.mark.parametrize("kind", registry.KINDS, ids=lambda k: k.type)
def test_every_kind_is_complete(kind: ViolationKind) -> None:
    assert CJK.search(kind.names.zh) and kind.names.en and not CJK.search(kind.names.en)
    assert kind.case_codes.major and kind.case_codes.minor
    codes = [r.code for r in kind.reject_reasons]
    assert codes[0] == "not_a_violation" and codes[-1] == "other" and len(set(codes)) == len(codes)
    assert all(CJK.search(r.zh) and r.en for r in kind.reject_reasons)
    assert kind.evidence.min_photos >= 1 and len(kind.evidence.photo_roles) >= 1
    assert kind.evidence.face_crops is False
    assert kind.detector_labels
    assert kind.details_model(**_required_details(kind)).kind == kind.type
    if kind.source == "camera":
        assert kind.zone_model is not None and kind.params_model is not None and kind.build_rule is not None
        assert set(kind.params_model.model_fields) < set(kind.zone_model.model_fields)


def _required_details(kind: ViolationKind) -> dict[str, Any]:
    """A value for each required field, by its type (a new kind needs no edit here)."""
    samples: dict[Any, Any] = {float: 1.0, int: 1, str: "x"}
    fields = kind.details_model.model_fields.items()
    return {name: samples[field.annotation] for name, field in fields if field.is_required()}


def test_unions_are_derived_from_the_registry() -> None:
    camera = [k for k in registry.KINDS if k.source == "camera"]
    assert unions.ZONE_KINDS == tuple(k.zone_kind for k in camera) == registry.zone_kinds()
    zone_members = get_args(get_args(unions.ZoneConfig)[0])
    assert zone_members == tuple(k.zone_model for k in camera)
    assert get_args(get_args(unions.KindDetails)[0]) == tuple(k.details_model for k in registry.KINDS)
    assert registry.plate_types() == tuple(k.type for k in registry.KINDS if k.evidence.needs_plate)


@pytest.mark.parametrize("kind", registry.camera_kinds(), ids=lambda k: k.type)
def test_params_round_trip_through_the_zone_model(kind: ViolationKind) -> None:
    assert kind.params_model is not None and kind.zone_model is not None
    examples: dict[str, dict[str, Any]] = {
        "no_parking": {"dwell_seconds": 90.0, "photo_interval_seconds": 30.0},
        "worksite_exit": {"exit_direction": "left", "min_evidence_frames": 2, "evidence_window_frames": 4},
        "barbecue_watch": {"persistence_seconds": 45.0},
        "vending_watch": {
            "persistence_seconds": 120.0,
            "min_people": 2,
            "attendance_radius": 1.5,
            "max_gap_seconds": 20.0,
            "move_tolerance": 0.4,
            "exclusions": [POLYGON],
        },
    }
    example = examples[str(kind.zone_kind)]
    zone = TypeAdapter(unions.ZoneConfig).validate_python(
        {"name": "z", "kind": kind.zone_kind, "polygon": POLYGON, "active_hours": ["08:00-20:00"], **example}
    )
    assert type(zone) is kind.zone_model
    params = kind.params_of(zone)
    assert params == example
    assert kind.params_model.model_validate(params).model_dump(mode="json") == params
    rebuilt = kind.zone_model.model_validate(
        {"name": "z", "kind": kind.zone_kind, "polygon": POLYGON, "active_hours": ["08:00-20:00"], **params}
    )
    assert rebuilt == zone
    assert zone.model_dump(mode="json")["active_hours"] == ["08:00-20:00"]


def test_lookups_name_what_is_known() -> None:
    assert registry.kind_of("open_barbecue").zone_kind == "barbecue_watch"
    assert registry.kind_for_zone("worksite_exit").type == "mud_truck"
    with pytest.raises(ValueError, match="unknown violation type 'graffiti'; known: illegal_parking"):
        registry.kind_of("graffiti")
    with pytest.raises(ValueError, match="unknown zone kind 'graffiti_wall'; known: no_parking"):
        registry.kind_for_zone("graffiti_wall")


class _WrongDetails(DetailsBase):
    kind: Literal["something_else"] = "something_else"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"build_rule": None}, "needs zone_kind, zone_model, params_model and build_rule"),
        ({"source": "drone"}, "drone kind 'stray_cones' takes no zone or rule"),
        ({"details_model": _WrongDetails}, "_WrongDetails.kind must default to 'stray_cones'"),
        ({"zone_kind": "other_watch"}, "ConeWatchZone.kind must be Literal\\['other_watch'\\]"),
        ({"reject_reasons": cone_kind.KIND.reject_reasons[:-1]}, "must be unique and include 'other'"),
    ],
)
def test_an_incomplete_kind_is_refused(change: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        dataclasses.replace(cone_kind.KIND, **change)


class _TwinDetails(DetailsBase):
    kind: Literal["stray_cones_twin"] = "stray_cones_twin"


def test_two_kinds_may_not_share_a_type_or_zone_kind() -> None:
    twin = dataclasses.replace(cone_kind.KIND, type="stray_cones_twin", details_model=_TwinDetails)
    with pytest.raises(ValueError, match="the same zone_kind twice: cone_watch"):
        registry.verify_kinds((cone_kind.KIND, twin))
    with pytest.raises(ValueError, match="the same type twice: illegal_parking"):
        registry.verify_kinds((*registry.KINDS, registry.KINDS[0]))


def test_a_violation_carries_its_own_kinds_details() -> None:
    frame = Frame("cam", 0, datetime(2026, 5, 1, tzinfo=UTC), np.zeros((4, 4, 3), np.uint8))
    common: dict[str, Any] = dict(
        source_id="cam", zone_name="z", episode_key="k", object_label="grill", track_id=None,
        first_seen_at=frame.captured_at, confirmed_at=frame.captured_at, photos=(EvidencePhoto("start", frame),),
    )
    assert Violation(violation_type="open_barbecue", details=BarbecueDetails(people_count=2), **common)
    with pytest.raises(ValueError, match="open_barbecue violation carries illegal_parking details"):
        Violation(violation_type="open_barbecue", details=ParkingDetails(), **common)
    with pytest.raises(ValidationError, match="people_count"):
        BarbecueDetails(people_count=-1)
