"""Helpers shared by the synthetic generators."""
