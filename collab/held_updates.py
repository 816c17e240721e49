"""Updates that arrived before what they depend on: held, bounded, released when ready.

A Yjs update can refer to structs the room does not have yet (a client that reconnects
sends its pending updates in any order). The room holds such an update until its
dependencies arrive, up to a budget of bytes per room; past it, the sender's held updates
are dropped and the sender is closed (1008).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .protocol import CloseCode, ProtocolError
from .update_check import UpdateSummary, missing_dependencies


@dataclass
class HeldUpdate:
    update: bytes
    summary: UpdateSummary
    origin: Any  # who sent it (a Peer, or another instance)


class HeldUpdates:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._held: list[HeldUpdate] = []
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, held: HeldUpdate) -> None:
        """Keep `held` for later; refuses its sender once the budget is spent."""
        size = len(held.update)
        if self._bytes + size > self.max_bytes:
            self._held = [h for h in self._held if h.origin is not held.origin]
            self._bytes = sum(len(h.update) for h in self._held)
            raise ProtocolError(
                CloseCode.POLICY_VIOLATION, "too many updates with missing dependencies"
            )
        self._held.append(held)
        self._bytes += size

    def next_ready(self, state: dict[int, int]) -> HeldUpdate | None:
        """Take out the first held update whose dependencies `state` now has."""
        for held in self._held:
            if not missing_dependencies(held.summary, state):
                self._held.remove(held)
                self._bytes -= len(held.update)
                return held
        return None
