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


@pytest.mark.parametrize(
    ("text", "secrets", "kept"),
    [
        ("rtsp://admin:PW1/PW2@host/x", ["PW1", "PW2", "admin"], "rtsp://***@host/x"),
        ("rtsp://admin:p@ss@10.0.0.5/live", ["p@ss", "admin"], "rtsp://***@10.0.0.5/live"),
        ("rtsp://u:a?b#c@10.0.0.5/live", ["a?b#c"], "rtsp://***@10.0.0.5/live"),
        ("source URL 'rtsp://admin:PW1/PW2@host/x' has an invalid port", ["PW1", "PW2"], "'rtsp://***@host/x'"),
        ("http://h/x?pw=Zq1&user=bob", ["Zq1"], "http://h/x?pw=***&user=bob"),
        ("http://h/x?ACCESS_TOKEN=Zq2", ["Zq2"], "?ACCESS_TOKEN=***"),
        ("http://h/x?a=1&Password=Zq3;token=Zq4", ["Zq3", "Zq4"], "?a=1&Password=***;token=***"),
        ("https://h/x?key=Zq5&secret=Zq6&auth=Zq7", ["Zq5", "Zq6", "Zq7"], "https://h/x?key=***"),
        ("https://s3/b/o?X-Amz-Signature=Zq8&sig=Zq9", ["Zq8", "Zq9"], "X-Amz-Signature=***&sig=***"),
        ("https://h/cb#access_token=Zr1&state=2", ["Zr1"], "https://h/cb#***"),
        ('GET /cameras?token=Zr2 HTTP/1.1" 200', ["Zr2"], "/cameras?token=***"),
        ("file:///srv/media/a@b.mp4", [], "file:///srv/media/a@b.mp4"),
        ("http://cam.local/snap.jpg?w=640", [], "http://cam.local/snap.jpg?w=640"),
    ],
)
def test_mask_text_hides_every_credential_form(text: str, secrets: list[str], kept: str) -> None:
    masked = mask_text(text)
    for secret in secrets:
        assert secret not in masked, masked
    assert kept in masked, masked
    assert mask_url(text) == masked  # one masking, whichever name is called
