"""uvicorn's sans-I/O WebSocket protocol, lighter per connection, and able to write a
frame that was framed once for many peers.

`mentorhub serve` runs uvicorn with this protocol (`ws=CollabWebSocketProtocol`). It
changes three things and keeps the rest of uvicorn's behaviour (handshake, keepalive
pings, close handshake, 1012 on shutdown, flow control):

- **`write_frame`**, offered to the application as the ASGI extension
  `mentorhub.write_frame` (a callable in `scope["extensions"]`): it writes bytes that
  are already a WebSocket frame straight to the socket's transport, and says False
  (writing nothing) when the connection cannot take them now: not open yet, closing,
  gone, or its transport's buffer over the high-water mark. A server's frames are not
  masked, so a relayed update framed once is the same bytes for every peer
  (server/websocket_transport.py); the ASGI `websocket.send` path would frame it again
  for each, through several calls per message. The caller falls back to
  `websocket.send` when it says False, which waits for the buffer to drain: that keeps
  back-pressure (a peer that stops reading fills its send queue and is closed 1013).
  Within one turn of the event loop the first frame for a connection is written at
  once and the rest together when the turn's callbacks have run (`TurnWrites`): a
  room relaying a batch of committed updates makes two system calls per peer instead
  of one per update (throughput went from 0.66x the Node server's to 1.25x,
  bench/README.md).
  Anything uvicorn writes itself for the application (a close frame) comes after them.
- **One log line per connection**, uvicorn's `[accepted]`: the `websockets` protocol's
  own "connection open" and "connection closed" lines at info level repeat it, and cost
  a reconnecting crowd two more formatted lines each. They go to a logger of their own,
  `mentorhub.websocket`, which shows warnings and errors only.
- **Lighter connections**: the receive queue and the "writable" flag are a list and a
  flag instead of an `asyncio.Queue` (four deques, about 2.4 KiB) and an
  `asyncio.Event` (a deque), and the handshake's parsed request headers and response
  are let go once it is done: thousands of idle connections each held them.

The protocol's attributes used here are uvicorn 0.54's (the version is pinned in
pyproject.toml); every collab test runs through this class.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Generic, TypeVar

from uvicorn._types import ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.http11 import Request

from collab.peer import Closed

WRITE_FRAME = "mentorhub.write_frame"

PROTOCOL_LOG = logging.getLogger("mentorhub.websocket")
PROTOCOL_LOG.setLevel(logging.WARNING)

Item = TypeVar("Item")


class Flag(Closed):
    """An `asyncio.Event` with no deque until someone waits: set, clear, wait."""

    __slots__ = ()

    def clear(self) -> None:
        self._set = False


class Inbox(Generic[Item]):
    """An unbounded queue with one consumer: what `asyncio.Queue` does for uvicorn's
    protocol (put_nowait, get, empty), in a list. It stays short: uvicorn stops reading
    the socket while a message waits."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Item] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Item) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Item:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items


class CollabWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.conn.logger = PROTOCOL_LOG
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()
        self._frames: list[bytes] | None = None  # taken by write_frame, not yet written

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.response.status_code == 101:  # the scope exists; its task has not run yet
            extensions: dict[str, Any] = self.scope["extensions"]
            extensions[WRITE_FRAME] = self.write_frame
            # The scope has the request's headers, and the response is made: the parsed
            # headers are not read again, yet websockets' parser keeps the request for
            # the connection's life.
            event.headers.clear()

    def write_frame(self, frame: bytes) -> bool:
        """Write an already framed message, if the connection can take it now: the
        turn's first at once, the others at the end of this turn of the event loop, in
        one go."""
        if (
            self.close_sent
            or self.disconnected
            or not self.handshake_complete
            or self.initial_response is not None
            or not self.writable.is_set()
            or self.transport.is_closing()
        ):
            return False
        frames = self._frames
        if frames is None:  # the first in this turn: written at once
            self.transport.write(frame)
            self._frames = []
            TURN_WRITES.add(self)
        else:
            frames.append(frame)
        return True

    def write_frames(self) -> None:
        """Write the frames `write_frame` took, in one go."""
        frames, self._frames = self._frames, None  # the next frame is a turn's first
        if frames and not self.transport.is_closing():
            self.transport.write(frames[0] if len(frames) == 1 else b"".join(frames))

    async def send(self, message: ASGISendEvent) -> None:
        """uvicorn's, after the frames taken before (a close frame comes after them)."""
        if self._frames:
            self.write_frames()
        await super().send(message)
        if self.handshake_complete and self.response is not None:
            # the handshake's parsed request and response are not read again: an idle
            # connection need not keep them (about 2 KiB of headers)
            self.request = self.response = None  # type: ignore[assignment]

    def shutdown(self) -> None:
        if self._frames:
            self.write_frames()
        super().shutdown()


class TurnWrites:
    """The connections written to in this turn of the event loop: once the turn's
    callbacks have run, each writes in one go the frames it took after its first. A
    room relaying a batch of committed updates so makes two system calls per peer, not
    one per update, and a lone update still goes out at once."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None  # the turn's end is due on it
        self._connections: list[CollabWebSocketProtocol] = []

    def add(self, connection: CollabWebSocketProtocol) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # not due yet (or due on an event loop that has ended)
            self._loop = loop
            self._connections = []
            loop.call_soon(self._write)
        self._connections.append(connection)

    def _write(self) -> None:
        self._loop = None
        connections, self._connections = self._connections, []
        for connection in connections:
            connection.write_frames()


TURN_WRITES = TurnWrites()
