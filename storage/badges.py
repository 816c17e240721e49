"""The table behind badges: which person earned which badge, and when.

One row per person and badge code (the primary key), so a badge is stored at most once
however many times, and however concurrently, it is awarded: the award is an insert that
ignores a conflict (`storage/badge_queries.py`). `earned_at` is the moment of the event
that earned it (`domain.badges`); `awarded_at` when mentorHub stored it. Deleting the
person deletes their badges. Migration `0015`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, _timestamp


class BadgeAward(SQLModel, table=True):
    """A badge a person earned (codes: `domain.badges.BADGES`)."""

    __tablename__ = "badge_award"

    user_id: int = Field(primary_key=True, foreign_key="user_account.id", ondelete="CASCADE")
    code: str = Field(primary_key=True, sa_type=sa.String(40))
    earned_at: datetime = Field(sa_type=UTCDateTime)
    awarded_at: datetime = _timestamp()
