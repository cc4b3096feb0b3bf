"""Review API under load: queue-listing latency (p50/p99) and decisions per second with 100,000 events.

Runs a real `enforce serve` (uvicorn, one process) on SQLite and on PostgreSQL, fills the events
table, then drives it with concurrent HTTP clients (threads, one connection each).

    PYTHONPATH=. python bench/api_bench.py --events 100000 --clients 8
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from ulid import ULID

from api.auth.service import open_login_session
from api.db.base import make_engine, make_session_factory, session_scope
from api.db.migrate import upgrade
from api.db.models import Event, User
from vision.violations import registry

REPO = Path(__file__).resolve().parents[1]
TYPES = tuple(k.type for k in registry.camera_kinds())
CONFIG = """\
detectors:
  street: {type: onnx, weights: m.onnx}
cameras:
"""
CAMERAS = [f"bench-cam-{i:02d}" for i in range(20)]


def camera_yaml() -> str:
    body = CONFIG
    for cam in CAMERAS:
        body += (
            f"  - id: {cam}\n    name: {cam}\n    source: rtsp://10.0.0.1/{cam}\n"
            "    location: {lat: 30.1, lon: 120.2, address: a, grid_code: g, responsible_unit: u}\n"
            "    zones:\n      - {name: curb, kind: no_parking, dwell_seconds: 60, "
            "polygon: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}\n"
        )
    return body


def fill_events(url: str, count: int) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    rng = random.Random(7)
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    batch: list[dict[str, object]] = []
    with engine.begin() as conn:
        for i in range(count):
            at = t0 + timedelta(seconds=i * 3)
            batch.append(
                {
                    "id": str(ULID.from_datetime(at)),
                    "violation_type": rng.choice(TYPES),
                    "camera_id": rng.choice(CAMERAS),
                    "zone_name": "curb",
                    "status": "pending",
                    "first_seen_at": at - timedelta(minutes=5),
                    "confirmed_at": at,
                    "plate_text": f"浙{chr(65 + rng.randrange(8))}{rng.randrange(10000, 99999)}",
                    "plate_confidence": 0.9,
                    "created_at": at,
                }
            )
            if len(batch) == 5000:
                conn.execute(insert(Event), batch)
                batch = []
        if batch:
            conn.execute(insert(Event), batch)
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE events"))
    engine.dispose()
    return time.perf_counter() - started


def make_tokens(url: str, clients: int) -> list[str]:
    engine = make_engine(url)
    tokens = []
    with session_scope(make_session_factory(engine)) as session:
        for i in range(clients):
            user = User(username=f"bench-{i}", role="reviewer")
            session.add(user)
            session.flush()
            tokens.append(open_login_session(session, user, datetime.now(UTC), 3600)[0])
    engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    (workdir / "cameras.yaml").write_text(camera_yaml())
    port = free_port()
    env = {
        **os.environ,
        "ENFORCE_DATABASE_URL": url,
        "ENFORCE_CONFIG": str(workdir / "cameras.yaml"),
        "ENFORCE_EVIDENCE_DIR": str(workdir / "evidence"),
        "ENFORCE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


@dataclass
class Figures:
    p50_ms: float
    p99_ms: float
    listings_per_s: float
    decisions: int
    conflicts: int
    decisions_per_s: float


def queue_listing(base: str, tokens: list[str], per_client: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def client(token: str, seed: int) -> None:
        rng = random.Random(seed)
        mine: list[float] = []
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            cursor = None
            for _ in range(per_client):
                params: dict[str, str] = {"limit": "50"}
                choice = rng.random()
                if choice < 0.3 and cursor:
                    params["cursor"] = cursor  # next page
                elif choice < 0.5:
                    params["violation_type"] = rng.choice(TYPES)
                elif choice < 0.65:
                    params["camera_id"] = rng.choice(CAMERAS)
                elif choice < 0.75:
                    params["plate"] = f"浙{chr(65 + rng.randrange(8))}{rng.randrange(10, 99)}"
                elif choice < 0.85:
                    params["claim"] = "available"
                started = time.perf_counter()
                response = http.get("/events", params=params)
                mine.append(time.perf_counter() - started)
                response.raise_for_status()
                cursor = response.json()["next_cursor"]
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(t, i)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started


def decisions(base: str, tokens: list[str], seconds: float) -> tuple[int, int, float]:
    counts = {"decided": 0, "conflicts": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(token: str, seed: int) -> None:
        rng = random.Random(seed)
        decided = conflicts = 0
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            while time.monotonic() < stop_at:
                page = http.get("/events", params={"claim": "available", "limit": "20"}).json()["items"]
                if not page:
                    break
                event_id = rng.choice(page)["id"]  # reviewers collide on purpose
                if http.post(f"/events/{event_id}/claim").status_code != 200:
                    conflicts += 1
                    continue
                body = (
                    {"decision": "approve"}
                    if rng.random() < 0.7
                    else {"decision": "reject", "reason_code": "duplicate"}
                )
                response = http.post(f"/events/{event_id}/decision", json=body)
                if response.status_code == 201:
                    decided += 1
                else:
                    conflicts += 1
        with lock:
            counts["decided"] += decided
            counts["conflicts"] += conflicts

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(t, 100 + i)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["decided"], counts["conflicts"], time.perf_counter() - started


def verify_no_double_decisions(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        doubled = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT event_id FROM reviews WHERE decision <> 'reopen' "
                "GROUP BY event_id HAVING count(*) > 1) AS d"
            )
        ).scalar_one()
    engine.dispose()
    if doubled:
        raise SystemExit(f"{doubled} events were decided twice")


def run_backend(name: str, url: str, args: argparse.Namespace, workdir: Path) -> Figures:
    upgrade(url)
    process, base = start_server(url, workdir)  # seeds the cameras
    try:
        fill_s = fill_events(url, args.events)
        print(f"[{name}] inserted {args.events} events in {fill_s:.1f} s", flush=True)
        tokens = make_tokens(url, args.clients)
        for token in tokens[:1]:  # warm up
            httpx.get(f"{base}/events", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        latencies, elapsed = queue_listing(base, tokens, args.listings)
        decided, conflicts, took = decisions(base, tokens, args.decide_seconds)
    finally:
        process.terminate()
        process.wait(20)
    verify_no_double_decisions(url)
    q = statistics.quantiles(latencies, n=100)
    return Figures(
        p50_ms=q[49] * 1000,
        p99_ms=q[98] * 1000,
        listings_per_s=len(latencies) / elapsed,
        decisions=decided,
        conflicts=conflicts,
        decisions_per_s=decided / took,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--listings", type=int, default=100, help="queue requests per client")
    parser.add_argument("--decide-seconds", type=float, default=20.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-admin-url",
        default=os.environ.get(
            "ENFORCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        for backend in args.backends.split(","):
            workdir = Path(tmp) / backend
            workdir.mkdir()
            if backend == "sqlite":
                results[backend] = run_backend(backend, f"sqlite:///{workdir / 'bench.db'}", args, workdir)
                continue
            admin = create_engine(args.postgres_admin_url, isolation_level="AUTOCOMMIT")
            name = f"enforce_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = (
                    make_url(args.postgres_admin_url).set(database=name).render_as_string(hide_password=False)
                )
                results[backend] = run_backend(backend, url, args, workdir)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(
        f"\nReview API, {args.events} events, {args.clients} concurrent clients, one uvicorn process, "
        f"{os.cpu_count()} CPUs shared by server and clients"
    )
    print(
        f"{'backend':<11} {'list p50 ms':>11} {'list p99 ms':>11} {'lists/s':>8} {'decisions/s':>11} "
        f"{'decided':>8} {'conflicts':>9}"
    )
    for backend, f in results.items():
        print(
            f"{backend:<11} {f.p50_ms:>11.1f} {f.p99_ms:>11.1f} {f.listings_per_s:>8.1f} "
            f"{f.decisions_per_s:>11.1f} {f.decisions:>8} {f.conflicts:>9}"
        )
    print("no event was decided twice (checked in the database)")


if __name__ == "__main__":
    main()
