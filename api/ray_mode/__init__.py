"""Ray mode's composition: the evidence-writer actor, the street wiring for camera shards, start/stop."""
