"""Which browser origins may open a WebSocket (closes cross-site WebSocket hijacking)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .settings import Settings


def origin_allowed(headers: Mapping[str, str], settings: Settings) -> bool:
    """No Origin header (a non-browser client) is allowed; a browser origin must be listed,
    or, when ALLOWED_ORIGINS is empty, be the server's own host."""
    origin = headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/")
    if settings.allowed_origins:
        return origin in settings.allowed_origins
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
