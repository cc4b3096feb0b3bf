"""Keep stream credentials out of logs and API responses."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
_SECRET_PARAMS = {"password", "passwd", "pwd", "pass", "token", "key", "apikey", "api_key", "secret", "auth"}
# scheme://user[:password]@host — also matched inside free text (log messages, exception strings).
_USERINFO_IN_TEXT = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^\s/@]+)@")
_SECRET_PARAM_IN_TEXT = re.compile(
    r"(?P<key>[?&](?:" + "|".join(sorted(_SECRET_PARAMS)) + r"))=(?P<value>[^&\s]+)", re.IGNORECASE
)


def mask_url(url: str) -> str:
    """Replace user, password and secret query parameters of a URL with '***'."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_text(url)
    netloc = parts.netloc
    has_secret_param = any(k.lower() in _SECRET_PARAMS for k, _ in parse_qsl(parts.query))
    if "@" not in netloc and not has_secret_param:
        return url
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_text(text: str) -> str:
    """Mask every URL credential found anywhere in a piece of text."""
    text = _USERINFO_IN_TEXT.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    return _SECRET_PARAM_IN_TEXT.sub(lambda m: f"{m.group('key')}={MASK}", text)


class RedactingFilter(logging.Filter):
    """Logging filter that masks URL credentials in the formatted message and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        return True
