"""The drone operator's page in headless Chromium against a real server and database: create a flight,
upload footage in chunks with progress (hashed in the page), a wrong file refused, processing queued."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db.models import DroneUpload, Flight, SurveyArea
from tests.integration.api.review_fixtures import ApiWorld
from tests.integration.api.test_web_page import _login, page  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def test_operator_uploads_a_flight_in_chunks_and_queues_it(page: Any, world: ApiWorld) -> None:  # noqa: F811
    from playwright.sync_api import expect

    from ingest.testclips import write_clip

    world.user("zhao.fei", "drone_operator")
    with world.factory.begin() as s:
        s.add(SurveyArea(name="north block", polygon=[[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]]))
    video = write_clip(world.tmp / "DJI_0001.mp4", seconds=2, fps=10)
    stray = world.tmp / "notes.txt"
    stray.write_text("not footage")
    _login(page, "zhao.fei")
    expect(page.locator("#drone-view")).to_be_visible()  # the operator's own page
    expect(page.locator("#drone-area option")).to_have_text(["north block"])
    page.fill("#drone-date", "2026-05-01")
    page.click("#flight-create")
    expect(page.locator("#flight-panel")).to_be_visible()
    expect(page.locator("#flights tbody tr")).to_have_count(1)
    page.evaluate("() => { drone.chunk = 4096; }")  # many chunks, so the resumable path is exercised
    page.set_input_files("#drone-files", [str(video), str(stray)])
    done = page.locator("#upload-list li[data-file='DJI_0001.mp4']")
    expect(done).to_have_attribute("data-state", "complete", timeout=60_000)
    expect(done.locator("progress")).to_have_js_property("value", 1)
    refused = page.locator("#upload-list li[data-file='notes.txt']")
    expect(refused).to_have_attribute("data-state", "refused")
    expect(refused).to_contain_text("不是视频、字幕或照片")
    page.click("#flight-process")
    expect(page.locator("#flight-status")).to_have_attribute("data-status", "queued")
    expect(page.locator("#flight-status")).to_contain_text("排队中")
    with world.factory() as s:
        upload = s.scalars(select(DroneUpload)).one()
        flight = s.scalars(select(Flight)).one()
    assert (upload.filename, upload.status, upload.size_bytes) == ("DJI_0001.mp4", "complete", video.stat().st_size)
    assert upload.sha256 == hashlib.sha256(video.read_bytes()).hexdigest()  # js-sha256 in the page agrees
    assert video.stat().st_size > 4096 * 3
    assert flight.status == "queued"
