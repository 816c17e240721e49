"""Joining: applications to become a mentor or join as a member.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)
TABLE = "join_application"


def _fk(column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["user_account.id"],
        name=op.f(f"fk_{TABLE}_{column}_user_account"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reply", sa.String(300), nullable=False),
        sa.Column("submitted_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.Column("decided_at", Timestamp, nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('mentor', 'member')", name=op.f(f"ck_{TABLE}_kind")),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'declined')", name=op.f(f"ck_{TABLE}_state")
        ),
        sa.CheckConstraint("hours_per_week > 0", name=op.f(f"ck_{TABLE}_hours_per_week")),
        sa.CheckConstraint("capacity >= 0", name=op.f(f"ck_{TABLE}_capacity")),
        _fk("decided_by", "SET NULL"),
        _fk("user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(f"ix_{TABLE}_state_submitted", TABLE, ["state", "submitted_at"])
    op.create_index(f"ix_{TABLE}_user_id", TABLE, ["user_id"])


def downgrade() -> None:
    op.drop_table(TABLE)
