"""The reviewer web page in headless Chromium against a real server and database: log in, queue, event
view, confirmation and undo, read-only decided cases, history, errors in the page's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.db.models import Event, Review
from tests.integration.api.review_fixtures import PASSWORD, ApiWorld
from tests.support.chromium import CHROMIUM, chromium_page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    """A fresh Chromium page at the app; fails the test on any page error."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)  # the machine is shared; argon2 and page loads can be slow under load
    with chromium_page(server + "/") as (page, errors):
        yield page
        assert not errors, errors


def _login(page: Any, username: str = "li.wei") -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")


def _open_the_approved_case(page: Any) -> None:
    """Signed in as the reviewer, the queue filtered to approved cases holds one: open it."""
    from playwright.sync_api import expect

    _login(page)
    page.select_option("#filters select[name=status]", "approved")
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    page.keyboard.press("Enter")


def _status(world: ApiWorld, event_id: str) -> str:
    with world.factory() as s:
        event = s.get(Event, event_id)
        assert event is not None
        return event.status


def test_review_with_the_keyboard_confirm_and_undo(page: Any, world: ApiWorld) -> None:
    from playwright.sync_api import expect

    world.user("li.wei", "reviewer")
    first = world.event(minutes=1, plate="浙A11111", evidence=True)
    second = world.event(minutes=2, plate="浙B22222")
    with world.factory.begin() as s:
        s.get_one(Event, first).plate_confidence = 0.9971

    expect(page.locator("h1")).to_have_text("非现场执法 审核")  # Chinese by default
    expect(page.locator("#nav")).to_be_hidden()  # no Queue / History / Logout before logging in
    _login(page)
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-event-id", first)  # oldest first
    expect(page.locator("#queue-count")).to_have_text("共 2 条")
    expect(rows.nth(0)).to_contain_text("gate 7")  # the camera's name, not its id
    expect(rows.nth(0)).to_contain_text("2026/05/01 09:01:00")  # the camera's local time (UTC+8)
    page.wait_for_function(
        "() => { const i = document.querySelector('#queue img.thumb'); return i && i.naturalWidth > 0; }"
    )

    held: list[Any] = []  # the photos' responses are held back to see A refused before they arrive
    page.route("**/media/original/**", lambda route: held.append(route))
    page.keyboard.press("Enter")
    expect(page.locator("#plate-text")).to_have_text("浙A11111")
    expect(page.locator("#plate-confidence")).to_have_text("置信度 99.7%")  # not "100%"
    expect(page.locator("#verify")).to_have_text("证据校验通过")  # the real signed record verifies
    page.keyboard.press("a")
    expect(page.locator("#event-message")).to_have_text("照片尚未加载完成")
    expect(page.locator("#confirm-bar")).to_be_hidden()
    for _ in range(200):  # the three originals are asked for as the view opens
        if len(held) >= 3:
            break
        page.wait_for_timeout(100)
    assert len(held) == 3, held
    for route in held:
        route.continue_()
    page.unroute("**/media/original/**")
    page.wait_for_function("() => state.photos.expected > 0 && state.photos.loaded === state.photos.expected")

    # arrival and confirmation side by side with their capture times (camera local), the dwell, why
    pair = page.locator(".pair .photo")
    expect(pair).to_have_count(2)
    expect(pair.nth(0).locator("figcaption")).to_have_text("到达 · 2026/05/01 08:55:30")
    expect(pair.nth(1).locator("figcaption")).to_have_text("确认 · 2026/05/01 09:01:00")
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.pair .photo')].map(f => f.getBoundingClientRect().top)"
    )
    assert boxes[0] == boxes[1]  # the same row
    expect(page.locator("dd[data-fact=dwell]")).to_have_text("5 分 30 秒")
    expect(page.locator("#why")).to_have_text("车辆在禁停区“curb”停留 5 分 30 秒。")
    cut = page.evaluate(  # a case whose vehicle runs past the picture's edges (ParkingDetails.cut_by_picture)
        "() => { const e = state.current, record = {...e.evidence.record,"
        " details: {kind: 'illegal_parking', cut_by_picture: ['left', 'bottom']}};"
        " return whyText({...e, evidence: {...e.evidence, record}}); }"
    )
    assert cut == "车辆在禁停区“curb”停留 5 分 30 秒。 车辆超出画面左、下边缘：请核对号牌与整车确为被认定车辆。"
    assert page.evaluate("() => labelName('vehicle')") == "车辆"  # box labels from GET /kinds, page language
    assert page.evaluate("() => document.querySelector('.pair canvas').width") == 160

    page.click("#plate-image")  # the plate close-up zooms
    expect(page.locator("#lightbox")).to_be_visible()
    expect(page.locator("#lightbox")).to_have_attribute("data-zoom", "4")
    page.keyboard.press("+")
    expect(page.locator("#lightbox")).to_have_attribute("data-zoom", "6")
    page.keyboard.press("Escape")
    expect(page.locator("#lightbox")).to_be_hidden()

    page.locator("#lang").click()
    expect(page.locator("#approve")).to_have_text("Approve (A)")
    page.keyboard.press("a")  # asks first
    expect(page.locator("#confirm-text")).to_have_text("Approve this case? Enter confirms, Esc cancels")
    page.keyboard.press("Escape")
    expect(page.locator("#confirm-bar")).to_be_hidden()
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)  # back at the queue, the case waits out its undo window
    expect(rows.nth(0)).to_have_attribute("data-event-id", second)
    expect(page.locator("#toast")).to_have_attribute("data-state", "pending")
    page.keyboard.press("u")  # undone: nothing was sent, the same case is open again
    expect(page.locator("#plate-text")).to_have_text("浙A11111")
    assert _status(world, first) == "pending"

    page.wait_for_function("() => state.photos.expected > 0 && state.photos.loaded === state.photos.expected")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_have_attribute("data-state", "committed", timeout=30_000)
    assert _status(world, first) == "approved"
    assert _status(world, second) == "pending"
    with world.factory() as s:
        assert s.scalars(select(Review.decision).where(Review.event_id == first)).all() == ["approve"]

    page.click("#tab-history")  # history: type, plate, place, decision
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(1)
    expect(history.nth(0)).to_contain_text("illegal parking")
    expect(history.nth(0)).to_contain_text("浙A11111")
    expect(history.nth(0)).to_contain_text("gate 7 · curb · 人民路 1号")
    expect(history.nth(0)).to_contain_text("approve")
    history.nth(0).click()  # a decided case is read-only
    expect(page.locator("#decided")).to_contain_text("approve by li.wei")
    expect(page.locator("#approve")).to_be_hidden()
    expect(page.locator("#reject")).to_be_hidden()
    page.keyboard.press("a")
    expect(page.locator("#confirm-bar")).to_be_hidden()

    page.click("#logout")
    expect(page.locator("#login-view")).to_be_visible()
    expect(page.locator("#nav")).to_be_hidden()  # hidden again after logout


def test_reject_note_belongs_to_its_case_and_reasons_come_from_the_api(page: Any, world: ApiWorld) -> None:
    from playwright.sync_api import expect

    from vision.violations import registry

    world.user("li.wei", "reviewer")
    barbecue = world.event(minutes=1, plate=None, violation_type="open_barbecue", zone="square")
    parking = world.event(minutes=2, plate="浙C33333")
    reasons = registry.kind_of("open_barbecue").reject_reasons
    chosen = next(i for i, r in enumerate(reasons) if r.code == "licensed_premises")
    _login(page)
    options = page.locator("#filters select[name=violation_type] option")
    expect(options).to_have_text(["全部", *(k.names.zh for k in registry.KINDS)])
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    expect(page.locator("#queue tr.selected")).to_have_attribute("data-event-id", parking)
    page.keyboard.press("Enter")  # the parking case: a note typed, then abandoned
    expect(page.locator("#plate-text")).to_have_text("浙C33333")
    page.keyboard.press("r")
    page.fill("#note", "note meant for 浙C33333")
    page.keyboard.press("Escape")
    expect(page.locator("#reasons")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(rows).to_have_count(2)
    page.wait_for_function("() => document.querySelector('#queue-refreshed').textContent !== ''")
    page.keyboard.press("k")
    expect(page.locator("#queue tr.selected")).to_have_attribute("data-event-id", barbecue)
    page.keyboard.press("Enter")
    expect(page.locator("#facts")).to_contain_text("露天烧烤")  # the kind's name from GET /kinds
    page.keyboard.press("r")
    expect(page.locator("#note")).to_have_value("")  # the other case's note is gone
    expect(page.locator("#reason-list li")).to_have_text([r.zh for r in reasons])
    page.keyboard.press(str(chosen + 1))
    expect(page.locator("#confirm-text")).to_contain_text(reasons[chosen].zh)
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(page.locator("#toast")).to_have_attribute("data-state", "committed", timeout=30_000)
    with world.factory() as s:
        review = s.scalars(select(Review).where(Review.event_id == barbecue)).one()
        assert (review.decision, review.reason_code, review.note) == ("reject", "licensed_premises", None)
        assert s.scalars(select(Review).where(Review.event_id == parking)).all() == []


def test_a_case_held_by_another_reviewer_is_read_only_with_the_reason_in_the_page_language(
    page: Any, world: ApiWorld, server: str
) -> None:
    import httpx
    from playwright.sync_api import expect

    world.user("li.wei", "reviewer")
    other = world.user("wang.fang", "reviewer")
    held = world.event(minutes=1, plate="浙D44444")
    token = world.token(other)
    assert httpx.post(f"{server}/events/{held}/claim", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    _login(page)
    rows = page.locator("#queue tbody tr")
    expect(rows.nth(0)).to_contain_text("已被认领")
    page.keyboard.press("Enter")
    expect(page.locator("#event-message")).to_have_text("其他审核员正在处理此案件")
    expect(page.locator("#approve")).to_be_hidden()
    page.keyboard.press("r")
    expect(page.locator("#reasons")).to_be_hidden()
    page.keyboard.press("Escape")
    page.fill("#filters input[name=since]", "2026-05-02T10:00")
    page.fill("#filters input[name=until]", "2026-05-01T10:00")
    page.click("#filters button[type=submit]")
    expect(rows).to_have_count(0)
    page.fill("#filters input[name=plate]", "浙" * 17)  # longer than the API takes: a real 422
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue-message")).to_have_text("输入有误，请检查后重试")
    page.locator("#lang").click()
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue-message")).to_have_text("The input was not accepted; check it and try again")


def test_case_system_steps_show_on_the_case(page: Any, world: ApiWorld, server: str) -> None:
    import httpx
    from playwright.sync_api import expect

    reviewer = world.user("li.wei", "reviewer")
    key, _ = world.api_key(world.user("szcg", "case_system"))
    event_id = world.event(minutes=1, plate="浙E55555")
    auth = {"Authorization": f"Bearer {world.token(reviewer)}"}
    assert httpx.post(f"{server}/events/{event_id}/decision", json={"decision": "approve"}, headers=auth).is_success
    for step, at in (("filed", "2026-05-01T10:00:00+08:00"), ("handled", "2026-05-01T10:40:00+08:00")):
        response = httpx.post(
            f"{server}/cases/{event_id}/status", json={"step": step, "at": at, "case_number": "XH-42"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 201, response.text
    _open_the_approved_case(page)
    steps = page.locator("#case-steps li")
    expect(steps).to_have_text(["立案 · 2026/05/01 10:00:00 · XH-42", "处置 · 2026/05/01 10:40:00 · XH-42"])
    expect(page.locator("#approve")).to_be_hidden()  # decided: read-only


def test_statistics_match_the_database(page: Any, world: ApiWorld, server: str) -> None:
    import httpx
    from playwright.sync_api import expect

    reviewer = world.user("li.wei", "reviewer")
    auth = {"Authorization": f"Bearer {world.token(reviewer)}"}
    approved = [world.event(minutes=m) for m in (1, 2, 3)]
    rejected = world.event(minutes=4, violation_type="open_barbecue", plate=None)
    world.event(minutes=16 * 60 + 30)  # the next local day, pending
    for event_id in approved:
        assert httpx.post(f"{server}/events/{event_id}/decision", json={"decision": "approve"}, headers=auth).is_success
    assert httpx.post(f"{server}/events/{rejected}/decision", headers=auth,
                      json={"decision": "reject", "reason_code": "duplicate"}).is_success
    with world.factory() as s:
        statuses = s.scalars(select(Event.status)).all()
    _login(page)
    page.click("#tab-stats")
    expect(page.locator("#stat-total")).to_have_text(str(len(statuses)))
    expect(page.locator("#stat-pending")).to_have_text(str(statuses.count("pending")))
    expect(page.locator("#stat-rate")).to_have_text("75.0%")
    parking = page.locator("#stats-kind tr[data-key=illegal_parking] td")
    expect(parking.nth(0)).to_have_text("违法停车")
    expect(parking.nth(2)).to_have_text("3")
    expect(page.locator("#stats-kind tr[data-key=open_barbecue] td").nth(3)).to_have_text("1")
    expect(page.locator("#stats-day tbody tr")).to_have_count(2)
    expect(page.locator("#stats-day tr[data-key='2026-05-02'] td").nth(4)).to_have_text("1")
