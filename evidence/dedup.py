"""One record per violation episode.

The first violation of an episode becomes a *primary* record (and a pending event). A later violation
of the same episode - same `episode_key` from the same device, the same plate read confidently on
the same device for the same violation type, or the same object at the same place of the same zone
(box overlap, and for objects with an appearance signature the same look and no conflicting
plate) - whose first sighting falls within `window_s` of the
episode's last sighting becomes a *supplement* record: a normal signed bundle in the ledger (its photos
are evidence that the violation continued), linked to the primary by `episode_record_id`. The database
sink counts it on the primary's event (`detection_count`, `last_seen_at`) instead of opening a new one.
Episodes close when nothing is seen for `window_s` (capture time, never the wall clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.types import Violation
from evidence.records import Manifest
from vision.episodes import NormBox, norm_iou
from vision.identity import SAME_VEHICLE_SIMILARITY, Appearance


@dataclass(frozen=True)
class DedupPolicy:
    window_s: float = 600.0
    match_plate: bool = True
    min_plate_confidence: float = 0.8
    supplement_clip: bool = False  # supplements carry photos; the primary's clip covers the arrival
    rebuild_limit: int = 5000  # records walked back from the head at start-up to reopen episodes
    same_place_iou: float = 0.5  # objects with an appearance signature (vehicles)
    same_place_iou_unsigned: float = 0.3  # objects without one (a grill): its place is its identity
    same_look: float = SAME_VEHICLE_SIMILARITY


@dataclass
class OpenEpisode:
    primary_record_id: str
    episode_key: str
    device_id: str
    violation_type: str
    plate_text: str | None
    last_seen_at: datetime
    zone_name: str | None = None
    box: NormBox | None = None
    appearance: Appearance | None = None


class EpisodeIndex:
    def __init__(self, policy: DedupPolicy):
        self.policy = policy
        self.window = timedelta(seconds=policy.window_s)
        self.open: dict[str, OpenEpisode] = {}  # by primary record id

    def match(self, violation: Violation) -> OpenEpisode | None:
        plate = violation.plate
        plate_text = plate.text if plate and plate.confidence >= self.policy.min_plate_confidence else None
        best: OpenEpisode | None = None
        for episode in self.open.values():
            if episode.device_id != violation.source_id or episode.violation_type != violation.violation_type:
                continue
            if violation.first_seen_at - episode.last_seen_at > self.window:
                continue
            same_key = episode.episode_key == violation.episode_key
            same_plate = (
                self.policy.match_plate and plate_text is not None and episode.plate_text == plate_text
            )
            same_object = self._same_object(episode, violation, plate_text)
            if (same_key or same_plate or same_object) and (best is None or episode.last_seen_at > best.last_seen_at):
                best = episode
        return best

    def _same_object(self, episode: OpenEpisode, violation: Violation, plate_text: str | None) -> bool:
        identity = violation.identity
        if identity is None or episode.box is None or episode.zone_name != violation.zone_name:
            return False
        if episode.plate_text and plate_text and episode.plate_text != plate_text:
            return False
        overlap = norm_iou(episode.box, identity.box)
        if not identity.appearance or episode.appearance is None:
            unsigned = not identity.appearance and episode.appearance is None
            return unsigned and overlap >= self.policy.same_place_iou_unsigned
        look = episode.appearance.similarity(Appearance.from_list(identity.appearance))
        return overlap >= self.policy.same_place_iou and look >= self.policy.same_look

    def note(self, manifest: Manifest) -> None:
        """Open an episode for a primary record, or extend one for a supplement (a 核查 record does neither)."""
        if manifest.kind == "recheck":
            return
        seen = manifest.confirmed_at
        if manifest.kind == "primary":
            thing = manifest.object
            confident = (
                thing.plate_confidence is not None
                and thing.plate_confidence >= self.policy.min_plate_confidence
            )
            self.open[manifest.record_id] = OpenEpisode(
                manifest.record_id,
                manifest.episode_key,
                manifest.device_id,
                manifest.violation_type,
                thing.plate_text if confident else None,
                seen,
                manifest.zone_name,
                thing.box,
                Appearance.from_list(thing.appearance) if thing.appearance else None,
            )
        elif manifest.episode_record_id in self.open:
            episode = self.open[manifest.episode_record_id]
            episode.last_seen_at = max(episode.last_seen_at, seen)
        self._prune(seen)

    def _prune(self, now: datetime) -> None:
        stale = [rid for rid, ep in self.open.items() if now - ep.last_seen_at > 2 * self.window]
        for rid in stale:
            del self.open[rid]
