"""Keeping the SQL read model in step with the documents, beside the relay, never in it.

Each room tells `ReadModelSync.relayed` about every change it relays (who made it, and
whether this instance committed it). That only notes the document as due; a worker task
syncs each due document at most once per `READ_MODEL_DELAY_SECONDS`, in a thread, from
what storage holds (`storage.read_model_writer.sync_document`). A slow or absent
database delays the read model, never the editors; a failed sync is retried with
backoff, and on start every curriculum whose read model is missing or behind its log is
synced again. After each sync that changed something, live views are told (and, with
Redis, the live views of every instance). See docs/read-model.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Engine

from collab import schema
from domain.learning_events import ReadModelChange, changes
from storage.read_model_writer import (
    Previous,
    StoredState,
    Synced,
    all_curricula,
    documents_to_sync,
    sync_document,
)

from .badge_awarding import award_off_the_loop
from .notices import follow, stop

log = logging.getLogger("mentorhub.read_model")

RETRY_MAX_SECONDS = 30.0
# How long shutdown goes on syncing what is due: briefly, since a restart keeps every
# editor waiting meanwhile and the next start catches up whatever is left. Enough for the
# few curricula a quiet restart leaves due; after a busy minute (bench/README.md: 500
# rooms written to just before a restart) 2 s synced 50 of 500 and left the rest to the
# next start anyway, while every editor waited.
CLOSE_SECONDS = 0.25
CHANNEL = "mentorhub:read-model"  # Redis channel: "<instance id> <doc id>" after each sync
LAG_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30, 60)


def derive(state: StoredState, previous: Previous) -> ReadModelChange:
    """The rows and events for a stored document (read here, compared in `domain`)."""
    return changes(previous.items, previous.goals, schema.read_curriculum(state.doc))


def refresh(engine: Engine, doc_id: str) -> Synced | None:
    """Rewrite the read-model rows of one curriculum from storage, recording no event
    (blocking). Used where storage changed outside a room: a new curriculum, ForgetMe."""
    return sync_document(engine, doc_id, derive, record_events=False)


async def start_read_model(
    engine: Engine, rooms: Any, metrics: Any, settings: Any, redis: Any
) -> ReadModelSync:
    """The app's read-model sync, hooked to every room and started (in the lifespan)."""
    sync = ReadModelSync(
        engine, delay=settings.read_model_delay_seconds, registry=metrics.registry, redis=redis
    )
    rooms.on_relayed = sync.relayed
    metrics.watch_rooms(rooms)
    await sync.start()
    return sync


def rebuild(engine: Engine) -> int:
    """`mentorhub read-model rebuild`: every curriculum's rows again; events are kept."""
    doc_ids = all_curricula(engine)
    for doc_id in doc_ids:
        refresh(engine, doc_id)
    return len(doc_ids)


@dataclass
class _Due:
    at: float  # loop time it is due
    first_change: float  # loop time of the first change not yet synced
    actors: set[int | None] = field(default_factory=set)
    failures: int = 0


class ReadModelSync:
    def __init__(
        self, engine: Engine, *, delay: float, registry: Any = None, redis: Any = None
    ) -> None:
        self._engine = engine
        self._delay = delay
        self._redis = redis
        self._instance = uuid.uuid4().hex
        self._due: dict[str, _Due] = {}
        self._remote: dict[str, float] = {}  # doc id -> loop time of another instance's change
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._feeds: set[asyncio.Queue[str]] = set()
        self._syncs = Counter("mentorhub_read_model_syncs", "Read-model syncs", registry=registry)
        self._errors = Counter(
            "mentorhub_read_model_errors", "Read-model syncs that failed (retried)",
            registry=registry,
        )  # fmt: skip
        self._events = Counter(
            "mentorhub_learning_events", "Learning events recorded", registry=registry
        )
        self._pending = Gauge(
            "mentorhub_read_model_pending", "Documents waiting for a sync", registry=registry
        )
        self._lag = Histogram(
            "mentorhub_read_model_lag_seconds", "First change committed to read model written",
            buckets=LAG_BUCKETS, registry=registry,
        )  # fmt: skip

    # -- the room hook (runs on the relay path: only notes what is due) -----------------

    def relayed(self, doc_id: str, actor: int | None, committed_here: bool) -> None:
        now = asyncio.get_running_loop().time()
        if not committed_here:  # another instance's change: it records it, and its author
            self._remote[doc_id] = now
            return
        due = self._due.get(doc_id)
        if due is None:
            due = self._due[doc_id] = _Due(at=now + self._delay, first_change=now)
            self._pending.set(len(self._due))
            self._wake.set()
        due.actors.add(actor)

    # -- life cycle --------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._run(), name="read-model sync"))
        if self._redis is not None:
            self._tasks.append(asyncio.create_task(self._listen(), name="read-model notices"))

    async def aclose(self) -> None:
        """Sync whatever is still due (for at most CLOSE_SECONDS), then stop."""
        await stop(self._tasks)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_SECONDS):
                while self._due:
                    doc_id = next(iter(self._due))
                    if not await self._sync(doc_id, self._due.pop(doc_id)):
                        break  # the database is away: the next start catches up
        if self._due:
            log.warning(
                "read model: %d documents left behind; synced at next start", len(self._due)
            )

    @contextlib.contextmanager
    def change_feed(self) -> Iterator[asyncio.Queue[str]]:
        """A queue of the ids of curricula whose read model just changed (for live views)."""
        feed: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        self._feeds.add(feed)
        try:
            yield feed
        finally:
            self._feeds.discard(feed)

    # -- the worker --------------------------------------------------------------------

    async def _run(self) -> None:
        await self._catch_up()
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            ready = sorted((d.at, doc_id) for doc_id, d in self._due.items() if d.at <= now)
            if not ready:
                self._wake.clear()
                timeout = min((d.at for d in self._due.values()), default=now + 60) - now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), max(timeout, 0.001))
                self._forget_old_remote(now)
                continue
            for _, doc_id in ready:
                await self._sync(doc_id, self._due.pop(doc_id))

    async def _catch_up(self) -> None:
        """Documents whose read model is missing or behind (a crash, a migration)."""
        attempt = 0
        while True:
            try:
                behind = await asyncio.to_thread(documents_to_sync, self._engine)
                break
            except Exception as error:
                attempt += 1
                log.warning("read model: cannot list documents to sync (%s)", type(error).__name__)
                await asyncio.sleep(min(self._delay * 2**attempt, RETRY_MAX_SECONDS))
        now = asyncio.get_running_loop().time()
        for doc_id in behind:
            self._due.setdefault(doc_id, _Due(at=now, first_change=now, actors={None}))
        if behind:
            log.info("read model: %d curricula to bring up to date", len(behind))

    async def _sync(self, doc_id: str, due: _Due) -> bool:
        loop = asyncio.get_running_loop()
        actor = self._author(doc_id, due)
        try:
            result = await asyncio.to_thread(
                sync_document, self._engine, doc_id, derive, actor=actor
            )
        except Exception as error:
            self._errors.inc()
            due.failures += 1
            wait = min(self._delay * 2**due.failures, RETRY_MAX_SECONDS)
            log.warning(
                "read model: syncing %s failed (%s: %s); retrying in %.1f s",
                doc_id, type(error).__name__, str(error).splitlines()[0][:200], wait,
            )  # fmt: skip
            later = self._due.setdefault(doc_id, due)
            if later is not due:  # changed meanwhile: one sync for both
                later.actors |= due.actors
                later.first_change = min(later.first_change, due.first_change)
                later.failures = due.failures
            later.at = max(later.at, loop.time() + wait)
            return False
        finally:
            self._pending.set(len(self._due))
        self._syncs.inc()
        self._lag.observe(loop.time() - due.first_change)
        if result is not None:
            self._events.inc(result.events)
            if result.changed:  # new events or goals: badges for its member and mentors
                await award_off_the_loop(self._engine, doc_id=doc_id)
                await self._tell(doc_id)
        return True

    def _author(self, doc_id: str, due: _Due) -> int | None:
        """Who caused what this sync records: the one person whose edits this instance
        committed since the last sync, unless someone else's (another instance's) arrived
        meanwhile or several people edited - then nobody can tell, and it is None."""
        remote = self._remote.get(doc_id)
        if remote is not None and remote >= due.first_change - self._delay:
            return None
        return next(iter(due.actors)) if len(due.actors) == 1 else None

    def _forget_old_remote(self, now: float) -> None:
        if len(self._remote) > 1000:
            self._remote = {d: t for d, t in self._remote.items() if t > now - 4 * self._delay}

    # -- telling live views ------------------------------------------------------------

    async def announce(self, doc_id: str) -> None:
        """Tell live views (here and, with Redis, on every instance) that what they show
        of a curriculum changed in SQL outside the read model (a sign-off, a certificate)."""
        await self._tell(doc_id)

    async def _tell(self, doc_id: str) -> None:
        self._tell_here(doc_id)
        if self._redis is not None:
            try:
                await self._redis.publish(CHANNEL, f"{self._instance} {doc_id}")
            except Exception as error:  # live views elsewhere refresh at the next change
                log.warning("read model: cannot tell other instances (%s)", type(error).__name__)

    def _tell_here(self, doc_id: str) -> None:
        for feed in self._feeds:
            if not feed.full():  # a stalled listener misses changes, not memory
                feed.put_nowait(doc_id)

    async def _listen(self) -> None:
        """Other instances' notices, so that live views here refresh too."""

        def notice(text: str) -> None:
            instance, _, doc_id = text.partition(" ")
            if instance != self._instance and doc_id:
                self._tell_here(doc_id)

        await follow(self._redis, CHANNEL, notice)
