"""The street wiring: live cameras read plates in the one pool of the process, files read inline."""

from __future__ import annotations

from pathlib import Path

from api.pipeline.street import StreetWiring
from ingest.config import load_config

CONFIG = Path(__file__).resolve().parents[4] / "configs" / "cameras.yaml"


def test_live_cameras_share_the_plate_pool_and_files_read_inline() -> None:
    config = load_config(CONFIG)
    wiring = StreetWiring(config, CONFIG)
    demo = next(c for c in config.cameras if c.id == "demo-parking")
    live = [demo.model_copy(update={"id": f"live-{i}", "source": f"rtsp://cam{i}.example/stream"}) for i in range(2)]
    from_file = wiring.analyzer_for(demo)
    first, second = (wiring.analyzer_for(c) for c in live)
    assert from_file.plates is not None and from_file.plates.pool is None
    assert first.plates is not None and second.plates is not None
    assert first.plates.pool is wiring.plate_pool and second.plates.pool is wiring.plate_pool
    wiring.plate_pool.close()
