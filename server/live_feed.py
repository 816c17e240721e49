"""Server-Sent Events, and the live refresh of views that read SQL (not a document).

The read model's change feed carries the ids of curricula whose rows changed, and of
those whose sign-offs or certificates changed (`ReadModelSync.announce`), on this
instance or, with Redis, on any. A view names the curricula it shows (None: all of
them); the fragment is sent when the stream opens and again after each change of one of
them, as one SSE message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from .access_changes import ending_on_access_change

KEEPALIVE_SECONDS = 15.0
COALESCE_SECONDS = 0.15  # a burst of keystrokes becomes one refresh
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def sse_message(html: str, event: str | None = None) -> bytes:
    lines = [f"event: {event}"] if event else []
    lines += [f"data: {line}" for line in html.splitlines() or [""]]
    return ("\n".join(lines) + "\n\n").encode()


# (curricula shown or None for all, the fragment); None ends the stream (access lost)
Render = Callable[[], Awaitable[tuple[set[str] | None, str] | None]]


def feed_stream(request: Request, render: Render) -> Response:
    """An SSE response sending `render()`'s fragment after each change it shows."""
    feed_source = request.app.state.read_model

    async def events() -> AsyncIterator[bytes]:
        # Listening before the first render: a change while it renders is sent after it.
        with feed_source.change_feed() as feed:
            first = await render()
            if first is None:
                return
            # Sent at once: what changed between the page's rendering and this connection
            # would otherwise show only at the next change.
            watched, html = first
            yield sse_message(html)
            while True:
                try:
                    doc_id = await asyncio.wait_for(feed.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                if watched is not None and doc_id not in watched:
                    continue
                await asyncio.sleep(COALESCE_SECONDS)
                while not feed.empty():
                    feed.get_nowait()
                rendered = await render()
                if rendered is None:
                    return
                watched, html = rendered
                yield sse_message(html)

    return StreamingResponse(
        ending_on_access_change(request, events()),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )
