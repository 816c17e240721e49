"""Live refresh of the people pages (a request's mentors, the inbox, an offer's members).

What they show lives in SQL, not in a document, so nothing pushes it: a stream renders
its fragment again whenever this process changed something (`changed()`, called by the
routes after each write) and otherwise every POLL_SECONDS, to catch changes made by
another instance or by the command line, and sends it only when it differs from what
the page already has.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import StreamingResponse

from .access_changes import ending_on_access_change
from .live import SSE_HEADERS, sse_message

POLL_SECONDS = 5.0
KEEPALIVE_SECONDS = 15.0


class PeopleChanges:
    """A counter bumped after every change to people, requests, offers or mentorships."""

    def __init__(self) -> None:
        self.version = 0
        self._changed = asyncio.Event()

    def changed(self) -> None:
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, seen: int, timeout: float) -> int:
        if self.version == seen:
            waiting = self._changed
            try:
                await asyncio.wait_for(waiting.wait(), timeout)
            except TimeoutError:
                pass
        return self.version


def changes_of(state: object) -> PeopleChanges:
    changes = getattr(state, "people_changes", None)
    if changes is None:
        changes = PeopleChanges()
        state.people_changes = changes  # type: ignore[attr-defined]
    return changes


def live_fragment(request: Request, render: Callable[[], Awaitable[str]]) -> StreamingResponse:
    """An SSE stream of `render()`'s HTML, sent again each time it changes (and ended when
    the user's access changes)."""
    changes = changes_of(request.app.state)

    async def events() -> AsyncIterator[bytes]:
        seen = changes.version
        shown = await render()
        # Sent at once: a change between the page's rendering and this connection is in
        # it, and would otherwise never show (later renders are compared with this one).
        yield sse_message(shown)
        quiet_since = time.monotonic()
        while True:
            seen = await changes.wait(seen, POLL_SECONDS)
            html = await render()
            if html != shown:
                shown, quiet_since = html, time.monotonic()
                yield sse_message(html)
            elif time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield b": keepalive\n\n"

    return StreamingResponse(
        ending_on_access_change(request, events()),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )
