"""The read model's tables: what the documents say, in SQL, for lists and dashboards.

Derived, never edited: `server/read_model_sync.py` writes them from committed document
changes and `mentorhub read-model rebuild` recomputes the rows (not the events) from the
stored documents. See docs/read-model.md for the columns and the queries to use.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import LogId, UTCDateTime


def _time(nullable: bool = True) -> object:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _doc() -> object:
    return Field(
        primary_key=True, foreign_key="document.id", ondelete="CASCADE", sa_type=sa.String(64)
    )


def _user(index: bool = True) -> object:
    return Field(default=None, foreign_key="user_account.id", ondelete="SET NULL", index=index)


class CurriculumSummary(SQLModel, table=True):
    """One row per curriculum: counts and minutes per column, goals, the resume, activity."""

    __tablename__ = "curriculum_summary"

    doc_id: str = _doc()  # type: ignore[assignment]
    title: str = Field(default="", sa_type=sa.Text)
    member_user_id: int | None = _user()  # type: ignore[assignment]
    resume: str = Field(default="", sa_type=sa.Text)
    items_done: int = 0
    items_now: int = 0
    items_next: int = 0
    items_later: int = 0
    minutes_done: int = 0
    minutes_now: int = 0
    minutes_next: int = 0
    minutes_later: int = 0
    goals_total: int = 0
    goals_done: int = 0
    last_activity_at: datetime | None = _time()  # type: ignore[assignment]
    last_progress_at: datetime | None = _time()  # type: ignore[assignment]
    synced_at: datetime | None = _time()  # type: ignore[assignment]
    synced_log_id: int = Field(default=0, sa_type=sa.BigInteger)


class CurriculumItem(SQLModel, table=True):
    """One row per card of a curriculum."""

    __tablename__ = "curriculum_item"
    # by link: the library's figures (hash on PostgreSQL: a link of any length)
    __table_args__ = (sa.Index("ix_curriculum_item_url", "url", postgresql_using="hash"),)

    doc_id: str = _doc()  # type: ignore[assignment]
    item_id: str = Field(primary_key=True, sa_type=sa.Text)
    title: str = Field(sa_type=sa.Text)
    url: str = Field(sa_type=sa.Text)
    kind: str = Field(sa_type=sa.String(16))
    skills: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    status: str = Field(sa_type=sa.String(8))
    position: str = Field(sa_type=sa.Text)
    rank: int = 0
    estimate_minutes: int | None = None
    started_at: datetime | None = _time()  # type: ignore[assignment]
    completed_at: datetime | None = _time()  # type: ignore[assignment]
    assigned_by: str | None = Field(default=None, sa_type=sa.Text)


class CurriculumGoal(SQLModel, table=True):
    """One row per goal of a curriculum."""

    __tablename__ = "curriculum_goal"

    doc_id: str = _doc()  # type: ignore[assignment]
    goal_id: str = Field(primary_key=True, sa_type=sa.Text)
    title: str = Field(sa_type=sa.Text)
    skills: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    done: bool = False
    rank: int = 0


class LearningEvent(SQLModel, table=True):
    """A start, finish, reopening or move of an item, recorded when it was committed."""

    __tablename__ = "learning_event"
    __table_args__ = (
        sa.Index("ix_learning_event_doc_id_at", "doc_id", "at"),
        sa.Index("ix_learning_event_member_user_id_at", "member_user_id", "at"),
        sa.Index("ix_learning_event_kind_at", "kind", "at"),
        sa.Index("ix_learning_event_url", "url", postgresql_using="hash"),
        sa.CheckConstraint("kind IN ('started', 'finished', 'reopened', 'moved')", name="kind"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=LogId)
    doc_id: str = Field(foreign_key="document.id", ondelete="CASCADE", sa_type=sa.String(64))
    item_id: str = Field(sa_type=sa.Text)
    member_user_id: int | None = _user(index=False)  # type: ignore[assignment]
    kind: str = Field(sa_type=sa.String(16))
    from_status: str | None = Field(default=None, sa_type=sa.String(8))
    to_status: str = Field(sa_type=sa.String(8))
    at: datetime = Field(sa_type=UTCDateTime)
    caused_by: int | None = _user()  # type: ignore[assignment]
    actual_minutes: int | None = None
    estimate_minutes: int | None = None
    url: str = Field(default="", sa_type=sa.Text)
