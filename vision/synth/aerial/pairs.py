"""Before/after flights of one survey area with 0-3 new rooftop structures and their ground truth."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from vision.synth.aerial.flight import FlightSpec, write_flight_stills, write_flight_video
from vision.synth.aerial.layout import Layout, Structure, generate_layout
from vision.synth.aerial.render import Lighting, SiteState, WorldRaster

EVAL_SEEDS = 3_000_000  # held-out pair seeds start here (disjoint from the dataset's ranges)


@dataclass(frozen=True)
class PairOptions:
    size_m: float = 140.0
    margin_m: float = 20.0
    width: int = 1280
    height: int = 720
    fps: float = 5.0
    speed_mps: float = 7.0
    duration_s: float | None = None  # default: the path length at speed_mps
    stills_every: int = 0  # also write geotagged stills every N poses (0: none)


def _structure_json(layout: Layout, s: Structure) -> dict[str, object]:
    lat, lon = layout.origin.to_latlon(s.rect.e, s.rect.n)
    return {
        "sid": s.sid,
        "kind": s.kind,
        "lat": lat,
        "lon": lon,
        "area_m2": s.area_m2,
        "east_m": s.rect.e,
        "north_m": s.rect.n,
        "corners_latlon": [list(layout.origin.to_latlon(e, n)) for e, n in s.rect.corners()],
    }


def plan_pair(
    seed: int, opts: PairOptions
) -> tuple[Layout, SiteState, SiteState, FlightSpec, FlightSpec, list[Structure], list[Structure]]:
    rng = np.random.default_rng([seed, 7300])
    layout = generate_layout(seed, size_m=opts.size_m, survey_margin_m=opts.margin_m)
    m, hi = opts.margin_m, opts.size_m - opts.margin_m
    pool = [s for s in layout.candidates if all(m <= e <= hi and m <= n <= hi for e, n in s.rect.corners())]
    order = [pool[i] for i in rng.permutation(len(pool))]
    k0 = int(rng.integers(1, 5))
    before = order[:k0]
    removed = before[: int(rng.integers(0, 2))] if before else []
    n_new = int(rng.integers(0, 4))
    new = order[k0 : k0 + n_new]
    after = [s for s in before if s not in removed] + new
    light_a, light_b = Lighting.random(rng), Lighting.random(rng)
    start_a = datetime(2026, 3, 1, 2, 0, tzinfo=UTC) + timedelta(days=int(rng.integers(0, 60)))
    start_b = start_a + timedelta(days=int(rng.integers(60, 200)), hours=float(rng.uniform(-1, 4)))
    specs = []
    for k, start in enumerate((start_a, start_b)):
        specs.append(
            FlightSpec(
                start=start,
                altitude=float(rng.uniform(65, 95)),
                yaw_offset_deg=float(rng.uniform(0, 360)),
                pitch_deg=float(rng.uniform(-90, -84)),
                fps=opts.fps,
                width=opts.width,
                height=opts.height,
                gps_bias_m=(float(rng.normal(0, 0.7)), float(rng.normal(0, 0.7))),
                line_angle_deg=float(rng.choice([0.0, 90.0, rng.uniform(0, 180)])),
                seed=seed * 2 + k,
                duration_s=opts.duration_s or 60.0,
            )
        )
    if opts.duration_s is None:
        from vision.synth.aerial.flight import lawnmower

        specs = [_with_duration(s, layout, lawnmower, opts.speed_mps) for s in specs]
    return (
        layout,
        SiteState(tuple(before), light_a, seed * 2),
        SiteState(tuple(after), light_b, seed * 2 + 1),
        specs[0],
        specs[1],
        new,
        removed,
    )


def _with_duration(spec: FlightSpec, layout: Layout, lawnmower, speed: float) -> FlightSpec:  # noqa: ANN001
    pts = np.array(lawnmower(layout, spec))
    length = float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum())
    from dataclasses import replace

    return replace(spec, duration_s=max(5.0, length / speed))


def make_pair(seed: int, out_dir: Path, opts: PairOptions | None = None) -> Path:
    """Write before.mp4/.SRT, after.mp4/.SRT (and stills if asked) and truth.json; returns truth.json."""
    opts = opts or PairOptions()
    layout, state_a, state_b, spec_a, spec_b, new, removed = plan_pair(seed, opts)
    out_dir.mkdir(parents=True, exist_ok=True)
    flights = {}
    for name, state, spec in (("before", state_a, spec_a), ("after", state_b, spec_b)):
        world = WorldRaster(layout, state)
        frames = write_flight_video(world, spec, out_dir / f"{name}.mp4", out_dir / f"{name}.SRT")
        entry: dict[str, object] = {
            "video": f"{name}.mp4",
            "srt": f"{name}.SRT",
            "frames": frames,
            "date": spec.start.date().isoformat(),
            "altitude_m": spec.altitude,
            "hfov_deg": spec.hfov_deg,
            "fps": spec.fps,
        }
        if opts.stills_every:
            stills = write_flight_stills(world, spec, out_dir / f"{name}_stills", opts.stills_every)
            entry["stills"] = [str(p.relative_to(out_dir)) for p in stills]
        flights[name] = entry
        del world
    truth = {
        "seed": seed,
        "survey_polygon": [list(p) for p in layout.survey_polygon_latlon()],
        "origin": [layout.origin.origin_lat, layout.origin.origin_lon],
        "flights": flights,
        "new_structures": [_structure_json(layout, s) for s in new],
        "removed_structures": [_structure_json(layout, s) for s in removed],
        "standing_structures": [_structure_json(layout, s) for s in state_b.structures if s not in new],
    }
    path = out_dir / "truth.json"
    path.write_text(json.dumps(truth, indent=1))
    return path
