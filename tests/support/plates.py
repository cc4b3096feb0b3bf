"""Street scenes with a vehicle carrying a plate rendered in a real CJK font (Pillow)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
VEHICLE = (500.0, 300.0, 800.0, 560.0)
PLATE_AT = (595, 480, 705, 515)  # 110 x 35 px: a plate some metres from a 1080p-class camera
COLOURS = {
    "blue": ((25, 75, 200), (255, 255, 255)),
    "green": ((110, 200, 120), (0, 0, 0)),
    "yellow": ((240, 200, 20), (0, 0, 0)),
}


def street_with_vehicle(plate_text: str | None, colour: str = "blue", seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scene = Image.new("RGB", (1280, 720), (105, 105, 100))
    draw = ImageDraw.Draw(scene)
    draw.rectangle(VEHICLE, fill=(150, 150, 155))  # a silver car body
    draw.rectangle((520, 330, 780, 420), fill=(60, 70, 80))  # windscreen
    if plate_text is not None:
        background, ink = COLOURS[colour]
        draw.rectangle(PLATE_AT, fill=background, outline=ink, width=1)
        if colour == "green":  # new-energy plates fade from near-white at the top to green
            x1, y1, x2, y2 = PLATE_AT
            for row in range(y1 + 1, y2):
                t = (row - y1) / (y2 - y1)
                shade = tuple(
                    int(w * (1 - t) + g * t) for w, g in zip((235, 250, 240), background, strict=True)
                )
                draw.line((x1 + 1, row, x2 - 1, row), fill=shade)
        font = ImageFont.truetype(str(FONT), 24)
        width = draw.textlength(plate_text, font=font)
        centre_x = (PLATE_AT[0] + PLATE_AT[2]) / 2
        draw.text((centre_x - width / 2, PLATE_AT[1] + 3), plate_text, font=font, fill=ink)
    image = cv2.cvtColor(np.asarray(scene), cv2.COLOR_RGB2BGR)
    noise = rng.normal(0, 3, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)
