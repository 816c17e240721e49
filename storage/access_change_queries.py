"""Access changes in SQL: recording them beside the change, reading them, pruning them;
and who a connection's credentials (a session or a token) belong to now.

Blocking functions, each one short transaction; the server calls them with
`asyncio.to_thread`, the command line directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from storage.access_changes import AccessChange
from storage.accounts import AccessToken, User, UserSession
from storage.models import utcnow
from storage.tables import table_of

# What connections closed because of a change are told (WebSocket close reasons).
TOKEN_REVOKED = "access revoked"
SIGNED_OUT = "signed out"
ROLE_CHANGED = "role changed"
REMOVED = "removed from curriculum"
ADDED = "added to curriculum"
ACCOUNT_REMOVED = "account removed"


@dataclass(frozen=True)
class Change:
    id: int
    user_id: int
    reason: str


def record_access_change(connection: Connection, user_id: int, reason: str) -> None:
    """Note, inside the caller's transaction, that `user_id`'s access changed."""
    connection.execute(
        sa.insert(table_of(AccessChange)).values(
            user_id=user_id, reason=reason[:64], created_at=utcnow()
        )
    )


def latest_change_id(engine: Engine) -> int:
    """The id of the newest change (0 when there is none): where a watcher starts."""
    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.max(col(AccessChange.id)))) or 0)


def changes_after(engine: Engine, last_id: int, limit: int = 1000) -> list[Change]:
    """The changes past `last_id`, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(AccessChange.id), col(AccessChange.user_id), col(AccessChange.reason))
            .where(col(AccessChange.id) > last_id)
            .order_by(col(AccessChange.id))
            .limit(limit)
        ).all()
    return [Change(int(row.id), int(row.user_id), row.reason) for row in rows]


def prune_changes(engine: Engine, before: datetime) -> int:
    """Delete the changes older than `before`; returns how many went."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.delete(table_of(AccessChange)).where(col(AccessChange.created_at) < before)
        )
    return int(result.rowcount or 0)


def credential_user(
    engine: Engine, *, session_hash: str | None = None, token_id: int | None = None
) -> User | None:
    """The user a session (by its hash) or a token (by its id) stands for now: None once
    the session has ended or expired, the token was revoked, or the account is gone."""
    now = utcnow()
    query = sa.select(table_of(User))
    if session_hash is not None:
        query = query.join(UserSession, col(UserSession.user_id) == col(User.id)).where(
            col(UserSession.id) == session_hash, col(UserSession.expires_at) > now
        )
    elif token_id is not None:
        query = query.join(AccessToken, col(AccessToken.user_id) == col(User.id)).where(
            col(AccessToken.id) == token_id, col(AccessToken.revoked_at).is_(None)
        )
    else:
        return None
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return User(**dict(row._mapping)) if row is not None else None
