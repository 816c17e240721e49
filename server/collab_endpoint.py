"""The WebSocket endpoint /collab/{doc_id}: the y-websocket protocol over a Starlette socket."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from starlette.websockets import WebSocket

from collab.metrics import Metrics
from collab.peer import Peer, TransportClosed
from collab.protocol import CloseCode, ProtocolError
from collab.rooms import RoomManager
from storage.accounts import User

from .access import Access, document_access
from .access_changes import OpenAccess, OpenConnection
from .auth.ratelimit import RateLimiter, client_ip
from .auth.sessions import session_hash
from .auth.tokens import token_credential, token_given, token_hash
from .collab_arrival import ArrivalCount, TokenBucket
from .logs import request_id
from .origins import origin_allowed
from .pages import color_for
from .settings import Settings
from .websocket_transport import StarletteTransport

log = logging.getLogger("mentorhub.collab.endpoint")

DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ProcessingPauses:
    """A testing aid (COLLAB_PROCESSING_PAUSE_MS): the processing of a connection's frames
    stops for `seconds`, then runs as long, in turn, as on a server falling behind."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.due = time.monotonic() + seconds

    async def wait(self) -> None:
        """Before a frame is processed: pause, when a pause is due."""
        if self.seconds and time.monotonic() >= self.due:
            await asyncio.sleep(self.seconds)
            self.due = time.monotonic() + self.seconds


class TooManyFailures(Exception):
    """This client address gave too many wrong tokens lately."""


@dataclass(frozen=True)
class Credential:
    """Who connects, and how they proved it: the session (its hash) or the token (its id),
    to check again when their access changes."""

    user: User | None
    session_hash: str | None = None
    token_id: int | None = None


async def connecting_user(websocket: WebSocket, open_access: OpenAccess) -> Credential:
    """A personal access token when one is given (a bad one is nobody, and costs the
    client's address one of its sign-in attempts), else the session. A token checked
    a moment ago is not looked up again (access_changes/recent.py)."""
    token = token_given(websocket.headers, websocket.query_params)
    if token is not None:
        failures: RateLimiter = websocket.app.state.token_failure_limiter
        address = client_ip(websocket)
        if failures.exhausted(address):
            raise TooManyFailures()
        key = token_hash(token)
        found = open_access.recent_tokens.get(key)
        if found is None:
            changes = open_access.changes
            found = await token_credential(websocket.app.state.engine, token)
            if found is None:
                failures.hit(address)
                return Credential(None)
            open_access.recent_tokens.put(key, found, changes)
        return Credential(found[0], token_id=found[1])
    state = websocket.scope.get("state", {})
    user_of_session: User | None = state.get("user")
    session_id: str | None = state.get("session_id")
    if user_of_session is None or session_id is None:
        return Credential(None)
    return Credential(user_of_session, session_hash=session_hash(session_id))


async def connection_access(
    websocket: WebSocket, open_access: OpenAccess, user: User | None, doc_id: str
) -> Access:
    """What `user` may do with `doc_id`; an answer that let someone in a moment ago is
    reused (access_changes/recent.py), a refusal is always asked again."""
    if user is None or user.id is None:
        return Access.NONE
    key = (user.id, doc_id)
    access = open_access.recent_access.get(key)
    if access is None:
        changes = open_access.changes
        access = await document_access(websocket.app.state, user, doc_id)
        if access != Access.NONE:
            open_access.recent_access.put(key, access, changes)
    return access


def let_go_of_handshake(websocket: WebSocket) -> None:
    """Once a connection is accepted its request's headers and query are not read again:
    an idle connection need not keep them (the list of header pairs, and Starlette's
    views of it and of the query, about 1 KiB)."""
    websocket.scope["headers"] = []
    for cached in ("_headers", "_query_params"):  # Starlette's, made on first use
        websocket.__dict__.pop(cached, None)


async def collab_socket(websocket: WebSocket) -> None:
    settings: Settings = websocket.app.state.settings
    rooms: RoomManager = websocket.app.state.rooms
    doc_id = websocket.path_params["doc_id"]
    if not DOC_ID.match(doc_id) or not origin_allowed(websocket.headers, settings):
        log.info("refused a collab connection (bad document id or origin)")
        await websocket.close(CloseCode.POLICY_VIOLATION)
        return
    open_access: OpenAccess = websocket.app.state.open_access
    changes_seen = open_access.changes  # a change while this connection opens is acted on
    try:
        credential = await connecting_user(websocket, open_access)
    except TooManyFailures:
        log.warning("refused a collab connection (too many wrong tokens from its address)")
        await websocket.accept()
        await websocket.close(CloseCode.POLICY_VIOLATION, "too many failed sign-ins")
        return
    user = credential.user
    access = await connection_access(websocket, open_access, user, doc_id)
    await websocket.accept()
    if access == Access.NONE:  # no account, a bad token, someone else's or no document
        log.info("refused a collab connection (not allowed)")
        await websocket.close(CloseCode.POLICY_VIOLATION, "not allowed")
        return
    let_go_of_handshake(websocket)
    transport = StarletteTransport(websocket)
    try:
        room = await rooms.acquire(doc_id)
    except Exception:
        log.exception("document %s could not be loaded", doc_id)
        await transport.close(CloseCode.TRY_AGAIN_LATER, "document unavailable, try again")
        return
    peer = Peer(transport, queue_limit=settings.send_queue_messages, label=f"{doc_id}/peer")
    peer.label = f"{doc_id}/peer-{peer.id}"
    peer.read_only = access < Access.EDIT
    peer.user_id = user.id if user is not None else None
    if user is not None:  # others see the account's name and colour (collab/presence.py)
        peer.identity = {"name": user.name, "color": color_for(user.email)}
    request_id.set(peer.label)
    metrics: Metrics = websocket.app.state.metrics
    bucket = TokenBucket(settings.rate_limit_per_second, settings.rate_limit_burst)
    arrivals = ArrivalCount(bucket, metrics.bytes_in.inc)
    pauses = ProcessingPauses(settings.collab_processing_pause_ms / 1000)
    peer.reader = asyncio.current_task()  # abort() cancels it; its cleanup stops the reading
    metrics.connections.inc()
    assert user is not None and user.id is not None
    opened = OpenConnection(
        user.id, doc_id, access, credential.session_hash, credential.token_id, peer.abort
    )
    open_access.add(opened)
    try:
        if open_access.changes != changes_seen:
            await open_access.recheck_one(opened)
        peer.start()
        room.join(peer)
        counted_on_arrival = transport.count_arrivals(arrivals)  # by the server, as it reads
        while not peer.closed.is_set():
            frame = await transport.receive()
            if not counted_on_arrival and not arrivals.arrived(len(frame)):
                raise ProtocolError(CloseCode.POLICY_VIOLATION, "rate limit exceeded")
            await pauses.wait()
            await room.receive(peer, frame)
    except asyncio.CancelledError:
        if peer.close_code is None:
            raise  # the server is shutting down
        asyncio.current_task().uncancel()  # the peer was dropped for being too slow
    except TransportClosed as closed:
        peer.close_code = peer.close_code or closed.code
        if closed.code == CloseCode.MESSAGE_TOO_BIG:
            log.warning(
                "%s: closed 1009, frame over %d bytes", peer.label, settings.max_message_bytes
            )
    except ProtocolError as error:
        log.warning("%s: closing %d (%s)", peer.label, error.code, error.reason)
        await peer.close(error.code, error.reason)
    except Exception:
        log.exception("%s: unexpected error; closing 1011", peer.label)
        await peer.close(CloseCode.INTERNAL_ERROR, "internal error")
    finally:
        open_access.discard(opened)
        metrics.connections.dec()
        metrics.closed(peer.close_code or CloseCode.NORMAL)
        room.leave(peer)
        await peer.stop_writer()
        await peer.wait_closed()  # a connection closed by abort() ends with its code
        await rooms.release(room)
