"""Whole-file checks when an upload completes: the first bytes say what a file claims to be, these say
whether all of it is there. A video must demux to its last frame and decode at both ends, a photo must
decode whole, an SRT must parse; a file that stops early (a cut-off copy) is refused by name."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, cast

from api.uploads.content import ContentError

if TYPE_CHECKING:
    from av.packet import Packet
    from av.video.codeccontext import VideoCodecContext
    from av.video.stream import VideoStream

_PHOTO_DECODED = (".jpg", ".jpeg", ".png")  # TIFF/DNG: header and directory only (raw data varies)


def check_file(path: Path, kind: str, filename: str) -> None:
    """Raise ContentError naming `filename` (never the server path) when the file is incomplete."""
    if kind == "video":
        _check_video(path, filename)
    elif kind == "still":
        _check_still(path, filename)
    else:
        _check_srt(path, filename)


def _check_video(path: Path, filename: str) -> None:
    import av

    av.logging.set_level(av.logging.PANIC)  # the outcome is reported here, not in FFmpeg's log
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ContentError(f"{filename!r} holds no video stream")
            stream = container.streams.video[0]
            expected = _expected_frames(stream.frames, container.duration, stream.average_rate)
            packets = 0
            first_gop: list[Packet] = []
            last_gop: list[Packet] = []
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                packets += 1
                if packet.is_keyframe:
                    last_gop = []
                last_gop.append(packet)
                if packets == len(last_gop):  # still inside the first group of pictures
                    first_gop = last_gop
            if packets == 0:
                raise ContentError(f"{filename!r} holds no video frames: the file is cut off or empty")
            if expected and packets < expected - max(1, expected // 100):
                raise ContentError(
                    f"{filename!r} is incomplete: the container promises {expected} video frames but only "
                    f"{packets} are in the file (a cut-off copy?); upload the whole file"
                )
            for where, gop in (("first", first_gop), ("last", last_gop)):
                if not _decodes(stream, gop):
                    raise ContentError(f"{filename!r}: the {where} frames of the video cannot be decoded")
    except av.error.FFmpegError as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ContentError(f"{filename!r} cannot be read as a video ({reason}); upload the whole file") from None


def _expected_frames(declared: int, duration_us: int | None, rate: Fraction | None) -> int:
    """Frames the header promises: the sample count (MP4/MOV/AVI) or duration x frame rate (MKV/TS)."""
    if declared > 0:
        return declared
    if duration_us and rate:
        return round(duration_us / 1_000_000 * float(rate))
    return 0


def _decodes(stream: VideoStream, packets: list[Packet]) -> bool:
    """Whether this run of packets (starting at a keyframe) decodes to at least one picture."""
    import av

    frames = 0
    codec = cast("VideoCodecContext", av.CodecContext.create(stream.codec_context.codec, "r"))
    codec.extradata = stream.codec_context.extradata
    try:
        for packet in [*packets, None]:
            frames += len(codec.decode(packet))
    except av.error.FFmpegError:
        return False
    return frames > 0


def _check_still(path: Path, filename: str) -> None:
    """Open with the format's own PIL plugin, chosen by the file name's ending, not `Image.open`:
    Ultralytics replaces `Image.open` with one that tries to install an extra package on an
    unknown image (a download at run time), and the upload's partial file has no ending of its own."""
    from PIL import Image, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

    Opener = type[JpegImagePlugin.JpegImageFile | PngImagePlugin.PngImageFile | TiffImagePlugin.TiffImageFile]
    openers: dict[str, Opener] = {
        ".jpg": JpegImagePlugin.JpegImageFile,
        ".jpeg": JpegImagePlugin.JpegImageFile,
        ".png": PngImagePlugin.PngImageFile,
        ".tif": TiffImagePlugin.TiffImageFile,
        ".tiff": TiffImagePlugin.TiffImageFile,
        ".dng": TiffImagePlugin.TiffImageFile,
    }
    suffix = Path(filename).suffix.lower()
    opener = openers.get(suffix)
    if opener is None:
        raise ContentError(f"{filename!r} is not a photo type the product reads ({', '.join(openers)})")
    try:
        with opener(str(path)) as image:
            if suffix in _PHOTO_DECODED:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ContentError(f"{filename!r} cannot be decoded as a photo ({exc}); upload the whole file") from None


def _check_srt(path: Path, filename: str) -> None:
    from ingest.drone.errors import FootageError
    from ingest.drone.srt import parse_srt

    try:
        parse_srt(path)
    except FootageError as exc:
        where = f"{filename}:{exc.line}" if exc.line is not None else filename
        raise ContentError(f"{where}: {exc.message}") from None
