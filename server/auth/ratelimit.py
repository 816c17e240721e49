"""Per-client rate limits for signing in: a sliding window per client IP.

Sign-in requests count against `sign_in_limiter`; wrong access tokens on /collab count
against `token_failure_limiter` (server/collab_endpoint.py), with the same limit."""

from __future__ import annotations

import math
import time
from collections import deque

from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response


class RateLimiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float | None:
        """Count a hit; None if allowed, else the seconds until the next one would be."""
        now = time.monotonic()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        return None

    def exhausted(self, key: str) -> bool:
        """True when `key` has used up its hits in the current window (counts nothing)."""
        now = time.monotonic()
        hits = self._hits.get(key)
        return hits is not None and sum(1 for t in hits if t > now - self.window) >= self.limit

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self.max_keys:  # still full: start afresh rather than grow
            self._hits.clear()


def client_ip(request: HTTPConnection) -> str:
    # the connection's own address; uvicorn puts the X-Forwarded-For address here only
    # for a proxy named in TRUSTED_PROXIES
    return request.client.host if request.client else "unknown"


def sign_in_limited(request: Request) -> Response | None:
    """A 429 answer when this client has made too many sign-in requests, else None."""
    limiter: RateLimiter = request.app.state.sign_in_limiter
    wait = limiter.hit(client_ip(request))
    if wait is None:
        return None
    return PlainTextResponse(
        "Too many sign-in attempts. Try again in a minute.",
        status_code=429,
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )
