"""The tables behind accounts: users, their sign-in sessions and access tokens, and who is
on which curriculum.

Secrets are never stored: a session row is keyed by the SHA-256 of the random id in the
cookie, an access token row holds the SHA-256 of the token.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, _timestamp

ROLES = ("member", "mentor", "staff")


class User(SQLModel, table=True):
    """A person. `role` is what they are in the programme: member, mentor or staff."""

    __tablename__ = "user_account"
    __table_args__ = (
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_user_account_oidc"),
        sa.CheckConstraint("role IN ('member', 'mentor', 'staff')", name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(320), unique=True)  # stored lower-case
    name: str = Field(sa_type=sa.String(200))
    picture: str | None = Field(default=None, sa_type=sa.String(2000))
    role: str = Field(default="member", sa_type=sa.String(16))
    oidc_issuer: str | None = Field(default=None, sa_type=sa.String(500))
    oidc_subject: str | None = Field(default=None, sa_type=sa.String(255))
    created_at: datetime = _timestamp()


class UserSession(SQLModel, table=True):
    """A signed-in browser. Deleting the row signs it out."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, sa_type=sa.String(64))  # sha256 hex of the cookie's id
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = _timestamp()


class AccessToken(SQLModel, table=True):
    """A personal access token for non-browser clients (`mh_…`), shown to its owner once."""

    __tablename__ = "access_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=sa.String(100))
    token_hash: str = Field(sa_type=sa.String(64), unique=True)  # sha256 hex
    prefix: str = Field(sa_type=sa.String(16))  # the first characters, to tell tokens apart
    created_at: datetime = _timestamp()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CurriculumMember(SQLModel, table=True):
    """Who is on a curriculum: its member (one) and their mentors."""

    __tablename__ = "curriculum_member"
    __table_args__ = (sa.CheckConstraint("role IN ('member', 'mentor')", name="role"),)

    doc_id: str = Field(
        primary_key=True, foreign_key="document.id", ondelete="CASCADE", sa_type=sa.String(64)
    )
    user_id: int = Field(
        primary_key=True, foreign_key="user_account.id", ondelete="CASCADE", index=True
    )
    role: str = Field(sa_type=sa.String(8))
