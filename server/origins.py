"""Which browser origins may open a WebSocket (closes cross-site WebSocket hijacking)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .settings import Settings


def host_allowed(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    """`host` is one of the allowed hosts (`*.example.org` matches its subdomains)."""
    host = host.lower()
    return any(
        pattern == "*"
        or host == pattern
        or (pattern.startswith("*.") and host.endswith(pattern[1:]))
        for pattern in allowed_hosts
    )


def origin_allowed(headers: Mapping[str, str], settings: Settings) -> bool:
    """No Origin header (a non-browser client) is allowed; a browser origin must be listed
    in ALLOWED_ORIGINS, or, when that is empty, be an http(s) origin whose host name is one
    of ALLOWED_HOSTS. The Host header is not trusted for this: a rebound DNS name or a
    proxy can make it anything."""
    origin = headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/")
    if settings.allowed_origins:
        return origin in settings.allowed_origins
    try:
        parts = urlsplit(origin)
        hostname = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not hostname:
        return False
    if "*" in settings.allowed_hosts:  # any host: then only the server's own
        return parts.netloc.lower() == headers.get("host", "").lower()
    return host_allowed(hostname, settings.allowed_hosts)
