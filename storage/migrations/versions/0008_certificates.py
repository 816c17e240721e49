"""Certificates: signing keys, sign-off requests, issued certificates.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)


def _user_fk(table: str, column: str, ondelete: str = "SET NULL") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["user_account.id"],
        name=op.f(f"fk_{table}_{column}_user_account"),
        ondelete=ondelete,
    )


def _doc_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["doc_id"], ["document.id"], name=op.f(f"fk_{table}_doc_id_document"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("public_key_multibase", sa.String(100), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=True),
        sa.Column("retired_at", Timestamp, nullable=True),
        sa.Column("current", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("current", name=op.f("uq_signing_key_current")),
    )
    op.create_table(
        "sign_off_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("goal_id", sa.String(64), nullable=False),
        sa.Column("member_user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", Timestamp, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=True),
        sa.Column("mentor_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", Timestamp, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("certificate_id", sa.String(64), nullable=True),
        sa.CheckConstraint(
            "state IN ('requested', 'issued', 'declined')",
            name=op.f("ck_sign_off_request_state"),
        ),
        _doc_fk("sign_off_request", "CASCADE"),
        _user_fk("sign_off_request", "member_user_id", "CASCADE"),
        _user_fk("sign_off_request", "mentor_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_off_request")),
        sa.UniqueConstraint("doc_id", "goal_id", "pending", name="uq_sign_off_request_pending"),
    )
    op.create_index("ix_sign_off_request_doc_id", "sign_off_request", ["doc_id"])
    op.create_index("ix_sign_off_request_member_user_id", "sign_off_request", ["member_user_id"])
    op.create_table(
        "certificate",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("goal_id", sa.String(64), nullable=True),
        sa.Column("goal_title", sa.Text(), nullable=True),
        sa.Column("member_user_id", sa.Integer(), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_at", Timestamp, nullable=False),
        sa.Column("issuer_url", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("credential", sa.Text(), nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("revoked_at", Timestamp, nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        _doc_fk("certificate", "SET NULL"),
        _user_fk("certificate", "member_user_id"),
        _user_fk("certificate", "issued_by"),
        _user_fk("certificate", "revoked_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("status_index", name=op.f("uq_certificate_status_index")),
    )
    op.create_index("ix_certificate_doc_id", "certificate", ["doc_id"])
    op.create_index("ix_certificate_member_user_id", "certificate", ["member_user_id"])


def downgrade() -> None:
    op.drop_index("ix_certificate_member_user_id", table_name="certificate")
    op.drop_index("ix_certificate_doc_id", table_name="certificate")
    op.drop_table("certificate")
    op.drop_index("ix_sign_off_request_member_user_id", table_name="sign_off_request")
    op.drop_index("ix_sign_off_request_doc_id", table_name="sign_off_request")
    op.drop_table("sign_off_request")
    op.drop_table("signing_key")
