"""The drone operator opens a finding in headless Chromium against a real server and database: the
earlier and the later flight's crop of the same place under a before/after slider, area and position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from api.db.models import SurveyArea
from tests.integration.api.drone_fixtures import recorded_finding
from tests.integration.api.review_fixtures import ApiWorld
from tests.integration.api.test_web_page import _login, page  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def _red_share(png: bytes) -> float:
    """Share of strongly red pixels (the new structure is BGR (40, 60, 200)) in a screenshot."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    red = (image[:, :, 2] > 170) & (image[:, :, 1] < 110) & (image[:, :, 0] < 110)
    return float(red.mean())


def test_operator_opens_a_finding_and_slides_between_before_and_after(page: Any, world: ApiWorld) -> None:  # noqa: F811
    from playwright.sync_api import expect

    world.user("zhao.fei", "drone_operator")
    found = recorded_finding(world)
    with world.factory.begin() as s:
        south = SurveyArea(name="south block", polygon=[[30.27, 120.16], [30.275, 120.16], [30.275, 120.165]])
        s.add(south)
        s.flush()
        south_id = south.id
    _login(page, "zhao.fei")
    expect(page.locator("#drone-view")).to_be_visible()
    expect(page.locator("#drone-map path.survey-area")).to_have_count(2)  # the survey areas on a map
    expect(page.locator("#drone-map .map-label")).to_have_text(["north block", "south block"])
    page.locator(f"#drone-map path.area-{south_id}").click()  # picking an area on the map
    expect(page.locator("#drone-area")).to_have_value(str(south_id))
    page.click(f"#flights tbody tr[data-flight-id='{found.flight_id}']")
    finding = page.locator(f"#finding-list li[data-event-id='{found.event_id}'] button")
    expect(finding).to_contain_text("屋顶违建")
    finding.click()
    expect(page.locator("#finding-panel")).to_be_visible()
    expect(page.locator("dd[data-fact=finding_area]")).to_have_text("18.4 平方米")
    expect(page.locator("dd[data-fact=finding_position]")).to_have_text("30.285100, 120.164900")
    expect(page.locator("dd[data-fact=earlier_flight]")).to_have_text(f"2026-04-01 (#{found.baseline_flight_id})")
    expect(page.locator("dd[data-fact=later_flight]")).to_have_text(f"2026-05-01 (#{found.flight_id})")
    expect(page.locator("#compare-before-label")).to_have_text("前期 · 2026-04-01")
    page.wait_for_function(
        "() => ['#compare-before', '#compare-after'].every((s) => document.querySelector(s).naturalWidth === 160)"
    )
    expect(page.locator("#finding-map path.finding-marker")).to_have_count(1)
    expect(page.locator("#finding-map path.survey-area")).to_have_count(1)

    compare = page.locator("#compare")
    page.locator("#compare-range").fill("100")  # all of it the earlier flight: no structure
    expect(page.locator("#compare-before")).to_have_css("clip-path", "inset(0px 0% 0px 0px)")
    only_before = _red_share(compare.screenshot())
    page.locator("#compare-range").fill("0")  # all of it the later flight: the structure shows
    only_after = _red_share(compare.screenshot())
    page.locator("#compare-range").fill("50")
    half = _red_share(compare.screenshot())
    assert only_before == 0.0
    assert only_after > 0.05
    assert 0.0 < half < only_after  # the line cuts through the structure

    page.check("#compare-whole")  # the whole frames of both flights, under the same slider
    page.wait_for_function("() => document.querySelector('#compare-after').naturalWidth === 320")
    page.locator("#lang").click()
    expect(page.locator("dd[data-fact=finding_area]")).to_have_text("18.4 m²")
    expect(page.locator("#compare-after-label")).to_have_text("After · 2026-05-01")
