"""The table behind joining: applications to become a mentor or to join as a member.

Anyone may apply, without an account. Staff accept (which creates the account and the
profile) or decline, each with a note. Skills, formats and the time zone are checked by
`domain.matching` and `domain.skills` before they get here; the table holds canonical
skill names. Migration `0013`.

- `user_id` is the account an acceptance created; deleting that account (ForgetMe)
  deletes the application with it.
- `decided_by` is the staff member who decided; their account going keeps the decision.
- `reply` says whether the polite email a decline sends went out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, _timestamp

KINDS = ("mentor", "member")  # become a mentor, join as a member
STATES = ("pending", "accepted", "declined")


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name)


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=sa.JSON)


class JoinApplication(SQLModel, table=True):
    """One person's application, and staff's decision on it."""

    __tablename__ = "join_application"
    __table_args__ = (
        _one_of("kind", KINDS, "kind"),
        _one_of("state", STATES, "state"),
        sa.CheckConstraint("hours_per_week > 0", name="hours_per_week"),
        sa.CheckConstraint("capacity >= 0", name="capacity"),
        sa.Index("ix_join_application_state_submitted", "state", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=sa.String(8))
    name: str = Field(sa_type=sa.String(200))
    email: str = Field(sa_type=sa.String(320))  # lower-case, as accounts hold it
    skills: list[str] = _json_list()  # offered (mentor) or sought (member)
    level: str = Field(default="working", sa_type=sa.String(8))  # of the offered skills
    formats: list[str] = _json_list()
    timezone: str = Field(default="UTC", sa_type=sa.String(64))
    hours_per_week: float = Field(default=1.0)
    capacity: int = Field(default=0)  # mentees at once (mentors)
    about: str = Field(default="", sa_type=sa.Text)
    why: str = Field(default="", sa_type=sa.Text)
    state: str = Field(default="pending", sa_type=sa.String(8))
    note: str = Field(default="", sa_type=sa.Text)  # staff's, with the decision
    # the polite email a decline sends (there is no account, so no outbox): "" before
    # any, then "sent" or "not sent: <why>"
    reply: str = Field(default="", sa_type=sa.String(300))
    submitted_at: datetime = _timestamp()
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="CASCADE", index=True
    )
