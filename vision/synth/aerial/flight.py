"""Flights over a survey area on a given date: poses along a lawnmower path, telemetry with GPS/compass
noise, an H.264 video with a DJI-style SRT file, or geotagged stills (EXIF GPS + DJI XMP)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from vision.geometry.camera import Intrinsics, Pose, footprint
from vision.synth.aerial.layout import Layout
from vision.synth.aerial.render import WorldRaster, camera_effects, video_effects

GROUND_ELEVATION_M = 12.0  # absolute altitude of the ground (abs_alt = rel_alt + this)


@dataclass(frozen=True)
class FlightSpec:
    """How one date's flight is flown (everything that differs between dates besides the scene)."""

    start: datetime  # UTC
    altitude: float = 80.0
    yaw_offset_deg: float = 0.0  # camera yaw relative to the track
    pitch_deg: float = -90.0
    duration_s: float = 60.0
    fps: float = 10.0
    width: int = 1280
    height: int = 720
    hfov_deg: float = 70.0
    gps_bias_m: tuple[float, float] = (0.0, 0.0)
    gps_jitter_m: float = 0.15
    yaw_noise_deg: float = 0.3
    alt_noise_m: float = 0.2
    line_angle_deg: float = 0.0  # direction of the survey lines, degrees clockwise from north
    seed: int = 0

    def intrinsics(self) -> Intrinsics:
        return Intrinsics.from_hfov(self.width, self.height, self.hfov_deg)


@dataclass(frozen=True)
class TelemetrySample:
    index: int
    time_s: float
    captured_at: datetime
    lat: float
    lon: float
    rel_alt: float
    abs_alt: float
    yaw: float
    pitch: float
    roll: float = 0.0


def lawnmower(layout: Layout, spec: FlightSpec) -> list[tuple[float, float]]:
    """Way-points covering the survey square with ~35% side overlap."""
    a = math.radians(spec.line_angle_deg)
    along, side = np.array([math.sin(a), math.cos(a)]), np.array([math.cos(a), -math.sin(a)])
    yaw = spec.line_angle_deg + spec.yaw_offset_deg
    fp = footprint(spec.intrinsics(), Pose(0, 0, spec.altitude, yaw, -90.0))
    across = float(np.ptp(fp @ side))
    spacing = max(10.0, 0.65 * across)
    half = (layout.size_m - 2 * layout.survey_margin_m) / 2
    centre = np.array([layout.size_m / 2, layout.size_m / 2])
    offsets = np.arange(-half + spacing / 2, half, spacing) if 2 * half > spacing else np.array([0.0])
    pts: list[tuple[float, float]] = []
    for k, off in enumerate(offsets):
        ends = [centre + side * off - along * half * 0.9, centre + side * off + along * half * 0.9]
        for p in ends if k % 2 == 0 else ends[::-1]:
            pts.append((float(p[0]), float(p[1])))
    return pts


def trajectory(layout: Layout, spec: FlightSpec) -> Iterator[tuple[int, float, Pose]]:
    """True camera pose for every video frame; the path is flown at constant speed over `duration_s`."""
    pts = np.array(lawnmower(layout, spec))
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = cum[-1]
    n = int(round(spec.duration_s * spec.fps))
    for i in range(n):
        d = total * i / max(1, n - 1)
        k = min(int(np.searchsorted(cum, d, side="right") - 1), len(seg) - 1)
        t = (d - cum[k]) / seg[k] if seg[k] > 0 else 0.0
        pos = pts[k] + (pts[k + 1] - pts[k]) * t
        yaw = (spec.line_angle_deg + spec.yaw_offset_deg) % 360.0  # gimbal locked to the mission heading
        yield i, i / spec.fps, Pose(float(pos[0]), float(pos[1]), spec.altitude, yaw, spec.pitch_deg)


def telemetry_for(
    layout: Layout, spec: FlightSpec, index: int, time_s: float, pose: Pose, rng: np.random.Generator
) -> TelemetrySample:
    e = pose.east + spec.gps_bias_m[0] + rng.normal(0, spec.gps_jitter_m)
    n = pose.north + spec.gps_bias_m[1] + rng.normal(0, spec.gps_jitter_m)
    lat, lon = layout.origin.to_latlon(e, n)
    rel = pose.altitude + rng.normal(0, spec.alt_noise_m)
    return TelemetrySample(
        index,
        time_s,
        spec.start + timedelta(seconds=time_s),
        lat,
        lon,
        rel,
        rel + GROUND_ELEVATION_M,
        (pose.yaw_deg + rng.normal(0, spec.yaw_noise_deg)) % 360,
        pose.pitch_deg,
    )


def srt_block(s: TelemetrySample, frame_dt: float) -> str:
    def ts(x: float) -> str:
        ms = int(round(x * 1000))
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    yaw = s.yaw if s.yaw <= 180 else s.yaw - 360
    return (
        f"{s.index + 1}\n{ts(s.time_s)} --> {ts(s.time_s + frame_dt)}\n"
        f'<font size="28">FrameCnt: {s.index + 1}, DiffTime: {int(round(frame_dt * 1000))}ms\n'
        f"{s.captured_at.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}\n"
        f"[iso : 100] [shutter : 1/1000.0] [fnum : 2.8] [ev : 0] [ct : 5500] [color_md : default] "
        f"[focal_len : 24.00] [latitude: {s.lat:.7f}] [longitude: {s.lon:.7f}] "
        f"[rel_alt: {s.rel_alt:.3f} abs_alt: {s.abs_alt:.3f}] "
        f"[gb_yaw : {yaw:.1f} gb_pitch : {s.pitch:.1f} gb_roll : {s.roll:.1f}] </font>\n\n"
    )


def write_flight_video(world: WorldRaster, spec: FlightSpec, video: Path, srt: Path) -> int:
    """Render the flight as H.264 MP4 + SRT; returns the number of frames."""
    rng = np.random.default_rng([spec.seed, 7200])
    intr = spec.intrinsics()
    fps = Fraction(spec.fps).limit_denominator(1000)
    count = 0
    with av.open(str(video), "w") as container, open(srt, "w", encoding="utf-8") as fh:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = spec.width, spec.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "23"}
        for i, t, pose in trajectory(world.layout, spec):
            img = video_effects(world.photograph(intr, pose), rng)
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
            fh.write(srt_block(telemetry_for(world.layout, spec, i, t, pose, rng), 1 / spec.fps))
            count += 1
        for packet in stream.encode():
            container.mux(packet)
    return count


def _xmp(s: TelemetrySample) -> bytes:
    yaw = s.yaw if s.yaw <= 180 else s.yaw - 360
    body = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" '
        f'drone-dji:GpsLatitude="{s.lat:.8f}" drone-dji:GpsLongitude="{s.lon:.8f}" '
        f'drone-dji:AbsoluteAltitude="{s.abs_alt:+.3f}" drone-dji:RelativeAltitude="{s.rel_alt:+.3f}" '
        f'drone-dji:GimbalYawDegree="{yaw:+.2f}" drone-dji:GimbalPitchDegree="{s.pitch:+.2f}" '
        f'drone-dji:GimbalRollDegree="{s.roll:+.2f}"/></rdf:RDF></x:xmpmeta>'
    )
    return body.encode()


def _rational(value: float, denom: int = 10000) -> tuple[int, int]:
    return int(round(value * denom)), denom


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    sec = (value - d - m / 60) * 3600
    return (d, 1), (m, 1), _rational(sec, 10000)


def geotagged_jpeg(img: np.ndarray, s: TelemetrySample, quality: int = 92) -> bytes:
    """JPEG bytes with EXIF GPS (lat, lon, altitude) and the DJI XMP packet."""
    import cv2
    import piexif

    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    gps = {
        piexif.GPSIFD.GPSLatitudeRef: b"N" if s.lat >= 0 else b"S",
        piexif.GPSIFD.GPSLatitude: _dms(s.lat),
        piexif.GPSIFD.GPSLongitudeRef: b"E" if s.lon >= 0 else b"W",
        piexif.GPSIFD.GPSLongitude: _dms(s.lon),
        piexif.GPSIFD.GPSAltitudeRef: 0,
        piexif.GPSIFD.GPSAltitude: _rational(s.abs_alt, 1000),
    }
    exif = {
        "0th": {piexif.ImageIFD.Make: b"DJI", piexif.ImageIFD.Model: b"SYNTH-AERIAL"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: s.captured_at.strftime("%Y:%m:%d %H:%M:%S").encode()},
        "GPS": gps,
    }
    out = io.BytesIO()
    piexif.insert(piexif.dump(exif), buf.tobytes(), out)
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + _xmp(s)
    segment = b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp
    return data[:2] + segment + data[2:]


def write_flight_stills(world: WorldRaster, spec: FlightSpec, out_dir: Path, every: int = 10) -> list[Path]:
    """Every `every`-th pose of the flight as a geotagged still."""
    rng = np.random.default_rng([spec.seed, 7201])
    intr = spec.intrinsics()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, t, pose in trajectory(world.layout, spec):
        sample = telemetry_for(world.layout, spec, i, t, pose, rng)
        if i % every:
            continue
        img = camera_effects(world.photograph(intr, pose), rng, noise=1.5)
        path = out_dir / f"DJI_{i // every + 1:04d}.JPG"
        path.write_bytes(geotagged_jpeg(img, sample))
        paths.append(path)
    return paths
