"""Chinese licence plate formats (GA 36): normalise OCR text and check it is a possible plate."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SUFFIXES = "学警挂港澳领使"
_SERIAL = "[A-HJ-NP-Z0-9]"  # letters I and O are never used in the serial
_NEV_LETTERS = "[A-HJK]"  # new-energy type letters (D, F first; A-K without I since 2022)
_PATTERNS: dict[str, re.Pattern[str]] = {
    # blue (small) and yellow (large) plates share the 7-character layout
    "standard": re.compile(rf"^[{PROVINCES}][A-Z]{_SERIAL}{{5}}$"),
    # 学 (driving school), 挂 (trailer), 警, 港/澳 (cross-border) take the last place
    "special": re.compile(rf"^[{PROVINCES}][A-Z]{_SERIAL}{{4}}[{SUFFIXES}]$"),
    # green new-energy plates have 8 characters: small ones D/F first, large ones D/F last
    "new_energy": re.compile(
        rf"^[{PROVINCES}][A-Z](?:{_NEV_LETTERS}{_SERIAL}\d{{4}}|\d{{5}}{_NEV_LETTERS})$"
    ),
}
PlateFormat = Literal["standard", "special", "new_energy"]
PlateColour = Literal["blue", "yellow", "green"]
_COLOUR_FORMATS: dict[str, set[str]] = {
    "blue": {"standard", "special"},
    "yellow": {"standard", "special"},
    "green": {"new_energy"},
}
_KEEP = re.compile(rf"[^{PROVINCES}{SUFFIXES}A-Z0-9]")


def normalise_plate(text: str) -> str:
    """Full-width to ASCII, upper case, separators dropped, O/I read as 0/1 in the serial."""
    clean = _KEEP.sub("", unicodedata.normalize("NFKC", text).upper())
    return clean[:2] + clean[2:].replace("O", "0").replace("I", "1")


# Province glyphs that OCR misreads at plate resolution, as characters no plate begins with
_PROVINCE_LOOKALIKES = {
    "I": "川",
    "1": "川",
    "L": "川",
    "儿": "川",
    "州": "川",
    "黄": "藏",
    "减": "藏",
    "折": "浙",
}


def repair_province(text: str) -> str:
    """Replace a first character that cannot be a province by the province it is usually misread
    from (川 read as 'I', 藏 as '黄'), when the rest has the length of a plate; else unchanged."""
    if not text or text[0] in PROVINCES or len(text) not in (7, 8):
        return text
    if text[0] in _PROVINCE_LOOKALIKES and text[1].isalpha() and text[1].isascii():
        return _PROVINCE_LOOKALIKES[text[0]] + text[1:]
    return text


def plate_format(text: str, colour: PlateColour | None = None) -> PlateFormat | None:
    """The format a normalised plate text matches (consistent with the plate colour, where known)."""
    for name, pattern in _PATTERNS.items():
        if pattern.match(text) and (colour is None or name in _COLOUR_FORMATS[colour]):
            return name  # type: ignore[return-value]
    return None


def is_valid_plate(text: str, colour: PlateColour | None = None) -> bool:
    return plate_format(text, colour) is not None
