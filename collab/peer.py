"""One connected peer: a transport, a bounded send queue and its writer task.

The room never waits on a peer: `send` only enqueues. A peer whose queue fills
(it stopped reading) is closed with 1013 and leaves; the room goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
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


class Peer:
    CLOSE_TIMEOUT = 2.0

    def __init__(self, transport: Transport, *, queue_limit: int, label: str = "") -> None:
        self.id = next(_ids)
        self.label = label or f"peer-{self.id}"
        self.transport = transport
        self.read_only = False
        self.told_read_only = False  # a read-only peer is told once that its edits are dropped
        self.user_id: int | None = None  # who is connected (to close their peers on erasure)
        # who they are to others ({"name", "color"} from their account): their presence
        # says this, whatever the client sets (None: what the client sets)
        self.identity: dict[str, str] | None = None
        self.awareness_ids: set[int] = set()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=queue_limit)
        self._writer: asyncio.Task[None] | None = None
        self.reader: asyncio.Task[None] | None = None  # the task reading frames, stopped on abort
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self._closing: asyncio.Task[None] | None = None  # the goodbye `abort` started

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"{self.label}-writer")

    def send(self, data: bytes) -> None:
        """Queue a message; never blocks. A full queue means the peer is too slow."""
        if self.closed.is_set():
            return
        try:
            self._queue.put_nowait(data)
        except asyncio.QueueFull:
            log.warning("closing %s: send queue full (slow reader)", self.label)
            self.abort(CloseCode.TRY_AGAIN_LATER, "too slow to keep up")

    async def _write_loop(self) -> None:
        try:
            while True:
                data = await self._queue.get()
                await self.transport.send(data)
        except (TransportClosed, OSError, RuntimeError) as exc:
            log.info("%s: send failed (%s); closing", self.label, type(exc).__name__)
            self.closed.set()
        except asyncio.CancelledError:
            pass

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
