"""Accounts: users, sessions, personal access tokens, curriculum membership.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user_account.id"],
        name=op.f(f"fk_{table}_user_id_user_account"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("picture", sa.String(2000), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("oidc_issuer", sa.String(500), nullable=True),
        sa.Column("oidc_subject", sa.String(255), nullable=True),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "role IN ('member', 'mentor', 'staff')", name=op.f("ck_user_account_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_user_account_oidc"),
    )
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False),
        sa.Column("last_seen_at", Timestamp, server_default=sa.func.now(), nullable=False),
        _user_fk("user_session"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])
    op.create_table(
        "access_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.Column("last_used_at", Timestamp, nullable=True),
        sa.Column("revoked_at", Timestamp, nullable=True),
        _user_fk("access_token"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_token_token_hash")),
    )
    op.create_index("ix_access_token_user_id", "access_token", ["user_id"])
    op.create_table(
        "curriculum_member",
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.CheckConstraint("role IN ('member', 'mentor')", name=op.f("ck_curriculum_member_role")),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["document.id"],
            name=op.f("fk_curriculum_member_doc_id_document"),
            ondelete="CASCADE",
        ),
        _user_fk("curriculum_member"),
        sa.PrimaryKeyConstraint("doc_id", "user_id", name=op.f("pk_curriculum_member")),
    )
    op.create_index("ix_curriculum_member_user_id", "curriculum_member", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_curriculum_member_user_id", table_name="curriculum_member")
    op.drop_table("curriculum_member")
    op.drop_index("ix_access_token_user_id", table_name="access_token")
    op.drop_table("access_token")
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")
    op.drop_table("user_account")
