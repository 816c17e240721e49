"""A room: one active document, shared by all its peers.

Every change enters as a Yjs update (from a peer, a server action or another
instance), is checked, applied to the room's pycrdt document, committed to the
store, and only then relayed - in order - to the other peers. Replies to a
peer's sync step 1 wait in the same queue, so nobody is ever sent state that
is not yet durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pycrdt import (
    Doc,
    Snapshot,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from .fanout import Fanout
from .held_updates import HeldUpdate, HeldUpdates
from .metrics import Metrics
from .peer import Peer
from .presence import Presence
from .protocol import (
    AwarenessUpdate,
    CloseCode,
    ProtocolError,
    QueryAwareness,
    SyncStep1,
    SyncUpdate,
    create_permission_denied_message,
    parse_message,
)
from .quota import DocumentLimits, QuotaExceeded, QuotaGuard
from .schema import ROOT_TYPES
from .store import DocumentStore
from .update_check import (
    InvalidUpdate,
    UpdateSummary,
    check_root_types,
    decode_state_vector,
    inspect_update,
    missing_dependencies,
)

log = logging.getLogger("mentorhub.collab.room")

T = TypeVar("T")
SERVER = "server"  # origin of edits made by the server itself (htmx actions)
REMOTE = "remote"  # origin of updates committed by another instance
READ_ONLY_MESSAGE = create_permission_denied_message("read-only")  # once per read-only peer
Origin = Peer | str


@dataclass(frozen=True)
class RoomLimits:
    max_awareness_bytes: int = 64 * 1024
    max_pending_bytes: int = 1024 * 1024
    max_awareness_ids_per_peer: int = 8
    max_uncommitted: int = 10_000
    document: DocumentLimits = DocumentLimits()  # the size quota of each curriculum


class DocumentNotSaved(Exception):
    """A server-side edit could not be stored; the room was unloaded."""


def _consume(commit: asyncio.Future[int]) -> None:
    """Read a dropped commit's outcome, so that its failure is not reported as unseen."""
    if not commit.cancelled():
        commit.exception()


@dataclass
class _Outgoing:
    data: bytes
    commit: asyncio.Future[int] | None = None  # wait for this before sending
    target: Peer | None = None  # send to this peer only ...
    exclude: Origin | None = None  # ... or to everyone but this origin
    publish: bool = False  # and to other instances
    received_at: float = 0.0  # loop time the update arrived (for latency metrics)
    actor: int | None = None  # the user whose edit it is (None: the server, unknown, remote)


class Room:
    def __init__(
        self,
        doc_id: str,
        store: DocumentStore,
        fanout: Fanout,
        limits: RoomLimits,
        metrics: Metrics | None = None,
    ) -> None:
        self.doc_id = doc_id
        self.metrics = metrics
        self.store = store
        self.fanout = fanout
        self.limits = limits
        self.doc: Doc[Any] = Doc()
        self.presence = Presence(
            self.doc,
            max_state_bytes=limits.max_awareness_bytes,
            max_ids_per_peer=limits.max_awareness_ids_per_peer,
        )
        self.peers: set[Peer] = set()
        self.users = 0  # acquisitions by the room manager (peers and server actions)
        # What waits to be committed and relayed, in order. The relay task runs while it
        # is not empty and ends when it is: an idle room (most are) holds no task.
        self._outbox: deque[_Outgoing] = deque()
        self._unfinished = 0  # queued and not yet fully relayed (what `flush` waits for)
        self._flushed: asyncio.Future[None] | None = None  # set when _unfinished drops to 0
        self._loaded = False
        self._held = HeldUpdates(limits.max_pending_bytes)
        self._relay_task: asyncio.Task[None] | None = None
        self.version = 0  # bumped each time a committed change has been relayed
        self._changed: asyncio.Condition | None = None  # made when someone first waits
        self.on_change: Callable[[str], None] | None = None  # told the doc id after each change
        # told (doc id, actor, committed here) after each change is relayed; must not block
        self.on_relayed: Callable[[str, int | None, bool], None] | None = None
        self.quota = QuotaGuard(limits.document, self.doc)
        # A commit failed for good: the document in memory holds what storage does not.
        # Its peers are closed 1011 and the manager unloads it (told through on_broken),
        # so the next join loads what is durable.
        self.broken = False
        self.on_broken: Callable[[Room], None] | None = None

    # -- life cycle ---------------------------------------------------------------

    async def load(self) -> None:
        stored = await self.store.load(self.doc_id)
        if stored.update:
            self.doc.apply_update(stored.update)
            self.quota.remeasure(self.doc)
        self._loaded = True
        if self._outbox:
            self._start_relay()

    async def flush(self) -> None:
        """Wait until every applied update is committed and relayed."""
        if self._unfinished == 0:
            return
        if self._flushed is None:
            self._flushed = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._flushed)

    async def close(self) -> None:
        await self.flush()
        if self._relay_task is not None:
            self._relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay_task

    # -- peers --------------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        if self.broken:
            peer.abort(CloseCode.INTERNAL_ERROR, "the document could not be saved")
            return
        self.peers.add(peer)
        peer.send(create_sync_message(self.doc))
        everyone = self.presence.message()
        if everyone is not None:
            peer.send(everyone)

    def leave(self, peer: Peer) -> None:
        self.peers.discard(peer)
        removal = self.presence.remove_peer(peer)
        if removal is not None:
            self._broadcast_now(removal, exclude=peer, publish=True)

    async def receive(self, peer: Peer, frame: bytes) -> None:
        """Handle one frame from `peer`; raises ProtocolError to close only that peer."""
        message = parse_message(frame)
        if isinstance(message, SyncStep1):
            self._reply_step1(peer, frame, message.state)
        elif isinstance(message, SyncUpdate):
            if peer.read_only:
                if not peer.told_read_only and len(message.update) > 2:  # not an empty one
                    peer.told_read_only = True
                    peer.send(READ_ONLY_MESSAGE)
                return
            self.apply_update(message.update, peer)
            if len(self._outbox) > self.limits.max_uncommitted:
                await self.flush()  # back-pressure while storage catches up
        elif isinstance(message, AwarenessUpdate):
            relay = self.presence.apply_from(peer, message.payload, frame)
            if relay is not None:
                self._broadcast_now(relay, exclude=peer, publish=True, kind="awareness")
        elif isinstance(message, QueryAwareness):
            everyone = self.presence.message()
            if everyone is not None:
                peer.send(everyone)

    def receive_remote(self, kind: str, message: bytes, origin: str) -> None:
        """A message another instance has committed (updates) or seen (awareness)."""
        try:
            parsed = parse_message(message)
            if kind == "update" and isinstance(parsed, SyncUpdate):
                self.apply_update(parsed.update, origin)
            elif kind == "awareness" and isinstance(parsed, AwarenessUpdate):
                self.presence.apply_remote(parsed.payload, origin)
                self._broadcast_now(message, exclude=None, publish=False)
        except Exception:
            log.exception("room %s: ignoring a bad message from another instance", self.doc_id)

    # -- the document -------------------------------------------------------------

    def apply_update(self, update: bytes, origin: Origin) -> None:
        """Check, apply, commit and relay one update (or hold it until its dependencies come)."""
        if self.broken:
            raise ProtocolError(CloseCode.INTERNAL_ERROR, "the document could not be saved")
        try:
            summary = inspect_update(update)
            check_root_types(summary, ROOT_TYPES)
        except InvalidUpdate as exc:
            raise ProtocolError(CloseCode.INVALID_PAYLOAD, f"invalid update: {exc}") from None
        if summary.is_empty:
            return
        state = decode_state_vector(self.doc.get_state())
        if missing_dependencies(summary, state):
            self._held.hold(HeldUpdate(update, summary, origin))
            log.info("room %s: holding an update with missing dependencies", self.doc_id)
            return
        new_structs = any(b.end > state.get(b.client, 0) for b in summary.blocks)
        if not new_structs and not summary.deletes:
            return  # nothing new: already applied
        self._admit(update, summary, origin)
        self._integrate(update, origin, deletes_only=not new_structs)
        self._retry_pending()

    def _admit(self, update: bytes, summary: UpdateSummary, origin: Origin) -> None:
        """Refuse an update that would take the curriculum over its size quota."""
        if origin == REMOTE:  # the instance that committed it checked it
            self.quota.widen(update, summary)
            return
        try:
            self.quota.admit(self.doc, update, summary)
        except QuotaExceeded as exc:
            raise ProtocolError(CloseCode.POLICY_VIOLATION, str(exc)) from None

    async def edit(self, change: Callable[[Doc[Any]], T], actor: int | None = None) -> T:
        """Run a server-side edit (an htmx action) as a transaction on the room's document.

        `change` must make its own transaction(s) with origin SERVER; the update it
        produces takes the same way out as a peer's: commit, then relay. Returns once
        the change is durable. `actor` is the user id of whoever asked for it.
        """
        if self.broken:
            raise DocumentNotSaved(self.doc_id)
        self.quota.admit_edit(self.doc, change)  # raises QuotaExceeded, nothing changed
        produced: list[bytes] = []
        subscription = self.doc.observe(lambda event: produced.append(event.update))
        try:
            result = change(self.doc)
        finally:
            self.doc.unobserve(subscription)
        for update in produced:
            self._integrate(update, SERVER, applied=True, actor=actor)
        await self.flush()
        if self.broken:
            raise DocumentNotSaved(self.doc_id)
        return result

    async def catch_up(self) -> bool:
        """Merge in whatever the shared log has that this room lacks (missed fan-out).

        Returns True when something was missing; peers are then sent the difference.
        """
        stored = await self.store.load(self.doc_id)
        if not stored.update:
            return False
        state_before = self.doc.get_state()
        before = Snapshot.from_doc(self.doc).encode()
        self.doc.apply_update(stored.update)  # from our own log: already checked
        self.quota.remeasure(self.doc)
        if Snapshot.from_doc(self.doc).encode() == before:
            return False
        missed = self.doc.get_update(state_before)
        self._queue_out(
            _Outgoing(
                create_update_message(missed),
                exclude=None,
                received_at=asyncio.get_running_loop().time(),
            )
        )
        if self.metrics is not None:
            self.metrics.catch_ups.inc()
        return True

    async def wait_changed(self, seen: int, timeout: float) -> int:
        """Wait until `version` moves past `seen` (or the timeout); return the version."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        changed = self._changed
        async with changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait_for(lambda: self.version != seen), timeout)
            return self.version

    async def _notify_changed(self) -> None:
        if self._changed is None:  # nobody has ever waited
            self.version += 1
        else:
            async with self._changed:
                self.version += 1
                self._changed.notify_all()
        if self.on_change is not None:
            self.on_change(self.doc_id)

    def _integrate(
        self,
        update: bytes,
        origin: Origin,
        applied: bool = False,
        deletes_only: bool = False,
        actor: int | None = None,
    ) -> None:
        if not applied:
            changes: list[bytes] = []
            subscription = (
                self.doc.observe(lambda event: changes.append(event.update))
                if deletes_only  # only then may it change nothing: watch (it costs an encode)
                else None
            )
            try:
                self.doc.apply_update(update)
            except Exception as exc:  # pycrdt raises a mix of types on bad input
                raise ProtocolError(CloseCode.INVALID_PAYLOAD, "update cannot be applied") from exc
            finally:
                if subscription is not None:
                    self.doc.unobserve(subscription)
            if deletes_only and not changes:
                # Nothing new, e.g. a sync step 2 carrying only deletions the room already
                # has (Yjs sends its whole delete set in every diff): neither stored nor
                # relayed, or every reconnect would be echoed to every peer.
                return
        commit = None
        if origin != REMOTE:  # another instance has committed it already
            commit = asyncio.ensure_future(self.store.append(self.doc_id, update))
        if self.metrics is not None:
            self.metrics.received("peer" if isinstance(origin, Peer) else origin).inc()
        self._queue_out(
            _Outgoing(
                create_update_message(update),
                commit,
                exclude=origin,
                publish=commit is not None,
                received_at=asyncio.get_running_loop().time(),
                actor=origin.user_id if isinstance(origin, Peer) else actor,
            )
        )

    def _retry_pending(self) -> None:
        """Apply the held updates whose dependencies have now arrived, in turn."""
        while self._held:
            ready = self._held.next_ready(decode_state_vector(self.doc.get_state()))
            if ready is None:
                return
            try:
                self._admit(ready.update, ready.summary, ready.origin)
                self._integrate(ready.update, ready.origin)
            except ProtocolError as error:
                log.warning(
                    "room %s: a held update could not be applied, dropped (%s)",
                    self.doc_id,
                    error.reason,
                )
                if self.metrics is not None:
                    self.metrics.held_dropped.inc()

    def _reply_step1(self, peer: Peer, frame: bytes, state: bytes) -> None:
        try:
            decode_state_vector(state)
        except InvalidUpdate as exc:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"invalid state vector: {exc}") from None
        reply = handle_sync_message(frame[1:], self.doc)
        if reply is None:
            return
        if self._unfinished == 0 and self._loaded and not self.broken:
            peer.send(reply)  # the document holds nothing uncommitted: at once
        else:  # sent once everything it contains is committed
            self._queue_out(_Outgoing(reply, target=peer))

    # -- relaying -----------------------------------------------------------------

    def _broadcast_now(
        self, data: bytes, *, exclude: Origin | None, publish: bool, kind: str = "awareness"
    ) -> int:
        """Queue `data` (encoded once) to every peer but `exclude`; return how many."""
        sent = 0
        for peer in list(self.peers):
            if peer is not exclude:
                peer.send(data)
                sent += 1
        if publish:
            self.fanout.publish(self.doc_id, kind, data)
        return sent

    def _queue_out(self, out: _Outgoing) -> None:
        self._outbox.append(out)
        self._unfinished += 1
        if self._relay_task is None and self._loaded:
            self._start_relay()

    def _start_relay(self) -> None:
        self._relay_task = asyncio.get_running_loop().create_task(
            self._relay_loop(), name=f"room-{self.doc_id}"
        )

    def _task_done(self) -> None:
        self._unfinished -= 1
        if self._unfinished == 0 and self._flushed is not None:
            if not self._flushed.done():
                self._flushed.set_result(None)
            self._flushed = None

    async def _relay_loop(self) -> None:
        """Commit and relay what is queued, in order; end when nothing is left."""
        try:
            while self._outbox:
                await self._relay_one(self._outbox.popleft())
        finally:
            if self._relay_task is asyncio.current_task():
                self._relay_task = None

    async def _relay_one(self, out: _Outgoing) -> None:
        if self.broken:  # arrived after the failure: never relayed
            if out.commit is not None:
                out.commit.add_done_callback(_consume)
            self._task_done()
            return
        try:
            if out.commit is not None:
                await out.commit
                if self.metrics is not None:
                    elapsed = asyncio.get_running_loop().time() - out.received_at
                    self.metrics.commit_seconds.observe(elapsed)
            if out.target is not None:
                out.target.send(out.data)
            else:
                sent = self._broadcast_now(
                    out.data, exclude=out.exclude, publish=out.publish, kind="update"
                )
                if self.metrics is not None:
                    loop_time = asyncio.get_running_loop().time()
                    self.metrics.fanout_seconds.observe(loop_time - out.received_at)
                    self.metrics.updates_relayed.inc(sent)
                    self.metrics.bytes_out.inc(sent * len(out.data))
                await self._notify_changed()
                if self.on_relayed is not None:
                    self.on_relayed(self.doc_id, out.actor, out.publish)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("room %s: an update could not be committed", self.doc_id)
            self._break()
        finally:
            self._task_done()

    def _break(self) -> None:
        """A commit failed for good (the store retries passing errors itself): nothing
        more is relayed, every peer is closed 1011, and the room is unloaded, so that
        nobody is ever sent - or goes on editing - state that is not stored."""
        if self.broken:
            return
        self.broken = True
        if self.metrics is not None:
            self.metrics.rooms_broken.inc()
        for peer in list(self.peers):
            peer.abort(CloseCode.INTERNAL_ERROR, "the document could not be saved")
        while self._outbox:  # queued behind the failed one: not relayed
            out = self._outbox.popleft()
            if out.commit is not None:
                out.commit.add_done_callback(_consume)
            self._task_done()
        if self.on_broken is not None:
            self.on_broken(self)
