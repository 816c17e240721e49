"""uvicorn's WebSocket protocol as `mentorhub serve` runs it, in-process: what it keeps per
connection (server/websocket_protocol.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
import websockets

from server.collab_arrival import ArrivalCount, TokenBucket
from server.websocket_protocol import COUNT_ARRIVALS, CollabWebSocketProtocol
from tests.polling import until


async def test_an_open_connection_keeps_its_state_in_slots_not_in_a_dictionary() -> None:
    """Thousands of idle connections each held a dictionary of uvicorn's attributes
    (about 1.5 KiB); every attribute has a slot now, so none is made. An attribute a
    newer uvicorn adds would fill one again: this names it."""
    received: list[bytes] = []
    counted: list[float] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        scope["extensions"][COUNT_ARRIVALS](ArrivalCount(TokenBucket(100, 10), counted.append))
        while (message := await receive())["type"] == "websocket.receive":
            received.append(message["bytes"])
            await send({"type": "websocket.send", "bytes": message["bytes"]})

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws=CollabWebSocketProtocol, lifespan="off", log_config=None
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started or serving.done(), what="the server started")
        port = server.servers[0].sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}/collab/x") as client:
            for data in (b"one", b"two"):
                await client.send(data)
                assert await client.recv() == data
            (connection,) = server.server_state.connections
            assert isinstance(connection, CollabWebSocketProtocol)
            assert vars(connection) == {}, f"attributes outside the slots: {vars(connection)}"
        assert received == [b"one", b"two"]
        assert counted == [3, 3]  # each frame's bytes, counted as it was read
    finally:
        server.should_exit = True
        await serving
