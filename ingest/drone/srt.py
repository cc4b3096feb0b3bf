"""DJI-style SRT telemetry: one subtitle block per video frame.

    1
    00:00:00,000 --> 00:00:00,033
    <font size="28">FrameCnt: 1, DiffTime: 33ms
    2026-03-01 10:00:00.000
    [iso : 100] ... [latitude: 30.1234567] [longitude: 120.1234567] [rel_alt: 80.000 abs_alt: 92.000]
    [gb_yaw : 90.0 gb_pitch : -90.0 gb_roll : 0.0] </font>

Every problem is reported with the file and the line of the block it was found in.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from ingest.drone.errors import TelemetryError
from vision.change.frames import TelemetryRecord

_TIMING = re.compile(r"^(\d+):(\d\d):(\d\d)[,.](\d{1,3})\s*-->\s*(\d+):(\d\d):(\d\d)[,.](\d{1,3})$")
_DATE = re.compile(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?)")
_FIELD = re.compile(r"\b([a-z_]+)\s*:\s*([-+]?\d+(?:\.\d+)?)", re.IGNORECASE)
REQUIRED = ("latitude", "longitude", "rel_alt", "gb_yaw", "gb_pitch")
MAX_SPEED_MPS = 40.0  # faster than any survey drone: a jump means corrupt telemetry


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000.0


def parse_srt(path: Path, tz: tzinfo = UTC) -> list[TelemetryRecord]:
    """Parse every block; raise TelemetryError naming the file and line of the first bad one."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TelemetryError(name, f"cannot read telemetry file: {exc}") from None
    lines = text.splitlines()
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for no, raw in enumerate(lines, 1):
        if raw.strip():
            if not current:
                start = no
            current.append(raw.strip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    if not blocks:
        raise TelemetryError(name, "no telemetry blocks (empty SRT file)")
    records = [_parse_block(name, start, block, tz) for start, block in blocks]
    _check_sequence(name, records)
    return records


def _parse_block(name: str, start: int, block: list[str], tz: tzinfo) -> TelemetryRecord:
    if not block[0].isdigit():
        raise TelemetryError(name, f"expected a block number, found {block[0][:40]!r}", start)
    number = int(block[0])
    if len(block) < 2 or not (timing := _TIMING.match(block[1])):
        raise TelemetryError(name, f"block {number}: missing or malformed timing line", start + 1)
    t0 = _seconds(*timing.groups()[:4])
    body = " ".join(block[2:])
    fields = {k.lower(): float(v) for k, v in _FIELD.findall(body)}
    if "framecnt" in fields:
        number = int(fields["framecnt"])
    missing = [k for k in REQUIRED if k not in fields]
    if missing:
        raise TelemetryError(
            name, f"block {number}: missing {', '.join(missing)} (truncated telemetry?)", start
        )
    date = _DATE.search(body)
    if not date:
        raise TelemetryError(name, f"block {number}: missing capture date/time", start)
    stamp = datetime.fromisoformat(date.group(1).replace(",", ".").replace(" ", "T")).replace(tzinfo=tz)
    lat, lon = fields["latitude"], fields["longitude"]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise TelemetryError(name, f"block {number}: no valid GPS position (lat={lat}, lon={lon})", start)
    return TelemetryRecord(
        index=number - 1,
        time_s=t0,
        captured_at=stamp.astimezone(UTC),
        lat=lat,
        lon=lon,
        rel_alt=fields["rel_alt"],
        abs_alt=fields.get("abs_alt"),
        yaw=fields["gb_yaw"] % 360.0,
        pitch=fields["gb_pitch"],
        roll=fields.get("gb_roll", 0.0),
        line=start,
    )


def _check_sequence(name: str, records: list[TelemetryRecord]) -> None:
    from vision.geometry.geo import distance_m

    for prev, rec in zip(records, records[1:], strict=False):
        if rec.index <= prev.index:
            raise TelemetryError(
                name, f"frame count goes backwards ({prev.index + 1} then {rec.index + 1})", rec.line
            )
        if rec.time_s < prev.time_s or rec.captured_at < prev.captured_at:
            raise TelemetryError(name, f"block {rec.index + 1}: time goes backwards", rec.line)
        dt = max(rec.time_s - prev.time_s, 1e-3)
        jump = distance_m(prev.lat, prev.lon, rec.lat, rec.lon)
        if jump / dt > MAX_SPEED_MPS and jump > 5.0:
            raise TelemetryError(
                name,
                f"block {rec.index + 1}: position jumps {jump:.0f} m in {dt:.2f} s (inconsistent GPS)",
                rec.line,
            )
        if not math.isfinite(rec.rel_alt) or rec.rel_alt <= 1.0:
            raise TelemetryError(
                name, f"block {rec.index + 1}: relative altitude {rec.rel_alt} m is not usable", rec.line
            )
