"""The tables behind collaborative documents: documents, their update log, their snapshots.

Later tables (users, the curriculum read model, ...) live in modules of their own and
share `SQLModel.metadata`, which the migrations compare against.
"""

import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

DOC_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Named constraints, so that later migrations (batch mode on SQLite) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT in PostgreSQL; SQLite only auto-increments a column declared INTEGER PRIMARY KEY.
LogId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC; SQLite's naive values come back as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a timezone-aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _timestamp() -> Any:
    return Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        sa_column_kwargs={"server_default": sa.func.now()},
    )


class Document(SQLModel, table=True):
    """One collaborative document; doc ids match `DOC_ID_PATTERN`."""

    id: str = Field(primary_key=True, sa_type=sa.String(64))
    title: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime = _timestamp()
    # Changes with the document's own fields, not with every edit of its content: the
    # writer never updates this row, so appends and compaction never contend for it.
    updated_at: datetime = _timestamp()


class UpdateLogEntry(SQLModel, table=True):
    """One committed update of a document, until compaction folds it into the snapshot."""

    __tablename__ = "update_log"
    __table_args__ = (
        sa.Index("ix_update_log_doc_id_id", "doc_id", "id"),
        # AUTOINCREMENT: ids are never reused, even after compaction deletes the newest rows.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=LogId)
    doc_id: str = Field(foreign_key="document.id", ondelete="CASCADE", sa_type=sa.String(64))
    data: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = _timestamp()


class Snapshot(SQLModel, table=True):
    """A document's compacted state: the merge of every log entry folded into it so far."""

    doc_id: str = Field(
        primary_key=True, foreign_key="document.id", ondelete="CASCADE", sa_type=sa.String(64)
    )
    data: bytes = Field(sa_type=sa.LargeBinary)
    last_id: int = Field(default=0, sa_type=sa.BigInteger)  # highest log id folded in
    folded_updates: int = Field(default=0, sa_type=sa.BigInteger)
    updated_at: datetime = _timestamp()
