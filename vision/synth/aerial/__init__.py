"""Synthetic aerial survey scenes: urban blocks, rooftop illegal structures, flights over several dates.

Self-contained (no dependency on the street generator). Everything is deterministic by seed.
"""
