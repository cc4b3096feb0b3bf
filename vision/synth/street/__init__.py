"""Street-camera scenes: a pole-mounted camera looking along a road with shops and a worksite gate."""

CLASS_NAMES: tuple[str, ...] = (
    "vehicle",
    "truck",
    "person",
    "license_plate",
    "mud",
    "uncovered_load",
    "smoke",
    "grill",
)
CLASS_ID = {name: i for i, name in enumerate(CLASS_NAMES)}
