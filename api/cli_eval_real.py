"""`enforce eval --real`: the printout of `api.pipeline.real_eval` (detectors side by side on the kit)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from api.pipeline.kit_datasets import KIT_DATASETS
from api.pipeline.real_clips import realdata_root
from api.pipeline.real_eval import (
    AS_CONFIGURED,
    EVAL_CONFIDENCE,
    EVAL_IMAGE_SIZE,
    APRow,
    ClipRow,
    DetectorUnderTest,
    PlateFigure,
    at_eval_threshold,
    measure_ap,
    measure_as_configured,
    measure_clip,
    plate_figures,
    select_clips,
    shipped_detector,
    teacher_detector,
    weights_detector,
    weights_names,
)
from vision.detectors.factory import build_detector
from vision.detectors.memo import MemoDetector

COLUMN = 20


def real_eval(
    config_file: Path,
    detector: str,
    weights: list[Path],
    clips: list[str] | None,
    images: int,
    analysis_fps: float | None,
    plates: bool,
    as_json: bool,
) -> None:
    """Measure and print; every problem with the inputs is a clear error before anything runs."""
    root = realdata_root()
    if not (root / "datasets").is_dir():
        raise FileNotFoundError(f"real-data kit not found at {root} (set ENFORCE_REALDATA)")
    chosen = select_clips(clips)
    under_test = [shipped_detector(config_file, detector), teacher_detector(root)]
    under_test += [weights_detector(path, name) for path, name in zip(weights, weights_names(weights), strict=True)]
    names = [d.name for d in under_test]
    ap_rows: list[APRow] = []
    if images > 0:
        for item in under_test:
            built = build_detector(at_eval_threshold(item.config))
            for dataset in KIT_DATASETS:
                ap_rows += measure_ap(item.name, built, dataset, root, images)
    clip_rows: list[ClipRow] = []
    for item in under_test if chosen else []:
        built = MemoDetector(build_detector(item.config))  # its own thresholds, as a camera runs it
        clip_rows += [measure_clip(item.name, clip, built, root, analysis_fps) for clip in chosen]
    if chosen:
        clip_rows += measure_as_configured(config_file, chosen, root, analysis_fps)
    figures = plate_figures(under_test, root) if plates else []
    if as_json:
        summary = {
            "detectors": [
                {"name": d.name, "type": d.config.type, "weights": str(d.config.runtime_weights())} for d in under_test
            ],
            "ap50": [asdict(r) for r in ap_rows],
            "clips": [asdict(r) for r in clip_rows],
            "plates": [asdict(f) for f in figures] if plates else None,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _echo_detectors(under_test)
    if ap_rows:
        _echo_ap(ap_rows, names)
    if clip_rows:
        _echo_clips(clip_rows, [*names, AS_CONFIGURED])
    if plates:
        _echo_plates(figures)


def _echo_detectors(under_test: list[DetectorUnderTest]) -> None:
    for item in under_test:
        typer.echo(f"detector {item.name}: {item.config.type} {item.config.runtime_weights()}")


def _cell(row: APRow | None) -> str:
    if row is None or row.truths == 0:
        return "-"
    if row.ap is None:
        return "n/a"
    return f"{row.ap:.3f}"


def _echo_ap(rows: list[APRow], names: list[str]) -> None:
    typer.echo(
        f"\nAP50 per label (IoU 0.5, all-point interpolated; conf >= {EVAL_CONFIDENCE}, {EVAL_IMAGE_SIZE} px; "
        "n/a: the detector has no such label; -: no truth box)"
    )
    typer.echo(f"{'data set':34s} {'label':8s} {'truths':>6s} " + " ".join(f"{n[:COLUMN]:>{COLUMN}s}" for n in names))
    table = {(r.detector, r.dataset, r.label): r for r in rows}
    for dataset in KIT_DATASETS:
        for label in dataset.scored:
            first = next((r for r in rows if r.dataset == dataset.name and r.label == label), None)
            if first is None:
                continue
            cells = " ".join(f"{_cell(table.get((n, dataset.name, label))):>{COLUMN}s}" for n in names)
            typer.echo(f"{dataset.name + f' ({first.images} img)':34s} {label:8s} {first.truths:6d} {cells}")
        if dataset.note:
            typer.echo(f"  ! {dataset.name}: {dataset.note}")


def _echo_clips(rows: list[ClipRow], names: list[str]) -> None:
    typer.echo("\nkit clips against MANIFEST §3 (zones: api/pipeline/kit_clips.py)")
    for clip in dict.fromkeys(r.clip for r in rows):
        mine = [r for r in rows if r.clip == clip]
        typer.echo(f"{clip}\n  expected: {mine[0].expectation}")
        for row in sorted(mine, key=lambda r: names.index(r.detector)):
            verdict = "n/a " if row.passed is None else ("PASS" if row.passed else "FAIL")
            typer.echo(f"  {verdict} {row.detector[:COLUMN]:{COLUMN}s} {row.outcome}")
    judged = [r for r in rows if r.passed is not None]
    for name in names:
        mine = [r for r in judged if r.detector == name]
        typer.echo(f"clips passed, {name}: {sum(bool(r.passed) for r in mine)}/{len(mine)}")


def _echo_plates(figures: list[PlateFigure]) -> None:
    typer.echo("\nplate reading")
    if not figures:
        typer.echo("  no plate figures")
    for f in figures:
        value = "n/a" if f.value is None else f"{f.value:.3f}"
        typer.echo(f"  {f.detector[:COLUMN]:{COLUMN}s} {f.source}: {f.metric} {value} ({f.count} plates)")
