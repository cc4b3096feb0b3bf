"""The camera's own H.264 keyframes as the clip, muxed as they came: no decode, no re-encode.

In keyframe mode the ring buffer keeps each analysed picture as the camera's packets. When every frame
of a clip is such an IDR picture of one stream set-up, the clip is those bytes in an MP4 (parameter sets
in front of each picture, so each decodes on its own): pixel for pixel what the camera sent and the
analysis saw, at the camera's resolution, for a few milliseconds of CPU instead of a decode and an
encode per frame (about 0.5 s for 11 1080p frames). The file is larger (all pictures are intra-coded:
about 2.5 MB against 1.1 MB re-encoded for 11 1080p keyframes of a 4 Mbit/s stream).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from domain.types import ClipFrame, EncodedFrame

START_CODE = b"\x00\x00\x00\x01"
IDR_SLICE, SPS, PPS = 5, 7, 8


def copyable(frames: tuple[ClipFrame, ...]) -> bool:
    """Whether every frame is an H.264 IDR keyframe of one stream set-up: such pictures decode on their
    own, so the clip can be the camera's bytes."""
    return _pictures(frames) is not None


def copy_clip(frames: tuple[ClipFrame, ...], path: Path, fps: float) -> bool:
    """Mux the frames' own pictures into an MP4, timed in milliseconds from the first frame's capture
    time; False, and nothing written, when they are not all copyable."""
    pictures = _pictures(frames)
    if pictures is None:
        return False
    time_base = Fraction(1, 1000)
    first = frames[0]
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_mux_stream("h264", rate=max(1, round(fps)), width=first.width, height=first.height)
        stream.time_base = time_base
        last_pts = -1
        for frame, picture in zip(frames, pictures, strict=True):
            packet = av.Packet(picture)
            pts = max(round((frame.captured_at - first.captured_at).total_seconds() * 1000), last_pts + 1)
            packet.stream, packet.time_base, packet.pts, packet.dts, last_pts = stream, time_base, pts, pts, pts
            packet.is_keyframe = True
            container.mux(packet)
    return True


def _pictures(frames: tuple[ClipFrame, ...]) -> list[bytes] | None:
    """Each frame's picture as Annex-B NAL units with the parameter sets in front (so each decodes on its
    own), or None unless every frame is an H.264 IDR keyframe of the first one's set-up and size."""
    first = frames[0] if frames else None
    if not isinstance(first, EncodedFrame):
        return None
    parameter_sets = _parameter_sets(first.extradata)
    pictures = []
    for f in frames:
        if not (
            isinstance(f, EncodedFrame)
            and f.codec == "h264"
            and f.keyframe
            and (f.extradata, f.width, f.height) == (first.extradata, first.width, first.height)
        ):
            return None
        data = _annex_b(f.data, f.extradata)
        types = _nal_types(data)
        if IDR_SLICE not in types or not (parameter_sets or {SPS, PPS} <= types):
            return None  # not a picture that decodes on its own
        pictures.append(data if SPS in types else parameter_sets + data)
    return pictures


def _avcc_length_size(extradata: bytes) -> int | None:
    """The NAL length prefix size of an avcC record (MP4-style packets); None for Annex-B set-ups."""
    if len(extradata) >= 7 and extradata[0] == 1:
        return (extradata[4] & 3) + 1
    return None


def _annex_b(data: bytes, extradata: bytes) -> bytes:
    size = _avcc_length_size(extradata)
    if size is None:
        return data
    out, at = bytearray(), 0
    while at + size <= len(data):
        length = int.from_bytes(data[at : at + size], "big")
        at += size
        if length == 0 or at + length > len(data):
            return b""  # not a length-prefixed picture: nothing in it counts
        out += START_CODE + data[at : at + length]
        at += length
    return bytes(out) if at == len(data) else b""


def _parameter_sets(extradata: bytes) -> bytes:
    """SPS and PPS as Annex-B NAL units, from an avcC record or an Annex-B extradata."""
    if _avcc_length_size(extradata) is None:
        return extradata
    out, at = bytearray(), 5
    for count_mask in (0x1F, 0xFF):
        if at >= len(extradata):
            break
        count, at = extradata[at] & count_mask, at + 1
        for _ in range(count):
            length = int.from_bytes(extradata[at : at + 2], "big")
            out += START_CODE + extradata[at + 2 : at + 2 + length]
            at += 2 + length
    return bytes(out)


def _nal_types(annex_b: bytes) -> set[int]:
    """The types of the NAL units in an Annex-B byte stream (a start code never occurs inside a unit)."""
    types, at = set(), annex_b.find(b"\x00\x00\x01")
    while 0 <= at < len(annex_b) - 3:
        header = annex_b[at + 3]
        if not header & 0x80:  # forbidden_zero_bit
            types.add(header & 0x1F)
        at = annex_b.find(b"\x00\x00\x01", at + 3)
    return types
