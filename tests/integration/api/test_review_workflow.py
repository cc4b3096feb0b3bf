"""The review queue, the claim lease, decisions with reason codes, history, reopening, audit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, Event, Review, User
from api.review.workflow import Decision, WorkflowError, claim, decide
from tests.integration.api.review_fixtures import T0, ApiWorld


def test_queue_is_oldest_first_filtered_and_paginated(api: TestClient, world: ApiWorld) -> None:
    headers = world.headers("li.wei", "reviewer")
    ids = [world.event(minutes=m) for m in (3, 1, 2)]
    other = world.event(minutes=0, plate="苏E99999", violation_type="open_barbecue", zone=None)
    world.event(minutes=5, status="approved")
    body = api.get("/events", headers=headers).json()
    assert [e["id"] for e in body["items"]] == [other, ids[1], ids[2], ids[0]]
    assert body["next_cursor"] is None
    seen, cursor = [], None
    while True:
        page = api.get(
            "/events", params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=headers
        ).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [other, ids[1], ids[2], ids[0]]
    assert [
        e["id"] for e in api.get("/events", params={"plate": "苏E"}, headers=headers).json()["items"]
    ] == [other]
    assert (
        len(api.get("/events", params={"violation_type": "illegal_parking"}, headers=headers).json()["items"])
        == 3
    )
    assert (
        len(
            api.get("/events", params={"zone_name": "curb", "camera_id": "gate-7"}, headers=headers).json()[
                "items"
            ]
        )
        == 3
    )
    window = {
        "since": (T0 + timedelta(minutes=1)).isoformat(),
        "until": (T0 + timedelta(minutes=2, seconds=1)).isoformat(),
    }
    assert [e["id"] for e in api.get("/events", params=window, headers=headers).json()["items"]] == [
        ids[1],
        ids[2],
    ]
    assert len(api.get("/events", params={"status": "approved"}, headers=headers).json()["items"]) == 1
    bad = api.get("/events", params={"cursor": "not-a-cursor"}, headers=headers)
    assert bad.status_code == 422 and "cursor" in bad.text
    naive = api.get("/events", params={"since": "2026-05-01T00:00:00"}, headers=headers)
    assert naive.status_code == 422 and "UTC offset" in naive.text


def test_claim_lease_blocks_other_reviewers_until_it_expires(api: TestClient, world: ApiWorld) -> None:
    a, b = world.headers("a", "reviewer"), world.headers("b", "reviewer")
    event_id = world.event()
    assert api.post(f"/events/{event_id}/claim", headers=a).status_code == 200
    taken = api.post(f"/events/{event_id}/claim", headers=b)
    assert taken.status_code == 409 and "claimed by a" in taken.json()["detail"]
    assert (
        api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=b).status_code == 409
    )
    assert [
        e["id"] for e in api.get("/events", params={"claim": "available"}, headers=b).json()["items"]
    ] == []
    assert [e["id"] for e in api.get("/events", params={"claim": "mine"}, headers=a).json()["items"]] == [
        event_id
    ]
    world.clock.advance(301)  # default lease is 300 s
    assert api.post(f"/events/{event_id}/claim", headers=b).status_code == 200
    assert (
        api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=a).status_code == 409
    )
    decided = api.post(f"/events/{event_id}/decision", json={"decision": "approve"}, headers=b)
    assert decided.status_code == 201 and decided.json()["reviewer"] == "b"
    again = api.post(
        f"/events/{event_id}/decision", json={"decision": "reject", "reason_code": "duplicate"}, headers=b
    )
    assert again.status_code == 409 and "already approved" in again.json()["detail"]


def test_release_returns_event_to_the_queue(api: TestClient, world: ApiWorld) -> None:
    a, b = world.headers("a", "reviewer"), world.headers("b", "reviewer")
    event_id = world.event()
    api.post(f"/events/{event_id}/claim", headers=a)
    assert api.delete(f"/events/{event_id}/claim", headers=b).status_code == 409
    assert api.delete(f"/events/{event_id}/claim", headers=a).status_code == 204
    assert api.post(f"/events/{event_id}/claim", headers=b).status_code == 200


@pytest.mark.parametrize("racing", ["claim", "decide"])
def test_two_concurrent_reviewers_never_both_win(world: ApiWorld, api: TestClient, racing: str) -> None:
    """Real threads, real transactions, one barrier per event: exactly one reviewer wins each race."""
    reviewers = [world.user(f"r{i}", "reviewer") for i in range(2)]
    events = [world.event(minutes=i) for i in range(12)]
    wins: dict[str, list[int]] = {e: [] for e in events}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(reviewers))

    def work(user: User) -> None:
        for event_id in events:
            barrier.wait()
            try:
                with world.factory() as session, session.begin():
                    if racing == "claim":
                        claim(session, event_id, user, world.clock(), 300)
                    else:
                        decide(session, event_id, user, Decision(approve=True), world.clock())
                wins[event_id].append(user.id)
            except WorkflowError as exc:
                assert exc.status_code == 409
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert all(len(w) == 1 for w in wins.values()), wins
    with world.factory() as s:
        if racing == "decide":
            assert s.query(Review).count() == len(events)
            assert {e.status for e in s.scalars(select(Event))} == {"approved"}
        else:
            assert all(e.claimed_by == wins[e.id][0] for e in s.scalars(select(Event)))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"decision": "reject"}, "needs a reason_code"),
        ({"decision": "reject", "reason_code": "looks_fine"}, "reason_code"),
        ({"decision": "reject", "reason_code": "other"}, "needs a note"),
        ({"decision": "approve", "reason_code": "duplicate"}, "takes no reason_code"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_decisions_are_refused_with_the_reason(
    api: TestClient, world: ApiWorld, body: dict[str, str], error: str
) -> None:
    event_id = world.event()
    response = api.post(f"/events/{event_id}/decision", json=body, headers=world.headers("a", "reviewer"))
    assert response.status_code == 422 and error in response.text
    with world.factory() as s:
        assert s.get(Event, event_id).status == "pending"  # type: ignore[union-attr]


def test_decisions_history_audit_and_admin_reopen(api: TestClient, world: ApiWorld) -> None:
    reviewer, admin = world.headers("li.wei", "reviewer"), world.headers("root", "admin")
    first, second = world.event(minutes=1), world.event(minutes=2)
    assert (
        api.post(f"/events/{first}/decision", json={"decision": "approve"}, headers=reviewer).status_code
        == 201
    )
    assert (
        api.post(
            f"/events/{second}/decision",
            headers=reviewer,
            json={"decision": "reject", "reason_code": "other", "note": "view blocked by a bus"},
        ).status_code
        == 201
    )
    assert api.get("/events", headers=reviewer).json()["items"] == []
    history = api.get("/reviews", params={"mine": True}, headers=reviewer).json()["items"]
    assert [(h["event_id"], h["decision"], h["reason_code"]) for h in history] == [
        (second, "reject", "other"),
        (first, "approve", None),
    ]
    with world.factory() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.target_id.in_([first, second])).order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action, e.target_id) for e in entries] == [
            ("li.wei", "event.approve", first),
            ("li.wei", "event.reject", second),
        ]
        assert entries[1].detail["note"] == "view blocked by a bus"
    assert api.post(f"/events/{second}/reopen", json={"note": "appeal"}, headers=reviewer).status_code == 403
    reopened = api.post(f"/events/{second}/reopen", json={"note": "appeal with permit"}, headers=admin)
    assert reopened.status_code == 201
    assert api.post(f"/events/{second}/reopen", json={"note": "again"}, headers=admin).status_code == 409
    assert [e["id"] for e in api.get("/events", headers=reviewer).json()["items"]] == [second]
    trail = api.get(f"/events/{second}/reviews", headers=reviewer).json()
    assert [t["decision"] for t in trail] == ["reject", "reopen"] and trail[1]["reviewer"] == "root"
    audit = api.get("/audit", params={"target_id": second}, headers=admin).json()["items"]
    assert [a["action"] for a in audit] == ["event.reopen", "event.reject"]
    assert (
        api.post("/events/nope/decision", json={"decision": "approve"}, headers=reviewer).status_code == 404
    )
