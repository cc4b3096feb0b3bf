"""Planted stream credentials never leave: every camera, health and admin route, the validation
errors, the audit table and the log are scanned for each of them."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models import AuditEntry, CameraHealth
from tests.integration.api.review_fixtures import ApiWorld, make_client
from tests.integration.api.test_camera_admin import CAMERA

# The YAML registry's gate-7 carries admin:hunter2 and token=s3cr3t.
SECRETS = [
    "hunter2", "s3cr3t",
    "Ta1x", "Ta2y", "Ub1x", "Ub2y",  # user-info passwords with '@'
    "Va1x", "Va2y",  # a user-info password with '/' (refused: "invalid port")
    "Qpw3", "Qat4", "Qtk5", "Qky6", "Qsc7", "Qau8", "Qsg9", "Qpd0", "Fr1g",
    "Lg1x", "Zx1q",
]


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextmanager
def _app(world: ApiWorld) -> Iterator[TestClient]:
    """Loopback allowed: the snapshot target is a dead local port, for a fast, real stream error."""
    with make_client(world, source_allowed_networks=["127.0.0.0/8"]) as client:
        yield client


def test_planted_secrets_never_reach_responses_audit_or_log(
    world: ApiWorld, caplog: pytest.LogCaptureFixture
) -> None:
    port = _dead_port()
    dead = f"rtsp://admin:Ta1x@Ta2y@127.0.0.1:{port}/live?pw=Qpw3#Fr1g"
    at = "rtsp://admin:Ub1x@Ub2y@10.0.0.7:554/live?access_token=Qat4&Token=Qtk5"
    query = "http://10.0.0.8/mjpeg?KEY=Qky6&secret=Qsc7&auth=Qau8&sig=Qsg9&PassWord=Qpd0"
    integrator = world.headers("wang.gong", "integrator")
    admin = world.headers("root", "admin")
    reviewer = world.headers("li.wei", "reviewer")
    responses: list[httpx.Response] = []

    def call(method: str, url: str, headers: dict[str, str] = integrator, **kw: object) -> httpx.Response:
        response = client.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
        responses.append(response)
        return response

    with caplog.at_level(logging.DEBUG), _app(world) as client:  # the app's start-up log is scanned too
        assert call("POST", "/cameras", json={**CAMERA, "id": "cam-a", "source": dead}).status_code == 201
        assert call("POST", "/cameras", json={**CAMERA, "id": "cam-b", "source": at}).status_code == 201
        assert call("PUT", "/cameras/cam-b", json={**CAMERA, "id": "cam-b", "source": query}).status_code == 200
        assert call("PATCH", "/cameras/cam-b", json={"source": at, "name": "b"}).status_code == 200
        assert call("PUT", "/cameras/cam-a/zones", json=CAMERA["zones"]).status_code == 200
        snapshot = call("POST", "/cameras/cam-a/snapshot", params={"timeout_s": 5})
        assert snapshot.status_code in (502, 504) and "rtsp://***@127.0.0.1" in snapshot.text
        # validation errors: the registry's own check, pydantic's echo of the input, the source policy
        slash = "rtsp://admin:Va1x/Va2y@host/x"
        bad_port = call("POST", "/cameras", json={**CAMERA, "id": "cam-c", "source": slash})
        assert bad_port.status_code == 422 and "invalid port" in bad_port.text
        echo = call("PATCH", "/cameras/cam-a", json={"bogus": "rtsp://u:Zx1q@h/x?token=Qtk5"})
        assert echo.status_code == 422 and "bogus" in echo.text
        long_source = "rtsp://u:" + "p" * 180 + "Lg1x" + "q" * 30 + "@10.0.0.9/" + "x" * 3000  # echo is cut at 200
        long = call("PATCH", "/cameras/cam-a", json={"source": long_source})
        assert long.status_code == 422
        metadata = "http://u:Zx1q@169.254.169.254/?token=Qtk5"
        policy = call("POST", "/cameras", json={**CAMERA, "id": "cam-d", "source": metadata})
        assert policy.status_code == 422 and "source policy" in policy.text
        with world.factory() as s:  # a worker's last error, as a careless reporter might have stored it
            s.add(CameraHealth(camera_id="cam-b", state="failed", last_error=f"cannot open {at}"))
            s.commit()
        for url in ("/cameras", "/cameras/cam-a", "/cameras/cam-b", "/cameras/gate-7",
                    "/cameras/cam-b/health", "/cameras/gate-7/health", "/metrics", "/health"):
            assert call("GET", url, headers=reviewer).status_code == 200, url
        for url in ("/users", "/api-keys", "/audit"):
            assert call("GET", url, headers=admin).status_code == 200, url
        assert call("GET", "/audit", headers=admin, params={"action": "camera.snapshot"}).json()["items"]
    with world.factory() as s:
        audit = [f"{e.target_id} {e.detail}" for e in s.scalars(select(AuditEntry))]
    assert len(audit) >= 6
    outputs = {"log": caplog.text, "audit": "\n".join(audit)}
    outputs |= {f"{r.request.method} {r.request.url.path} -> {r.status_code}": r.text for r in responses}
    assert "camera registry seeded" in caplog.text  # the app's log was captured
    leaks = [(where, secret) for where, text in outputs.items() for secret in SECRETS if secret in text]
    assert leaks == []
