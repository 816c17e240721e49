"""All handling of htmx's HX-* headers in one place."""

from __future__ import annotations

from starlette.requests import Request


def is_htmx(request: Request) -> bool:
    """True for a request made by htmx (it sends `HX-Request: true`)."""
    return request.headers.get("hx-request") == "true"


def wants_partial(request: Request) -> bool:
    """htmx asks for a fragment unless it is boosting a whole page."""
    return is_htmx(request) and request.headers.get("hx-boosted") != "true"
