"""Small notices between instances over Redis pub/sub, and stopping background tasks.

Live views on one instance learn of changes made on another through a channel: each
notice is a short text; a subscription that Redis drops is made again with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("mentorhub.notices")


async def stop(tasks: Iterable[asyncio.Task[None]]) -> None:
    """Cancel the tasks and wait for them to end."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def follow(redis: Any, channel: str, handle: Callable[[str], None]) -> None:
    """Call `handle(text)` for each notice on `channel`, for as long as the task runs."""
    attempt = 0
    while True:
        try:
            async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(channel)
                attempt = 0
                async for message in pubsub.listen():
                    data = message.get("data")
                    handle(data.decode() if isinstance(data, bytes) else str(data))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            attempt += 1
            log.warning("%s: notice subscription lost (%s)", channel, type(error).__name__)
            await asyncio.sleep(min(0.1 * 2**attempt, 5.0))
