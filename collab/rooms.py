"""The room manager: one room per active document, loaded once, unloaded when idle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator

from .fanout import Fanout
from .memory import note_large_document
from .metrics import Metrics
from .peer import Peer
from .room import REMOTE, Room, RoomLimits
from .store import DocumentStore

log = logging.getLogger("mentorhub.collab.rooms")


class RoomManager:
    def __init__(
        self,
        store: DocumentStore,
        fanout: Fanout,
        limits: RoomLimits,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics
        self.store = store
        self.fanout = fanout
        self.limits = limits
        self._rooms: dict[str, Room] = {}
        self._loads: dict[str, asyncio.Future[None]] = {}
        self.loads = 0  # rooms loaded from storage since start
        self._feeds: set[asyncio.Queue[str]] = set()
        self._retiring: dict[str, asyncio.Task[None]] = {}  # broken rooms' unsubscribes
        self.on_relayed: Callable[[str, int | None, bool], None] | None = None  # see Room

    @property
    def rooms(self) -> dict[str, Room]:
        return self._rooms

    async def acquire(self, doc_id: str) -> Room:
        """The room of `doc_id`, loading it once however many callers arrive together."""
        room = self._rooms.get(doc_id)
        if room is None:
            room = Room(doc_id, self.store, self.fanout, self.limits, self.metrics)
            room.on_change = self._tell_feeds
            room.on_relayed = self.on_relayed
            room.on_broken = self._unload_broken
            self._rooms[doc_id] = room
            self._count_rooms()
            self._loads[doc_id] = asyncio.ensure_future(self._load(room))
        room.users += 1  # counted before any await, so an unload cannot take it away
        try:
            await asyncio.shield(self._loads[doc_id])
        except BaseException:
            room.users -= 1
            if self._rooms.get(doc_id) is room and room.users == 0:
                del self._rooms[doc_id]
                self._loads.pop(doc_id, None)
                self._count_rooms()
            raise
        return room

    def _count_rooms(self) -> None:
        if self.metrics is not None:
            self.metrics.rooms.set(len(self._rooms))

    async def _load(self, room: Room) -> None:
        await room.load()
        self.loads += 1
        log.info("room %s loaded", room.doc_id)
        retiring = self._retiring.pop(room.doc_id, None)
        if retiring is not None:  # a broken room of this document unsubscribes first
            await retiring
        await self.fanout.subscribe(
            room.doc_id, lambda kind, message: self._on_remote(room, kind, message)
        )

    def _on_remote(self, room: Room, kind: str, message: bytes) -> None:
        room.receive_remote(kind, message, REMOTE)

    async def catch_up(self) -> int:
        """Bring every loaded room up to date with the shared log; return how many moved."""
        moved = 0
        for room in list(self._rooms.values()):
            try:
                moved += await room.catch_up()
            except Exception:
                log.exception("room %s: catch-up failed", room.doc_id)
        return moved

    async def catch_up_every(self, seconds: float) -> None:
        """A safety net for fan-out messages lost without anyone noticing."""
        while True:
            await asyncio.sleep(seconds)
            await self.catch_up()

    @contextlib.contextmanager
    def change_feed(self) -> Iterator[asyncio.Queue[str]]:
        """A queue of the ids of documents as they change (for live views)."""
        feed: asyncio.Queue[str] = asyncio.Queue(maxsize=1000)
        self._feeds.add(feed)
        try:
            yield feed
        finally:
            self._feeds.discard(feed)

    def close_peers(self, which: Callable[[Peer], bool], code: int, reason: str) -> int:
        """Close every peer (of any loaded room) that `which` picks; return how many."""
        closed = 0
        for room in list(self._rooms.values()):
            for peer in list(room.peers):
                if which(peer):
                    peer.abort(code, reason)
                    closed += 1
        return closed

    def _tell_feeds(self, doc_id: str) -> None:
        for feed in self._feeds:
            if not feed.full():  # a stalled listener misses changes, not memory
                feed.put_nowait(doc_id)

    async def release(self, room: Room) -> None:
        """Give a room back; the last one out flushes it and unloads it."""
        room.users -= 1
        if room.users > 0:
            return
        await room.flush()
        if room.users == 0 and self._rooms.get(room.doc_id) is room:
            del self._rooms[room.doc_id]
            self._loads.pop(room.doc_id, None)
            self._count_rooms()
            await self.fanout.unsubscribe(room.doc_id)
            await room.close()
            note_large_document(room.quota.bound.state_bytes)  # given back within seconds
            log.info("room %s unloaded", room.doc_id)
        elif room.users == 0 and room.broken:  # unloaded already; its last user is gone
            await room.close()

    def _unload_broken(self, room: Room) -> None:
        """A commit of the room failed for good: the next join loads a fresh room from
        storage; this one is closed when its last user releases it."""
        if self._rooms.get(room.doc_id) is not room:
            return
        del self._rooms[room.doc_id]
        self._loads.pop(room.doc_id, None)
        self._count_rooms()
        log.error("room %s unloaded: a commit failed; peers closed 1011", room.doc_id)
        self._retiring[room.doc_id] = asyncio.get_running_loop().create_task(
            self._unsubscribe(room.doc_id), name=f"unsubscribe-{room.doc_id}"
        )

    async def _unsubscribe(self, doc_id: str) -> None:
        try:
            await self.fanout.unsubscribe(doc_id)
        except Exception:
            log.exception("room %s: leaving the fan-out failed", doc_id)

    @contextlib.asynccontextmanager
    async def using(self, doc_id: str) -> AsyncIterator[Room]:
        room = await self.acquire(doc_id)
        try:
            yield room
        finally:
            await self.release(room)

    async def close(self) -> None:
        """Flush and close every room (shutdown); a room that fails to is logged."""
        for room in list(self._rooms.values()):
            try:
                await room.close()
            except Exception:
                log.exception("room %s: closing at shutdown failed", room.doc_id)
        for retiring in list(self._retiring.values()):
            await asyncio.wait([retiring])
        self._rooms.clear()
        self._loads.clear()
        self._retiring.clear()
