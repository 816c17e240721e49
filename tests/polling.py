"""Waiting for a condition with a deadline, instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import Any


async def until(
    probe: Callable[[], Any],
    done: Callable[[Any], Any] = bool,
    timeout: float = 10.0,
    what: str = "",
) -> Any:
    """Call `probe` (sync or async) until `done(result)` is true; return that result.

    Fails with the last result (and `what` was awaited) when `timeout` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{what or 'condition'} not met within {timeout} s; last result: {result!r}"
            )
        await asyncio.sleep(0.02)
