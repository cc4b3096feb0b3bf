"""Keep credentials out of logs, errors, audit entries and API responses: one masking function.

`mask_text` finds credentials anywhere in a piece of text (a bare URL, an exception message, a log
line, a JSON value) and replaces them with '***':

- user-info of any `scheme://user:password@host` URL, up to the *last* '@' of the URL, so that
  passwords holding '/', '@', ':', '?' or '#' are masked whole (`rtsp://admin:PW1/PW2@host/x`);
- values of query parameters whose name looks like a credential (`pw`, `password`, `token`,
  `access_token`, `key`, `secret`, `auth`, `sig`/`signature`, ..., any case), in URLs and in bare
  `?name=value` / `&name=value` text such as access-log lines;
- fragments of URLs (`#access_token=...`).

Masking errs towards hiding too much: a URL with an '@' in its path loses its host in the masked text.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# A URL runs from its scheme to the next white space; the user-info ends at its last '@'.
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<rest>\S*)")
# A query parameter: after '?', '&' or ';', a name, '=', a value up to the next separator.
_PARAM = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#?\s]+)=(?P<value>[^&;#\s]*)")
_SECRET_NAME = re.compile(
    r"pass|pw|token|key|secret|auth|sig|credential|session|cookie|jwt|bearer|private|otp", re.IGNORECASE
)


def _mask_url_rest(rest: str) -> str:
    """Mask what follows `scheme://`: the user-info (up to the last '@') and the fragment."""
    if not rest.startswith("/"):  # 'file:///x@y' has no authority, hence no user-info
        at = rest.rfind("@")
        if at != -1:
            rest = MASK + rest[at:]
    hash_at = rest.find("#")
    if hash_at != -1 and hash_at < len(rest) - 1:
        rest = rest[: hash_at + 1] + MASK
    return rest


def _mask_param(match: re.Match[str]) -> str:
    if not match.group("value") or not _SECRET_NAME.search(match.group("name")):
        return match.group(0)
    return f"{match.group('lead')}{match.group('name')}={MASK}"


def mask_text(text: str) -> str:
    """Mask every credential found anywhere in `text`: URL user-info, credential query values, fragments."""
    text = _URL.sub(lambda m: m.group("scheme") + _mask_url_rest(m.group("rest")), text)
    return _PARAM.sub(_mask_param, text)


def mask_url(url: str) -> str:
    """The same masking as `mask_text`, under the name callers with one URL in hand use."""
    return mask_text(url)


class RedactingFilter(logging.Filter):
    """Logging filter that masks credentials in the formatted message and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        return True
