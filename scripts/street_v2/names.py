"""street-v2's class names (the pipeline labels), importable without the product's dependencies."""

NAMES = ("vehicle", "truck", "person", "license_plate", "mud", "uncovered_load", "smoke", "grill", "fire")
