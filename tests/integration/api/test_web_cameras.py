"""The integrator's pages in headless Chromium against a real server, database and camera supervisor:
add a camera (a missing file refused), see it running without a restart, draw a zone on its snapshot."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db.models import Camera, Zone
from api.db.view_memory import DbViewMemory
from tests.integration.api.review_fixtures import CONFIG, ApiWorld
from tests.integration.api.test_camera_live import CAMERA, _attach
from tests.integration.api.test_web_page import _login
from tests.support.chromium import CHROMIUM, chromium_page
from tests.support.sway import NothingDetector, swaying_clip
from vision.analyzer import StreetAnalyzer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@contextmanager
def integrator_page(server: str) -> Iterator[tuple[Any, list[str]]]:
    """Headless Chromium signed in as the integrator wang.gong; the page's script errors are collected."""
    with chromium_page(server + "/") as (page, errors):
        _login(page, "wang.gong")
        yield page, errors


class _App:
    """Stands in for a TestClient in `_attach`: it only reads `.app`."""

    def __init__(self, app: Any):
        self.app = app


@pytest.fixture
def camera_server(world: ApiWorld, request: pytest.FixtureRequest) -> Iterator[str]:
    """uvicorn serving the app, with the camera half of the embedded pipeline: a test analyzer, or with
    the indirect parameter "street", the street analyzer with a detector that finds nothing (its view
    remembered in the database)."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    (world.tmp / "cameras.yaml").write_text(CONFIG)
    settings = Settings(config=world.tmp / "cameras.yaml", database_url=world.database_url,
                        evidence_dir=world.tmp / "evidence", upload_dir=world.tmp / "up",
                        signing_key=world.tmp / "keys" / "signing.key", media_roots=[world.tmp],
                        project_root=world.tmp)  # type: ignore[call-arg]
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    street = getattr(request, "param", None) == "street"
    views = DbViewMemory(world.factory)
    analyzer_for = (
        (lambda cam: StreetAnalyzer(cam.analysis_setup(), NothingDetector(), views=views)) if street else None
    )
    supervisor = _attach(_App(app), world, analyzer_for)  # type: ignore[arg-type]
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        supervisor.stop()
        server.should_exit = True
        thread.join(20)


def test_integrator_adds_a_camera_and_draws_a_zone_on_its_snapshot(camera_server: str, world: ApiWorld) -> None:
    from playwright.sync_api import expect

    from ingest.testclips import write_clip

    expect.set_options(timeout=20_000)
    write_clip(world.tmp / "media" / "clip.mp4", seconds=3, fps=10, bright_intervals=[(0, 3)])
    world.user("wang.gong", "integrator")
    with integrator_page(camera_server) as (page, errors):
        expect(page.locator("#cameras-view")).to_be_visible()  # an integrator lands on the cameras, not a 403
        expect(page.locator("#tab-queue")).to_be_hidden()
        expect(page.locator("#cameras tbody tr[data-camera-id=gate-7]")).to_contain_text("gate 7")

        page.click("#camera-add")
        for name, value in (("id", "yard-1"), ("name", "工地 1号门"), ("source", "file:media/nope.mp4"),
                            ("address", "工地路 1号"), ("grid_code", "330106"), ("responsible_unit", "三中队"),
                            ("lat", "30.1"), ("lon", "120.2"), ("detection_zoom", "2")):
            page.fill(f"#camera-form [name={name}]", value)
        page.click("#camera-save")
        expect(page.locator("#camera-errors")).to_contain_text("输入有误，请检查后重试")
        expect(page.locator("#camera-errors .detail")).to_contain_text("does not exist")
        page.fill("#camera-form [name=source]", "file:media/clip.mp4")
        page.click("#camera-save")
        row = page.locator("#cameras tbody tr[data-camera-id=yard-1]")
        expect(row).to_contain_text("工地 1号门")
        # started without a restart: the live supervisor runs (or has already played) the clip
        expect(row.locator("td.health")).to_have_attribute("data-state", re.compile("^(running|finished)$"))

        row.locator("button[data-action=zones]").click()
        page.wait_for_function("() => document.querySelector('#snapshot').naturalWidth > 0")
        canvas = page.locator("#zone-canvas")
        box = canvas.bounding_box()
        assert box is not None
        for fx, fy in ((0.1, 0.5), (0.9, 0.5), (0.9, 0.95), (0.1, 0.95)):
            canvas.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
        page.fill("#zone-name", "curb")
        page.select_option("#zone-kind", "no_parking")
        page.fill("#zone-params [name=dwell_seconds]", "-5")  # the API refuses it, the page says which field
        page.click("#zone-finish")
        expect(page.locator("#zone-list li")).to_have_count(1)
        page.click("#zone-save")
        expect(page.locator("#zone-errors")).to_contain_text("输入有误，请检查后重试")
        expect(page.locator("#zone-errors .detail")).to_contain_text("dwell_seconds")
        page.locator("#zone-list li button").click()  # take it out, draw it again with a good value
        for fx, fy in ((0.1, 0.5), (0.9, 0.5), (0.9, 0.95), (0.1, 0.95)):
            canvas.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
        page.fill("#zone-name", "curb")
        page.fill("#zone-params [name=dwell_seconds]", "120")
        page.click("#zone-finish")
        page.click("#zone-save")
        expect(page.locator("#zone-errors")).to_have_text("区域已保存，摄像机已按新区域重新启动")
        expect(row.locator("td").nth(5)).to_have_text("1")
    assert not errors, errors
    with world.factory() as s:
        zone = s.scalars(select(Zone).where(Zone.camera_id == "yard-1")).one()
    assert (zone.name, zone.kind, zone.params["dwell_seconds"]) == ("curb", "no_parking", 120.0)
    with world.factory() as s:
        assert s.get_one(Camera, "yard-1").detection_zoom == 2.0  # the form's zoom reached the camera
    assert [[round(x, 1), round(y, 2)] for x, y in zone.polygon] == [[0.1, 0.5], [0.9, 0.5], [0.9, 0.95], [0.1, 0.95]]


@pytest.mark.parametrize("camera_server", ["street"], indirect=True)
def test_the_camera_list_says_when_a_camera_shows_another_view(camera_server: str, world: ApiWorld) -> None:
    """A camera turned to another street after 5 s: its health cell says no rule runs, in red; the zone
    editor shows the view its zones fit, as remembered, with the zones on it, under the live snapshot."""
    import httpx
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    (world.tmp / "media").mkdir(exist_ok=True)
    swaying_clip(world.tmp / "media" / "clip.mp4", 10, 10, (0.5, 0.0), turned_at=50)
    curb = {"name": "curb", "kind": "no_parking", "dwell_seconds": 60, "polygon": [[0.1, 0.5], [0.5, 0.5], [0.5, 0.9]]}
    body = {**CAMERA, "zones": [curb]}
    created = httpx.post(f"{camera_server}/cameras", json=body, headers=world.headers("wang.gong", "integrator"))
    assert created.status_code == 201, created.text
    with integrator_page(camera_server) as (page, errors):
        cell = page.locator("#cameras tbody tr[data-camera-id=yard-1] td.health")
        expect(cell).to_contain_text("画面与区域所画视角不符")  # refreshed every 5 s until the clip is read
        expect(cell).to_have_class(re.compile("view-lost"))
        expect(cell).to_have_attribute("data-state", "finished")
        page.locator("#cameras tbody tr[data-camera-id=yard-1] button[data-action=zones]").click()
        remembered = page.locator("#remembered-view")
        expect(remembered).to_be_visible()
        expect(remembered.locator("figcaption")).to_contain_text("分析所记住的区域对应视角（2026/05/01")
        page.wait_for_function("() => document.querySelector('#remembered-view img').naturalWidth === 640")
        page.wait_for_function("() => document.querySelector('#remembered-view canvas').width === 640")
        # the zone it was remembered for is drawn on it: inside the polygon tinted, outside bare
        alpha = "([x, y]) => document.querySelector('#remembered-view canvas').getContext('2d')" \
            ".getImageData(x * 640, y * 360, 1, 1).data[3]"
        assert page.evaluate(alpha, [0.4, 0.7]) > 0 and page.evaluate(alpha, [0.8, 0.2]) == 0
    assert not errors, errors
