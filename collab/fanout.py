"""Fan-out between instances: a small protocol, with the one-instance version.

With REDIS_URL unset, mentorHub runs as one instance and every peer of a
document is in the same process, so the local fan-out does nothing: a room
relays to its own peers directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

RemoteHandler = Callable[[str, bytes], None]  # (kind "update" | "awareness", message)


class Fanout(Protocol):
    def publish(self, doc_id: str, kind: str, message: bytes) -> None:
        """Hand a committed update (or an awareness message) to other instances; never blocks."""
        ...

    async def subscribe(self, doc_id: str, handler: RemoteHandler) -> None: ...

    async def unsubscribe(self, doc_id: str) -> None: ...


class LocalFanout:
    """One instance: nothing to tell anyone else."""

    def publish(self, doc_id: str, kind: str, message: bytes) -> None:
        return None

    async def subscribe(self, doc_id: str, handler: RemoteHandler) -> None:
        return None

    async def unsubscribe(self, doc_id: str) -> None:
        return None
