"""A connection's frames, counted against its rate limit as they arrive.

`Arrivals` reads a connection's frames as soon as they come and charges each to the
connection's `TokenBucket` then; the frames wait in a small queue until the processing
takes them, in the order they came. A server that falls behind (slow commits) so delays
a client's frames without counting the delay against it: only a client that sends
faster than the limit is closed (1008).

When enough frames wait (AHEAD_FRAMES, AHEAD_BYTES), the reading waits too, and TCP
slows the client down. What the client sends meanwhile waits unread, and would seem to
arrive all at once when the reading resumes; so the time the reading was held back
refills the bucket past its burst (`TokenBucket.held`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from collab.peer import Transport
from collab.protocol import CloseCode, ProtocolError

# What one connection may have read and not yet processed: this many frames, and this
# many bytes of frames (plus the last one read, which MAX_MESSAGE_BYTES bounds).
AHEAD_FRAMES = 32
AHEAD_BYTES = 1024 * 1024


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
        # frames, then how reading ended; a list, at most AHEAD_FRAMES long: an empty
        # deque is 624 bytes, an empty list 56, on every idle connection
        self._waiting: list[bytes | Exception] = []
        self._bytes = 0  # of the frames waiting
        self._frame_came: asyncio.Future[None] | None = None  # the processing waits on it
        self._frame_taken: asyncio.Future[None] | None = None  # the reading, when behind
        self._reading: asyncio.Task[None] | None = None

    def start(self, name: str) -> None:
        self._reading = asyncio.create_task(self._read(), name=name)

    async def next(self) -> bytes:
        """The next frame. After the last one, raises what ended the reading:
        TransportClosed, or ProtocolError (1008 over the rate limit, 1003 a text frame)."""
        while not self._waiting:
            self._frame_came = asyncio.get_running_loop().create_future()
            await self._frame_came
        item = self._waiting.pop(0)
        if isinstance(item, Exception):
            raise item
        self._bytes -= len(item)
        _wake(self._frame_taken)
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
                if self._behind():  # wait for the processing; TCP makes the client wait too
                    since = time.monotonic()
                    while self._behind():
                        self._frame_taken = asyncio.get_running_loop().create_future()
                        await self._frame_taken
                    self._bucket.held(since)
                self._waiting.append(frame)
                self._bytes += len(frame)
                _wake(self._frame_came)
        except Exception as end:  # the processing raises it in its turn
            self._waiting.append(end)
            _wake(self._frame_came)

    def _behind(self) -> bool:
        """As many frames or bytes wait as may: read no more until the processing takes one."""
        return len(self._waiting) >= AHEAD_FRAMES or self._bytes >= AHEAD_BYTES


def _wake(waiting: asyncio.Future[None] | None) -> None:
    """Wake the side that waits on `waiting` (each makes a new future when it waits)."""
    if waiting is not None and not waiting.done():
        waiting.set_result(None)
