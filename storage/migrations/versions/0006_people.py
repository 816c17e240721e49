"""People: profiles and their skills, requests, offers, proposals, mentorships, and the
notification preferences and outbox.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target_table}"), ondelete=ondelete
    )


def _one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def _stamp(name: str) -> sa.Column[Any]:
    return sa.Column(name, Timestamp, server_default=sa.func.now(), nullable=False)


def _text(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=False)


def _ask_columns() -> list[sa.Column[Any]]:
    """What requests and offers share."""
    return [
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        _text("about"),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("mentees_elsewhere", sa.Integer(), nullable=False),
        _stamp("updated_at"),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_profile_capacity")),
        sa.CheckConstraint("hours_per_week >= 0", name=op.f("ck_profile_hours_per_week")),
        sa.CheckConstraint("mentees_elsewhere >= 0", name=op.f("ck_profile_mentees_elsewhere")),
        _fk("profile", "user_id", "user_account.id"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_profile")),
    )
    op.create_table(
        "profile_skill",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(6), nullable=False),
        sa.Column("skill", sa.String(60), nullable=False),
        sa.Column("level", sa.String(8), nullable=True),
        _one_of("profile_skill", "side", ("offers", "seeks")),
        _fk("profile_skill", "user_id", "user_account.id"),
        sa.PrimaryKeyConstraint("user_id", "side", "skill", name=op.f("pk_profile_skill")),
    )
    op.create_index("ix_profile_skill_side_skill", "profile_skill", ["side", "skill"])
    op.create_table(
        "mentoring_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        _text("motivation"),
        _text("goal"),
        _text("expectations"),
        _text("description"),
        *_ask_columns(),
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        _one_of("mentoring_request", "kind", ("long", "short")),
        _one_of("mentoring_request", "state", ("open", "matched", "closed")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_mentoring_request_hours")),
        _fk("mentoring_request", "member_id", "user_account.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_request")),
    )
    op.create_index("ix_mentoring_request_member_id", "mentoring_request", ["member_id"])
    op.create_table(
        "mentoring_offer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        _text("text"),
        *_ask_columns(),
        sa.Column("state", sa.String(8), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        _one_of("mentoring_offer", "state", ("open", "closed")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_mentoring_offer_hours")),
        _fk("mentoring_offer", "mentor_id", "user_account.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_offer")),
    )
    op.create_index("ix_mentoring_offer_mentor_id", "mentoring_offer", ["mentor_id"])
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(9), nullable=False),
        _text("message"),
        _text("note"),
        _stamp("created_at"),
        sa.Column("answered_at", Timestamp, nullable=True),
        _one_of("proposal", "state", ("proposed", "accepted", "declined", "withdrawn")),
        _fk("proposal", "request_id", "mentoring_request.id"),
        _fk("proposal", "mentor_id", "user_account.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("request_id", "mentor_id", name="uq_proposal_request_mentor"),
    )
    op.create_index("ix_proposal_mentor_id", "proposal", ["mentor_id"])
    op.create_table(
        "mentorship",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        _stamp("started_at"),
        sa.Column("ended_at", Timestamp, nullable=True),
        _one_of("mentorship", "kind", ("long", "short")),
        _fk("mentorship", "member_id", "user_account.id"),
        _fk("mentorship", "mentor_id", "user_account.id"),
        _fk("mentorship", "doc_id", "document.id", "SET NULL"),
        _fk("mentorship", "request_id", "mentoring_request.id", "SET NULL"),
        _fk("mentorship", "offer_id", "mentoring_offer.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship")),
    )
    op.create_index("ix_mentorship_member_id", "mentorship", ["member_id"])
    op.create_index("ix_mentorship_mentor_id", "mentorship", ["mentor_id"])
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _fk("notification_preference", "user_id", "user_account.id"),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preference")),
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        _text("body"),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _stamp("next_attempt_at"),
        sa.Column("claimed_until", Timestamp, nullable=True),
        sa.Column("sent_at", Timestamp, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=False),
        _stamp("created_at"),
        _one_of("notification_outbox", "state", ("pending", "sent", "failed")),
        _fk("notification_outbox", "user_id", "user_account.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index(
        "ix_notification_outbox_state_due", "notification_outbox", ["state", "next_attempt_at"]
    )
    op.create_index("ix_notification_outbox_user_id", "notification_outbox", ["user_id"])


def downgrade() -> None:
    for table in (
        "notification_outbox",
        "notification_preference",
        "mentorship",
        "proposal",
        "mentoring_offer",
        "mentoring_request",
        "profile_skill",
        "profile",
    ):
        op.drop_table(table)
