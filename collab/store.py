"""What a room needs from durable storage: a small protocol, with an in-memory version.

`Room` never imports SQLModel; the server gives it a `DocumentStore`
(storage.update_log.UpdateLog in production, MemoryStore in unit tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pycrdt import merge_updates


@dataclass(frozen=True)
class StoredDocument:
    """A document as storage holds it: its whole state as one update."""

    update: bytes
    last_id: int  # highest update-log id folded into `update` (0 when empty)


class DocumentStore(Protocol):
    async def load(self, doc_id: str) -> StoredDocument:
        """The document's current state (snapshot merged with the log); empty if unknown."""
        ...

    async def append(self, doc_id: str, update: bytes) -> int:
        """Commit one update; return its log id once it is durable (group commit)."""
        ...

    async def read_since(self, doc_id: str, after_id: int) -> list[tuple[int, bytes]]:
        """Log entries of the document with id > after_id, in id order (catch-up)."""
        ...


class MemoryStore:
    """A DocumentStore in memory, for unit tests of rooms."""

    def __init__(self) -> None:
        self._log: list[tuple[int, str, bytes]] = []

    async def load(self, doc_id: str) -> StoredDocument:
        entries = [(i, u) for i, d, u in self._log if d == doc_id]
        if not entries:
            return StoredDocument(b"", 0)
        return StoredDocument(merge_updates(*[u for _, u in entries]), entries[-1][0])

    async def append(self, doc_id: str, update: bytes) -> int:
        log_id = len(self._log) + 1
        self._log.append((log_id, doc_id, update))
        return log_id

    async def read_since(self, doc_id: str, after_id: int) -> list[tuple[int, bytes]]:
        return [(i, u) for i, d, u in self._log if d == doc_id and i > after_id]
