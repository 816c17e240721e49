"""The table that tells every instance when someone's access changed.

A row is written in the same transaction as the change itself (a token revoked, a
session ended, a role changed, a curriculum's people changed, an account erased), so
the command line, which runs in a process of its own, reaches every running server:
each polls for rows past the last it saw (server/access_changes/).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _timestamp


class AccessChange(SQLModel, table=True):
    """Someone's access changed; `reason` is what their closed connections are told."""

    __tablename__ = "access_change"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(index=True)  # no foreign key: the row outlives an erased account
    reason: str = Field(sa_type=sa.String(64))
    created_at: datetime = _timestamp()
