"""The evidence record: what the manifest says about a violation, and the context the writer needs.

`manifest.json` is a `Manifest` serialised as JSON; `manifest.sig` signs its exact bytes.
Times are stored as timezone-aware UTC; the overlay shows them in `timezone` (local time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from domain.timezones import verify_timezone
from domain.types import ViolationType
from vision.violations import registry
from vision.violations.unions import KindDetails

MANIFEST_FORMAT: Literal["enforce-evidence/2"] = "enforce-evidence/2"  # written; format 1 is read too
ManifestFormat = Literal["enforce-evidence/1", "enforce-evidence/2"]
FileKind = Literal["original", "annotated", "plate", "clip"]
RecordKind = Literal["primary", "supplement", "recheck"]
RecheckOutcome = Literal["cleared", "still_present", "inconclusive", "not_recheckable"]
SHA256_HEX = r"^[0-9a-f]{64}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Place(_Model):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str
    grid_code: str
    responsible_unit: str


class RecordContext(_Model):
    """What the evidence stage needs besides the Violation: where, which device, which model."""

    device_kind: Literal["camera", "flight"] = "camera"
    device_id: str = Field(min_length=1)  # camera id, or flight id (an integer) for drone footage
    place: Place
    timezone: str = "Asia/Shanghai"  # IANA name; the overlay shows local time in it
    model_name: str
    weights_sha256: str = Field(pattern=SHA256_HEX)
    detector_type: str  # ultralytics / onnx / ...
    config_sha256: str = Field(pattern=SHA256_HEX)
    software_version: str

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return verify_timezone(value)

    @field_validator("device_id")
    @classmethod
    def _no_path_chars(cls, value: str) -> str:
        if "/" in value or "\\" in value or "\x00" in value:
            raise ValueError("device_id must not contain path separators")
        return value

    @model_validator(mode="after")
    def _flight_ids_are_numbers(self) -> RecordContext:
        if self.device_kind == "flight" and not self.device_id.isdigit():
            raise ValueError(f"device_id of a flight must be the flight's integer id, got {self.device_id!r}")
        return self


class FileEntry(_Model):
    path: str  # relative to the bundle folder, POSIX separators
    sha256: str = Field(pattern=SHA256_HEX)
    size: int = Field(ge=0)
    kind: FileKind


class Mark(_Model):
    label: str
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 pixels of the original
    score: float | None = None


class PhotoEntry(_Model):
    role: str
    original: str
    annotated: str
    captured_at: AwareDatetime
    frame_index: int
    width: int
    height: int
    marks: tuple[Mark, ...] = ()
    # pixels: where the camera's reference view (the one its zones are drawn on) lies in this photo, the
    # camera having swayed or drifted since (`vision.steady_view`); the zone shows at its polygon + this
    view_offset: tuple[float, float] = (0.0, 0.0)


class ClipEntry(_Model):
    path: str
    codec: str  # h264, or the fallback actually used
    fps: float
    frame_count: int
    width: int
    height: int
    first_captured_at: AwareDatetime
    last_captured_at: AwareDatetime


class ObjectInfo(_Model):
    label: str
    track_id: int | None = None
    plate_text: str | None = None
    plate_confidence: float | None = None
    plate_votes: int | None = None
    # Who it is, so a later process can tell the same object at the same place (one case per stay):
    box: tuple[float, float, float, float] | None = None  # at confirmation, normalised [0, 1] image coords
    appearance: tuple[float, ...] | None = None  # vision.identity signature (unit vector)


class LegacyDetails(_Model):
    """Format 1's flat bag of every kind's optional facts: read (and verified) only, never written."""

    people_count: int | None = None
    mud_signs: tuple[str, ...] = ()
    direction: str | None = None
    lat: float | None = None
    lon: float | None = None
    area_m2: float | None = None
    baseline_flight_id: str | None = None
    flight_dates: tuple[str, ...] = ()
    registration_quality: float | None = None


class MediaInfo(_Model):
    original_format: str = "png"  # lossless: the exact pixels the pipeline analysed
    annotated_format: str = "jpeg"
    annotated_quality: int = 92
    plate_format: str = "png"
    clip_container: str = "mp4"


class RecheckInfo(_Model):
    """A 核查 record: after the case system reported 处置, the product looked at the place again.
    The photos are the re-check frames (capture times in `photos`); an empty set says why in `detail`."""

    request_id: int = Field(ge=1)  # the product's re-check request (database), one per 处置 report
    event_id: str  # the case
    handled_at: AwareDatetime  # when the case system says it took the 处置 step
    requested_at: AwareDatetime  # when the product received that report
    source: Literal["live", "file", "none"]  # live camera frames, a recorded file's frames, or none
    outcome: RecheckOutcome
    reason: str  # vision.recheck reason code
    detail: str
    frames: int = Field(ge=0)
    frames_present: int = Field(ge=0)
    original_box: tuple[float, float, float, float] | None  # normalised, from the case's primary record


class Manifest(_Model):
    """Everything about one record. `content_sha256` covers all of it except annotated files' entries,
    `content_sha256` and `verification_code`; the code burned into the annotated photos derives from it."""

    format: ManifestFormat = MANIFEST_FORMAT
    kind: RecordKind = "primary"
    record_id: str
    sequence: int = Field(ge=1)
    previous_manifest_sha256: str | None
    previous_record_id: str | None
    signing_key_id: str
    episode_key: str
    episode_record_id: str | None = None  # the primary record of the episode, for supplements
    violation_type: ViolationType
    device_kind: Literal["camera", "flight"]
    device_id: str
    zone_name: str | None
    zone_polygon: tuple[tuple[float, float], ...] | None
    place: Place
    timezone: str
    first_seen_at: AwareDatetime
    confirmed_at: AwareDatetime
    object: ObjectInfo
    photos: tuple[PhotoEntry, ...]
    plate_image: str | None = None
    clip: ClipEntry | None = None
    # Format 2: the kind's details model, chosen by `kind`; format 1: the flat bag.
    details: Annotated[KindDetails | LegacyDetails, Field(union_mode="left_to_right")]
    model_name: str
    weights_sha256: str
    detector_type: str
    config_sha256: str
    software_version: str
    media: MediaInfo = MediaInfo()
    files: tuple[FileEntry, ...]
    content_sha256: str = Field(pattern=SHA256_HEX)
    verification_code: str
    recheck: RecheckInfo | None = None  # kind "recheck" only; absent from other manifests

    @model_serializer(mode="wrap")
    def _without_empty_recheck(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("recheck", 0) is None:
            del data["recheck"]  # manifests of other kinds stay byte for byte what they were
        return data

    @model_validator(mode="after")
    def _recheck_matches_kind(self) -> Manifest:
        if (self.kind == "recheck") != (self.recheck is not None):
            raise ValueError("a recheck record, and only one, carries `recheck`")
        if self.kind == "recheck" and self.episode_record_id is None:
            raise ValueError("a recheck record names the case's primary record in episode_record_id")
        return self
    @field_validator("violation_type")
    @classmethod
    def _registered_type(cls, value: str) -> str:
        registry.kind_of(value)  # raises naming the known types
        return value

    @model_validator(mode="after")
    def _details_match(self) -> Manifest:
        if self.format == "enforce-evidence/1":
            if not isinstance(self.details, LegacyDetails):
                raise ValueError("an enforce-evidence/1 manifest has the flat details of format 1")
        elif isinstance(self.details, LegacyDetails) or self.details.kind != self.violation_type:
            raise ValueError(f"details must be the {self.violation_type} kind's details (details.kind)")
        return self


class EvidenceRecord(_Model):
    """What `EvidenceWriter.write` returns and what the row sink stores: a pointer to a committed bundle."""

    record_id: str
    kind: RecordKind
    sequence: int
    bundle_path: str  # relative to the store root, POSIX separators
    manifest_sha256: str
    previous_manifest_sha256: str | None
    signing_key_id: str
    manifest: Manifest


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: evidence times must be timezone-aware")
    return value.astimezone(UTC)
