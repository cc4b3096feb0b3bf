"""Screenshots of each page of the web console at 1920x1080, in Chinese and English, into
docs/screenshots/ (the closing note of issue #17): login, queue, case, history, the bureau view (map
and dashboard), cameras (edit, connectivity test, what each zone caught), flights and a drone finding's
slider. Runs the real app on a throwaway SQLite database seeded with signed evidence records; needs
/usr/bin/chromium and Playwright.

    PYTHONPATH=$PWD python scripts/web_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from api.app import create_app
from api.db.models import Camera, Event, SurveyArea
from api.settings import Settings
from ingest.testclips import write_clip
from tests.integration.api.drone_fixtures import RecordedFinding, Scene, recorded_finding
from tests.integration.api.review_fixtures import CONFIG, PASSWORD, ApiWorld, make_world
from vision.geometry.camera import Intrinsics, Pose
from vision.synth.aerial.dataset import structure_boxes
from vision.synth.aerial.layout import generate_layout
from vision.synth.aerial.render import Lighting, SiteState, WorldRaster

CHROMIUM = "/usr/bin/chromium"


def _serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def _login(page: Page, base: str, user: str, lang: str) -> None:
    page.goto(base + "/")
    page.evaluate(f"() => {{ sessionStorage.clear(); localStorage.setItem('enforce.lang', '{lang}'); }}")
    page.goto(base + "/")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_timeout(1500)


def _bureau_and_drone_data(world: ApiWorld, base: str, token: str, tmp: Path) -> RecordedFinding:
    """A second camera (another grid and unit) with decided cases, a camera on the demo clip with cases in
    its zones, and a drone finding with its before/after crops: what the bureau, integrator and drone pages
    show. Returns the finding."""
    auth = {"Authorization": f"Bearer {token}"}
    location = {"lat": 30.2596, "lon": 120.1642, "address": "河坊街 与 中河路 交叉口", "grid_code": "330102004007",
                "responsible_unit": "上城区城管执法队 二中队"}
    zones = [{"name": "路口东侧", "kind": "no_parking", "dwell_seconds": 300,
              "polygon": [[0.1, 0.6], [0.6, 0.55], [0.7, 0.95], [0.1, 0.95]]},
             {"name": "人行道", "kind": "no_parking", "dwell_seconds": 120,
              "polygon": [[0.6, 0.5], [0.9, 0.5], [0.9, 0.9], [0.6, 0.9]]}]
    yard = {"id": "yard-1", "name": "河坊街 路口", "source": f"file:{tmp / 'media' / 'yard.mp4'}", "enabled": False,
            "location": location, "zones": zones}
    httpx.post(f"{base}/cameras", json=yard, headers=auth).raise_for_status()
    for minutes, status, zone in ((6, "approved", "路口东侧"), (7, "rejected", "路口东侧"), (8, "pending", "路口东侧"),
                                  (9, "approved", "人行道"), (24 * 60 + 3, "approved", "路口东侧")):
        event_id = world.event(minutes=minutes, camera_id="yard-1", zone=zone, plate=f"浙A{minutes:05d}")
        if status != "pending":
            body = {"decision": "approve"}
            if status == "rejected":
                body = {"decision": "reject", "reason_code": "duplicate"}
            httpx.post(f"{base}/events/{event_id}/decision", json=body, headers=auth).raise_for_status()
    with world.factory.begin() as s:  # decided some minutes after detection, as a reviewer on shift would
        for i, event in enumerate(s.scalars(select(Event).where(Event.decided_at.is_not(None)))):
            event.decided_at = event.confirmed_at + timedelta(minutes=12 + 17 * i)
        gate = s.get_one(Camera, "gate-7")  # the test registry's camera, moved into the same district
        gate.lat, gate.lon = 30.2741, 120.1551
    area = [[30.2625, 120.1605], [30.2625, 120.1680], [30.2680, 120.1680], [30.2680, 120.1605]]
    return recorded_finding(world, lat=30.2652, lon=120.1641, area_m2=48.4, area_name="清河坊 屋顶巡查区", polygon=area,
                            scene=_aerial_scene())


def _aerial_scene() -> Scene:
    """The project's synthetic aerial renderer: one rooftop before and after a shed went up, seen from the
    same nadir pose, and the shed's box."""
    layout = generate_layout(3, size_m=120.0, survey_margin_m=10.0)
    shed = max(layout.candidates, key=lambda c: c.area_m2)
    light = Lighting()
    intr = Intrinsics.from_hfov(960, 720, 70.0)
    pose = Pose(shed.rect.e + 6, shed.rect.n - 4, 45.0, 0.0, -90.0)
    before = WorldRaster(layout, SiteState((), light, 3)).photograph(intr, pose)
    after = WorldRaster(layout, SiteState((shed,), light, 3)).photograph(intr, pose)
    return Scene(before, after, structure_boxes([shed], intr, pose)[0].box, 360)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="enforce-shots-"))
    world = make_world(f"sqlite:///{tmp / 'shots.db'}", tmp)
    (tmp / "cameras.yaml").write_text(CONFIG)
    settings = Settings(config=tmp / "cameras.yaml", database_url=world.database_url, evidence_dir=tmp / "evidence",
                        upload_dir=tmp / "up", signing_key=tmp / "keys" / "signing.key", media_roots=[tmp],
                        project_root=tmp)  # type: ignore[call-arg]
    server, base = _serve(settings)
    try:
        for name, role in (("li.wei", "reviewer"), ("wang.gong", "integrator"), ("zhao.fei", "drone_operator")):
            world.user(name, role)
        shown = world.event(minutes=1, plate="浙A11111", evidence=True)
        for minutes in (2, 3):  # (review_fixtures records one signed bundle per world)
            world.event(minutes=minutes, plate=f"浙B2222{minutes}")
        world.event(minutes=4, plate=None, violation_type="open_barbecue", zone="square")
        decided = world.event(minutes=5, plate="浙C33333")
        with world.factory.begin() as s:
            s.get_one(Event, shown).plate_confidence = 0.9971
            s.add(SurveyArea(name="文三路北区", polygon=[[30.28, 120.16], [30.29, 120.16], [30.29, 120.17]]))
        token = world.token(world.user("sys.admin", "admin"))
        httpx.post(f"{base}/events/{decided}/decision", json={"decision": "approve"},
                   headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        write_clip(tmp / "media" / "yard.mp4", seconds=3, fps=10)
        finding = _bureau_and_drone_data(world, base, token, tmp)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            for lang in ("zh", "en"):
                page.goto(base + "/")
                page.evaluate(f"() => {{ sessionStorage.clear(); localStorage.setItem('enforce.lang', '{lang}'); }}")
                page.goto(base + "/")
                page.screenshot(path=str(out / f"login-{lang}.png"))
                _login(page, base, "li.wei", lang)
                page.screenshot(path=str(out / f"queue-{lang}.png"))
                page.keyboard.press("Enter")
                page.wait_for_timeout(2000)
                page.screenshot(path=str(out / f"case-{lang}.png"))
                page.keyboard.press("a")
                page.screenshot(path=str(out / f"case-confirm-{lang}.png"))
                page.keyboard.press("Escape")
                page.keyboard.press("Escape")
                page.click("#tab-history")
                page.wait_for_timeout(800)
                page.screenshot(path=str(out / f"history-{lang}.png"))
                page.click("#tab-stats")
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out / f"statistics-{lang}.png"))
                page.locator("#bureau-map path.case-marker").last.click()
                page.wait_for_timeout(500)
                page.screenshot(path=str(out / f"bureau-map-{lang}.png"))
                _login(page, base, "wang.gong", lang)
                page.screenshot(path=str(out / f"cameras-{lang}.png"))
                page.locator("#cameras tbody tr").first.locator("button[data-action=edit]").click()
                page.screenshot(path=str(out / f"camera-edit-{lang}.png"))
                page.click("#camera-cancel")
                page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=test_connection]")
                page.wait_for_selector("#camera-test[data-outcome=ok]", timeout=30_000)
                page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=caught]")
                page.wait_for_selector("#caught tbody tr")
                page.screenshot(path=str(out / f"zones-caught-{lang}.png"))
                _login(page, base, "zhao.fei", lang)
                page.screenshot(path=str(out / f"flights-{lang}.png"))
                page.click(f"#flights tbody tr[data-flight-id='{finding.flight_id}']")
                page.click(f"#finding-list li[data-event-id='{finding.event_id}'] button")
                page.wait_for_function("() => document.querySelector('#compare-after').naturalWidth > 0")
                page.locator("#compare-range").fill("45")
                page.wait_for_timeout(500)
                page.locator("#finding-panel").scroll_into_view_if_needed()
                page.screenshot(path=str(out / f"finding-{lang}.png"))
            browser.close()
    finally:
        server.should_exit = True
    print(f"screenshots in {out}")  # noqa: T201


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
