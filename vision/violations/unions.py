"""Pydantic unions built from the registry at import: the config zone union and the details union.

Imported by the config tree (ingest/config), the API and the evidence manifest; a kind added to
`registry.KINDS` before this module is first imported appears in both unions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import Field

from vision.violations import registry
from vision.violations.base import DetailsBase
from vision.zones import ZoneBase

registry.verify_kinds(registry.KINDS)
ZONE_KINDS: tuple[str, ...] = registry.zone_kinds()
ZONE_MODELS: tuple[type[ZoneBase], ...] = tuple(
    k.zone_model for k in registry.camera_kinds() if k.zone_model is not None
)
DETAILS_MODELS: tuple[type[DetailsBase], ...] = tuple(k.details_model for k in registry.KINDS)


def _tagged(models: tuple[type[Any], ...]) -> Any:
    return Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007 - built from a tuple


if TYPE_CHECKING:
    ZoneConfig: TypeAlias = ZoneBase
    KindDetails: TypeAlias = DetailsBase
else:
    ZoneConfig = _tagged(ZONE_MODELS)  # any camera kind's zone, chosen by `kind`
    KindDetails = _tagged(DETAILS_MODELS)  # any kind's details, chosen by `kind`
