"""Screenshots of each page of the web console at 1920x1080, in Chinese and English, into
docs/screenshots/ (the closing note of issue #17). Runs the real app on a throwaway SQLite database
seeded with signed evidence records; needs /usr/bin/chromium and Playwright.

    PYTHONPATH=$PWD python scripts/web_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright

from api.app import create_app
from api.db.models import Event, SurveyArea
from api.settings import Settings
from ingest.testclips import write_clip
from tests.integration.api.review_fixtures import CONFIG, PASSWORD, make_world

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
                page.wait_for_timeout(800)
                page.screenshot(path=str(out / f"statistics-{lang}.png"))
                _login(page, base, "wang.gong", lang)
                page.screenshot(path=str(out / f"cameras-{lang}.png"))
                page.locator("#cameras tbody tr").first.locator("button[data-action=edit]").click()
                page.screenshot(path=str(out / f"camera-edit-{lang}.png"))
                _login(page, base, "zhao.fei", lang)
                page.screenshot(path=str(out / f"flights-{lang}.png"))
            browser.close()
    finally:
        server.should_exit = True
    print(f"screenshots in {out}")  # noqa: T201


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
