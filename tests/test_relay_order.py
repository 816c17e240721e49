"""Relayed updates reach a reader each once, in the order they were committed.

The server writes a relayed update straight to each peer's socket, and a peer's later
messages in the same turn of the event loop together at the turn's end
(server/websocket_protocol.py). Yjs would hide a reordering (an update that comes before
the one it follows waits, then both apply), so this reader checks the order itself: with
every update applied as it arrives, each one must move exactly one writer's counter on by
exactly one.
"""

from __future__ import annotations

import asyncio

import websockets
from pycrdt import (
    Doc,
    Map,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    handle_sync_message,
    read_message,
)

from tests.yclient import collab_url, connected, eventually, new_doc

WRITERS = 3
EDITS = 150  # each as fast as the client sends: the server commits and relays them in batches


def counters(doc: Doc) -> dict[str, int]:
    meta = doc.get("meta", type=Map)
    return {f"w{k}": int(meta.get(f"w{k}", 0)) for k in range(WRITERS)}


async def test_every_relayed_update_arrives_once_and_in_order(server):
    doc_id, token = server.new_curriculum()
    writers: list[Doc] = [new_doc() for _ in range(WRITERS)]
    moves: list[dict[str, int]] = []  # per update received: how each counter moved
    reader = new_doc()
    async with (
        connected(server.ws_url, doc_id, writers[0], token),
        connected(server.ws_url, doc_id, writers[1], token),
        connected(server.ws_url, doc_id, writers[2], token),
        websockets.connect(collab_url(server.ws_url, doc_id, token)) as raw,
    ):
        synced = asyncio.Event()

        async def read() -> None:
            await raw.send(create_sync_message(reader))
            async for message in raw:
                assert isinstance(message, bytes)
                if message[0] != YMessageType.SYNC:
                    continue  # presence
                if message[1] == YSyncMessageType.SYNC_UPDATE and synced.is_set():
                    before = counters(reader)
                    reader.apply_update(read_message(message[2:]))
                    after = counters(reader)
                    moves.append({key: after[key] - before[key] for key in after})
                    continue
                reply = handle_sync_message(message[1:], reader)
                if reply is not None:
                    await raw.send(reply)
                if message[1] == YSyncMessageType.SYNC_STEP2:
                    synced.set()

        reading = asyncio.create_task(read())
        try:
            await asyncio.wait_for(synced.wait(), 10)

            async def write(k: int) -> None:
                meta = writers[k].get("meta", type=Map)
                for n in range(1, EDITS + 1):
                    meta[f"w{k}"] = n  # one transaction, one update message
                    if n % 25 == 0:
                        await asyncio.sleep(0)  # let the client's sender run

            await asyncio.gather(*(write(k) for k in range(WRITERS)))
            done = {f"w{k}": EDITS for k in range(WRITERS)}
            await eventually(
                lambda: counters(reader) == done, timeout=20, what="every edit at the reader"
            )
        finally:
            reading.cancel()

    assert len(moves) == WRITERS * EDITS, "each update relayed once"
    for move in moves:
        assert sorted(move.values()) == [0] * (WRITERS - 1) + [1], (
            f"an update that did not follow the one before it: {move}"
        )
