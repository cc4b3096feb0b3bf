"""Violation rules: one small stateful object per zone, one verb (`update`)."""

from __future__ import annotations

from datetime import tzinfo

from vision.rules.common import Rule
from vision.violations.base import PlateLookup, RuleContext
from vision.zones import ZoneBase

__all__ = ["Rule", "build_rule"]


def build_rule(zone: ZoneBase, tz: tzinfo, plate_of: PlateLookup | None = None) -> Rule:
    """The rule for a zone, built by the registered kind its `kind` names; `plate_of` gives a
    track's voted plate reading."""
    from vision.violations.registry import kind_for_zone  # kind modules import the rules

    kind = kind_for_zone(zone.kind)
    if kind.build_rule is None or kind.zone_model is None or not isinstance(zone, kind.zone_model):
        raise ValueError(f"no rule for zone kind {zone.kind!r} ({type(zone).__name__})")
    return kind.build_rule(zone, RuleContext(tz, plate_of))
