"""Documents, their update log and their snapshots.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DocId = sa.String(64)
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", DocId, nullable=False),
        sa.Column("title", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_table(
        "update_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["document.id"],
            name=op.f("fk_update_log_doc_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_log")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_update_log_doc_id_id", "update_log", ["doc_id", "id"])
    op.create_table(
        "snapshot",
        sa.Column("doc_id", DocId, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("folded_updates", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["doc_id"],
            ["document.id"],
            name=op.f("fk_snapshot_doc_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("doc_id", name=op.f("pk_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("snapshot")
    op.drop_index("ix_update_log_doc_id_id", table_name="update_log")
    op.drop_table("update_log")
    op.drop_table("document")
