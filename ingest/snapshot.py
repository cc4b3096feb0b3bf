"""Grab one frame from a camera source as a JPEG: the integrator's connectivity test.

OpenCV's open/read can block far longer than asked on a dead host, so the work runs in a daemon
worker thread and the caller stops waiting at the timeout. Error texts never carry credentials.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from ingest.redact import mask_text, mask_url


class SnapshotError(Exception):
    """The source could not be opened or gave no frame; the message is credential-free."""


class SnapshotTimeout(SnapshotError):
    pass


def _capture_target(url: str) -> str | int:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return url[len("file://") :] if url.startswith("file://") else url[len("file:") :]
    if parts.scheme == "device":
        return int(parts.path or parts.netloc)
    return url


def _grab(url: str, timeout_s: float) -> bytes:
    import cv2

    target = _capture_target(url)
    timeout_ms = int(timeout_s * 1000)
    if isinstance(target, int):
        capture = cv2.VideoCapture(target)
    else:
        capture = cv2.VideoCapture(
            target,
            cv2.CAP_FFMPEG,
            [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms],
        )
    try:
        if not capture.isOpened():
            raise SnapshotError(f"could not open {mask_url(url)}")
        ok, frame = capture.read()
        if not ok or frame is None:
            raise SnapshotError(f"{mask_url(url)} opened but gave no frame")
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise SnapshotError("the frame could not be encoded as JPEG")
        return bytes(encoded.tobytes())
    finally:
        capture.release()


def grab_snapshot(url: str, timeout_s: float) -> bytes:
    """One decoded frame of `url` as JPEG bytes, or SnapshotError / SnapshotTimeout."""
    result: dict[str, bytes | BaseException] = {}

    def work() -> None:
        try:
            result["jpeg"] = _grab(url, timeout_s)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            result["error"] = exc

    worker = threading.Thread(target=work, name="snapshot", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise SnapshotTimeout(f"no frame from {mask_url(url)} within {timeout_s:g} s")
    error = result.get("error")
    if isinstance(error, SnapshotError):
        raise error
    if isinstance(error, BaseException):
        raise SnapshotError(mask_text(f"{type(error).__name__}: {error}")) from None
    jpeg = result["jpeg"]
    assert isinstance(jpeg, bytes)
    return jpeg
