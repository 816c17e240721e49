"""Answers of the checks a /collab connection makes as it opens (whose token it is, what
its user may do with the document), reused for a few seconds by the connections that
open after it: thousands of editors reconnecting at once (a restart, a network blip)
then cost one database round trip per person and per document, not per connection.

An answer is forgotten as soon as this instance notes any access change
(`OpenAccess.note_change`), and one looked up while a change was noted is never kept.
So a connection opened on a reused answer is in the same place as one opened just
before the change: `OpenAccess` checks it again against the database with the others
and closes it (1008, or 4001 to reconnect with its new rights). Only answers that let a
connection in are kept; a refusal is always asked of the database again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

REUSE_SECONDS = 5.0  # how long an answer is reused (an access change forgets it at once)
MAX_ANSWERS = 10_000  # more than this: all are forgotten (bounded memory)


class RecentAnswers(Generic[V]):
    def __init__(
        self,
        changes: Callable[[], int],
        seconds: float = REUSE_SECONDS,
        limit: int = MAX_ANSWERS,
    ) -> None:
        self._changes = changes  # the count of access changes noted so far
        self._seconds = seconds
        self._limit = limit
        self._seen = changes()
        self._answers: dict[Hashable, tuple[V, float]] = {}

    def get(self, key: Hashable) -> V | None:
        """The answer kept for `key`, if no access change was noted since and it is fresh."""
        self._forget_if_changed()
        found = self._answers.get(key)
        if found is None:
            return None
        answer, until = found
        if time.monotonic() >= until:
            del self._answers[key]
            return None
        return answer

    def put(self, key: Hashable, answer: V, changes_before: int) -> None:
        """Keep `answer`, looked up after `changes_before` changes had been noted: unless
        another was noted meanwhile (it may be older than that change)."""
        self._forget_if_changed()
        if changes_before != self._seen:
            return
        if len(self._answers) >= self._limit:
            self._answers.clear()
        self._answers[key] = (answer, time.monotonic() + self._seconds)

    def _forget_if_changed(self) -> None:
        changes = self._changes()
        if changes != self._seen:
            self._seen = changes
            self._answers.clear()
