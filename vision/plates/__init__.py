"""Licence plates: locate in a vehicle crop (HyperLPR3 corners), warp upright, read with LPRNet (or
the former RapidOCR engine), validate, vote across a track."""

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
