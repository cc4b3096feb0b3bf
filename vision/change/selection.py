"""Frame geometry from telemetry alone: pose, ground footprint, overlap, and choosing frames by overlap."""

from __future__ import annotations

import cv2
import numpy as np

from vision.change.frames import TelemetryRecord
from vision.geometry.camera import Intrinsics, Pose, footprint
from vision.geometry.geo import LocalFrame


def pose_of(rec: TelemetryRecord, frame: LocalFrame) -> Pose:
    east, north = frame.to_en(rec.lat, rec.lon)
    return Pose(east, north, rec.rel_alt, rec.yaw, rec.pitch)


def ground_polygon(rec: TelemetryRecord, intr: Intrinsics, frame: LocalFrame) -> np.ndarray:
    return footprint(intr, pose_of(rec, frame)).astype(np.float32)


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection area over the smaller footprint."""
    inter, _ = cv2.intersectConvexConvex(a, b)
    return float(inter) / max(1e-6, min(cv2.contourArea(a), cv2.contourArea(b)))


def select_by_overlap(
    records: list[TelemetryRecord], intr: Intrinsics, frame: LocalFrame, max_overlap: float = 0.6
) -> list[TelemetryRecord]:
    """Keep a frame once its footprint overlaps the last kept one by less than `max_overlap`."""
    kept: list[TelemetryRecord] = []
    last: np.ndarray | None = None
    for rec in records:
        poly = ground_polygon(rec, intr, frame)
        if last is None or overlap(poly, last) < max_overlap:
            kept.append(rec)
            last = poly
    if records and kept[-1] is not records[-1]:
        kept.append(records[-1])
    return kept
