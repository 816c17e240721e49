"""The shared resource library: resources, their skills, reviews, link aliases, and
full-text search (SQLite FTS5 kept by triggers; PostgreSQL a generated tsvector + GIN).

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)
LEVELS = "level IN ('beginner', 'intermediate', 'advanced')"
STYLES = "style IN ('reading', 'video', 'hands-on', 'course', 'talk')"

# SQLite: an external-content FTS5 table over resource(title, description, skills), with
# the Porter stemmer; triggers keep it in step with every insert, update and delete.
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE resource_fts USING fts5(title, description, skills, "
    "content='resource', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 0')",
    "CREATE TRIGGER resource_fts_insert AFTER INSERT ON resource BEGIN "
    "INSERT INTO resource_fts(rowid, title, description, skills) "
    "VALUES (new.id, new.title, new.description, new.skills); END",
    "CREATE TRIGGER resource_fts_delete AFTER DELETE ON resource BEGIN "
    "INSERT INTO resource_fts(resource_fts, rowid, title, description, skills) "
    "VALUES ('delete', old.id, old.title, old.description, old.skills); END",
    "CREATE TRIGGER resource_fts_update AFTER UPDATE OF title, description, skills "
    "ON resource BEGIN "
    "INSERT INTO resource_fts(resource_fts, rowid, title, description, skills) "
    "VALUES ('delete', old.id, old.title, old.description, old.skills); "
    "INSERT INTO resource_fts(rowid, title, description, skills) "
    "VALUES (new.id, new.title, new.description, new.skills); END",
]


def _words(column: str) -> str:
    """The column's words, split at anything but letters and digits as SQLite's
    unicode61 tokenizer splits them, so both databases see the same words."""
    return f"to_tsvector('english', regexp_replace({column}, '[^[:alnum:]]+', ' ', 'g'))"


# PostgreSQL: a stored generated tsvector (title and skills weigh A, the description B)
POSTGRES_SEARCH = [
    "ALTER TABLE resource ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    f"setweight({_words('title')}, 'A') || setweight({_words('skills::text')}, 'A') || "
    f"setweight({_words('description')}, 'B')) STORED",
    "CREATE INDEX ix_resource_search ON resource USING gin (search)",
]


def _user_fk(table: str, column: str, ondelete: str = "SET NULL") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account"),
        ondelete=ondelete,
    )  # fmt: skip


def _resource_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["resource_id"], ["resource.id"], name=op.f(f"fk_{table}_resource_id_resource"),
        ondelete="CASCADE",
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", Timestamp, nullable=True),
        sa.Column("created_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", Timestamp, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(LEVELS, name=op.f("ck_resource_level")),
        sa.CheckConstraint(STYLES, name=op.f("ck_resource_style")),
        sa.CheckConstraint(
            "visibility IN ('shared', 'mentees')", name=op.f("ck_resource_visibility")
        ),
        sa.CheckConstraint("state IN ('suggested', 'accepted')", name=op.f("ck_resource_state")),
        _user_fk("resource", "added_by"),
        _user_fk("resource", "accepted_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
        sa.UniqueConstraint("url", name=op.f("uq_resource_url")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_resource_added_by", "resource", ["added_by"])
    op.create_index("ix_resource_state", "resource", ["state"])
    op.create_table(
        "resource_skill",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("skill", sa.String(60), nullable=False),
        _resource_fk("resource_skill"),
        sa.PrimaryKeyConstraint("resource_id", "skill", name=op.f("pk_resource_skill")),
    )
    op.create_index("ix_resource_skill_skill", "resource_skill", ["skill"])
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("edited_at", Timestamp, nullable=True),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_review_rating")),
        _resource_fk("review"),
        _user_fk("review", "user_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("resource_id", "user_id", name="uq_review_resource_user"),
    )
    op.create_index("ix_review_user_id", "review", ["user_id"])
    op.create_table(
        "link_alias",
        sa.Column("url_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("url_hash", name=op.f("pk_link_alias")),
    )
    op.create_index(
        "ix_link_alias_normalised", "link_alias", ["normalised"], postgresql_using="hash"
    )
    # cards and their events by link (hash indexes on PostgreSQL: links of any length)
    op.create_index("ix_curriculum_item_url", "curriculum_item", ["url"], postgresql_using="hash")
    op.create_index("ix_learning_event_url", "learning_event", ["url"], postgresql_using="hash")
    statements = SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE resource_fts")  # its triggers go with the resource table
    op.drop_index("ix_learning_event_url", table_name="learning_event")
    op.drop_index("ix_curriculum_item_url", table_name="curriculum_item")
    op.drop_table("link_alias")
    op.drop_table("review")
    op.drop_table("resource_skill")
    op.drop_table("resource")
