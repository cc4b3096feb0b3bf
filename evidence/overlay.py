"""Annotated copies: boxes, zone outline and a burned-in caption band (Chinese text via Pillow).

The caption band is appended below the scene, so no pixel of the scene is covered by text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from domain.types import LabelledBox
from vision.violations import registry

log = logging.getLogger(__name__)
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
BOX_COLOURS = {"license_plate": (0, 255, 255), "person": (255, 128, 0)}  # BGR
DEFAULT_BOX = (0, 0, 255)
ZONE_COLOUR = (0, 255, 0)


@dataclass(frozen=True)
class Caption:
    captured_at: datetime
    timezone: str
    address: str
    lat: float
    lon: float
    device_id: str
    violation_type: str
    verification_code: str
    role: str

    def lines(self) -> list[str]:
        local = self.captured_at.astimezone(ZoneInfo(self.timezone))
        offset = local.strftime("%z")
        name = registry.kind_of(self.violation_type).names.zh
        return [
            f"时间 {local:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]} {self.timezone})"
            f"  照片 {self.role}",
            f"地点 {self.address}  ({self.lat:.6f}, {self.lon:.6f})",
            f"设备 {self.device_id}  违法类型 {name}  校验码 {self.verification_code}",
        ]


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size, index=0)
    log.warning("font %s missing (install fonts-wqy-microhei); Chinese captions will not render", FONT_PATH)
    return ImageFont.load_default()


def annotate(
    image: npt.NDArray[np.uint8],
    marks: tuple[LabelledBox, ...],
    zone_polygon: tuple[tuple[float, float], ...] | None,
    caption: Caption,
    view_offset: tuple[float, float] = (0.0, 0.0),
) -> npt.NDArray[np.uint8]:
    """Return a new BGR image: the scene with marks and zone, plus the caption band below it. The zone
    (drawn on the camera's reference view) shows `view_offset` pixels off where the camera has drifted."""
    height, width = image.shape[:2]
    scene = image.copy()
    thickness = max(2, round(min(width, height) / 360))
    if zone_polygon:
        dx, dy = view_offset
        points = np.array([[x * width + dx, y * height + dy] for x, y in zone_polygon], dtype=np.int32)
        cv2.polylines(scene, [points], isClosed=True, color=ZONE_COLOUR, thickness=thickness)
    for mark in marks:
        x1, y1, x2, y2 = (round(v) for v in mark.box)
        colour = BOX_COLOURS.get(mark.label, DEFAULT_BOX)
        cv2.rectangle(scene, (x1, y1), (x2, y2), colour, thickness)
        label = mark.label if mark.score is None else f"{mark.label} {mark.score:.2f}"
        cv2.putText(
            scene,
            label,
            (x1, max(12, y1 - 4)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4 + width / 3200,
            colour,
            max(1, thickness // 2),
            cv2.LINE_AA,
        )
    return np.vstack([scene, caption_band(width, caption)])


def caption_band(width: int, caption: Caption) -> npt.NDArray[np.uint8]:
    lines = caption.lines()
    size = max(12, round(width / 64))
    pad = size // 2
    band_height = pad * 2 + len(lines) * round(size * 1.3)
    band = Image.new("RGB", (width, band_height), (0, 0, 0))
    draw = ImageDraw.Draw(band)
    font = _font(size)
    for i, line in enumerate(lines):
        draw.text((pad, pad + i * round(size * 1.3)), line, fill=(255, 255, 255), font=font)
    rgb = np.asarray(band, dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])
