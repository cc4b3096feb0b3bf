"""A drone finding's evidence context takes its time zone and model from the flight it came from."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from api.pipeline.context import FlightSource, ModelIdentity, flight_context
from domain.types import EvidencePhoto, Frame, Violation
from vision.violations.rooftop import RooftopDetails


def rooftop(lat: float, lon: float) -> Violation:
    at = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    frame = Frame("17", 3, at, np.zeros((8, 8, 3), np.uint8))
    return Violation(
        violation_type="rooftop_structure",
        source_id="17",
        zone_name="block-a",
        episode_key="flight:17:structure:abc",
        object_label="roof_structure",
        track_id=None,
        first_seen_at=at,
        confirmed_at=at,
        photos=(EvidencePhoto("after", frame, ()),),
        details=RooftopDetails(lat=lat, lon=lon, area_m2=6.0),
    )


def test_flight_context_names_the_detector_that_ran_and_the_configured_time_zone() -> None:
    model = ModelIdentity("aerial-v3", "ab" * 32, "openvino")
    source = FlightSource("17", "block-a", "Asia/Urumqi", model)
    context = flight_context(rooftop(30.2, 120.1), source, "cd" * 32)
    assert (context.model_name, context.weights_sha256, context.detector_type) == ("aerial-v3", "ab" * 32, "openvino")
    assert context.timezone == "Asia/Urumqi"
    assert (context.device_kind, context.device_id, context.config_sha256) == ("flight", "17", "cd" * 32)
    assert (context.place.lat, context.place.lon) == (30.2, 120.1)
    assert "block-a" in context.place.address
