"""Encounters: a mentor's notes of a meeting with a mentee, and staff's scripts.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target_table}"), ondelete=ondelete
    )


def _stamp(name: str) -> sa.Column[Any]:
    return sa.Column(name, Timestamp, server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "encounter",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=True),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("mentor_user_id", sa.Integer(), nullable=False),
        sa.Column("member_user_id", sa.Integer(), nullable=False),
        sa.Column("script", sa.String(64), nullable=False),
        sa.Column("script_title", sa.String(120), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("checked", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("baseline", sa.LargeBinary(), nullable=True),
        _stamp("held_at"),
        _stamp("created_at"),
        _stamp("updated_at"),
        _fk("encounter", "mentorship_id", "mentorship.id", "SET NULL"),
        _fk("encounter", "doc_id", "document.id", "SET NULL"),
        _fk("encounter", "mentor_user_id", "user_account.id", "CASCADE"),
        _fk("encounter", "member_user_id", "user_account.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter")),
    )
    op.create_index("ix_encounter_mentor_user_id", "encounter", ["mentor_user_id"])
    op.create_index(
        "ix_encounter_member_user_id_held_at", "encounter", ["member_user_id", "held_at"]
    )
    op.create_table(
        "encounter_script",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _stamp("created_at"),
        _fk("encounter_script", "created_by", "user_account.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter_script")),
        sa.UniqueConstraint("slug", name=op.f("uq_encounter_script_slug")),
    )


def downgrade() -> None:
    op.drop_table("encounter_script")
    op.drop_index("ix_encounter_member_user_id_held_at", table_name="encounter")
    op.drop_index("ix_encounter_mentor_user_id", table_name="encounter")
    op.drop_table("encounter")
