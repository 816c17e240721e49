"""The tables behind finding each other: profiles, requests, offers, proposals, mentorships.

Plain SQL (nobody co-edits these as they type). Skills, formats and time zones are
checked by `domain.matching` before they get here; the tables hold canonical skill
names. Migration `0006`.

- `profile`: one per person (what they offer and seek is `profile_skill`), with how many
  mentees they take at once (`capacity`), whether they are `paused`, and the mentees
  they have outside mentorHub (`mentees_elsewhere`, from an import), which count
  against the capacity like the mentorships below.
- `mentoring_request`: a member's request, written before any mentor is chosen.
- `mentoring_offer`: a mentor's offer ("a one-hour session on UX vs UI").
- `proposal`: a request sent to one mentor, who accepts or declines it with a note.
- `mentorship`: a member and a mentor on a curriculum; it holds one of the mentor's
  places until it ends (`ended_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, _timestamp

SIDES = ("offers", "seeks")
REQUEST_STATES = ("open", "matched", "closed")
OFFER_STATES = ("open", "closed")
PROPOSAL_STATES = ("proposed", "accepted", "declined", "withdrawn")
MENTORSHIP_KINDS = ("long", "short")


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name)


def _user_id(**kwargs: Any) -> Any:
    return Field(foreign_key="user_account.id", ondelete="CASCADE", **kwargs)


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=sa.JSON)


class Profile(SQLModel, table=True):
    """A person as others find them. Skills are in `profile_skill`."""

    __tablename__ = "profile"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity"),
        sa.CheckConstraint("mentees_elsewhere >= 0", name="mentees_elsewhere"),
        sa.CheckConstraint("hours_per_week >= 0", name="hours_per_week"),
    )

    user_id: int = _user_id(primary_key=True)
    about: str = Field(default="", sa_type=sa.Text)
    formats: list[str] = _json_list()
    timezone: str = Field(default="UTC", sa_type=sa.String(64))
    hours_per_week: float = Field(default=0.0)
    capacity: int = Field(default=0)
    paused: bool = Field(default=False)
    mentees_elsewhere: int = Field(default=0)
    updated_at: datetime = _timestamp()


class ProfileSkill(SQLModel, table=True):
    """A skill someone offers (with a level) or seeks."""

    __tablename__ = "profile_skill"
    __table_args__ = (
        _one_of("side", SIDES, "side"),
        sa.Index("ix_profile_skill_side_skill", "side", "skill"),
    )

    user_id: int = _user_id(primary_key=True)
    side: str = Field(primary_key=True, sa_type=sa.String(6))
    skill: str = Field(primary_key=True, sa_type=sa.String(60))
    level: str | None = Field(default=None, sa_type=sa.String(8))


class _AskFields(SQLModel):
    """What requests and offers share (not a table)."""

    hours: float  # a week: what the member can give, or what the offer takes
    formats: list[str] = _json_list()
    timezone: str = Field(default="UTC", sa_type=sa.String(64))
    skills: list[str] = _json_list()
    state: str = Field(default="open", sa_type=sa.String(8))
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class MentoringRequest(_AskFields, table=True):
    """A member asks for help; `hours` (a week) is required."""

    __tablename__ = "mentoring_request"
    __table_args__ = (
        _one_of("state", REQUEST_STATES, "state"),
        _one_of("kind", MENTORSHIP_KINDS, "kind"),
        sa.CheckConstraint("hours > 0", name="hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = _user_id(index=True)
    motivation: str = Field(default="", sa_type=sa.Text)
    goal: str = Field(default="", sa_type=sa.Text)
    expectations: str = Field(default="", sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.Text)
    kind: str = Field(default="short", sa_type=sa.String(5))


class MentoringOffer(_AskFields, table=True):
    """A mentor offers something specific; members find it and take it up."""

    __tablename__ = "mentoring_offer"
    __table_args__ = (
        _one_of("state", OFFER_STATES, "state"),
        sa.CheckConstraint("hours > 0", name="hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = _user_id(index=True)
    title: str = Field(sa_type=sa.String(200))
    text: str = Field(default="", sa_type=sa.Text)


class Proposal(SQLModel, table=True):
    """A request sent to one mentor. Accepting it starts a mentorship."""

    __tablename__ = "proposal"
    __table_args__ = (
        _one_of("state", PROPOSAL_STATES, "state"),
        sa.UniqueConstraint("request_id", "mentor_id", name="uq_proposal_request_mentor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="mentoring_request.id", ondelete="CASCADE")
    mentor_id: int = _user_id(index=True)
    state: str = Field(default="proposed", sa_type=sa.String(9))
    message: str = Field(default="", sa_type=sa.Text)  # the member's words to this mentor
    note: str = Field(default="", sa_type=sa.Text)  # the mentor's answer
    created_at: datetime = _timestamp()
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Mentorship(SQLModel, table=True):
    """A member and a mentor working on the member's curriculum."""

    __tablename__ = "mentorship"
    __table_args__ = (_one_of("kind", MENTORSHIP_KINDS, "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = _user_id(index=True)
    mentor_id: int = _user_id(index=True)
    doc_id: str | None = Field(
        default=None, foreign_key="document.id", ondelete="SET NULL", sa_type=sa.String(64)
    )
    kind: str = Field(default="short", sa_type=sa.String(5))
    request_id: int | None = Field(
        default=None, foreign_key="mentoring_request.id", ondelete="SET NULL"
    )
    offer_id: int | None = Field(
        default=None, foreign_key="mentoring_offer.id", ondelete="SET NULL"
    )
    started_at: datetime = _timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
