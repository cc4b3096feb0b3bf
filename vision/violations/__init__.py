"""Violation kinds: one module per kind, listed once in `registry.KINDS`; everything else derives from it.

Import `vision.violations.registry` for the list and lookups, `vision.violations.unions` for the
config and details unions built from it. This package's `__init__` imports nothing on purpose.
"""
