"""Live refresh of htmx views over Server-Sent Events.

The timeline page holds an `hx-sse:connect` element; each time the document
changes (after the change is committed and relayed) the server renders the
timeline fragment again and sends it as one SSE message, which htmx 4 swaps in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from pycrdt import Doc
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from collab.schema import read_curriculum

from .access import Access
from .access_changes import ending_on_access_change
from .library.actions import review_prompts
from .listing import curricula_for
from .live_feed import COALESCE_SECONDS, KEEPALIVE_SECONDS, SSE_HEADERS, feed_stream, sse_message
from .pages import access_or_404, timeline_context
from .templating import current_user, render_fragment


async def timeline_stream(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    access = await access_or_404(request, doc_id, Access.READ)
    rooms = request.app.state.rooms

    async def render(doc: Doc) -> bytes:
        curriculum = read_curriculum(doc)
        prompts = await review_prompts(request.app.state, curriculum, current_user(request))
        context = {"doc_id": doc_id, "can_edit": access >= Access.EDIT}
        context.update(timeline_context(curriculum, prompts))
        return sse_message(render_fragment(request, "_timeline.html", context))

    async def events() -> AsyncIterator[bytes]:
        async with rooms.using(doc_id) as room:
            seen = room.version
            # Sent at once: a change between the page's rendering and this connection
            # would otherwise show only at the next change.
            yield await render(room.doc)
            while True:
                version = await room.wait_changed(seen, KEEPALIVE_SECONDS)
                if version == seen:
                    yield b": keepalive\n\n"
                    continue
                await asyncio.sleep(COALESCE_SECONDS)
                seen = room.version
                yield await render(room.doc)

    return StreamingResponse(
        ending_on_access_change(request, events()),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


async def curricula_stream(request: Request) -> Response:
    """The curricula list again whenever the read model of a listed curriculum changes
    (on any instance): like the page, it loads no document."""
    state = request.app.state
    user = current_user(request)

    async def render() -> tuple[set[str] | None, str]:
        listings = await curricula_for(state, user)
        html = render_fragment(request, "_curricula.html", {"curricula": listings})
        return {listing.doc_id for listing in listings}, html

    return feed_stream(request, render)
