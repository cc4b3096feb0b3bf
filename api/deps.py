"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.settings import Settings
from api.source_policy import SourcePolicy


def get_session(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_source_policy(request: Request) -> SourcePolicy:
    policy: SourcePolicy = request.app.state.source_policy
    return policy


# scope="function": commit before the response is sent, so a client that got 201 can read what it made
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SourcePolicyDep = Annotated[SourcePolicy, Depends(get_source_policy)]
