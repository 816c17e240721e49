"""Giving freed memory back to the operating system after a large document leaves.

A room holding a document of megabytes allocates and frees many blocks while it grows
(updates, encodings, compaction); glibc keeps freed heap memory for reuse instead of
returning it, so the process's RSS would stay at its peak after the room unloads.
`malloc_trim(0)` returns it. It costs a walk of the heap, so it runs only once a large
document left memory: when its room unloads, or after work on it beside the rooms (a
compaction, a read-model sync, which often run just after the room unloaded). Those are
noted, and a server task (`give_back_every`) trims a few seconds later: trimming at once
would hand back memory that the next of them then takes anew from the OS, raising the
peak. Elsewhere than glibc (musl, macOS) it does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from collections.abc import Callable

LARGE_DOCUMENT_BYTES = 1024 * 1024  # trim after a document at least this large left memory


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
_M_ARENA_MAX = -8  # mallopt's parameter number for the arena count (glibc's malloc.h)


def share_one_heap() -> bool:
    """Make every thread allocate from one glibc arena (call before any thread starts).

    By default each thread that allocates gets an arena of its own, and memory freed in
    one arena is never reused by another: a big document freed by the event loop's
    thread (its room unloaded) left the read-model sync and compaction threads taking
    the same again from the OS, and the process peaked at both together. One arena
    costs little here: the threads run Python and take turns on its lock anyway.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(_M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False


_noted = False  # a large document left memory since the last trim


def note_large_document(document_bytes: int) -> None:
    """A whole document of `document_bytes` has just left memory (its room unloaded, a
    compaction or read-model sync of it ended). Call it after, not before: a trim in
    between would miss it. Thread-safe."""
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
