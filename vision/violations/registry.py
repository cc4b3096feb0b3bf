"""The violation kinds, one line each. Everything that lists kinds derives from `KINDS`.

Lookups read `KINDS` when called; `vision.violations.unions` builds the pydantic unions from it once,
at its import.

Adding a kind: write `vision/violations/<kind>.py` ending in `KIND = ViolationKind(...)` (zone and
params models, details model, rule builder, names, evidence needs, reject reasons, case codes; the rule
itself may live in `vision/rules/<kind>.py`) and add `<kind>.KIND` below. The config union, build_rule,
zone params in the database (no migration), GET /kinds and the web page, reject reasons, overlay
names, plate handling, `enforce eval`'s kinds, export codes and manifest details follow.
"""

from __future__ import annotations

from vision.violations import barbecue, mud_truck, parking, rooftop, street_vending
from vision.violations.base import RejectReason, ViolationKind

KINDS: tuple[ViolationKind, ...] = (
    parking.KIND,
    mud_truck.KIND,
    barbecue.KIND,
    rooftop.KIND,
    street_vending.KIND,
)


class UnknownKind(ValueError):
    """A violation type or zone kind that no registered kind declares."""

    def __str__(self) -> str:
        return str(self.args[0])


def kind_of(violation_type: str) -> ViolationKind:
    """The kind with this `Violation.violation_type`."""
    for kind in KINDS:
        if kind.type == violation_type:
            return kind
    raise UnknownKind(f"unknown violation type {violation_type!r}; known: {', '.join(types())}")


def kind_for_zone(zone_kind: str) -> ViolationKind:
    """The camera kind whose zones have this `kind` discriminator."""
    for kind in KINDS:
        if kind.zone_kind == zone_kind:
            return kind
    raise UnknownKind(f"unknown zone kind {zone_kind!r}; known: {', '.join(zone_kinds())}")


def types() -> tuple[str, ...]:
    return tuple(k.type for k in KINDS)


def camera_kinds() -> tuple[ViolationKind, ...]:
    return tuple(k for k in KINDS if k.source == "camera")


def zone_kinds() -> tuple[str, ...]:
    return tuple(k.zone_kind for k in camera_kinds() if k.zone_kind is not None)


def plate_types() -> tuple[str, ...]:
    """Kinds whose evidence needs a plate reading."""
    return tuple(k.type for k in KINDS if k.evidence.needs_plate)


def all_reject_reasons() -> tuple[RejectReason, ...]:
    """Every reason code of every kind, each once, in first-seen order."""
    seen: dict[str, RejectReason] = {}
    for kind in KINDS:
        for reason in kind.reject_reasons:
            seen.setdefault(reason.code, reason)
    return tuple(seen.values())


def verify_kinds(kinds: tuple[ViolationKind, ...]) -> None:
    """Types and zone kinds must be unique across kinds."""
    for attr in ("type", "zone_kind"):
        values = [getattr(k, attr) for k in kinds if getattr(k, attr) is not None]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ValueError(f"violation kinds declare the same {attr} twice: {', '.join(duplicates)}")


verify_kinds(KINDS)
