"""pycrdt-websocket's ASGI server under uvicorn, set up as its README does: a benchmark peer.

Defaults everywhere (rooms created on demand, cleaned when empty, no store), so the
figures are pycrdt-websocket's own, with one exception: its own `exception_logger` as the
exception handler. Without a handler (the README's setup), an exception in a room - such
as a client that disconnects while a message is being sent to it - is re-raised up to the
server's task group and the whole process exits; the benchmark does that at the end of
every run. Listens on 127.0.0.1 and a free port (PORT, default 0) and prints
`pycrdt-websocket listening on http://127.0.0.1:PORT` once it accepts connections.
"""

from __future__ import annotations

import asyncio
import os

import uvicorn
from pycrdt.websocket import ASGIServer, WebsocketServer, exception_logger


async def main() -> None:
    websocket_server = WebsocketServer(exception_handler=exception_logger)
    app = ASGIServer(websocket_server)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=int(os.environ.get("PORT", "0")), log_level="warning"
    )
    server = uvicorn.Server(config)
    async with websocket_server:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started:
            port = server.servers[0].sockets[0].getsockname()[1]
            print(f"pycrdt-websocket listening on http://127.0.0.1:{port}", flush=True)
        await task


if __name__ == "__main__":
    asyncio.run(main())
