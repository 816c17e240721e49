"""What a room needs from durable storage: a small protocol.

`Room` never imports SQLModel; the server gives it a `DocumentStore`
(storage.update_log.UpdateLog).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
