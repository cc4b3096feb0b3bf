"""Scoring the pipeline's event-level output against ground truth."""
