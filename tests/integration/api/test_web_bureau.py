"""The bureau view in headless Chromium against a real server and database: cases on the offline map
(vendored Leaflet, no tiles) and dashboard counts (vendored ECharts) that match the database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db.models import Camera, Event, Flight, SurveyArea
from tests.integration.api.review_fixtures import ApiWorld
from tests.integration.api.test_stats import _second_camera_and_a_drone_finding
from tests.integration.api.test_web_page import _login, page  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def _grid_of_each_event(world: ApiWorld) -> Counter[str]:
    """The grid each event counts under, straight from the tables: its camera's, else its survey area's."""
    grids: Counter[str] = Counter()
    with world.factory() as s:
        for event in s.scalars(select(Event)):
            camera = s.get(Camera, event.camera_id) if event.camera_id else None
            flight = s.get(Flight, event.flight_id) if event.flight_id else None
            area = s.get(SurveyArea, flight.survey_area_id) if flight and flight.survey_area_id else None
            grids[(camera.grid_code if camera else None) or (area.grid_code if area else None) or "unassigned"] += 1
    return grids


def test_bureau_view_shows_cases_on_the_map_and_counts_match_the_database(
    page: Any,  # noqa: F811
    world: ApiWorld,
    server: str,
) -> None:
    from playwright.sync_api import expect

    world.user("li.wei", "reviewer")
    _, roof = _second_camera_and_a_drone_finding(world)
    for minutes, status in ((1, "approved"), (2, "approved"), (3, "pending"), (4, "rejected")):
        world.event(minutes=minutes, status=status)
    world.event(minutes=6, camera_id="bridge-2", zone=None, plate="浙C00001")
    world.event(minutes=7, camera_id=None, zone=None)  # its camera was deleted: counted, not on the map
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(server) or r.url.startswith("data:") else outside.append(r.url)
    )

    console_errors: list[str] = []  # e.g. the page's Content-Security-Policy refusing what a library does
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _login(page)
    page.click("#tab-stats")
    with world.factory() as s:
        statuses = Counter(s.scalars(select(Event.status)).all())
        kinds = Counter(s.scalars(select(Event.violation_type)).all())
    expect(page.locator("#stat-total")).to_have_text(str(sum(statuses.values())))
    expect(page.locator("#stat-pending")).to_have_text(str(statuses["pending"]))
    rate = statuses["approved"] / (statuses["approved"] + statuses["rejected"])
    expect(page.locator("#stat-rate")).to_have_text(f"{int(rate * 1000) / 10:.1f}%")

    # the map: one marker per place with its number of cases, each camera, the survey area's polygon
    counts = page.locator("#bureau-map .case-count")
    expect(counts).to_have_count(3)
    assert sorted(int(c) for c in counts.all_inner_texts()) == [1, 1, 4]
    expect(page.locator("#bureau-map path.camera-marker")).to_have_count(2)
    expect(page.locator("#bureau-map path.survey-area")).to_have_count(1)
    expect(page.locator("#map-note")).to_have_text("地图上显示 6 / 7 件案件；1 件位置未知")
    finding = page.evaluate("() => bureau.groups.find((g) => g.cases.length === 1 && g.cases[0].flight_id)")
    assert (finding["lat"], finding["lon"], finding["cases"][0]["event_id"]) == (30.2851, 120.1649, roof)
    assert page.evaluate("() => document.querySelectorAll('#bureau-map img.leaflet-tile').length") == 0

    # the charts are drawn by ECharts from the same figures, stacked by status
    series = page.evaluate(
        "() => bureau.charts.kind.getOption().series.map((s) => [s.name, s.data.reduce((a, b) => a + b, 0)])"
    )
    assert series == [["待审", statuses["pending"]], ["已通过", statuses["approved"]], ["已驳回", statuses["rejected"]]]
    kind_axis = page.evaluate("() => bureau.charts.kind.getOption().xAxis[0].data")
    assert len(kind_axis) == len(kinds)
    expect(page.locator("#chart-grid svg")).to_have_count(1)
    page.locator("#stats-tables summary").click()
    rows = page.locator("#stats-grid tbody tr")
    expect(rows).to_have_count(4)
    shown = {r.get_attribute("data-key"): int(r.locator("td").nth(4).inner_text()) for r in rows.all()}
    assert shown == dict(_grid_of_each_event(world))
    expect(page.locator("#stats-unit tr[data-key=unassigned] td").nth(0)).to_have_text("未划分")

    # a marker opens the list of its cases; a reviewer opens a case from there
    page.evaluate("() => bureau.map.closePopup()")
    page.locator("#bureau-map path.case-marker").nth(0).click()
    expect(page.locator(".map-popup li")).not_to_have_count(0)
    page.locator(".map-popup li a").first.click()
    expect(page.locator("#event-view")).to_be_visible()

    page.locator("#lang").click()
    page.click("#tab-stats")
    expect(page.locator("#map-note")).to_have_text("6 of 7 cases on the map; 1 without a known position")
    assert outside == []  # nothing fetched from outside the product: no tiles, no CDN
    assert console_errors == []
