"""In-memory stand-ins for the room's store and a peer's transport, for unit tests.

They implement collab's own protocols (`collab.store.DocumentStore`,
`collab.peer.Transport`) the way the real ones behave, so `Room`, `Peer` and `Presence`
are tested without a server or a database: commits can be held back (`MemoryStore.hold`),
a transport can stop reading (`MemoryTransport.stall`). Test helpers, not production code.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from pycrdt import Doc, merge_updates

from collab.store import StoredDocument


class MemoryStore:
    """A `DocumentStore` keeping each document's committed updates in a list."""

    def __init__(self) -> None:
        self.log: dict[str, list[bytes]] = defaultdict(list)
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        """Commits wait (as if the database were slow) until `release`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def load(self, doc_id: str) -> StoredDocument:
        updates = self.log.get(doc_id, [])
        merged = merge_updates(*updates) if len(updates) > 1 else (updates or [b""])[0]
        return StoredDocument(merged, len(updates))

    async def append(self, doc_id: str, update: bytes) -> int:
        await self._open.wait()
        self.log[doc_id].append(update)
        return len(self.log[doc_id])

    def stored_doc(self, doc_id: str) -> Doc[Any]:
        """A fresh document holding exactly what was committed."""
        doc: Doc[Any] = Doc()
        for update in self.log.get(doc_id, []):
            doc.apply_update(update)
        return doc


class MemoryTransport:
    """A `Transport` that records what it is sent; `stall` makes it stop reading."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed_with: tuple[int, str] | None = None
        self._arrived = asyncio.Condition()
        self._reading = asyncio.Event()
        self._reading.set()

    def stall(self) -> None:
        self._reading.clear()

    async def send(self, data: bytes) -> None:
        await self._reading.wait()
        async with self._arrived:
            self.sent.append(data)
            self._arrived.notify_all()

    async def receive(self) -> bytes:  # frames are handed to the room directly in unit tests
        await asyncio.Event().wait()
        return b""

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = (code, reason)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The messages sent so far, once there are at least `count`."""
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.sent) >= count), timeout)
            return list(self.sent)
