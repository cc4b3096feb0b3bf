"""The street-vending kind's own values and its registry entry."""

from __future__ import annotations

from datetime import UTC

import pytest
from pydantic import ValidationError

from vision.rules.street_vending import StreetVendingRule
from vision.violations import registry
from vision.violations import street_vending as kind
from vision.violations.base import RuleContext


def _zone() -> kind.VendingWatchZone:
    return kind.VendingWatchZone.model_validate(
        {
            "name": "square",
            "kind": "vending_watch",
            "polygon": [(0.1, 0.5), (0.9, 0.5), (0.9, 0.9), (0.1, 0.9)],
            "persistence_seconds": 60,
        }
    )


def test_zone_defaults_and_rule() -> None:
    zone = _zone()
    assert (zone.min_people, zone.attendance_radius, zone.max_gap_seconds, zone.exclusions) == (1, 1.0, 30.0, [])
    assert isinstance(kind.build_rule(zone, RuleContext(UTC)), StreetVendingRule)


def test_exclusions_leave_doorways_out() -> None:
    zone = kind.VendingWatchZone.model_validate(
        {**_zone().model_dump(), "exclusions": [[(0.7, 0.55), (0.9, 0.55), (0.9, 0.7), (0.7, 0.7)]]}
    )
    assert zone.watches(0.5, 0.8) and zone.contains(0.85, 0.6) and not zone.watches(0.85, 0.6)


def test_details_count_people_and_refuse_anything_else() -> None:
    details = kind.StreetVendingDetails(people_count=2, persisted_seconds=61.5)
    assert details.kind == "street_vending"
    with pytest.raises(ValidationError, match="people_count"):
        kind.StreetVendingDetails(people_count=-1, persisted_seconds=0)
    with pytest.raises(ValidationError, match="face_crops"):
        kind.StreetVendingDetails(people_count=1, persisted_seconds=0, face_crops=["x.jpg"])  # type: ignore[call-arg]


def test_registry_entry() -> None:
    entry = kind.KIND
    assert registry.kind_of("street_vending") is entry and registry.kind_for_zone("vending_watch") is entry
    assert (entry.type, entry.source, entry.zone_kind) == ("street_vending", "camera", "vending_watch")
    assert entry.zone_model is kind.VendingWatchZone and entry.details_model is kind.StreetVendingDetails
    assert entry.evidence.photo_roles == ("start", "persisted") and entry.evidence.needs_clip
    assert not entry.evidence.needs_plate and not entry.evidence.face_crops
    assert entry.case_codes.major and entry.case_codes.minor_name == "无照经营游商"
    assert {r.code for r in entry.reject_reasons} >= {"not_a_stall", "shop_display", "delivery"}
    assert "vending_stall" in entry.detector_labels
