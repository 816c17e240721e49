"""One connected peer: a transport, a bounded send queue and its writer task.

The room never waits on a peer: `send` writes to the socket's buffer or enqueues. A peer
whose queue fills (it stopped reading) is closed with 1013 and leaves; the room goes on.

A transport that can write at once (`write_now`, server/websocket_transport.py) gets a
message written straight away when nothing waits before it: no task, no queue. The
writer task starts when a message has to wait (the transport's buffer is full) and ends
when the queue is empty. Thousands of idle connections then cost only their objects,
not a task each. The queue is a short list (an empty deque costs 600 bytes), made at
the first message and kept, so that a busy room's sends make no new queue each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Protocol

from .protocol import CloseCode

log = logging.getLogger("mentorhub.collab.peer")
_ids = itertools.count(1)


class TransportClosed(Exception):
    """The other end has gone; carries the close code when it is known."""

    def __init__(self, code: int | None = None) -> None:
        super().__init__(code)
        self.code = code


class Transport(Protocol):
    """What a peer needs from its connection (a WebSocket, or an in-memory pair in tests)."""

    async def send(self, data: bytes) -> None: ...

    async def receive(self) -> bytes:
        """The next binary frame; raises TransportClosed, or ProtocolError for a text frame."""
        ...

    async def close(self, code: int, reason: str) -> None: ...


class Closed:
    """Set once when the peer closes; like asyncio.Event, without a waiters' deque until
    someone waits (nearly nobody does)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self) -> None:
        if self._set:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter


class Peer:
    CLOSE_TIMEOUT = 2.0

    def __init__(self, transport: Transport, *, queue_limit: int, label: str = "") -> None:
        self.id = next(_ids)
        self.label = label or f"peer-{self.id}"
        self.transport = transport
        # a transport that can write a message at once, without a task, says so: its
        # `write_now(data)` writes and returns True, or writes nothing and returns False
        self._write_now: Callable[[bytes], bool] | None = getattr(transport, "write_now", None)
        self.read_only = False
        self.told_read_only = False  # a read-only peer is told once that its edits are dropped
        self.user_id: int | None = None  # who is connected (to close their peers on erasure)
        # who they are to others ({"name", "color"} from their account): their presence
        # says this, whatever the client sets (None: what the client sets)
        self.identity: dict[str, str] | None = None
        self.awareness_ids: set[int] = set()
        self._queue_limit = queue_limit
        self._queue: list[bytes] | None = None  # messages not yet handed to the transport
        self._started = False
        self._writer: asyncio.Task[None] | None = None  # running while the queue is not empty
        self.reader: asyncio.Task[None] | None = None  # the task reading frames, stopped on abort
        self.closed = Closed()
        self.close_code: int | None = None
        self._closing: asyncio.Task[None] | None = None  # the goodbye `abort` started

    def start(self) -> None:
        """Start sending: what was queued before is sent now, in order."""
        self._started = True
        if self._queue:
            self._start_writer()

    def send(self, data: bytes) -> None:
        """Queue a message; never blocks. A full queue means the peer is too slow."""
        if self.closed.is_set():
            return
        queue = self._queue
        if not queue and self._writer is None and self._started:
            write_now = self._write_now
            if write_now is not None and write_now(data):  # nothing waits before it
                return
        if queue is None:
            queue = self._queue = []
        elif len(queue) >= self._queue_limit:
            log.warning("closing %s: send queue full (slow reader)", self.label)
            self.abort(CloseCode.TRY_AGAIN_LATER, "too slow to keep up")
            return
        queue.append(data)
        if self._writer is None and self._started:
            self._start_writer()

    def _start_writer(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(
            self._write_loop(), name=f"{self.label}-writer"
        )

    async def _write_loop(self) -> None:
        """Send what is queued, in order, and end when nothing is left."""
        queue = self._queue
        write_now = self._write_now
        try:
            while queue:
                data = queue.pop(0)  # short: at most queue_limit
                if write_now is None or not write_now(data):
                    await self.transport.send(data)  # waits until the transport can take it
        except (TransportClosed, OSError, RuntimeError) as exc:
            log.info("%s: send failed (%s); closing", self.label, type(exc).__name__)
            self.closed.set()
        except asyncio.CancelledError:
            pass
        finally:
            if self._writer is asyncio.current_task():
                self._writer = None

    def abort(self, code: int, reason: str) -> None:
        """Close from synchronous code (e.g. the room's broadcast); stops the reader too."""
        if not self.closed.is_set():
            self.close_code = code
            self.closed.set()
            self._closing = asyncio.get_running_loop().create_task(
                self._close_transport(code, reason), name=f"{self.label}-close"
            )
            if self.reader is not None and self.reader is not asyncio.current_task():
                self.reader.cancel()

    async def close(self, code: int, reason: str) -> None:
        if self.close_code is not None:
            return
        self.close_code = code
        self.closed.set()
        await self._close_transport(code, reason)

    async def wait_closed(self) -> None:
        """Wait until the goodbye `abort` started has been said (the close frame sent),
        so that the connection ends with the code and reason it was given."""
        if self._closing is not None and self._closing is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.shield(self._closing)

    async def _close_transport(self, code: int, reason: str) -> None:
        """Stop sending and say goodbye; a peer that does not read gets CLOSE_TIMEOUT."""
        await self.stop_writer()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.transport.close(code, reason), self.CLOSE_TIMEOUT)

    async def stop_writer(self) -> None:
        if self._writer is not None and self._writer is not asyncio.current_task():
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
            self._writer = None

    def __repr__(self) -> str:
        return f"<Peer {self.label}>"
