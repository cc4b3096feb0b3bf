"""Wiring of the re-check runner into the app: one background loop for the app's lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from fastapi import FastAPI

from api.db.base import utcnow
from api.db.evidence_sink import open_writer
from api.recheck.frames import GrabPlan
from api.recheck.runner import RecheckRunner
from api.settings import Settings
from evidence.writer import EvidenceWriter
from ingest.config.loader import config_sha256
from ingest.ring import FrameRing
from ingest.supervisor import Supervisor

log = logging.getLogger(__name__)


def make_runner(app: FastAPI, settings: Settings) -> RecheckRunner:
    """The pipeline's evidence writer and live cameras where `enforce run` started them; otherwise a writer
    of its own (opened on first use) and each camera's source opened when a re-check needs it."""
    opened: list[EvidenceWriter] = []
    lock = threading.Lock()

    def writer() -> EvidenceWriter:
        running = getattr(app.state, "evidence_writer", None)
        if isinstance(running, EvidenceWriter):
            return running
        with lock:
            if not opened:
                opened.append(open_writer(settings))
            return opened[0]

    def ring_of(camera_id: str) -> FrameRing | None:
        supervisor = getattr(app.state, "supervisor", None)
        worker = supervisor.workers.get(camera_id) if isinstance(supervisor, Supervisor) else None
        return worker.ring if worker is not None else None

    return RecheckRunner(
        factory=app.state.session_factory,
        config=app.state.app_config,
        config_sha256=config_sha256(settings.config),
        evidence_dir=settings.evidence_dir,
        policy=app.state.source_policy,
        writer=writer,
        ring_of=ring_of,
        clock=getattr(app.state, "clock", None) or utcnow,
        plan=GrabPlan(settings.recheck_frames, settings.recheck_spacing_s, settings.recheck_timeout_s),
    )


async def _loop(runner: RecheckRunner, poll_s: float) -> None:
    while True:
        try:
            await asyncio.to_thread(runner.run_due)
        except Exception:  # noqa: BLE001 - keep looking; the error is logged
            log.exception("re-check pass failed")
        await asyncio.sleep(poll_s)


def start_recheck_runner(app: FastAPI, settings: Settings) -> asyncio.Task[None]:
    app.state.recheck_runner = runner = make_runner(app, settings)
    return asyncio.create_task(_loop(runner, settings.recheck_poll_s))


async def stop_recheck_runner(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
