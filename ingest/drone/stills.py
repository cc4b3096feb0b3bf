"""Geotagged stills: EXIF GPS (position, altitude) and, where present, DJI XMP (relative altitude, gimbal)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import piexif

from domain.types import Frame
from ingest.drone.errors import TelemetryError
from vision.change.frames import GeoFrame, TelemetryRecord

_XMP = {
    k: re.compile(rf'drone-dji:{k}="([-+]?\d+(?:\.\d+)?)"'.encode())
    for k in (
        "RelativeAltitude",
        "AbsoluteAltitude",
        "GimbalYawDegree",
        "GimbalPitchDegree",
        "GimbalRollDegree",
        "FlightYawDegree",
    )
}


def _deg(value: tuple[tuple[int, int], ...], ref: bytes, name: str, what: str) -> float:
    try:
        d, m, s = (n / den for n, den in value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise TelemetryError(name, f"EXIF {what} is malformed") from None
    out = d + m / 60 + s / 3600
    return -out if ref in (b"S", b"W") else out


def read_still(path: Path, index: int, source_id: str, ground_elevation_m: float | None = None) -> GeoFrame:
    name = str(path)
    data = path.read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise TelemetryError(name, "not a readable image")
    try:
        exif = piexif.load(data)
    except Exception as exc:  # noqa: BLE001 - piexif raises several types for broken EXIF
        raise TelemetryError(name, f"EXIF block is unreadable ({exc})") from None
    gps = exif.get("GPS", {})
    if piexif.GPSIFD.GPSLatitude not in gps or piexif.GPSIFD.GPSLongitude not in gps:
        raise TelemetryError(name, "no GPS position in EXIF (GPSLatitude/GPSLongitude missing)")
    lat = _deg(gps[piexif.GPSIFD.GPSLatitude], gps.get(piexif.GPSIFD.GPSLatitudeRef, b"N"), name, "latitude")
    lon = _deg(
        gps[piexif.GPSIFD.GPSLongitude], gps.get(piexif.GPSIFD.GPSLongitudeRef, b"E"), name, "longitude"
    )
    abs_alt = None
    if piexif.GPSIFD.GPSAltitude in gps:
        n, d = gps[piexif.GPSIFD.GPSAltitude]
        abs_alt = n / d if d else None
    xmp = {k: float(m.group(1)) for k, rx in _XMP.items() if (m := rx.search(data))}
    if "RelativeAltitude" in xmp:
        rel = xmp["RelativeAltitude"]
    elif abs_alt is not None and ground_elevation_m is not None:
        rel = abs_alt - ground_elevation_m
    else:
        raise TelemetryError(
            name,
            "no height above ground: DJI XMP RelativeAltitude missing and no ground "
            "elevation configured for the survey area",
        )
    raw_time = exif.get("Exif", {}).get(piexif.ExifIFD.DateTimeOriginal)
    if not raw_time:
        raise TelemetryError(name, "no capture time (EXIF DateTimeOriginal missing)")
    stamp = datetime.strptime(raw_time.decode(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
    yaw = xmp.get("GimbalYawDegree", xmp.get("FlightYawDegree"))
    if yaw is None:
        raise TelemetryError(name, "no camera heading (DJI XMP GimbalYawDegree missing)")
    rec = TelemetryRecord(
        index,
        float(index),
        stamp,
        lat,
        lon,
        rel,
        abs_alt,
        yaw % 360.0,
        xmp.get("GimbalPitchDegree", -90.0),
        xmp.get("GimbalRollDegree", 0.0),
    )
    return GeoFrame(Frame(source_id, index, stamp, np.asarray(image, np.uint8)), rec, path.name)
