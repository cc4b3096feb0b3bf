"""Drone footage uploads: resumable, chunked, content-checked, checksummed."""
