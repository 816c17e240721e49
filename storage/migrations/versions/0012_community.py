"""Asking the community: questions with skill tags, answers, the one that helped.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
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
        "community_question",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asker_user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _stamp("created_at"),
        _fk("community_question", "asker_user_id", "user_account.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_question")),
    )
    op.create_index("ix_community_question_asker_user_id", "community_question", ["asker_user_id"])
    op.create_table(
        "community_question_skill",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("community_question_skill", "question_id", "community_question.id", "CASCADE"),
        sa.PrimaryKeyConstraint("question_id", "skill", name=op.f("pk_community_question_skill")),
    )
    op.create_index("ix_community_question_skill_skill", "community_question_skill", ["skill"])
    op.create_table(
        "community_answer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("library_resource_id", sa.Integer(), nullable=True),
        _stamp("created_at"),
        _fk("community_answer", "question_id", "community_question.id", "CASCADE"),
        _fk("community_answer", "author_user_id", "user_account.id", "CASCADE"),
        _fk("community_answer", "library_resource_id", "resource.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_answer")),
    )
    op.create_index("ix_community_answer_question_id", "community_answer", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_community_answer_question_id", table_name="community_answer")
    op.drop_table("community_answer")
    op.drop_index("ix_community_question_skill_skill", table_name="community_question_skill")
    op.drop_table("community_question_skill")
    op.drop_index("ix_community_question_asker_user_id", table_name="community_question")
    op.drop_table("community_question")
