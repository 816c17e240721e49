"""A connection's frames, counted against its rate limit as they arrive.

`Arrivals` reads a connection's frames as soon as they come and charges each to the
connection's `TokenBucket` then; the frames wait in a small queue until the processing
takes them, in the order they came. A server that falls behind (slow commits) so delays
a client's frames without counting the delay against it: only a client that sends
faster than the limit is closed (1008).

When AHEAD frames wait, the reading waits too, and TCP slows the client down. What the
client sends meanwhile waits unread, and would seem to arrive all at once when the
reading resumes; so the time the reading was held back refills the bucket past its
burst (`TokenBucket.held`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from collab.peer import Transport
from collab.protocol import CloseCode, ProtocolError

AHEAD = 32  # frames of one connection read and not yet processed, at most


class TokenBucket:
    """A per-connection rate limit: `rate` frames a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.spare_until = self.stamp  # until then, tokens past `capacity` are kept

    def take(self) -> bool:
        self._refill(time.monotonic())
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def held(self, since: float) -> None:
        """The reading was held back from `since` until now: refill for that time
        without the burst's cap, as the client may have sent `rate` frames a second
        all along. The spare lasts as long as it took to earn, then the cap is back."""
        self._refill(since)
        now = time.monotonic()
        self.tokens += (now - since) * self.rate
        self.stamp = now
        self.spare_until = now + max(0.0, self.tokens - self.capacity) / self.rate

    def _refill(self, now: float) -> None:
        cap = self.capacity if now >= self.spare_until else max(self.capacity, self.tokens)
        self.tokens = min(cap, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now


class Arrivals:
    """The frames of one connection: read and charged as they arrive, taken in order."""

    def __init__(
        self, transport: Transport, bucket: TokenBucket, count_bytes: Callable[[float], None]
    ) -> None:
        self._transport = transport
        self._bucket = bucket
        self._count_bytes = count_bytes
        # the frames read, then how the reading ended (an exception)
        self._waiting: asyncio.Queue[bytes | Exception] = asyncio.Queue(AHEAD)
        self._reading: asyncio.Task[None] | None = None

    def start(self, name: str) -> None:
        self._reading = asyncio.create_task(self._read(), name=name)

    async def next(self) -> bytes:
        """The next frame. After the last one, raises what ended the reading:
        TransportClosed, or ProtocolError (1008 over the rate limit, 1003 a text frame)."""
        item = await self._waiting.get()
        if isinstance(item, Exception):
            raise item
        return item

    async def stop(self) -> None:
        """Stop reading (frames not taken are dropped); waits until it has stopped."""
        if self._reading is not None:
            self._reading.cancel()
            await asyncio.wait([self._reading])
            self._reading = None

    async def _read(self) -> None:
        try:
            while True:
                frame = await self._transport.receive()
                self._count_bytes(len(frame))
                if not self._bucket.take():
                    raise ProtocolError(CloseCode.POLICY_VIOLATION, "rate limit exceeded")
                if self._waiting.full():  # the processing is behind: wait for it
                    since = time.monotonic()
                    await self._waiting.put(frame)
                    self._bucket.held(since)
                else:
                    self._waiting.put_nowait(frame)
        except Exception as end:  # the processing raises it in its turn
            await self._waiting.put(end)
