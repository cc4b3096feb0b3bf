"""Integer ids in paths and queries are bounded to what every database column can hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2_147_483_647
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
