"""The per-connection rate limit counts frames as they arrive, not as they are processed.

The server here processes each connection's frames in fits (COLLAB_PROCESSING_PAUSE_MS:
1.5 s stopped, 1.5 s running, in turn), as one whose commits are slow falls behind and
catches up. A client under the limit must not pay for that; one over it is still closed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import websockets
from pycrdt import Doc, Map, create_sync_message, create_update_message, handle_sync_message

from tests.server_process import ServerProcess
from tests.yclient import close_code_after, collab_url, connected, eventually, peer

RATE = 40  # frames a second
BURST = 10
SECONDS = 5  # how long each client sends


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rate-limit-arrival")
    process = ServerProcess(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "RATE_LIMIT_PER_SECOND": str(RATE),
            "RATE_LIMIT_BURST": str(BURST),
            "COLLAB_PROCESSING_PAUSE_MS": "1500",
        },
        tmp / "server.log",
    )
    process.migrate()
    yield process.start()
    process.terminate()


async def test_a_client_under_the_limit_is_kept_while_the_server_falls_behind(server):
    room, token = server.new_curriculum()
    rate = RATE * 0.9
    sent = {f"mark-{i}": str(i) for i in range(int(rate * SECONDS))}
    async with (
        watching(server, room, token) as watcher,
        peer(server.ws_url, room, token=token) as sender,
    ):
        marks = sender.doc.get("meta", type=Map)
        for key, value in sent.items():  # each change is one update message
            marks[key] = value
            await asyncio.sleep(1 / rate)  # never faster than `rate`, slower when late
        seen = watcher.get("meta", type=Map)
        await eventually(
            lambda: marked(seen) == sent or sender.connection.close_code is not None,
            timeout=15,
            what="every update relayed to the watcher",
        )
        closed = sender.connection.close_code, sender.connection.close_reason
        relayed = marked(seen)
    assert closed == (None, None), f"closed {closed} after {len(relayed)} of {len(sent)} updates"
    assert relayed == sent
    async with connected(server.ws_url, room, token=token) as fresh:  # and stored
        assert marked(fresh.get("meta", type=Map)) == sent


async def test_what_a_client_sent_before_leaving_is_all_stored(server):
    """Frames read ahead of the processing are processed even when their sender has gone."""
    room, token = server.new_curriculum()
    rate = RATE * 0.9
    sent = {f"mark-{i}": str(i) for i in range(int(rate * 2))}  # into the first pause
    updates = updates_marking(sent)
    async with websockets.connect(collab_url(server.ws_url, room, token)) as leaving:
        for update in updates:
            await leaving.send(create_update_message(update))
            await asyncio.sleep(1 / rate)
    async with watching(server, room, token) as watcher:
        await eventually(
            lambda: marked(watcher.get("meta", type=Map)) == sent, timeout=10, what="all stored"
        )


def updates_marking(marks: dict[str, str]) -> list[bytes]:
    """One update message's worth per mark: each sets one key of `meta`."""
    author = Doc()
    meta = author.get("meta", type=Map)
    updates: list[bytes] = []
    author.observe(lambda event: updates.append(event.update))
    for key, value in marks.items():
        meta[key] = value
    return updates


def marked(meta: Map) -> dict[str, str]:
    return {key: value for key, value in meta.items() if key.startswith("mark-")}


@contextlib.asynccontextmanager
async def watching(server: ServerProcess, room: str, token: str) -> AsyncIterator[Doc]:
    """The room's document as relayed to a client that only reads, as a stock Yjs client
    does. (A pycrdt Provider sends each update it is relayed back, so a burst relayed to
    it would be a burst it sends.)"""
    doc = Doc()
    url = collab_url(server.ws_url, room, token)
    async with websockets.connect(url, max_size=None) as connection:

        async def read() -> None:
            async for message in connection:
                if isinstance(message, bytes) and message[:1] == b"\x00":  # sync
                    reply = handle_sync_message(message[1:], doc)
                    if reply is not None:
                        await connection.send(reply)

        await connection.send(create_sync_message(doc))
        reading = asyncio.create_task(read())
        try:
            yield doc
        finally:
            reading.cancel()
            await asyncio.wait([reading])


async def test_a_client_over_the_limit_is_closed_with_1008(server):
    room, token = server.new_curriculum()
    rate = RATE * 2
    updates = updates_marking({f"mark-{i}": str(i) for i in range(int(rate * SECONDS))})
    loop = asyncio.get_running_loop()
    async with websockets.connect(collab_url(server.ws_url, room, token)) as flooder:
        started = loop.time()
        with contextlib.suppress(websockets.ConnectionClosed):
            for i, update in enumerate(updates):  # on a schedule: `rate` on average
                await flooder.send(create_update_message(update))
                await asyncio.sleep(max(0.0, started + (i + 1) / rate - loop.time()))
        assert await close_code_after(flooder) == 1008
        assert flooder.close_reason == "rate limit exceeded"
    async with connected(server.ws_url, room, token=token) as other:  # the room goes on
        other.get("meta", type=Map)["after"] = "yes"
        async with connected(server.ws_url, room, token=token) as fresh:
            seen = fresh.get("meta", type=Map)
            await eventually(lambda: seen.get("after") == "yes", what="the room syncing")
