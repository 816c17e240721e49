"""Notification preferences and the outbox in SQL.

`enqueue` writes inside the caller's transaction (the change and its message commit
together). The sender claims due messages with a conditional update (a lease), so two
instances never send the same message at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from storage.accounts import User
from storage.database import write_transaction
from storage.models import utcnow
from storage.notifications import NotificationPreference, OutboxMessage
from storage.tables import known, table_of


def wants(connection: Connection, user_id: int, kind: str) -> bool:
    """Whether the person gets this kind of notification (on unless they turned it off)."""
    enabled = connection.execute(
        sa.select(col(NotificationPreference.enabled)).where(
            col(NotificationPreference.user_id) == user_id,
            col(NotificationPreference.kind) == kind,
        )
    ).scalar()
    return enabled is None or bool(enabled)


def enqueue(
    connection: Connection,
    user_id: int,
    kind: str,
    subject: str,
    body: str,
    *,
    optional: bool = True,
) -> int | None:
    """Queue an email to the user; None (nothing queued) when they turned `kind` off
    (only an `optional` kind can be) or have no account any more."""
    recipient = connection.execute(
        sa.select(col(User.email)).where(col(User.id) == user_id)
    ).scalar()
    if recipient is None or (optional and not wants(connection, user_id, kind)):
        return None
    now = utcnow()
    return known(
        connection.execute(
            sa.insert(table_of(OutboxMessage))
            .values(
                user_id=user_id,
                kind=kind,
                recipient=recipient,
                subject=subject[:300],
                body=body,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )  # fmt: skip
            .returning(col(OutboxMessage.id))
        ).scalar_one()
    )


def preferences(engine: Engine, user_id: int) -> dict[str, bool]:
    """The kinds the person decided about (kinds not listed are on)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(NotificationPreference.kind), col(NotificationPreference.enabled)).where(
                col(NotificationPreference.user_id) == user_id
            )
        ).all()
    return {kind: bool(enabled) for kind, enabled in rows}


def set_preferences(engine: Engine, user_id: int, choices: Mapping[str, bool]) -> None:
    table = table_of(NotificationPreference)
    with write_transaction(engine) as connection:
        connection.execute(
            sa.delete(table).where(
                col(NotificationPreference.user_id) == user_id,
                col(NotificationPreference.kind).in_(list(choices)),
            )
        )
        rows = [{"user_id": user_id, "kind": k, "enabled": v} for k, v in choices.items()]
        if rows:
            connection.execute(sa.insert(table), rows)


def claim_due(engine: Engine, limit: int, lease: timedelta) -> list[OutboxMessage]:
    """Pending messages that are due and not claimed by another sender, now claimed."""
    now = utcnow()
    claimable = sa.and_(
        col(OutboxMessage.state) == "pending",
        col(OutboxMessage.next_attempt_at) <= now,
        sa.or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
    )
    with engine.connect() as connection:  # most polls find nothing: no write lock for that
        if (
            connection.execute(sa.select(col(OutboxMessage.id)).where(claimable).limit(1)).first()
            is None
        ):
            return []
    claimed = []
    with write_transaction(engine) as connection:
        ids = connection.execute(
            sa.select(col(OutboxMessage.id))
            .where(claimable)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        ).scalars()
        for message_id in list(ids):
            done = connection.execute(
                sa.update(table_of(OutboxMessage))
                .where(col(OutboxMessage.id) == message_id, claimable)
                .values(claimed_until=now + lease)
                .returning(*table_of(OutboxMessage).c)
            ).first()
            if done is not None:
                claimed.append(OutboxMessage(**done._mapping))
    return claimed


def mark_sent(engine: Engine, message_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(table_of(OutboxMessage))
            .where(col(OutboxMessage.id) == message_id)
            .values(
                state="sent",
                sent_at=utcnow(),
                claimed_until=None,
                attempts=OutboxMessage.attempts + 1,
            )
        )


def mark_failed_attempt(
    engine: Engine, message_id: int, error: str, retry_at: datetime | None
) -> None:
    """Record a failed attempt: try again at `retry_at`, or give up (None)."""
    values: dict[str, object] = {
        "attempts": OutboxMessage.attempts + 1,
        "last_error": error[:500],
        "claimed_until": None,
    }
    if retry_at is None:
        values["state"] = "failed"
    else:
        values["next_attempt_at"] = retry_at
    with engine.begin() as connection:
        connection.execute(
            sa.update(table_of(OutboxMessage))
            .where(col(OutboxMessage.id) == message_id)
            .values(**values)
        )
