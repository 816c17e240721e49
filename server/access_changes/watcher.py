"""One watcher per instance: reads access changes and has the open connections checked.

Changes come three ways: made on this instance (acted on at once, and published on
Redis), heard from another instance over Redis (acted on at once), and read from the
`access_change` table every ACCESS_CHANGE_POLL_SECONDS - which catches the command line
and anything Redis lost. Acting twice on a change is harmless: a check that finds the
rights unchanged keeps the connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from storage.access_change_queries import changes_after, latest_change_id, prune_changes
from storage.models import utcnow

from ..notices import follow, stop
from .registry import OpenAccess

log = logging.getLogger("mentorhub.access_changes")

CHANNEL = "mentorhub:access"
KEEP_FOR = timedelta(days=1)  # rows older than this are pruned
PRUNE_EVERY_SECONDS = 3600.0


class AccessWatcher:
    def __init__(
        self, engine: Engine, registry: OpenAccess, poll_seconds: float, redis: Any = None
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.poll_seconds = poll_seconds
        self.redis = redis
        self.instance = uuid.uuid4().hex
        self._last = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._acting: set[asyncio.Task[None]] = set()  # rechecks and publishes under way

    async def start(self) -> None:
        self._last = await asyncio.to_thread(latest_change_id, self.engine)
        self._tasks.append(asyncio.create_task(self._poll(), name="access changes"))
        if self.redis is not None:
            self._tasks.append(
                asyncio.create_task(follow(self.redis, CHANNEL, self._heard), name="access notices")
            )

    async def aclose(self) -> None:
        await stop(self._tasks)
        await stop(self._acting)

    def changed(self, user_id: int, reason: str) -> None:
        """This instance changed the user's access (its row is committed): act now, and
        tell the other instances."""
        self._act(user_id, reason)
        if self.redis is not None:
            self._spawn(self._publish(f"{self.instance} {user_id} {reason}"))

    async def _publish(self, notice: str) -> None:
        try:
            await self.redis.publish(CHANNEL, notice)
        except Exception as error:  # the other instances' poll finds the row anyway
            log.warning("access change not published (%s)", type(error).__name__)

    def _heard(self, notice: str) -> None:
        sender, _, rest = notice.partition(" ")
        user, _, reason = rest.partition(" ")
        if sender != self.instance and user.isdigit():
            self._act(int(user), reason or "access revoked")

    def _act(self, user_id: int, reason: str) -> None:
        self.registry.note_change()
        if self.registry.holds(user_id):
            self._spawn(self._recheck(user_id, reason))

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._acting.add(task)
        task.add_done_callback(self._acting.discard)

    async def _recheck(self, user_id: int, reason: str) -> None:
        try:
            await self.registry.recheck(user_id, reason)
        except Exception:
            log.exception("checking the connections of user %s again failed", user_id)

    async def _poll(self) -> None:
        pruned_at = time.monotonic()
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                for change in await asyncio.to_thread(changes_after, self.engine, self._last):
                    self._last = change.id
                    self.registry.note_change()
                    if self.registry.holds(change.user_id):
                        await self._recheck(change.user_id, change.reason)
                if time.monotonic() - pruned_at > PRUNE_EVERY_SECONDS:
                    pruned_at = time.monotonic()
                    await asyncio.to_thread(prune_changes, self.engine, utcnow() - KEEP_FOR)
            except Exception as error:  # the database is away: the next poll tries again
                log.warning("access changes unavailable (%s)", type(error).__name__)


def access_changed(state: Any, user_id: int | None, reason: str) -> None:
    """Tell the app's watcher (`state.access_watcher`) that a change was made here."""
    watcher: AccessWatcher | None = getattr(state, "access_watcher", None)
    if watcher is not None and user_id is not None:
        watcher.changed(user_id, reason)
