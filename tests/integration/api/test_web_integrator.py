"""The integrator's connectivity test, what each zone caught, and camera delete, in headless Chromium against
a real server and database."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from api.db.models import Camera, Event
from tests.integration.api.review_fixtures import CONFIG, ApiWorld
from tests.integration.api.test_camera_admin import CAMERA, SECRET, _video
from tests.integration.api.test_web_page import _login, page  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def server(world: ApiWorld) -> Iterator[str]:
    """uvicorn serving the app with file sources under tmp/media and loopback streams allowed."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    (world.tmp / "cameras.yaml").write_text(CONFIG)
    settings = Settings(
        config=world.tmp / "cameras.yaml",
        database_url=world.database_url,
        evidence_dir=world.tmp / "evidence",
        upload_dir=world.tmp / "up",
        signing_key=world.tmp / "keys" / "signing.key",
        media_roots=[world.tmp / "media"],
        source_allowed_networks=["127.0.0.0/8"],
        snapshot_timeout_s=5,
    )  # type: ignore[call-arg]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(20)


def test_integrator_tests_connections_sees_what_zones_caught_and_deletes(
    page: Any,  # noqa: F811
    world: ApiWorld,
    server: str,
) -> None:
    from playwright.sync_api import expect

    integrator = world.user("wang.gong", "integrator")
    auth = {"Authorization": f"Bearer {world.token(integrator)}"}
    (world.tmp / "media").mkdir()
    _video(world.tmp / "media" / "yard.mp4")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    corner = {**CAMERA["zones"][0], "name": "corner"}  # type: ignore[index]
    yard = {
        **CAMERA,
        "id": "yard-1",
        "name": "yard",
        "source": f"file:{world.tmp / 'media' / 'yard.mp4'}",
        "zones": [CAMERA["zones"][0], corner],
        "enabled": False,
    }  # type: ignore[index]
    dead = {
        **CAMERA,
        "id": "dead-1",
        "name": "dead",
        "source": f"rtsp://viewer:{SECRET}@127.0.0.1:{dead_port}/live",
        "zones": [],
        "enabled": False,
    }
    for camera in (yard, dead):
        assert httpx.post(f"{server}/cameras", json=camera, headers=auth).status_code == 201
    for minutes, status in ((1, "approved"), (2, "pending"), (3, "rejected"), (4, "pending")):
        world.event(minutes=minutes, camera_id="yard-1", zone="curb", status=status)
    world.event(minutes=5, camera_id="yard-1", zone="corner")

    _login(page, "wang.gong")
    expect(page.locator("#cameras-view")).to_be_visible()
    page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=test_connection]")
    result = page.locator("#camera-test")
    expect(result).to_have_attribute("data-outcome", "ok", timeout=30_000)
    expect(result).to_contain_text("yard：连接正常")
    expect(result).to_contain_text("320×240")
    page.click("#cameras tr[data-camera-id='dead-1'] button[data-action=test_connection]")
    expect(result).to_have_attribute("data-outcome", re.compile("failed|timeout"), timeout=30_000)
    expect(result).to_contain_text("dead：")
    expect(result.locator(".detail")).to_contain_text(f"rtsp://***@127.0.0.1:{dead_port}")
    assert SECRET not in page.content()

    page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=caught]")
    rows = page.locator("#caught tbody tr")
    expect(rows).to_have_count(2)
    with world.factory() as s:
        statuses = s.scalars(select(Event.status).where(Event.camera_id == "yard-1", Event.zone_name == "curb")).all()
    curb = page.locator("#caught tr[data-zone=curb] td")
    expect(curb.nth(0)).to_have_text("curb")
    expect(curb.nth(1)).to_have_text("违法停车")
    for i, status in ((2, "pending"), (3, "approved"), (4, "rejected")):
        expect(curb.nth(i)).to_have_text(str(statuses.count(status)))
    expect(curb.nth(5)).to_have_text(str(len(statuses)))
    expect(page.locator("#caught tr[data-zone=curb] .caught-latest li")).to_have_count(4)
    expect(page.locator("#caught tr[data-zone=curb] .caught-latest li").first).to_contain_text(
        "2026/05/01 09:04:00 · 待审"
    )
    expect(page.locator("#caught tr[data-zone=corner] td").nth(5)).to_have_text("1")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=delete]")
    expect(page.locator("#cameras-message")).to_contain_text("摄像机 yard-1 未删除")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cameras tr[data-camera-id='dead-1'] button[data-action=delete]")
    expect(page.locator("#cameras tr[data-camera-id='dead-1']")).to_have_count(0)
    expect(page.locator("#cameras-message")).to_have_text("摄像机 dead-1 已删除")
    with world.factory() as s:
        assert s.get(Camera, "dead-1") is None and s.get(Camera, "yard-1") is not None
        assert s.scalar(select(func.count()).select_from(Event).where(Event.camera_id == "yard-1")) == 5

    page.locator("#lang").click()
    page.click("#cameras tr[data-camera-id='yard-1'] button[data-action=caught]")
    expect(page.locator("#caught tr[data-zone=curb] td").nth(1)).to_have_text("illegal parking")
