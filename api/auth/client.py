"""The client address a request comes from, for login throttling and the audit log.

Behind a reverse proxy every request arrives from the proxy, which would make all users share one
throttle. Proxies listed in ENFORCE_TRUSTED_PROXIES are trusted to append the real peer to
`X-Forwarded-For`; the address used is the right-most entry not itself a trusted proxy. A header from
anyone else is ignored, so a client cannot pick its own address.
"""

from __future__ import annotations

from fastapi import Request

UNKNOWN = "unknown"


def client_address(request: Request, trusted_proxies: frozenset[str] = frozenset()) -> str:
    peer = request.client.host if request.client is not None else UNKNOWN
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop[:64]
    return peer
