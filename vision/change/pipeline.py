"""Compare a new flight with the baseline flight of its survey area -> new rooftop structures.

Per selected new frame: pick the baseline frames whose ground footprints overlap it most (telemetry),
register (SIFT + RANSAC), detect in both, keep detections without a match in the warped baseline that
show pixel change, place them on the ground with the frame's pose and intrinsics, then merge the
observations of one structure across frames.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from domain.types import Detections
from vision.change.compare import Candidate, new_structures
from vision.change.config import DroneConfig
from vision.change.detector import ROOF_LABEL
from vision.change.frames import FlightFrames, GeoFrame
from vision.change.register import Registrar, Registration
from vision.change.selection import ground_polygon, overlap, pose_of
from vision.detectors.base import Detector
from vision.geometry.camera import Intrinsics, apply_h, image_to_ground
from vision.geometry.geo import LocalFrame, polygon_area_m2

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]

@dataclass(frozen=True, eq=False)
class Observation:
    new: GeoFrame
    baseline: GeoFrame
    homography: npt.NDArray[np.float64]  # new pixels -> baseline pixels
    registration_quality: float
    candidate: Candidate
    east: float
    north: float
    area_m2: float


@dataclass(frozen=True, eq=False)
class Finding:
    key: str  # deterministic: same flight + same structure -> same key
    lat: float
    lon: float
    area_m2: float
    registration_quality: float
    score: float
    best: Observation
    observations: tuple[Observation, ...]


@dataclass(frozen=True)
class FrameReport:
    frame_index: int
    baseline_index: int | None
    ok: bool
    quality: float
    reason: str = ""


@dataclass
class ChangeReport:
    findings: list[Finding] = field(default_factory=list)
    frames: list[FrameReport] = field(default_factory=list)

    @property
    def unregistered(self) -> list[FrameReport]:
        return [f for f in self.frames if not f.ok]


def finding_key(flight_id: str, lat: float, lon: float) -> str:
    """Position rounded to ~1 m: reprocessing the same footage gives the same key."""
    raw = f"{flight_id}:{lat:.5f}:{lon:.5f}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


class ChangeDetector:
    def __init__(
        self, detector: Detector, config: DroneConfig | None = None, registrar: Registrar | None = None
    ):
        self.detector = detector
        self.config = config or DroneConfig()
        self.registrar = registrar or Registrar()

    def intrinsics(self, gf: GeoFrame) -> Intrinsics:
        return self.config.camera.intrinsics(gf.frame.width, gf.frame.height)

    def compare(
        self, baseline: FlightFrames, new: FlightFrames, area: LocalFrame, progress: Progress | None = None
    ) -> ChangeReport:
        report = ChangeReport()
        self.registrar.clear_cache()  # baseline features are cached per comparison only
        if not new.frames or not baseline.frames:
            return report
        base_polys = [ground_polygon(b.telemetry, self.intrinsics(b), area) for b in baseline.frames]
        base_dets: dict[int, Detections] = {}
        observations: list[Observation] = []
        for n, gf in enumerate(new.frames):
            poly = ground_polygon(gf.telemetry, self.intrinsics(gf), area)
            overlaps = [overlap(poly, base_poly) for base_poly in base_polys]
            ranked = sorted(range(len(baseline.frames)), key=lambda i: -overlaps[i])[:2]
            ranked = [i for i in ranked if overlaps[i] > 0.2]
            det_new = self.detector.detect(gf.frame.image).only(ROOF_LABEL)
            registered_any: Registration | None = None
            first_reason = "no baseline frame covers this ground"
            for bi in ranked:
                base = baseline.frames[bi]
                reg = self.registrar.register(gf.frame.image, base.frame.image, baseline_key=bi)
                if not reg.ok or reg.homography is None:
                    first_reason = reg.reason if registered_any is None else first_reason
                    continue
                if registered_any is None:
                    registered_any = reg
                    report.frames.append(FrameReport(gf.frame.index, base.frame.index, True, reg.quality))
                if bi not in base_dets:
                    base_dets[bi] = self.detector.detect(base.frame.image).only(ROOF_LABEL)
                for cand in new_structures(
                    gf.frame.image,
                    base.frame.image,
                    reg.homography,
                    det_new,
                    base_dets[bi],
                    self.config.min_change,
                ):
                    obs = self._observe(gf, base, reg, cand, area)
                    if obs.area_m2 >= self.config.min_area_m2:
                        observations.append(obs)
            if registered_any is None:
                report.frames.append(FrameReport(gf.frame.index, None, False, 0.0, first_reason))
                log.warning(
                    "flight %s frame %d not registered: %s", new.flight_id, gf.frame.index, first_reason
                )
            if progress:
                progress((n + 1) / len(new.frames), f"compared frame {n + 1}/{len(new.frames)}")
        report.findings = self._merge(new.flight_id, observations, area)
        return report

    def _observe(
        self, gf: GeoFrame, base: GeoFrame, reg: Registration, cand: Candidate, area: LocalFrame
    ) -> Observation:
        to_ground = image_to_ground(self.intrinsics(gf), pose_of(gf.telemetry, area))
        outline = apply_h(to_ground, cand.outline)
        m = cv2.moments(cand.outline.astype(np.float32))
        cx, cy = (
            (m["m10"] / m["m00"], m["m01"] / m["m00"])
            if m["m00"]
            else ((cand.box[0] + cand.box[2]) / 2, (cand.box[1] + cand.box[3]) / 2)
        )
        east, north = apply_h(to_ground, [(cx, cy)])[0]
        assert reg.homography is not None
        return Observation(
            gf,
            base,
            reg.homography,
            reg.quality,
            cand,
            float(east),
            float(north),
            polygon_area_m2([(float(x), float(y)) for x, y in outline]),
        )

    def _merge(self, flight_id: str, obs: list[Observation], area: LocalFrame) -> list[Finding]:
        """Group observations of the same structure (close on the ground) across frames."""
        groups: list[list[Observation]] = []
        for o in sorted(obs, key=lambda o: (-o.candidate.score, o.new.frame.index)):
            radius = max(3.0, 0.6 * np.sqrt(o.area_m2))
            for g in groups:
                if np.hypot(g[0].east - o.east, g[0].north - o.north) < radius:
                    g.append(o)
                    break
            else:
                groups.append([o])
        findings = []
        for g in groups:
            east = float(np.median([o.east for o in g]))
            north = float(np.median([o.north for o in g]))
            lat, lon = area.to_latlon(east, north)

            def centrality(o: Observation) -> float:
                x1, y1, x2, y2 = o.candidate.box
                w, h = o.new.frame.width, o.new.frame.height
                return float(np.hypot((x1 + x2) / 2 / w - 0.5, (y1 + y2) / 2 / h - 0.5))

            best = min(g, key=lambda o: (centrality(o), o.new.frame.index))
            findings.append(
                Finding(
                    key=finding_key(flight_id, lat, lon),
                    lat=lat,
                    lon=lon,
                    area_m2=float(np.median([o.area_m2 for o in g])),
                    registration_quality=float(best.registration_quality),
                    score=float(max(o.candidate.score for o in g)),
                    best=best,
                    observations=tuple(g),
                )
            )
        findings.sort(key=lambda f: (f.lat, f.lon))
        return findings
