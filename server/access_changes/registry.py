"""Who has what open on this instance: /collab connections and SSE streams, by user.

A connection remembers how it was authenticated (a session or a token) and what it
was allowed. When the user's access changes it is checked again against the database:
no access left - closed 1008 with the reason; read-only became read-write or back -
closed ACCESS_CHANGED, which clients reconnect on, getting their new rights; the same -
kept. SSE streams of the user end (htmx opens them again, with what the user may see
now, or not at all).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine

from collab.protocol import CloseCode
from storage.access_change_queries import credential_user
from storage.accounts import User
from storage.curriculum_queries import role_on

from ..access import Access, access_for
from .recent import RecentAnswers

log = logging.getLogger("mentorhub.access_changes")

# Close code for "your rights on this document changed: connect again" (the editor
# and y-websocket reconnect on it; 1008 stops them). In the range for applications.
ACCESS_CHANGED = CloseCode.ACCESS_CHANGED
ACCESS_CHANGED_REASON = "access changed, reconnect"


@dataclass(eq=False)
class OpenConnection:
    user_id: int
    doc_id: str
    access: Access
    session_hash: str | None  # signed in with this session ...
    token_id: int | None  # ... or with this personal access token
    close: Callable[[int, str], None]  # closes the connection (never blocks)


def access_now(engine: Engine, connection: OpenConnection) -> Access:
    """What the connection's credentials allow on its document now (blocking)."""
    user = credential_user(
        engine, session_hash=connection.session_hash, token_id=connection.token_id
    )
    if user is None or user.id != connection.user_id:
        return Access.NONE
    exists, role = role_on(engine, connection.doc_id, connection.user_id)
    return access_for(user, exists, role)


class OpenAccess:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connections: dict[int, set[OpenConnection]] = {}
        self._streams: dict[int, set[Callable[[], None]]] = {}
        self.changes = 0  # access changes seen (of anyone): a connection opening compares
        # what opening connections were told lately, forgotten at each change (recent.py)
        self.recent_tokens: RecentAnswers[tuple[User, int]] = RecentAnswers(self._changes)
        self.recent_access: RecentAnswers[Access] = RecentAnswers(self._changes)

    def _changes(self) -> int:
        return self.changes

    def note_change(self) -> None:
        self.changes += 1

    def holds(self, user_id: int) -> bool:
        """Whether the user has a connection or a stream open here."""
        return bool(self._connections.get(user_id) or self._streams.get(user_id))

    def add(self, connection: OpenConnection) -> None:
        self._connections.setdefault(connection.user_id, set()).add(connection)

    def discard(self, connection: OpenConnection) -> None:
        mine = self._connections.get(connection.user_id, set())
        mine.discard(connection)
        if not mine:
            self._connections.pop(connection.user_id, None)

    @contextlib.contextmanager
    def stream(self, user_id: int, end: Callable[[], None]) -> Iterator[None]:
        mine = self._streams.setdefault(user_id, set())
        mine.add(end)
        try:
            yield
        finally:
            mine.discard(end)
            if not mine:
                self._streams.pop(user_id, None)

    async def recheck(self, user_id: int, reason: str) -> None:
        """The user's access changed: end their streams, check their connections again."""
        for end in list(self._streams.get(user_id, ())):
            end()
        connections = list(self._connections.get(user_id, ()))
        if not connections:
            return
        rights = await asyncio.to_thread(
            lambda: [access_now(self.engine, connection) for connection in connections]
        )
        for connection, access in zip(connections, rights, strict=True):
            _act_on(connection, access, reason)

    async def recheck_one(self, connection: OpenConnection, reason: str = "access revoked") -> None:
        """Check one connection again (someone's access changed while it was opening)."""
        _act_on(connection, await asyncio.to_thread(access_now, self.engine, connection), reason)


def _act_on(connection: OpenConnection, access: Access, reason: str) -> None:
    if access == Access.NONE:
        log.info("closing a connection of user %s: %s", connection.user_id, reason)
        connection.close(CloseCode.POLICY_VIOLATION, reason)
    elif access != connection.access:
        log.info("user %s: rights on %s changed", connection.user_id, connection.doc_id)
        connection.close(ACCESS_CHANGED, ACCESS_CHANGED_REASON)
