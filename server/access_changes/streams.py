"""SSE streams that end when their user's access changes.

Every live stream goes through `ending_on_access_change`: it passes on the stream's
messages until the user's access changes, then ends the stream. htmx opens it again
with what the user may see now - or, signed out or removed, gets no stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.requests import HTTPConnection

from .registry import OpenAccess


async def ending_on_access_change(
    request: HTTPConnection, events: AsyncIterator[bytes]
) -> AsyncIterator[bytes]:
    """`events`, ended when the signed-in user's access changes (anonymous streams, such
    as a public certificate's status, pass through)."""
    registry: OpenAccess | None = getattr(request.app.state, "open_access", None)
    user_id = getattr(request.scope.get("state", {}).get("user"), "id", None)
    if registry is None or user_id is None:
        async for chunk in events:
            yield chunk
        return
    ended = asyncio.Event()
    with registry.stream(user_id, ended.set):
        stop = asyncio.ensure_future(ended.wait())
        try:
            while True:
                following = asyncio.ensure_future(anext(events))
                await asyncio.wait({following, stop}, return_when=asyncio.FIRST_COMPLETED)
                if not following.done():
                    following.cancel()
                    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                        await following
                    return
                try:
                    chunk = following.result()
                except StopAsyncIteration:
                    return
                yield chunk
        finally:
            stop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await stop
            with contextlib.suppress(Exception):
                await events.aclose()  # type: ignore[attr-defined]
