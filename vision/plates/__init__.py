"""Licence plates: locate in a vehicle crop, read with RapidOCR, validate, vote across a track."""

from vision.plates.formats import is_valid_plate, normalise_plate, plate_format
from vision.plates.reader import PlateCandidate, PlateReader
from vision.plates.tracks import TrackPlates
from vision.plates.voting import PlateVoter

__all__ = [
    "PlateCandidate",
    "PlateReader",
    "PlateVoter",
    "TrackPlates",
    "is_valid_plate",
    "normalise_plate",
    "plate_format",
]
