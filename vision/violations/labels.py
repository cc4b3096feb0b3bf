"""Names of the detector labels and mud signs in both languages (boxes and reasons on the web page)."""

from __future__ import annotations

from vision.violations.base import KindNames

LABEL_NAMES: dict[str, KindNames] = {
    "vehicle": KindNames(zh="车辆", en="vehicle"),
    "truck": KindNames(zh="货车", en="truck"),
    "license_plate": KindNames(zh="车牌", en="plate"),
    "mud": KindNames(zh="车身带泥", en="mud on the truck"),
    "uncovered_load": KindNames(zh="货物未覆盖", en="uncovered load"),
    "trail": KindNames(zh="路面泥迹", en="mud trail on the road"),
    "grill": KindNames(zh="烧烤炉", en="grill"),
    "smoke": KindNames(zh="烟雾", en="smoke"),
    "fire": KindNames(zh="明火", en="flame"),
    "person": KindNames(zh="人员", en="person"),
    "roof_structure": KindNames(zh="屋顶构筑物", en="rooftop structure"),
    "original_place": KindNames(zh="原违法位置", en="original place"),  # on 核查 photos: the object's box then
}


def label_names(label: str) -> KindNames:
    """A label's names; an unknown label keeps its own spelling in both languages."""
    return LABEL_NAMES.get(label, KindNames(zh=label, en=label))
