"""A finding becomes a `Violation`: registered before/after crops, full frames, position and area."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from domain.types import EvidencePhoto, Frame, LabelledBox, Violation
from vision.change.compare import warp_box
from vision.change.pipeline import Finding
from vision.violations.rooftop import RooftopDetails

CROP_MIN_PX = 160


def _crop_window(box: tuple[float, float, float, float], w: int, h: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    side = max(CROP_MIN_PX, 2.5 * max(x2 - x1, y2 - y1))
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    left = int(np.clip(cx - side / 2, 0, max(0, w - side)))
    top = int(np.clip(cy - side / 2, 0, max(0, h - side)))
    return left, top, int(min(w, left + side)), int(min(h, top + side))


def finding_to_violation(
    finding: Finding,
    *,
    flight_id: str,
    baseline_flight_id: str,
    flight_dates: tuple[str, str],
    area_name: str | None = None,
) -> Violation:
    obs = finding.best
    new, base = obs.new.frame, obs.baseline.frame
    base_in_new = cv2.warpPerspective(base.image, np.linalg.inv(obs.homography), (new.width, new.height))
    x1, y1, x2, y2 = _crop_window(obs.candidate.box, new.width, new.height)
    box_in_crop = (
        obs.candidate.box[0] - x1,
        obs.candidate.box[1] - y1,
        obs.candidate.box[2] - x1,
        obs.candidate.box[3] - y1,
    )
    after_crop = replace(new, image=np.ascontiguousarray(new.image[y1:y2, x1:x2]), index=new.index, encoded=None)
    before_crop = Frame(
        base.source_id,
        base.index,
        base.captured_at,
        np.ascontiguousarray(base_in_new[y1:y2, x1:x2]),
        base.pts_seconds,
    )
    mark = LabelledBox("roof_structure", box_in_crop, obs.candidate.score)
    wb = warp_box(obs.candidate.box, obs.homography)
    base_box = (float(wb[0]), float(wb[1]), float(wb[2]), float(wb[3]))
    photos = (
        EvidencePhoto("before", before_crop, (LabelledBox("roof_structure", mark.box),)),
        EvidencePhoto("after", after_crop, (mark,)),
        EvidencePhoto("before_full", base, (LabelledBox("roof_structure", base_box),)),
        EvidencePhoto(
            "after_full", new, (LabelledBox("roof_structure", obs.candidate.box, obs.candidate.score),)
        ),
    )
    details = RooftopDetails(
        lat=finding.lat,
        lon=finding.lon,
        area_m2=round(finding.area_m2, 2),
        baseline_flight_id=baseline_flight_id,
        flight_dates=flight_dates,
        registration_quality=round(finding.registration_quality, 3),
    )
    return Violation(
        violation_type="rooftop_structure",
        source_id=flight_id,
        zone_name=area_name,
        episode_key=f"flight:{flight_id}:structure:{finding.key}",
        object_label="roof_structure",
        track_id=None,
        first_seen_at=new.captured_at,
        confirmed_at=new.captured_at,
        photos=photos,
        details=details,
    )
