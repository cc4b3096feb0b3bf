"""Errors the evidence stage raises; each message names what failed and what happened to the data."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base of every evidence-stage error."""


class StoreUnavailableError(EvidenceError):
    """The store could not be written (full, read-only, no permission); the violation is kept for retry."""

    def __init__(self, message: str, spool_id: str | None = None):
        super().__init__(message)
        self.spool_id = spool_id


class SigningKeyError(EvidenceError):
    """A signing key could not be created, read or used (never carries key material)."""


class BundleFormatError(EvidenceError):
    """A manifest or signature file is not in the expected format."""
