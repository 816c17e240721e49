"""Accounts in SQL: users, sign-in sessions and personal access tokens.

Blocking functions, each one short transaction; the server calls them with
`asyncio.to_thread`, the command line directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from storage.access_change_queries import (
    ACCOUNT_REMOVED,
    ROLE_CHANGED,
    SIGNED_OUT,
    TOKEN_REVOKED,
    record_access_change,
)
from storage.accounts import ROLES, AccessToken, User, UserSession
from storage.database import one_read, write_transaction
from storage.library import LibraryResource, ResourceReview
from storage.models import utcnow
from storage.tables import known, table_of

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


class AccountError(ValueError):
    """A change to accounts was refused (e.g. the email is taken); nothing was changed."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _user(row: Any) -> User:
    return User(**dict(row._mapping))


def _one_user(connection: Connection, *where: Any) -> User | None:
    row = connection.execute(sa.select(table_of(User)).where(*where)).first()
    return _user(row) if row is not None else None


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as connection:
        return _one_user(connection, col(User.id) == user_id)


def get_user_by_email(engine: Engine, email: str) -> User | None:
    with engine.connect() as connection:
        return _one_user(connection, col(User.email) == normalise_email(email))


def list_users(engine: Engine, limit: int = 50) -> list[User]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(User)).order_by(col(User.role), col(User.email)).limit(limit)
        ).all()
    return [_user(row) for row in rows]


def _insert_user(connection: Connection, values: Mapping[str, Any]) -> User:
    if values["role"] not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = values["email"]
    if not email or "@" not in email or len(email) > 320:
        raise AccountError("that is not an email address")
    if _one_user(connection, col(User.email) == email) is not None:
        raise AccountError("a user with that email already exists")
    user = User(**values, created_at=utcnow())
    data = user.model_dump(exclude={"id"})
    user.id = connection.execute(
        sa.insert(table_of(User)).values(**data).returning(col(User.id))
    ).scalar_one()
    return user


def add_user(engine: Engine, email: str, name: str, role: str = "member") -> User:
    name = name.strip()
    if not name or len(name) > 200:
        raise AccountError("a name must be 1 to 200 characters")
    with write_transaction(engine) as connection:
        return _insert_user(
            connection, {"email": normalise_email(email), "name": name, "role": role}
        )


def oidc_sign_in(engine: Engine, issuer: str, subject: str, claims: Mapping[str, Any]) -> User:
    """The user of (issuer, subject); made on first sign-in, prefilled from the claims.

    A user made beforehand (by an administrator, with the same email) is linked on
    their first sign-in unless the provider says the email is unverified.
    """
    with write_transaction(engine) as connection:
        found = _one_user(
            connection, col(User.oidc_issuer) == issuer, col(User.oidc_subject) == subject
        )
        if found is not None:
            return found
        email = normalise_email(str(claims.get("email") or ""))
        if not email:
            raise AccountError("the provider did not tell us an email address")
        existing = _one_user(connection, col(User.email) == email)
        if existing is not None:
            if existing.oidc_subject is not None or claims.get("email_verified") is False:
                raise AccountError("that email belongs to another account")
            connection.execute(
                sa.update(table_of(User))
                .where(col(User.id) == existing.id)
                .values(oidc_issuer=issuer, oidc_subject=subject)
            )
            existing.oidc_issuer, existing.oidc_subject = issuer, subject
            return existing
        picture = claims.get("picture")
        return _insert_user(
            connection,
            {
                "email": email,
                "name": _display_name(claims, email),
                "picture": picture if isinstance(picture, str) and len(picture) <= 2000 else None,
                "role": "member",
                "oidc_issuer": issuer,
                "oidc_subject": subject,
            },
        )


def _display_name(claims: Mapping[str, Any], email: str) -> str:
    parts = [claims.get("given_name"), claims.get("family_name")]
    for candidate in (claims.get("name"), " ".join(p for p in parts if isinstance(p, str))):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:200]
    return email.split("@", 1)[0][:200]


def delete_user(engine: Engine, user_id: int) -> None:
    """Delete the user; their sessions, tokens and memberships go with them (cascade),
    and so do their library reviews and ratings; resources they added or accepted stay,
    without them."""
    resource, review = table_of(LibraryResource), table_of(ResourceReview)
    with write_transaction(engine) as connection:
        connection.execute(sa.delete(review).where(review.c.user_id == user_id))
        for column in ("added_by", "accepted_by"):
            connection.execute(
                sa.update(resource).where(resource.c[column] == user_id).values({column: None})
            )
        connection.execute(sa.delete(table_of(User)).where(col(User.id) == user_id))
        record_access_change(connection, user_id, ACCOUNT_REMOVED)


def set_role(engine: Engine, user_id: int, role: str) -> bool:
    """Make the user a member, mentor or staff; False when that was their role already.
    Their open connections are checked again (storage/access_changes.py)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with write_transaction(engine) as connection:
        result = connection.execute(
            sa.update(table_of(User))
            .where(col(User.id) == user_id, col(User.role) != role)
            .values(role=role)
        )
        if result.rowcount != 1:
            return False
        record_access_change(connection, user_id, ROLE_CHANGED)
    return True


# -- sessions -------------------------------------------------------------------------


def create_session(engine: Engine, session_hash: str, user_id: int, max_age: int) -> None:
    """Record a new sign-in; the user's expired sessions are cleared on the way."""
    now = utcnow()
    with write_transaction(engine) as connection:
        connection.execute(
            sa.delete(table_of(UserSession)).where(
                col(UserSession.user_id) == user_id, col(UserSession.expires_at) <= now
            )
        )
        connection.execute(
            sa.insert(table_of(UserSession)).values(
                id=session_hash,
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(seconds=max_age),
            )
        )


def session_user(engine: Engine, session_hash: str) -> User | None:
    """The user of a session that has not expired (and note that it was seen)."""
    now = utcnow()
    with one_read(engine) as connection:
        row = connection.execute(
            sa.select(table_of(User), col(UserSession.last_seen_at).label("_seen"))
            .join(UserSession, col(UserSession.user_id) == col(User.id))
            .where(col(UserSession.id) == session_hash, col(UserSession.expires_at) > now)
        ).first()
    if row is None:
        return None
    data = dict(row._mapping)
    seen: datetime = data.pop("_seen")
    if now - seen > SEEN_EVERY:
        with engine.begin() as connection:
            connection.execute(
                sa.update(table_of(UserSession))
                .where(col(UserSession.id) == session_hash)
                .values(last_seen_at=now)
            )
    return User(**data)


def delete_session(engine: Engine, session_hash: str) -> int | None:
    """End a session (sign-out); returns its user's id, or None if there was no such session."""
    with write_transaction(engine) as connection:
        user_id = connection.scalar(
            sa.select(col(UserSession.user_id)).where(col(UserSession.id) == session_hash)
        )
        if user_id is None:
            return None
        connection.execute(
            sa.delete(table_of(UserSession)).where(col(UserSession.id) == session_hash)
        )
        record_access_change(connection, user_id, SIGNED_OUT)
    return int(user_id)


# -- personal access tokens -----------------------------------------------------------


def insert_token(engine: Engine, user_id: int, name: str, token_hash: str, prefix: str) -> int:
    with engine.begin() as connection:
        return known(
            connection.execute(
                sa.insert(table_of(AccessToken))
                .values(
                    user_id=user_id,
                    name=name,
                    token_hash=token_hash,
                    prefix=prefix,
                    created_at=utcnow(),
                )
                .returning(col(AccessToken.id))
            ).scalar_one()
        )


def list_tokens(engine: Engine, user_id: int) -> list[AccessToken]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(AccessToken))
            .where(col(AccessToken.user_id) == user_id)
            .order_by(col(AccessToken.created_at).desc(), col(AccessToken.id).desc())
        ).all()
    return [AccessToken(**dict(row._mapping)) for row in rows]


def revoke_token(engine: Engine, user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if they have no such live token."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.update(table_of(AccessToken))
            .where(
                col(AccessToken.id) == token_id,
                col(AccessToken.user_id) == user_id,
                col(AccessToken.revoked_at).is_(None),
            )
            .values(revoked_at=utcnow())
        )
        if result.rowcount != 1:
            return False
        record_access_change(connection, user_id, TOKEN_REVOKED)
    return True


def token_user(engine: Engine, token_hash: str) -> tuple[User, int] | None:
    """The owner of a live (not revoked) token and the token's id, noting when it was
    used (to the minute)."""
    now = utcnow()
    with one_read(engine) as connection:
        row = connection.execute(
            sa.select(table_of(User), col(AccessToken.id).label("_token"))
            .add_columns(col(AccessToken.last_used_at).label("_used"))
            .join(AccessToken, col(AccessToken.user_id) == col(User.id))
            .where(col(AccessToken.token_hash) == token_hash, col(AccessToken.revoked_at).is_(None))
        ).first()
    if row is None:
        return None
    data = dict(row._mapping)
    token_id, used = data.pop("_token"), data.pop("_used")
    if used is None or now - used > SEEN_EVERY:
        with engine.begin() as connection:
            connection.execute(
                sa.update(table_of(AccessToken))
                .where(col(AccessToken.id) == token_id)
                .values(last_used_at=now)
            )
    return User(**data), int(token_id)
