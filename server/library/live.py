"""Keeping library pages live, and cards linked to resources.

One task per instance follows the read model's change feed: for each curriculum whose
rows changed it learns the normal form of its card links (`learn_links`), and when the
curriculum has cards linked to a library resource it tells open library pages that
figures may have moved. Changes to the library itself (a resource added, edited,
accepted, a review written) are told here and, with Redis, to every instance
(channel `mentorhub:library`). Library pages hold one SSE connection
(`/library/stream`) that says `library` after such a change; the page then asks again
for what it shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage.library_figures import curricula_with_resources, learn_links

from ..access_changes import ending_on_access_change
from ..notices import follow, stop
from .common import signed_in

log = logging.getLogger("mentorhub.library")

CHANNEL = "mentorhub:library"
KEEPALIVE_SECONDS = 15.0
COALESCE_SECONDS = 0.3
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


class LibraryLive:
    def __init__(self, engine: Engine, read_model: Any, redis: Any = None) -> None:
        self._engine = engine
        self._read_model = read_model
        self._redis = redis
        self._instance = uuid.uuid4().hex
        self._listeners: set[asyncio.Event] = set()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._follow_read_model(), name="library links"))
        if self._redis is not None:
            self._tasks.append(asyncio.create_task(self._listen(), name="library notices"))

    async def aclose(self) -> None:
        await stop(self._tasks)

    @contextlib.contextmanager
    def listening(self) -> Iterator[asyncio.Event]:
        """An event set whenever the library or its figures may have changed."""
        event = asyncio.Event()
        self._listeners.add(event)
        try:
            yield event
        finally:
            self._listeners.discard(event)

    async def changed(self) -> None:
        """The library changed here: tell pages on this instance and on the others."""
        self._tell_here()
        if self._redis is not None:
            try:
                await self._redis.publish(CHANNEL, self._instance)
            except Exception as error:  # pages elsewhere refresh at the next change
                log.warning("library: cannot tell other instances (%s)", type(error).__name__)

    def _tell_here(self) -> None:
        for event in self._listeners:
            event.set()

    async def _follow_read_model(self) -> None:
        await self._learn(None)  # links written while no server ran (seed, crash)
        with self._read_model.change_feed() as feed:
            while True:
                doc_ids = {await feed.get()}
                await asyncio.sleep(COALESCE_SECONDS)
                while not feed.empty():
                    doc_ids.add(feed.get_nowait())
                if await self._learn(sorted(doc_ids)):
                    self._tell_here()  # each instance hears the read model's own notices

    async def _learn(self, doc_ids: list[str] | None) -> bool:
        """Learn the links of these curricula; True if any has a library resource."""
        try:
            await asyncio.to_thread(learn_links, self._engine, doc_ids)
            if doc_ids is None:
                return False
            linked = await asyncio.to_thread(curricula_with_resources, self._engine, doc_ids)
        except Exception as error:  # learnt again at the curriculum's next change
            log.warning("library: cannot learn card links (%s)", type(error).__name__)
            return False
        return bool(linked)

    async def _listen(self) -> None:
        def notice(sender: str) -> None:
            if sender != self._instance:
                self._tell_here()

        await follow(self._redis, CHANNEL, notice)


async def start_library_live(engine: Engine, read_model: Any, redis: Any) -> LibraryLive:
    live = LibraryLive(engine, read_model, redis)
    await live.start()
    return live


async def library_stream(request: Request) -> Response:
    """GET /library/stream: `event: library` after each change that may concern a page."""
    signed_in(request)  # an open stream is for people who use the library
    live: LibraryLive = request.app.state.library

    async def events() -> AsyncIterator[bytes]:
        with live.listening() as changed:
            # Said once it listens, so that a page (static/page.js) and a test can tell
            # that a change made from now on reaches it.
            yield b"event: listening\ndata: \n\n"
            while True:
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                await asyncio.sleep(COALESCE_SECONDS)
                changed.clear()
                yield b"event: library\ndata: changed\n\n"

    return StreamingResponse(
        ending_on_access_change(request, events()),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )
