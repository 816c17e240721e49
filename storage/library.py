"""The shared resource library's tables: resources, their skills, reviews, and links.

Plain SQL (nobody co-edits a resource as they type). Full-text search is kept beside the
`resource` table by the database itself (SQLite: an FTS5 table kept in step by
triggers; PostgreSQL: a generated `tsvector` column with a GIN index): both are made by
migration 0007 and described in `storage/library_search.py`. See docs/library.md.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.library import LEVELS, STATES, STYLES, VISIBILITIES
from storage.models import UTCDateTime, _timestamp


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _user() -> object:
    return Field(default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True)


class LibraryResource(SQLModel, table=True):
    """A resource: one per normalised link."""

    __tablename__ = "resource"
    __table_args__ = (
        sa.CheckConstraint(_in("level", LEVELS), name="level"),
        sa.CheckConstraint(_in("style", STYLES), name="style"),
        sa.CheckConstraint(_in("visibility", VISIBILITIES), name="visibility"),
        sa.CheckConstraint(_in("state", STATES), name="state"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=sa.String(200))
    url: str = Field(sa_type=sa.String(2000), unique=True)  # normalised
    kind: str = Field(sa_type=sa.String(16))
    level: str = Field(sa_type=sa.String(16))
    style: str = Field(sa_type=sa.String(16))
    skills: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # in the order given
    estimate_minutes: int | None = None
    description: str = Field(default="", sa_type=sa.Text)
    added_by: int | None = _user()  # type: ignore[assignment]
    visibility: str = Field(default="shared", sa_type=sa.String(8))
    state: str = Field(default="accepted", sa_type=sa.String(16), index=True)
    accepted_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ResourceSkill(SQLModel, table=True):
    """One skill of a resource, for filtering by skill with an index."""

    __tablename__ = "resource_skill"

    resource_id: int = Field(primary_key=True, foreign_key="resource.id", ondelete="CASCADE")
    skill: str = Field(primary_key=True, sa_type=sa.String(60), index=True)


class ResourceReview(SQLModel, table=True):
    """A person's rating (1-5) and short review of a resource: one each, editable."""

    __tablename__ = "review"
    __table_args__ = (
        sa.UniqueConstraint("resource_id", "user_id", name="uq_review_resource_user"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    rating: int
    text: str = Field(default="", sa_type=sa.Text)
    at: datetime = Field(sa_type=UTCDateTime)  # first written
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LinkAlias(SQLModel, table=True):
    """A link as written on some card, and its normalised form: how cards, their rows
    and their learning events are matched to library resources (`url_hash` is the
    SHA-256 of `url`, so any length of link is one short key)."""

    __tablename__ = "link_alias"
    __table_args__ = (sa.Index("ix_link_alias_normalised", "normalised", postgresql_using="hash"),)

    url_hash: str = Field(primary_key=True, sa_type=sa.String(64))
    url: str = Field(sa_type=sa.Text)
    normalised: str = Field(sa_type=sa.Text)
