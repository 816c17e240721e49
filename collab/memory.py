"""Giving freed memory back to the operating system after a large document leaves.

A room holding a document of megabytes allocates and frees many blocks while it grows
(updates, encodings, compaction); glibc keeps freed heap memory for reuse instead of
returning it, so the process's RSS would stay at its peak after the room unloads.
`malloc_trim(0)` returns it. It costs a walk of the heap, so it runs only after a large
document unloads, and (`give_back_every`) a few seconds after work on a large stored
document that goes on beside the rooms (a compaction, a read-model sync: they often run
after the room has unloaded). Elsewhere than glibc (musl, macOS) it does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from collections.abc import Callable

LARGE_DOCUMENT_BYTES = 1024 * 1024  # trim after unloading a document at least this large


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
        return trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def give_back_after_unloading(document_bytes: int) -> bool:
    """Return freed heap memory to the OS if a large document was just unloaded."""
    if _TRIM is None or document_bytes < LARGE_DOCUMENT_BYTES:
        return False
    _TRIM(0)
    return True


_noted = False  # work on a large document happened since the last trim


def note_large_document(document_bytes: int) -> None:
    """A whole document of `document_bytes` was in memory outside a room (thread-safe)."""
    global _noted
    if document_bytes >= LARGE_DOCUMENT_BYTES:
        _noted = True


def give_back_if_noted() -> bool:
    """Return freed heap memory to the OS if `note_large_document` noted work since."""
    global _noted
    if not _noted or _TRIM is None:
        return False
    _noted = False
    _TRIM(0)
    return True


async def give_back_every(seconds: float) -> None:
    """Trim now and then, once what was noted is done (a task for the server's lifetime)."""
    while True:
        await asyncio.sleep(seconds)
        give_back_if_noted()
