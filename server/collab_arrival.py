"""A connection's frames, counted against its rate limit as they arrive.

The connection's WebSocket protocol (server/websocket_protocol.py) reads its frames as
soon as they come and charges each to the connection's `TokenBucket` then, through its
`ArrivalCount`; the frames wait in the protocol's receive queue until the processing
takes them, in the order they came (no task of its own per connection). A server that
falls behind (slow commits) so delays a client's frames without counting the delay
against it: only a client that sends faster than the limit is closed (1008).

When enough frames wait (AHEAD_FRAMES, AHEAD_BYTES), the reading stops, and TCP slows
the client down. What the client sends meanwhile waits unread, and would seem to
arrive all at once when the reading resumes; so the time the reading was held back
refills the bucket past its burst (`TokenBucket.held`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

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


class ArrivalCount:
    """What a connection's frames are charged to as they arrive: the bytes-in counter and
    the rate limit. uvicorn's WebSocket protocol calls it as it reads each frame
    (server/websocket_protocol.py); `ahead` says when it should stop reading."""

    __slots__ = ("bucket", "count_bytes")

    def __init__(self, bucket: TokenBucket, count_bytes: Callable[[float], None]) -> None:
        self.bucket = bucket
        self.count_bytes = count_bytes

    def arrived(self, size: int) -> bool:
        """A frame of `size` bytes was read: False when it is over the rate limit."""
        self.count_bytes(size)
        return self.bucket.take()

    def held(self, since: float) -> None:
        """The reading was held back from `since` until now (see `TokenBucket.held`)."""
        self.bucket.held(since)


def ahead(frames: int, size: int) -> bool:
    """As many frames or bytes wait as may: read no more until the processing takes one."""
    return frames >= AHEAD_FRAMES or size >= AHEAD_BYTES
