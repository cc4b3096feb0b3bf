"""Manifest format 2: details are the kind's own model, keyed by `kind`; format 1's flat bag still reads."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence.keys import Signer
from evidence.records import Manifest
from evidence.sink import MemoryRecordSink
from evidence.spool import _details
from evidence.synthetic import make_context, make_violation
from evidence.writer import EvidenceWriter
from vision.violations.barbecue import BarbecueDetails
from vision.violations.mud_truck import MudTruckDetails

FLAT = {  # format 1's details of a barbecue record
    "people_count": 3, "mud_signs": [], "direction": None, "lat": None, "lon": None, "area_m2": None,
    "baseline_flight_id": None, "flight_dates": [], "registration_quality": None,
}


@pytest.fixture(scope="module")
def barbecue_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp: Path = tmp_path_factory.mktemp("store")
    writer = EvidenceWriter(tmp / "store", Signer.load_or_create(tmp / "k.key"), MemoryRecordSink(), with_clip=False)
    violation = dataclasses.replace(
        make_violation(width=96, height=64, clip_frames=0),
        violation_type="open_barbecue", object_label="grill", plate=None, details=BarbecueDetails(people_count=3),
    )
    record = writer.write(violation, make_context())
    data: dict[str, Any] = json.loads((tmp / "store" / record.bundle_path / "manifest.json").read_text())
    return data


def test_new_records_are_format_2_with_the_kinds_details(barbecue_manifest: dict[str, Any]) -> None:
    assert barbecue_manifest["format"] == "enforce-evidence/2"
    assert barbecue_manifest["details"] == {"kind": "open_barbecue", "people_count": 3}
    assert Manifest.model_validate(barbecue_manifest).details == BarbecueDetails(people_count=3)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"details": FLAT}, "details must be the open_barbecue kind's details"),
        ({"details": {"kind": "mud_truck", "mud_signs": ["mud"]}}, "details must be the open_barbecue kind's"),
        ({"details": {"kind": "open_barbecue", "people_count": 3, "colour": "red"}}, "colour"),
        ({"format": "enforce-evidence/1"}, "an enforce-evidence/1 manifest has the flat details of format 1"),
        ({"format": "enforce-evidence/3"}, "format"),
        ({"violation_type": "graffiti"}, "unknown violation type 'graffiti'"),
    ],
)
def test_details_must_match_format_and_kind(
    barbecue_manifest: dict[str, Any], change: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        Manifest.model_validate({**barbecue_manifest, **change})


def test_format_1_reads_its_flat_details(barbecue_manifest: dict[str, Any]) -> None:
    old = Manifest.model_validate({**barbecue_manifest, "format": "enforce-evidence/1", "details": FLAT})
    assert old.details.model_dump() == {**FLAT, "mud_signs": (), "flight_dates": ()}


def test_spooled_items_of_either_shape_give_the_kinds_details() -> None:
    assert _details("open_barbecue", {"kind": "open_barbecue", "people_count": 2}) == BarbecueDetails(people_count=2)
    assert _details("open_barbecue", FLAT) == BarbecueDetails(people_count=3)
    legacy_truck = {**FLAT, "people_count": None, "mud_signs": ["mud", "trail"], "direction": "down"}
    assert _details("mud_truck", legacy_truck) == MudTruckDetails(mud_signs=("mud", "trail"), direction="down")
