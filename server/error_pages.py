"""Pages for "not found" and "not allowed", for people who follow a link in a browser.

A browser asking for a page (GET, accepting HTML, not an htmx fragment) gets a page in
the site's frame: the navigation, what happened in words, and a way on. Everything else
(programs, htmx requests, WebSockets, other methods) gets Starlette's plain answer,
unchanged.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response

from .htmx import is_htmx
from .templating import render

TITLES = {403: "Not allowed", 404: "Page not found"}
MESSAGES = {
    403: "You are signed in, but this page is not open to you.",
    404: "There is no page here, or it is not open to you. The link may be old, or the "
    "page may have been removed.",
}


def wants_page(conn: HTTPConnection) -> bool:
    if conn.scope["type"] != "http" or conn.scope["method"] not in ("GET", "HEAD"):
        return False
    request = Request(conn.scope)
    return "text/html" in request.headers.get("accept", "") and not is_htmx(request)


async def error_page(conn: HTTPConnection, exc: Exception) -> Response:
    """The exception handler for 403 and 404 (server/app.py)."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if not wants_page(conn) or status not in TITLES:
        return PlainTextResponse(exc.detail, status_code=status, headers=exc.headers)
    default = exc.detail == HTTPException(status).detail  # no message of the route's own
    message = MESSAGES[status] if default else exc.detail
    context = {"status": status, "title": TITLES[status], "message": message}
    return render(Request(conn.scope, conn.receive), "error.html", context, status_code=status)
