"""Composition root: wires ingest, vision and evidence into the running pipeline."""
