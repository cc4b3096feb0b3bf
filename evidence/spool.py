"""Violations that could not be written yet: kept on disk outside the store (and in memory) for retry.

Each item is a folder `<spool>/<id>/` with `item.json` (every field) and `arrays.npz` (the pixels; a
clip frame the camera handed on as JPEG stays JPEG, its bytes as a uint8 array),
written to a temp folder and renamed, so a spooled item is whole or absent. If the spool folder itself
cannot be written, the item stays in memory and the error says so.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter
from ulid import ULID

from domain.types import ClipFrame, EncodedFrame, EvidencePhoto, Frame, LabelledBox, PlateReading, Violation
from evidence.hashing import fsync_dir
from evidence.records import RecordContext
from vision.violations import registry
from vision.violations.base import DetailsBase
from vision.violations.unions import KindDetails

log = logging.getLogger(__name__)


def _frame_meta(frame: ClipFrame, key: str) -> dict[str, Any]:
    encoded = (
        {"jpeg": True, "width": frame.width, "height": frame.height, "codec": frame.codec,
         "extradata": frame.extradata.hex()}
        if isinstance(frame, EncodedFrame) else {}
    )  # "jpeg": the key spools written before other codecs were kept
    return {
        **encoded,
        "array": key,
        "source_id": frame.source_id,
        "index": frame.index,
        "captured_at": frame.captured_at.isoformat(),
        "pts_seconds": frame.pts_seconds,
        "keyframe": frame.keyframe,
        **({"offset": list(frame.offset)} if isinstance(frame, Frame) and frame.offset != (0.0, 0.0) else {}),
    }


def _clip_frame(meta: dict[str, Any], arrays: Any) -> ClipFrame:
    if not meta.get("jpeg"):
        return _frame(meta, arrays)
    return EncodedFrame(
        meta["source_id"],
        meta["index"],
        datetime.fromisoformat(meta["captured_at"]),
        np.asarray(arrays[meta["array"]], np.uint8).tobytes(),
        meta["width"],
        meta["height"],
        meta["pts_seconds"],
        meta["keyframe"],
        meta.get("codec", "mjpeg"),
        bytes.fromhex(meta.get("extradata", "")),
    )


def _frame(meta: dict[str, Any], arrays: Any) -> Frame:
    dx, dy = meta.get("offset", (0.0, 0.0))  # a photo taken after the camera drifted (`Frame.offset`)
    return Frame(
        meta["source_id"],
        meta["index"],
        datetime.fromisoformat(meta["captured_at"]),
        np.ascontiguousarray(arrays[meta["array"]]),
        meta["pts_seconds"],
        meta["keyframe"],
        offset=(float(dx), float(dy)),
    )


def dump(violation: Violation, context: RecordContext) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    arrays: dict[str, np.ndarray] = {}
    photos = []
    for i, photo in enumerate(violation.photos):
        arrays[f"photo_{i}"] = photo.frame.image
        photos.append(
            {
                "role": photo.role,
                "frame": _frame_meta(photo.frame, f"photo_{i}"),
                "marks": [asdict(m) for m in photo.marks],
            }
        )
    clip = []
    for i, frame in enumerate(violation.clip_frames):
        arrays[f"clip_{i}"] = np.frombuffer(frame.data, np.uint8) if isinstance(frame, EncodedFrame) else frame.image
        clip.append(_frame_meta(frame, f"clip_{i}"))
    plate = None
    if violation.plate is not None:
        p = violation.plate
        if p.crop is not None:
            arrays["plate"] = p.crop
        plate = {"text": p.text, "confidence": p.confidence, "votes": p.votes, "crop": p.crop is not None}
    meta = {
        "violation_type": violation.violation_type,
        "source_id": violation.source_id,
        "zone_name": violation.zone_name,
        "episode_key": violation.episode_key,
        "object_label": violation.object_label,
        "track_id": violation.track_id,
        "first_seen_at": violation.first_seen_at.isoformat(),
        "confirmed_at": violation.confirmed_at.isoformat(),
        "photos": photos,
        "clip_frames": clip,
        "plate": plate,
        "zone_polygon": [list(p) for p in violation.zone_polygon] if violation.zone_polygon else None,
        "details": violation.details.model_dump(mode="json"),
        "context": context.model_dump(mode="json"),
    }
    return meta, arrays


def load(meta: dict[str, Any], arrays: Any) -> tuple[Violation, RecordContext]:
    photos = tuple(
        EvidencePhoto(
            p["role"],
            _frame(p["frame"], arrays),
            tuple(LabelledBox(m["label"], tuple(m["box"]), m["score"]) for m in p["marks"]),
        )
        for p in meta["photos"]
    )
    plate = None
    if meta["plate"] is not None:
        p = meta["plate"]
        plate = PlateReading(p["text"], p["confidence"], arrays["plate"] if p["crop"] else None, p["votes"])
    details = _details(meta["violation_type"], meta["details"])
    violation = Violation(
        violation_type=meta["violation_type"],
        source_id=meta["source_id"],
        zone_name=meta["zone_name"],
        episode_key=meta["episode_key"],
        object_label=meta["object_label"],
        track_id=meta["track_id"],
        first_seen_at=datetime.fromisoformat(meta["first_seen_at"]),
        confirmed_at=datetime.fromisoformat(meta["confirmed_at"]),
        photos=photos,
        clip_frames=tuple(_clip_frame(f, arrays) for f in meta["clip_frames"]),
        plate=plate,
        zone_polygon=tuple(tuple(p) for p in meta["zone_polygon"]) if meta["zone_polygon"] else None,
        details=details,
    )
    return violation, RecordContext.model_validate(meta["context"])


class Spool:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.memory: dict[str, tuple[Violation, RecordContext]] = {}
        if self.folder.is_dir():
            for partial in self.folder.glob(".*.tmp"):  # a crash while spooling: the item was never accepted
                shutil.rmtree(partial, ignore_errors=True)

    def put(self, violation: Violation, context: RecordContext) -> tuple[str, str]:
        """Keep a violation for retry. Returns (item id, where it is kept, in words)."""
        item_id = str(ULID())
        try:
            meta, arrays = dump(violation, context)
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{item_id}.tmp"
            tmp.mkdir()
            with (tmp / "arrays.npz").open("wb") as fh:
                np.savez(fh, **arrays)  # type: ignore[arg-type]
                fh.flush()
                os.fsync(fh.fileno())
            (tmp / "item.json").write_text(json.dumps(meta, ensure_ascii=False))
            os.rename(tmp, self.folder / item_id)
            fsync_dir(self.folder)
            return item_id, f"spool {self.folder}"
        except OSError as exc:
            self.memory[item_id] = (violation, context)
            log.error(
                "spool %s not writable (%s); violation %s kept in memory only",
                self.folder,
                exc.strerror or exc,
                violation.episode_key,
            )
            return item_id, f"memory only ({exc.strerror or exc} on spool {self.folder})"

    def ids(self) -> list[str]:
        on_disk = []
        if self.folder.is_dir():
            on_disk = [p.name for p in self.folder.iterdir() if not p.name.startswith(".")]
        return sorted([*on_disk, *self.memory])

    def get(self, item_id: str) -> tuple[Violation, RecordContext]:
        if item_id in self.memory:
            return self.memory[item_id]
        folder = self.folder / item_id
        meta = json.loads((folder / "item.json").read_text())
        with np.load(folder / "arrays.npz") as arrays:
            return load(meta, {k: arrays[k] for k in arrays.files})

    def remove(self, item_id: str) -> None:
        if self.memory.pop(item_id, None) is None:
            shutil.rmtree(self.folder / item_id, ignore_errors=True)

    def __len__(self) -> int:
        return len(self.ids())


_DETAILS: TypeAdapter[DetailsBase] = TypeAdapter(KindDetails)


def _details(violation_type: str, data: dict[str, Any]) -> DetailsBase:
    """The kind's details; an item spooled before details became per kind holds the flat bag of
    every kind's fields, of which the kind's own are kept."""
    if "kind" in data:
        return _DETAILS.validate_python(data)
    model = registry.kind_of(violation_type).details_model
    own = {k: v for k, v in data.items() if k in model.model_fields and v not in (None, [])}
    return model.model_validate({**own, "kind": violation_type})
