"""Chinese licence plates: random plate numbers and legible renderings with a CJK font.

Formats (GA 36): blue small-car plate, 7 characters (province, letter, 5 alphanumerics); green
new-energy plate, 8 characters (province, letter, D/F + 5); yellow large-vehicle plate, 7
characters. The plate text here never contains the separator dot; renderings draw it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from vision.synth.common.rng import choice

FONT_PATH = Path(os.environ.get("ENFORCE_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O on plates
DIGITS = "0123456789"
PlateKind = Literal["blue", "green", "yellow"]
PLATE_SIZE_M = {"blue": (0.44, 0.14), "yellow": (0.44, 0.14), "green": (0.48, 0.14)}
_COLOURS = {  # background, text (RGB)
    "blue": ((18, 60, 190), (245, 245, 245)),
    "yellow": ((240, 190, 20), (15, 15, 15)),
    "green": ((120, 215, 140), (15, 15, 15)),
}


@dataclass(frozen=True)
class Plate:
    text: str
    kind: PlateKind


def random_plate(rng: np.random.Generator, kind: PlateKind) -> Plate:
    province = choice(rng, list(PROVINCES))
    city = choice(rng, list(LETTERS[:14]))
    if kind == "green":
        tail = choice(rng, ["D", "F"]) + "".join(choice(rng, list(DIGITS)) for _ in range(5))
    else:
        n_letters = int(rng.choice([0, 0, 1, 2]))
        chars = [choice(rng, list(LETTERS)) for _ in range(n_letters)]
        chars += [choice(rng, list(DIGITS)) for _ in range(5 - n_letters)]
        order = rng.permutation(5)
        tail = "".join(chars[i] for i in order)
    return Plate(province + city + tail, kind)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT_PATH.exists():
        raise FileNotFoundError(
            f"CJK font {FONT_PATH} is missing: run scripts/system-deps.sh (fonts-wqy-microhei)"
        )
    return ImageFont.truetype(str(FONT_PATH), size)


@lru_cache(maxsize=256)
def _glyph(ch: str, height: int) -> npt.NDArray[np.uint8]:
    """Anti-aliased glyph mask cropped to its ink; stroked, as plate type is heavier than the font."""
    font = _font(height * 2)
    img = Image.new("L", (height * 3, height * 3), 0)
    stroke = max(1, height // (30 if ord(ch) > 0x2E80 else 12))
    draw = ImageDraw.Draw(img)
    draw.text((height // 2, height // 4), ch, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    arr = np.asarray(img)
    ys, xs = np.nonzero(arr > 20)
    return arr[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].copy()


@lru_cache(maxsize=4096)
def _render_cached(text: str, kind: PlateKind, scale: int) -> bytes:
    w_m, h_m = PLATE_SIZE_M[kind]
    w, h = int(w_m * 1000 * scale / 2), int(h_m * 1000 * scale / 2)  # 2 px per cm at scale 1
    bg, fg = _COLOURS[kind]
    if kind == "green":  # new-energy gradient: white-green at the top to green at the bottom
        t = np.linspace(0, 1, h)[:, None, None]
        arr = np.array((235, 250, 240)) * (1 - t) + np.array(bg) * t
        canvas = np.repeat(arr, w, axis=1).astype(np.float32)
    else:
        canvas = np.empty((h, w, 3), np.float32)
        canvas[:] = bg
    border = max(2, h // 22)
    fg_arr = np.asarray(fg, np.float32)
    canvas[border : border * 2, border:-border] = fg_arr
    canvas[-border * 2 : -border, border:-border] = fg_arr
    canvas[border:-border, border : border * 2] = fg_arr
    canvas[border:-border, -border * 2 : -border] = fg_arr
    n = len(text)
    dot = 0.5
    slot = (w - 8 * border) / (n + dot)
    char_h = int(h * 0.66)
    char_w = max(2, int(slot * 0.82))
    x = 4.0 * border
    y0 = (h - char_h) // 2
    for i, ch in enumerate(text):
        if i == 2:
            r = max(2, h // 26)
            cx, cy = int(x + slot * dot / 2), h // 2
            canvas[cy - r : cy + r, cx - r : cx + r] = fg_arr
            x += slot * dot
        glyph = _glyph(ch, char_h)
        gw = (
            char_w
            if glyph.shape[1] > glyph.shape[0] * 0.4
            else max(2, int(glyph.shape[1] * char_h / glyph.shape[0]))
        )
        mask = (
            cv2.resize(glyph, (gw, char_h), interpolation=cv2.INTER_AREA).astype(np.float32)[..., None] / 255
        )
        gx = int(x + (slot - gw) / 2)
        region = canvas[y0 : y0 + char_h, gx : gx + gw]
        region[:] = region * (1 - mask) + fg_arr * mask
        x += slot
    return np.ascontiguousarray(canvas[:, :, ::-1].astype(np.uint8)).tobytes()


def render_plate(plate: Plate, scale: int = 1) -> npt.NDArray[np.uint8]:
    """Front view of the plate as BGR (88x28 px per scale unit for 7-char plates)."""
    w_m, h_m = PLATE_SIZE_M[plate.kind]
    w, h = int(w_m * 1000 * scale / 2), int(h_m * 1000 * scale / 2)
    return np.frombuffer(_render_cached(plate.text, plate.kind, scale), np.uint8).reshape(h, w, 3).copy()
