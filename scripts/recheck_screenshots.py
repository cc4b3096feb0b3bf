"""Screenshots of a case page with the product's 核查 after 处置 (re-check photos of the place), at
1920x1080 in Chinese and English, into docs/screenshots/case-recheck-{zh,en}.png. The case is detected on
the demo parking footage; the place is re-checked on the same footage after the car has driven off.

    PYTHONPATH=$PWD python scripts/recheck_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from api.app import create_app
from api.settings import Settings
from tests.integration.api.review_fixtures import PASSWORD, make_world
from tests.integration.api.test_recheck_loop import _config, _cut, _detected_case


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="enforce-recheck-shots-"))
    footage = {"present": _cut(30.0, 36.0, tmp / "present.mp4"), "absent": _cut(47.5, 53.0, tmp / "absent.mp4")}
    world = make_world(f"sqlite:///{tmp / 'shots.db'}", tmp)
    (tmp / "cameras.yaml").write_text(_config(footage))
    settings = Settings(
        config=tmp / "cameras.yaml", database_url=world.database_url, evidence_dir=tmp / "evidence",
        upload_dir=tmp / "up", signing_key=tmp / "keys" / "signing.key", recheck_poll_s=0.2, recheck_timeout_s=3.0,
    )  # type: ignore[call-arg]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        event_id = _detected_case(world, "curb-absent", 0)
        auth = {"Authorization": f"Bearer {world.token(world.user('li.wei', 'reviewer'))}"}
        key, _ = world.api_key(world.user("szcg", "case_system"))
        httpx.post(f"{base}/events/{event_id}/decision", json={"decision": "approve"}, headers=auth).raise_for_status()
        for step, at in (("filed", "10:00"), ("dispatched", "10:05"), ("handled", "10:40")):
            body = {"step": step, "at": f"2026-05-01T{at}:00+08:00", "case_number": "XH20260501-0042"}
            httpx.post(f"{base}/cases/{event_id}/status", json=body, headers={"Authorization": f"Bearer {key}"})
        while httpx.get(f"{base}/events/{event_id}", headers=auth).json()["rechecks"][0]["state"] != "done":
            time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            for lang in ("zh", "en"):
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(base + "/")
                page.evaluate(f"() => {{ sessionStorage.clear(); localStorage.setItem('enforce.lang', '{lang}'); }}")
                page.goto(base + "/")
                page.fill("#username", "li.wei")
                page.fill("#password", PASSWORD)
                page.click("#login-submit")
                page.select_option("#filters select[name=status]", "approved")
                page.click("#filters button[type=submit]")
                page.wait_for_selector("#queue tbody tr")
                page.keyboard.press("Enter")
                page.wait_for_function("() => document.querySelectorAll('#rechecks img').length === 3 && "
                                       "[...document.querySelectorAll('#rechecks img')].every((i) => i.naturalWidth)")
                page.locator("#rechecks-box").scroll_into_view_if_needed()
                page.screenshot(path=str(out / f"case-recheck-{lang}.png"))
                page.close()
            browser.close()
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
