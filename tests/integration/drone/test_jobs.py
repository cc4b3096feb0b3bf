"""Drone jobs on a real database: baseline, comparison, idempotent rerun, resume, area mismatch."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.db.base import make_engine, make_session_factory, session_scope
from api.db.models import DroneFindingRow, DroneUpload, Flight, SurveyArea
from api.drone_jobs import DroneJobRunner, flight_folder
from api.pipeline.context import FlightSource, ModelIdentity
from vision.change.config import AERIAL_V2, DroneConfig
from vision.detectors.base import file_sha256
from vision.sink import ListSink


@pytest.fixture
def world(database_url: str, tmp_path: Path, small_pair: Path):  # noqa: ANN201
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    truth = json.loads((small_pair / "truth.json").read_text())
    uploads = tmp_path / "uploads"
    with session_scope(factory) as s:
        area = SurveyArea(name="block-a", polygon=truth["survey_polygon"])
        far = SurveyArea(
            name="block-far", polygon=[[lat + 0.02, lon] for lat, lon in truth["survey_polygon"]]
        )
        s.add_all([area, far])
        s.flush()
        before = Flight(
            survey_area_id=area.id, flown_on=date.fromisoformat(truth["flights"]["before"]["date"])
        )
        after = Flight(survey_area_id=area.id, flown_on=date.fromisoformat(truth["flights"]["after"]["date"]))
        s.add_all([before, after])
        s.flush()
        ids = {"area": area.id, "far": far.id, "before": before.id, "after": after.id}
    for name in ("before", "after"):
        folder = flight_folder(uploads, ids[name])
        folder.mkdir(parents=True)
        for suffix in ("mp4", "SRT"):
            shutil.copy(small_pair / f"{name}.{suffix}", folder / f"{name}.{suffix}")
        with session_scope(factory) as s:
            for f in folder.iterdir():
                s.add(
                    DroneUpload(
                        id=f"{ids[name]:02d}{f.suffix[1:]:<24}"[:26],
                        flight_id=ids[name],
                        filename=f.name,
                        kind="video" if f.suffix == ".mp4" else "srt",
                        size_bytes=f.stat().st_size,
                        sha256="0" * 64,
                        bytes_received=f.stat().st_size,
                        status="complete",
                    )
                )
    yield factory, uploads, ids, truth
    engine.dispose()


def _count(factory, flight_id: int) -> int:  # noqa: ANN001
    with session_scope(factory) as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(DroneFindingRow)
                .where(DroneFindingRow.flight_id == flight_id)
            )
            or 0
        )


@pytest.mark.slow
def test_rerun_adds_no_findings_and_interrupted_job_resumes(world) -> None:  # noqa: ANN001
    factory, uploads, ids, truth = world
    sink: ListSink[FlightSource] = ListSink()
    runner = DroneJobRunner(factory, uploads, sink, DroneConfig(timezone="Asia/Urumqi"))
    first = runner.process(ids["before"])
    assert first.status == "done" and "baseline" in first.detail
    with session_scope(factory) as s:  # a restart left the new flight half done
        flight = s.get(Flight, ids["after"])
        assert flight is not None
        flight.status, flight.progress = "processing", 0.4
    assert runner.pending() == [ids["after"]]
    (resumed,) = runner.resume()
    assert resumed.status == "done", resumed.detail
    found = _count(factory, ids["after"])
    assert found >= 1 and resumed.new_findings == found
    assert len(sink.violations) == found
    v = sink.violations[0]
    assert v.violation_type == "rooftop_structure" and v.details.area_m2 and v.details.lat
    assert [p.role for p in v.photos][:2] == ["before", "after"]
    assert v.photos[0].frame.image.shape == v.photos[1].frame.image.shape
    assert v.details.baseline_flight_id == str(ids["before"])
    shipped = ModelIdentity("aerial-v2", file_sha256(AERIAL_V2), "onnx")  # the detector that ran
    assert {source for _, source in sink.submitted} == {
        FlightSource(str(ids["after"]), "block-a", "Asia/Urumqi", shipped)  # the configured time zone
    }
    again = runner.process(ids["after"])
    assert again.status == "done" and again.new_findings == 0
    assert _count(factory, ids["after"]) == found
    assert len(sink.violations) == found  # nothing handed to the evidence sink twice
    with session_scope(factory) as s:
        flight = s.get(Flight, ids["after"])
        assert flight is not None and flight.progress == 1.0 and flight.status == "done"


def test_flight_over_a_different_area_is_refused(world) -> None:  # noqa: ANN001
    factory, uploads, ids, _ = world
    with session_scope(factory) as s:
        flight = s.get(Flight, ids["after"])
        assert flight is not None
        flight.survey_area_id = ids["far"]
    result = DroneJobRunner(factory, uploads).process(ids["after"])
    assert result.status == "failed"
    assert f"flight {ids['after']} does not cover survey area 'block-far'" in result.detail
    assert "lies over survey area 'block-a'" in result.detail
    with session_scope(factory) as s:
        flight = s.get(Flight, ids["after"])
        assert flight is not None and flight.status == "failed" and flight.status_detail == result.detail
    assert _count(factory, ids["after"]) == 0


def test_truncated_srt_fails_the_job_naming_file_and_line(world) -> None:  # noqa: ANN001
    factory, uploads, ids, _ = world
    srt = flight_folder(uploads, ids["after"]) / "after.SRT"
    text = srt.read_text()
    srt.write_text(text[: text.index("[latitude", text.index("FrameCnt: 3,"))])
    result = DroneJobRunner(factory, uploads).process(ids["after"])
    assert result.status == "failed"
    assert "after.SRT:13: block 3: missing latitude" in result.detail
