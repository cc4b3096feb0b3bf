"""FastAPI app factory: database, migrations, camera seeding, routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI

from api import __version__
from api.body_limit import BodySizeLimit
from api.bootstrap import bootstrap_admin
from api.db.base import make_engine, make_session_factory, session_scope
from api.db.migrate import upgrade
from api.db.seed import seed_cameras
from api.http_conformance import check_query, install_shared_answers
from api.logging_setup import install_redaction
from api.recheck.service import start_recheck_runner, stop_recheck_runner
from api.review_api import include_review_api, start_webhook_dispatcher, stop_webhook_dispatcher
from api.routes import camera_health, cameras, health, kinds, survey_areas
from api.routes.db_errors import install_database_error_handlers
from api.settings import Settings, get_settings
from api.source_policy import SourcePolicy
from ingest.config import load_config

log = logging.getLogger(__name__)


def start_database(app: FastAPI, settings: Settings, migrate: bool) -> None:
    if migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)


def start_camera_registry(app: FastAPI, settings: Settings) -> None:
    config = load_config(settings.config)
    app.state.app_config = config
    app.state.source_policy = SourcePolicy.from_settings(settings, config)
    with session_scope(app.state.session_factory) as session:
        seed_cameras(session, config)


def create_app(
    settings: Settings | None = None,
    *,
    migrate: bool = True,
    pipeline: bool = False,
    bootstrap_admin_file: Path | None = None,
    ray_address: str | None = None,
) -> FastAPI:
    """The API; with `pipeline=True` also the camera workers and evidence writer (`enforce run`),
    the workers on the Ray cluster at `ray_address` when one is given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_redaction()
        start_database(app, settings, migrate)
        start_camera_registry(app, settings)
        if bootstrap_admin_file is not None:
            bootstrap_admin(app.state.session_factory, bootstrap_admin_file)
        dispatcher = start_webhook_dispatcher(app, settings)
        rechecks = start_recheck_runner(app, settings)
        running = None
        if pipeline:
            from api.pipeline.runtime import start_pipeline  # heavy imports only when running cameras

            running = start_pipeline(app, settings, app.state.app_config, ray_address)
        log.info("enforcement API %s ready", __version__)
        yield
        if running is not None:
            from api.pipeline.runtime import stop_pipeline

            stop_pipeline(running)
        await stop_recheck_runner(rechecks)
        await stop_webhook_dispatcher(dispatcher)
        app.state.engine.dispose()

    app = FastAPI(
        title="Non-contact enforcement review API",
        version=__version__,
        description="Detections from cameras and drones, their evidence, and the reviewers' decisions.",
        lifespan=lifespan,
        dependencies=[Depends(check_query)],
    )
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    install_database_error_handlers(app)
    app.include_router(health.router)
    app.include_router(cameras.router)
    app.include_router(camera_health.router)
    app.include_router(kinds.router)
    include_review_api(app)
    app.include_router(survey_areas.router)
    install_shared_answers(app)
    return app
