from __future__ import annotations

import logging

import pytest

from ingest.redact import RedactingFilter, mask_text, mask_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("rtsp://admin:hunter2@10.0.0.5:554/Streaming/101", "rtsp://***@10.0.0.5:554/Streaming/101"),
        ("rtsp://admin@10.0.0.5/live", "rtsp://***@10.0.0.5/live"),
        ("http://cam.local/mjpeg?user=a&password=hunter2", "http://cam.local/mjpeg?user=a&password=***"),
        ("https://x.example/h.m3u8?token=abc123", "https://x.example/h.m3u8?token=***"),
        ("file:/data/a.mp4", "file:/data/a.mp4"),
        ("rtsp://10.0.0.5/live", "rtsp://10.0.0.5/live"),
    ],
)
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_mask_text_finds_urls_inside_messages() -> None:
    text = "cannot open rtsp://admin:hunter2@10.0.0.5/live (timeout); retry http://u:p@h/x?key=zz"
    masked = mask_text(text)
    assert "hunter2" not in masked and "u:p" not in masked and "zz" not in masked
    assert "rtsp://***@10.0.0.5/live" in masked


def test_logging_filter_masks_arguments_and_exceptions(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info("opening %s", "rtsp://admin:hunter2@10.0.0.5/live")
        try:
            raise ConnectionError("refused by rtsp://admin:hunter2@10.0.0.5/live")
        except ConnectionError:
            logger.exception("stream failed")
    assert "hunter2" not in caplog.text
    assert "rtsp://***@10.0.0.5/live" in caplog.text
