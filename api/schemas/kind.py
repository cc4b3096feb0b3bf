"""Violation kinds as the API lists them (GET /kinds): all a client needs to draw zones and review."""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from vision.violations.base import CaseCodes, ViolationKind
from vision.violations.labels import label_names


class NamesPublic(BaseModel):
    zh: str
    en: str


class EvidenceNeedsPublic(BaseModel):
    photo_roles: list[str]
    min_photos: int
    needs_plate: bool
    needs_clip: bool
    face_crops: bool


class RejectReasonPublic(BaseModel):
    code: str
    zh: str
    en: str


class CaseCodesPublic(BaseModel):
    major: str
    minor: str
    major_name: str
    minor_name: str


class KindPublic(BaseModel):
    type: str
    source: Literal["camera", "drone"]
    zone_kind: str | None
    names: NamesPublic
    params_schema: dict[str, Any] | None  # JSON schema of the zone's rule parameters (camera kinds)
    evidence: EvidenceNeedsPublic
    reject_reasons: list[RejectReasonPublic]
    case_codes: CaseCodesPublic  # as configured (ENFORCE_CASE_CODES), else the kind's defaults
    detector_labels: list[str]
    label_names: dict[str, NamesPublic]  # detector labels and detail words (mud signs) in both languages

    @classmethod
    def of(cls, kind: ViolationKind, codes: CaseCodes) -> KindPublic:
        evidence = kind.evidence
        return cls(
            type=kind.type,
            source=kind.source,
            zone_kind=kind.zone_kind,
            names=NamesPublic(zh=kind.names.zh, en=kind.names.en),
            params_schema=kind.params_model.model_json_schema() if kind.params_model else None,
            evidence=EvidenceNeedsPublic(
                photo_roles=list(evidence.photo_roles),
                min_photos=evidence.min_photos,
                needs_plate=evidence.needs_plate,
                needs_clip=evidence.needs_clip,
                face_crops=evidence.face_crops,
            ),
            reject_reasons=[RejectReasonPublic(code=r.code, zh=r.zh, en=r.en) for r in kind.reject_reasons],
            case_codes=CaseCodesPublic(
                major=codes.major, minor=codes.minor, major_name=codes.major_name, minor_name=codes.minor_name
            ),
            detector_labels=list(kind.detector_labels),
            label_names={
                label: _names(label)
                for label in (*kind.detector_labels, *_detail_words(kind), *_recheck_words(kind))
            },
        )


def _names(label: str) -> NamesPublic:
    names = label_names(label)
    return NamesPublic(zh=names.zh, en=names.en)


def _recheck_words(kind: ViolationKind) -> tuple[str, ...]:
    """The box a 核查 photo marks where the object was (kinds a camera can look at again)."""
    return ("original_place",) if kind.recheck.labels else ()


def _detail_words(kind: ViolationKind) -> tuple[str, ...]:
    """The closed word lists in a kind's details (e.g. the mud truck's `mud_signs`), read from the
    details model's `tuple[Literal[...], ...]` fields."""
    words: list[str] = []
    for name, field in kind.details_model.model_fields.items():
        if name == "kind" or get_origin(field.annotation) is not tuple:
            continue
        for arg in get_args(field.annotation):
            if get_origin(arg) is Literal:
                words.extend(str(a) for a in get_args(arg))
    return tuple(words)
