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
  once (unless the client's frames wait to be read: then with what answers them) and the
  rest together when the turn's callbacks have run (`TurnWrites`): a
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
  `asyncio.Event` (a deque), the handshake's parsed request headers and response are
  let go once it is done, and every attribute has a slot, so no instance dictionary is
  made (about 1.5 KiB): thousands of idle connections each held them.
- **Frames counted as they are read** (`mentorhub.count_arrivals`, server/
  collab_arrival.py): once the application hands it a connection's `ArrivalCount`,
  each binary frame is charged to the rate limit when it is read, and the connection
  is read ahead of the application up to 32 frames or 1 MiB (uvicorn reads one
  message at a time). A frame over the limit puts a mark in the receive queue after
  the frames before it, and reading stops; the transport turns the mark into 1008.
  No task per connection is needed for it.

The protocol's attributes used here are uvicorn 0.54's (the version is pinned in
pyproject.toml); every collab test runs through this class.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Generic, TypeVar, cast

from uvicorn._types import ASGIReceiveEvent, ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.http11 import Request

from collab.peer import Closed

from .collab_arrival import ArrivalCount, ahead

WRITE_FRAME = "mentorhub.write_frame"
COUNT_ARRIVALS = "mentorhub.count_arrivals"
# what the receive queue says after the frames that came before one over the rate limit
OVER_RATE_LIMIT = "mentorhub.over_rate_limit"

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

    def items(self) -> list[Item]:
        """What waits, in order (not a copy)."""
        return self._items


class CollabWebSocketProtocol(WebSocketsSansIOProtocol):
    # Every attribute uvicorn's class and this one set, in slots: its instances have a
    # `__dict__`, which with this many attributes outgrows the shared-key layout and
    # costs about 1.5 KiB per connection; a slot is 8 bytes. The dictionary is never
    # made while every name set is here (tests/test_websocket_protocol.py checks it).
    __slots__ = (
        "app",
        "app_state",
        "asgi_version",
        "client",
        "close_sent",
        "close_timeout",
        "close_timer",
        "config",
        "conn",
        "connections",
        "curr_msg_data_type",
        "default_headers",
        "disconnected",
        "frames",
        "handshake_complete",
        "handshake_initiated",
        "initial_response",
        "last_ping_rtt",
        "logger",
        "loop",
        "pending_ping_payload",
        "ping_interval",
        "ping_sent_at",
        "ping_timeout",
        "ping_timer",
        "pong_timer",
        "queue",
        "read_paused",
        "request",
        "response",
        "root_path",
        "scheme",
        "scope",
        "server",
        "tasks",
        "transport",
        "writable",
        "_frames",
        "_arrivals",
        "_waiting_bytes",
        "_held_since",
        "_over_limit",
    )

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
        self._arrivals: ArrivalCount | None = None  # frames charged as they are read
        self._waiting_bytes = 0  # of the frames in the receive queue, once counted
        self._held_since = 0.0  # when the reading stopped for the processing to catch up
        self._over_limit = False  # a frame was over the rate limit: no more are taken

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.response.status_code == 101:  # the scope exists; its task has not run yet
            extensions: dict[str, Any] = self.scope["extensions"]
            extensions[WRITE_FRAME] = self.write_frame
            extensions[COUNT_ARRIVALS] = self.count_arrivals
            # The scope has the request's headers, and the response is made: the parsed
            # headers are not read again, yet websockets' parser keeps the request for
            # the connection's life.
            event.headers.clear()

    def count_arrivals(self, arrivals: ArrivalCount) -> bool:
        """From now on, charge each binary frame to `arrivals` as it is read, and read
        ahead of the application up to AHEAD_FRAMES and AHEAD_BYTES (uvicorn reads one
        message at a time). The frames already waiting are charged now. True: done."""
        self._arrivals = arrivals
        for message in list(self._waiting()):
            data = message.get("bytes")
            if isinstance(data, bytes):
                self._arrived(arrivals, data)
        if self.read_paused and not self._over_limit and not self._ahead():
            self.read_paused = False
            self.transport.resume_reading()
        return True

    def send_receive_event_to_app(self) -> None:
        """uvicorn's, and once `count_arrivals` is on, a binary message is charged as it
        is read and reading goes on until enough wait."""
        arrivals = self._arrivals
        if arrivals is None or self.close_sent or self.curr_msg_data_type != "bytes":
            super().send_receive_event_to_app()
            return
        data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
        self.frames = []
        if self._over_limit:  # the application closes 1008 once it reaches the mark
            return
        self.queue.put_nowait({"type": "websocket.receive", "bytes": data})
        self._arrived(arrivals, data)
        if not self.read_paused and (self._over_limit or self._ahead()):
            self.read_paused = True
            self._held_since = time.monotonic()
            self.transport.pause_reading()

    def _arrived(self, arrivals: ArrivalCount, data: bytes) -> None:
        self._waiting_bytes += len(data)
        if not self._over_limit and not arrivals.arrived(len(data)):
            self._over_limit = True
            mark = {"type": "websocket.receive", OVER_RATE_LIMIT: True}
            self.queue.put_nowait(mark)  # type: ignore[arg-type]

    def _ahead(self) -> bool:
        return ahead(len(self._waiting()), self._waiting_bytes)

    def _waiting(self) -> list[ASGIReceiveEvent]:
        return cast(Inbox[ASGIReceiveEvent], self.queue).items()

    async def receive(self) -> ASGIReceiveEvent:
        """uvicorn's: the next message; reading resumes when the queue is short enough."""
        message = await self.queue.get()
        arrivals = self._arrivals
        if arrivals is None:
            if self.read_paused and self.queue.empty():
                self.read_paused = False
                self.transport.resume_reading()
            return message
        data = message.get("bytes")
        if isinstance(data, bytes):
            self._waiting_bytes -= len(data)
        if self.read_paused and not self._over_limit and not self._ahead():
            self.read_paused = False
            self.transport.resume_reading()
            if self._held_since:  # it stopped for the processing to catch up
                arrivals.held(self._held_since)
                self._held_since = 0.0
        return message

    def write_frame(self, frame: bytes) -> bool:
        """Write an already framed message, if the connection can take it now: the
        turn's first at once, the others at the end of this turn of the event loop, in
        one go. While frames from the client wait to be read, the first waits too: a
        joining client's sync step 1 is read in the same turn as the server's step 1 is
        written, and the server's two steps go out in one write instead of two."""
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
        if frames is None:  # the first in this turn
            if self.queue.empty():  # written at once
                self.transport.write(frame)
                self._frames = []
            else:  # what answers the frames waiting to be read goes with it, in one write
                self._frames = [frame]
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
