"""The tables behind certificates: signing keys, sign-off requests, issued certificates.

Migration `0008`. See docs/certificates.md ("Storage") for what each column holds and
what ForgetMe leaves. The signed credential is kept as the exact JSON text served at
`/certificates/{id}.json`; the PDF is not stored, it is drawn from that text on demand.
"""

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime

SIGN_OFF_STATES = ("requested", "issued", "declined")


def _user(ondelete: Literal["SET NULL", "CASCADE"] = "SET NULL", index: bool = False) -> Any:
    return Field(default=None, foreign_key="user_account.id", ondelete=ondelete, index=index)


def _time() -> Any:
    return Field(default=None, sa_type=UTCDateTime)


class SigningKeyRecord(SQLModel, table=True):
    """An Ed25519 key that signs (or once signed) certificates.

    `current` is true for the one key that signs now and NULL for retired ones: a unique
    column, so two instances creating the first key at once cannot both succeed. A
    retired key keeps only its public half (`private_key_pem` is NULL).
    """

    __tablename__ = "signing_key"

    key_id: str = Field(primary_key=True, sa_type=sa.String(64))
    created_at: datetime = Field(sa_type=UTCDateTime)
    public_key_multibase: str = Field(sa_type=sa.String(100))
    private_key_pem: str | None = Field(default=None, sa_type=sa.Text)  # PKCS#8, encrypted
    retired_at: datetime | None = _time()
    current: bool | None = Field(default=None, unique=True)


class SignOffRequest(SQLModel, table=True):
    """A member asking a mentor to sign off a goal, and what the mentor decided.

    `pending` is true while the request waits and NULL afterwards; with the unique
    constraint, a goal has at most one waiting request.
    """

    __tablename__ = "sign_off_request"
    __table_args__ = (
        sa.UniqueConstraint("doc_id", "goal_id", "pending", name="uq_sign_off_request_pending"),
        sa.CheckConstraint("state IN ('requested', 'issued', 'declined')", name="state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    doc_id: str = Field(
        foreign_key="document.id", ondelete="CASCADE", index=True, sa_type=sa.String(64)
    )
    goal_id: str = Field(sa_type=sa.String(64))
    member_user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default="requested", sa_type=sa.String(16))
    pending: bool | None = True
    mentor_user_id: int | None = _user()
    decided_at: datetime | None = _time()
    note: str = Field(default="", sa_type=sa.Text)
    certificate_id: str | None = Field(default=None, sa_type=sa.String(64))


class CertificateRecord(SQLModel, table=True):
    """An issued certificate: the signed credential and its revocation.

    After ForgetMe only a tombstone is left: the id, the issuer, the status index, the
    dates and the revocation; `credential`, the goal and every user id are NULL.
    """

    __tablename__ = "certificate"

    id: str = Field(primary_key=True, sa_type=sa.String(64))
    doc_id: str | None = Field(
        default=None,
        foreign_key="document.id",
        ondelete="SET NULL",
        index=True,
        sa_type=sa.String(64),
    )
    goal_id: str | None = Field(default=None, sa_type=sa.String(64))
    goal_title: str | None = Field(default=None, sa_type=sa.Text)
    member_user_id: int | None = _user(index=True)
    issued_by: int | None = _user()
    issued_at: datetime = Field(sa_type=UTCDateTime)
    issuer_url: str = Field(sa_type=sa.Text)  # the base URL it was issued under
    key_id: str = Field(sa_type=sa.String(64))
    credential: str | None = Field(default=None, sa_type=sa.Text)  # the signed JSON, as served
    status_index: int = Field(unique=True)
    revoked_at: datetime | None = _time()
    revoked_by: int | None = _user()
    revocation_reason: str | None = Field(default=None, sa_type=sa.Text)
