"""Local metric frame around an origin: lat/lon <-> east/north metres (equirectangular, < 0.1 m over 2 km)."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_378_137.0


@dataclass(frozen=True)
class LocalFrame:
    origin_lat: float
    origin_lon: float

    def to_en(self, lat: float, lon: float) -> tuple[float, float]:
        east = math.radians(lon - self.origin_lon) * EARTH_RADIUS_M * math.cos(math.radians(self.origin_lat))
        north = math.radians(lat - self.origin_lat) * EARTH_RADIUS_M
        return east, north

    def to_latlon(self, east: float, north: float) -> tuple[float, float]:
        lat = self.origin_lat + math.degrees(north / EARTH_RADIUS_M)
        lon = self.origin_lon + math.degrees(
            east / (EARTH_RADIUS_M * math.cos(math.radians(self.origin_lat)))
        )
        return lat, lon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ground distance between two nearby points."""
    east, north = LocalFrame(lat1, lon1).to_en(lat2, lon2)
    return math.hypot(east, north)


def polygon_area_m2(points_en: list[tuple[float, float]]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points_en, [*points_en[1:], points_en[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0
