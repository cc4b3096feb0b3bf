"""Detectors, tracking, violation rules, change detection, plate reading and synthetic scenes."""
