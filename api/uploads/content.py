"""What a file really is, from its first bytes (never from its name alone)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

EXTENSIONS = {
    "video": (".mp4", ".mov", ".mkv", ".avi", ".ts"),
    "srt": (".srt",),
    "still": (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".dng"),
}
HEAD_BYTES = 512  # enough of the first chunk to recognise every accepted format
_SRT_START = re.compile(rb"^(\xef\xbb\xbf)?\s*\d+\s*\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$")
SAFE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_ -]*(\.[A-Za-z0-9_ -]+)*$"  # the same names, as the schema states them


class ContentError(ValueError):
    pass


def safe_filename(name: str) -> str:
    """A plain file name (no folders, no traversal, no odd characters) or ContentError."""
    if name != PurePosixPath(name).name or "\\" in name or not _SAFE_NAME.match(name) or ".." in name:
        raise ContentError(
            f"filename {name[:80]!r} is not allowed: use letters, digits, '.', '_', '-' or space, no folders"
        )
    return name


def kind_for(filename: str, declared: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EXTENSIONS[declared]:
        raise ContentError(
            f"a {declared} upload must end in {', '.join(EXTENSIONS[declared])}; got {filename!r}"
        )
    return declared


def sniff(head: bytes) -> str | None:
    """'video', 'still', 'srt' or None, from the first bytes of a file."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video"  # MP4 / MOV (ISO base media)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"  # Matroska / WebM
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video"
    if head[:1] == b"\x47" and (len(head) < 189 or head[188:189] == b"\x47"):
        return "video"  # MPEG transport stream, sync byte every 188
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "still"
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return "still"  # TIFF / DNG
    if _SRT_START.match(head):
        return "srt"
    return None


def check_head(head: bytes, declared: str, filename: str) -> None:
    found = sniff(head[:HEAD_BYTES])
    if found == declared:
        return
    described = {
        "video": "an MP4/MOV/MKV/AVI/TS video",
        "still": "a JPEG/PNG/TIFF/DNG photo",
        "srt": "an SRT telemetry subtitle file",
    }
    what = described[found] if found else "none of the accepted formats"
    looks_text = bool(head) and all(b in b"\t\n\r" or 32 <= b < 127 or b >= 128 for b in head[:256])
    hint = " (it looks like plain text; was a text file renamed?)" if looks_text and found is None else ""
    raise ContentError(f"{filename!r} was declared {described[declared]} but its content is {what}{hint}")
