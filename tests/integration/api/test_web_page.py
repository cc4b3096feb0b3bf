"""The reviewer web page in headless Chromium against a real server: log in, open, approve by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from api.db.models import Event, Review
from tests.integration.api.review_fixtures import PASSWORD, ApiWorld

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.slow


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_review_an_event_with_the_keyboard(server: str, world: ApiWorld) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # the machine is shared; argon2 and page loads can be slow under load

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
            expect(page.locator("#verify")).to_have_text("证据校验通过")  # the real signed record verifies
            page.wait_for_function(
                "() => { const i = document.querySelector('.photo img'); "
                "return i && i.complete && i.naturalWidth > 0; }"
            )
            # the overlay canvas matches the photo's real size (the record's photos are 160 px wide)
            assert page.evaluate("() => document.querySelector('.photo canvas').width") == 160
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


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_kinds_and_reasons_come_from_the_api(server: str, world: ApiWorld) -> None:
    from playwright.sync_api import expect, sync_playwright

    from vision.violations import registry

    expect.set_options(timeout=20_000)
    world.user("li.wei", "reviewer")
    barbecue = world.event(minutes=1, plate=None, violation_type="open_barbecue", zone="square")
    reasons = registry.kind_of("open_barbecue").reject_reasons
    chosen = next(i for i, r in enumerate(reasons) if r.code == "licensed_premises")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server + "/")
            page.fill("#username", "li.wei")
            page.fill("#password", PASSWORD)
            page.click("#login-submit")
            options = page.locator("#filters select[name=violation_type] option")
            expect(options).to_have_text(["全部", *(k.names.zh for k in registry.KINDS)])
            expect(page.locator("#queue tbody tr")).to_have_count(1)
            page.keyboard.press("Enter")
            expect(page.locator("#facts")).to_contain_text("露天烧烤")  # the kind's name from GET /kinds
            page.keyboard.press("r")
            expect(page.locator("#reason-list li")).to_have_text([r.zh for r in reasons])
            page.keyboard.press(str(chosen + 1))
            expect(page.locator("#queue tbody tr")).to_have_count(0)
            assert not errors, errors
        finally:
            browser.close()
    with world.factory() as s:
        review = s.scalars(select(Review).where(Review.event_id == barbecue)).one()
        assert (review.decision, review.reason_code) == ("reject", "licensed_premises")
