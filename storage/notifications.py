"""The tables behind notifications: who turned which kind off, and the outbox of emails.

A message is written to `notification_outbox` in the same transaction as the change it
tells about (a proposal, an acceptance), so it is sent if and only if that change
committed. A background worker sends what is due, with retries (`server/notifications`).
Migration `0006`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, _timestamp

OUTBOX_STATES = ("pending", "sent", "failed")


class NotificationPreference(SQLModel, table=True):
    """A person's choice for one kind of notification; no row means "on"."""

    __tablename__ = "notification_preference"

    user_id: int = Field(primary_key=True, foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(primary_key=True, sa_type=sa.String(40))
    enabled: bool = Field(default=True)


class OutboxMessage(SQLModel, table=True):
    """One email to send (or sent, or given up on), already rendered."""

    __tablename__ = "notification_outbox"
    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        sa.Index("ix_notification_outbox_state_due", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    kind: str = Field(sa_type=sa.String(40))
    recipient: str = Field(sa_type=sa.String(320))
    subject: str = Field(sa_type=sa.String(300))
    body: str = Field(sa_type=sa.Text)
    state: str = Field(default="pending", sa_type=sa.String(8))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _timestamp()
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", sa_type=sa.String(500))
    created_at: datetime = _timestamp()
