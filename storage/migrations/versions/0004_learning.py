"""The read model (curriculum summaries, items and goals) and learning events.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DocId = sa.String(64)
Timestamp = sa.DateTime(timezone=True)


def _doc_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["doc_id"], ["document.id"], name=op.f(f"fk_{table}_doc_id_document"), ondelete="CASCADE"
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["user_account.id"],
        name=op.f(f"fk_{table}_{column}_user_account"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "curriculum_summary",
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("member_user_id", sa.Integer(), nullable=True),
        sa.Column("resume", sa.Text(), nullable=False),
        *[
            sa.Column(f"{what}_{status}", sa.Integer(), nullable=False)
            for what in ("items", "minutes")
            for status in ("done", "now", "next", "later")
        ],
        sa.Column("goals_total", sa.Integer(), nullable=False),
        sa.Column("goals_done", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", Timestamp, nullable=True),
        sa.Column("last_progress_at", Timestamp, nullable=True),
        sa.Column("synced_at", Timestamp, nullable=True),
        sa.Column("synced_log_id", sa.BigInteger(), nullable=False),
        _doc_fk("curriculum_summary"),
        _user_fk("curriculum_summary", "member_user_id"),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_curriculum_summary")),
    )
    op.create_index(
        "ix_curriculum_summary_member_user_id", "curriculum_summary", ["member_user_id"]
    )
    op.create_table(
        "curriculum_item",
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("started_at", Timestamp, nullable=True),
        sa.Column("completed_at", Timestamp, nullable=True),
        sa.Column("assigned_by", sa.Text(), nullable=True),
        _doc_fk("curriculum_item"),
        sa.PrimaryKeyConstraint("doc_id", "item_id", name=op.f("pk_curriculum_item")),
    )
    op.create_table(
        "curriculum_goal",
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("goal_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        _doc_fk("curriculum_goal"),
        sa.PrimaryKeyConstraint("doc_id", "goal_id", name=op.f("pk_curriculum_goal")),
    )
    op.create_table(
        "learning_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("member_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(8), nullable=True),
        sa.Column("to_status", sa.String(8), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("caused_by", sa.Integer(), nullable=True),
        sa.Column("actual_minutes", sa.Integer(), nullable=True),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('started', 'finished', 'reopened', 'moved')",
            name=op.f("ck_learning_event_kind"),
        ),
        _doc_fk("learning_event"),
        _user_fk("learning_event", "member_user_id"),
        _user_fk("learning_event", "caused_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_event")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_learning_event_doc_id_at", "learning_event", ["doc_id", "at"])
    op.create_index(
        "ix_learning_event_member_user_id_at", "learning_event", ["member_user_id", "at"]
    )
    op.create_index("ix_learning_event_kind_at", "learning_event", ["kind", "at"])
    op.create_index("ix_learning_event_caused_by", "learning_event", ["caused_by"])


def downgrade() -> None:
    op.drop_table("learning_event")
    op.drop_table("curriculum_goal")
    op.drop_table("curriculum_item")
    op.drop_index("ix_curriculum_summary_member_user_id", table_name="curriculum_summary")
    op.drop_table("curriculum_summary")
