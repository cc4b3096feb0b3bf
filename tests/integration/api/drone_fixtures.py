"""A drone finding as the drone job writes it: a survey area, the earlier and the later flight, the
change-detection row, and a real signed record with the registered before/after crops and full frames
(the photo roles of vision/change/violation.py), whose database sink opens the pending event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from tests.integration.api.review_fixtures import ApiWorld

CROP = 160


@dataclass(frozen=True)
class RecordedFinding:
    area_id: int
    baseline_flight_id: int
    flight_id: int
    event_id: str
    lat: float
    lon: float
    area_m2: float


@dataclass(frozen=True)
class Scene:
    before: np.ndarray  # the earlier flight's whole frame, registered to the later one
    after: np.ndarray
    box: tuple[float, float, float, float]  # the new structure in the later frame, pixels
    crop: int  # side of the square crops around it

    def crop_origin(self) -> tuple[int, int]:
        height, width = self.after.shape[:2]
        cx, cy = (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2
        left = int(min(max(0, cx - self.crop / 2), width - self.crop))
        top = int(min(max(0, cy - self.crop / 2), height - self.crop))
        return left, top


def _roofs(with_structure: bool, width: int = 320, height: int = 240) -> np.ndarray:
    image = np.full((height, width, 3), (95, 110, 120), dtype=np.uint8)
    image[40:200, 60:260] = (150, 150, 155)  # a flat roof
    if with_structure:
        image[90:150, 120:200] = (40, 60, 200)  # the new structure on it
    return image


def recorded_finding(
    world: ApiWorld,
    lat: float = 30.2851,
    lon: float = 120.1649,
    area_m2: float = 18.4,
    area_name: str = "north block",
    polygon: list[list[float]] | None = None,
    scene: Scene | None = None,
) -> RecordedFinding:
    """`scene`: the two flights' whole frames and the structure's box in them (default: flat synthetic roofs
    with a red block, whose 160 px crops the tests compare)."""
    from api.db.base import session_scope
    from api.db.evidence_sink import DatabaseRecordSink
    from api.db.models import DroneFindingRow, Flight, SurveyArea
    from api.pipeline.context import FlightSource, ModelIdentity
    from api.pipeline.sinks import FlightEvidenceSink
    from domain.types import EvidencePhoto, Frame, LabelledBox, Violation
    from evidence.keys import Signer
    from evidence.writer import EvidenceWriter
    from vision.violations.rooftop import RooftopDetails

    with session_scope(world.factory) as s:
        area = SurveyArea(
            name=area_name,
            polygon=polygon or [[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]],
            grid_code="330102009",
            responsible_unit="三中队",
        )
        s.add(area)
        s.flush()
        before_flight = Flight(survey_area_id=area.id, flown_on=date(2026, 4, 1), status="done", progress=1.0)
        after_flight = Flight(survey_area_id=area.id, flown_on=date(2026, 5, 1), status="done", progress=1.0)
        s.add_all([before_flight, after_flight])
        s.flush()
        area.baseline_flight_id = before_flight.id
        s.add(
            DroneFindingRow(
                flight_id=after_flight.id,
                baseline_flight_id=before_flight.id,
                finding_key="k1",
                lat=lat,
                lon=lon,
                area_m2=area_m2,
                registration_quality=0.93,
                score=0.88,
                frame_index=12,
                submitted=True,
            )
        )
        area_id, base_id, flight_id = area.id, before_flight.id, after_flight.id
    t_before, t_after = datetime(2026, 4, 1, 2, 0, tzinfo=UTC), datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    scene = scene or Scene(_roofs(False), _roofs(True), (120.0, 90.0, 200.0, 150.0), CROP)
    before_full = Frame(str(base_id), 30, t_before, scene.before)
    after_full = Frame(str(flight_id), 12, t_after, scene.after)
    left, top = scene.crop_origin()
    crop = (slice(top, top + scene.crop), slice(left, left + scene.crop))
    x1, y1, x2, y2 = scene.box
    box = LabelledBox("roof_structure", (x1 - left, y1 - top, x2 - left, y2 - top), 0.88)
    before = Frame(str(base_id), 30, t_before, np.ascontiguousarray(before_full.image[crop]))
    after = Frame(str(flight_id), 12, t_after, np.ascontiguousarray(after_full.image[crop]))
    violation = Violation(
        violation_type="rooftop_structure",
        source_id=str(flight_id),
        zone_name=area_name,
        episode_key=f"flight:{flight_id}:structure:k1",
        object_label="roof_structure",
        track_id=None,
        first_seen_at=t_after,
        confirmed_at=t_after,
        photos=(
            EvidencePhoto("before", before, (LabelledBox("roof_structure", box.box),)),
            EvidencePhoto("after", after, (box,)),
            EvidencePhoto("before_full", before_full, ()),
            EvidencePhoto("after_full", after_full, (LabelledBox("roof_structure", scene.box, 0.88),)),
        ),
        details=RooftopDetails(
            lat=lat,
            lon=lon,
            area_m2=area_m2,
            baseline_flight_id=str(base_id),
            flight_dates=("2026-04-01", "2026-05-01"),
            registration_quality=0.93,
        ),
    )
    writer = EvidenceWriter(
        world.tmp / "evidence",
        Signer.load_or_create(world.tmp / "keys" / "signing.key"),
        DatabaseRecordSink(world.factory),
        spool_dir=world.tmp / "spool",
    )
    source = FlightSource(str(flight_id), area_name, "Asia/Shanghai", ModelIdentity("aerial-v2", "d" * 64, "onnx"))
    FlightEvidenceSink(writer, "c" * 64).submit(violation, source)
    from sqlalchemy import select

    from api.db.models import Event

    with world.factory() as s:
        event_id = s.scalars(select(Event.id).where(Event.episode_key == violation.episode_key)).one()
    return RecordedFinding(area_id, base_id, flight_id, event_id, lat, lon, area_m2)
