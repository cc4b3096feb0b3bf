"""Zone rows <-> zone configs. A row keeps its kind's rule parameters in one JSON column (`params`),
written from a validated zone and read back through the kind's zone model."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from api.db.models import Zone
from vision.violations.registry import kind_for_zone
from vision.violations.unions import ZoneConfig
from vision.zones import ZoneBase

_ZONE: TypeAdapter[ZoneBase] = TypeAdapter(ZoneConfig)


def zone_row(zone: ZoneBase, position: int) -> Zone:
    """A row for a zone already validated by its kind's model (config file or API body)."""
    return Zone(
        position=position,
        name=zone.name,
        kind=zone.kind,
        polygon=[[x, y] for x, y in zone.polygon],
        active_hours=[str(w) for w in zone.active_hours],
        params=kind_for_zone(zone.kind).params_of(zone),
    )


def zone_dict(row: Zone) -> dict[str, Any]:
    """The row as a cameras-file zone mapping: common fields plus the kind's parameters."""
    return {
        "name": row.name,
        "kind": row.kind,
        "polygon": row.polygon,
        "active_hours": row.active_hours,
        **(row.params or {}),
    }


def zone_config(row: Zone) -> ZoneBase:
    """The row validated by its kind's zone model; raises pydantic's ValidationError naming the field."""
    return _ZONE.validate_python(zone_dict(row))


def zone_signature(row: Zone) -> tuple[object, ...]:
    """What seeding compares to tell whether a zone changed."""
    return (row.name, row.kind, row.polygon, row.active_hours, row.params)
