"""Violation rules: one small stateful object per zone, one verb (`update`)."""

from __future__ import annotations

from datetime import tzinfo

from vision.rules.barbecue import BarbecueRule
from vision.rules.common import Rule
from vision.rules.mud_truck import MudTruckRule
from vision.rules.parking import ParkingRule, PlateLookup
from vision.zones import BarbecueWatchZone, NoParkingZone, WorksiteExitZone, ZoneConfig

__all__ = ["BarbecueRule", "MudTruckRule", "ParkingRule", "Rule", "build_rule"]


def build_rule(zone: ZoneConfig, tz: tzinfo, plate_of: PlateLookup | None = None) -> Rule:
    """The rule for a zone, chosen by its kind; `plate_of` gives a track's voted plate reading."""
    if isinstance(zone, NoParkingZone):
        return ParkingRule(zone, tz, plate_of=plate_of)
    if isinstance(zone, WorksiteExitZone):
        return MudTruckRule(zone, tz)
    if isinstance(zone, BarbecueWatchZone):
        return BarbecueRule(zone, tz)
    raise ValueError(f"no rule for zone kind {getattr(zone, 'kind', type(zone).__name__)!r}")
