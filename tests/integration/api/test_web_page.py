"""The reviewer web page in headless Chromium against a real server: log in, open, approve by keyboard."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from api.db.models import Event, Review
from tests.integration.api.review_fixtures import CONFIG, PASSWORD, ApiWorld

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(world: ApiWorld) -> Iterator[str]:
    config = world.tmp / "cameras.yaml"
    config.write_text(CONFIG)
    port = free_port()
    env = {
        **os.environ,
        "ENFORCE_DATABASE_URL": world.database_url,
        "ENFORCE_CONFIG": str(config),
        "ENFORCE_EVIDENCE_DIR": str(world.tmp / "evidence"),
        "ENFORCE_UPLOAD_DIR": str(world.tmp / "up"),
        "PYTHONPATH": str(REPO),
    }
    log = (world.tmp / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {(world.tmp / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_review_an_event_with_the_keyboard(server: str, world: ApiWorld) -> None:
    from playwright.sync_api import expect, sync_playwright

    world.user("li.wei", "reviewer")
    first = world.event(minutes=1, plate="浙A11111", evidence=True)
    second = world.event(minutes=2, plate="浙B22222")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server + "/")
            expect(page.locator("h1")).to_have_text("非现场执法 审核")  # Chinese by default
            page.fill("#username", "li.wei")
            page.fill("#password", PASSWORD)
            page.click("#login-submit")
            rows = page.locator("#queue tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.nth(0)).to_have_attribute("data-event-id", first)  # oldest first
            page.keyboard.press("Enter")
            expect(page.locator("#plate-text")).to_contain_text("浙A11111")
            expect(page.locator("#verify")).not_to_be_empty()
            page.wait_for_function(
                "() => { const i = document.querySelector('.photo img'); "
                "return i && i.complete && i.naturalWidth > 0; }"
            )
            assert page.evaluate("() => document.querySelector('.photo canvas').width") == 640
            page.wait_for_function("() => document.querySelector('#clip video') !== null")
            page.locator("#lang").click()
            expect(page.locator("#approve")).to_have_text("Approve (A)")
            page.keyboard.press("a")
            expect(rows).to_have_count(1)
            expect(rows.nth(0)).to_have_attribute("data-event-id", second)
            assert not errors, errors
        finally:
            browser.close()
    with world.factory() as s:
        event = s.get(Event, first)
        assert event is not None and event.status == "approved"
        review = s.scalars(select(Review).where(Review.event_id == first)).one()
        assert review.decision == "approve"
        assert s.get(Event, second).status == "pending"  # type: ignore[union-attr]
