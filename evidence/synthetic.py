"""Small synthetic violations (numpy drawings) for tests, benchmarks and demos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cv2
import numpy as np

from domain.types import EvidencePhoto, Frame, LabelledBox, PlateReading, Violation
from evidence.records import Place, RecordContext
from vision.violations.parking import ParkingDetails


def scene(width: int, height: int, t: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed + t)
    image = np.full((height, width, 3), (90, 90, 90), np.uint8)
    cv2.rectangle(image, (0, height * 2 // 3), (width, height), (60, 60, 60), -1)
    image += rng.integers(0, 12, image.shape, dtype=np.uint8)  # sensor noise: realistic PNG sizes
    x = width // 3 + t % 7
    cv2.rectangle(image, (x, height // 2), (x + width // 4, height * 5 // 6), (30, 30, 200), -1)
    cv2.putText(image, f"t={t}", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
    return image


def make_context(device_id: str = "cam-1") -> RecordContext:
    return RecordContext(
        device_id=device_id,
        place=Place(
            lat=30.2741,
            lon=120.1551,
            address="杭州市西湖区文三路 88 号",
            grid_code="330106-001",
            responsible_unit="西湖区城管执法局",
        ),
        timezone="Asia/Shanghai",
        model_name="enforce-street-v1",
        weights_sha256="a" * 64,
        detector_type="onnx",
        config_sha256="b" * 64,
        software_version="0.1.0",
    )


def make_violation(
    device_id: str = "cam-1",
    start: datetime = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC),
    episode_key: str = "cam-1:zone-a:track-7",
    plate_text: str = "浙A12345",
    width: int = 320,
    height: int = 180,
    clip_frames: int = 6,
    seed: int = 0,
) -> Violation:
    photos = []
    for i, (role, offset) in enumerate([("arrival", 0), ("interval", 300), ("confirmation", 330)]):
        at = start + timedelta(seconds=offset)
        frame = Frame(device_id, 1000 + offset * 5, at, scene(width, height, i, seed))
        box = (width / 3, height / 2, width / 3 + width / 4, height * 5 / 6)
        photos.append(EvidencePhoto(role, frame, (LabelledBox("vehicle", box, 0.91),)))
    clip = tuple(
        Frame(
            device_id, 2000 + i, start + timedelta(seconds=330 + i * 0.2), scene(width, height, 10 + i, seed)
        )
        for i in range(clip_frames)
    )
    crop = scene(width, height, 0, seed)[height // 2 : height // 2 + 24, width // 3 : width // 3 + 64].copy()
    return Violation(
        violation_type="illegal_parking",
        source_id=device_id,
        zone_name="zone-a",
        episode_key=episode_key,
        object_label="vehicle",
        track_id=7,
        first_seen_at=start,
        confirmed_at=start + timedelta(seconds=330),
        photos=tuple(photos),
        clip_frames=clip,
        plate=PlateReading(plate_text, 0.93, crop, 5),
        zone_polygon=((0.1, 0.5), (0.9, 0.5), (0.9, 0.95), (0.1, 0.95)),
        details=ParkingDetails(),
    )
