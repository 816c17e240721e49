"""Applications in SQL: storing one, listing them for staff, and deciding.

Accepting creates the account and the profile with the functions `mentorhub people
import` uses (`_insert_user`, `save_profile`), inside the caller's write transaction, so
the welcome email queued beside it is sent if and only if the account was made. A
decision is a conditional update (`WHERE state = 'pending'`): two staff deciding at once
get one decision and one refusal. Blocking functions; the server calls them with
`asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from domain.matching import OfferedSkill
from domain.matching import Profile as MatchProfile
from storage.account_queries import _insert_user
from storage.accounts import User
from storage.applications import JoinApplication
from storage.database import write_transaction
from storage.models import utcnow
from storage.profile_queries import save_profile
from storage.tables import known, table_of

TABLE = table_of(JoinApplication)


class ApplicationRefused(ValueError):
    """The decision cannot be made; the message says why, for staff."""


def _application(row: Any) -> JoinApplication:
    return JoinApplication(**dict(row._mapping))


def insert_application(engine: Engine, values: Mapping[str, Any]) -> int:
    """Store a new application (its fields checked by the form); its id."""
    now = utcnow()
    with write_transaction(engine) as connection:
        return known(
            connection.execute(
                sa.insert(TABLE)
                .values(**values, state="pending", note="", reply="", submitted_at=now)
                .returning(col(JoinApplication.id))
            ).scalar_one()
        )


def get_application(engine: Engine, application_id: int) -> JoinApplication | None:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(TABLE).where(col(JoinApplication.id) == application_id)
        ).first()
    return _application(row) if row is not None else None


def list_applications(engine: Engine, limit: int = 200) -> list[JoinApplication]:
    """Pending applications first (oldest first), then the decided ones (newest first)."""
    pending = col(JoinApplication.state) == "pending"
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(TABLE)
            .order_by(
                sa.case((pending, 0), else_=1),
                sa.case((pending, col(JoinApplication.submitted_at)), else_=None),
                col(JoinApplication.decided_at).desc(),
                col(JoinApplication.id),
            )
            .limit(limit)
        ).all()
    return [_application(row) for row in rows]


def profile_of(application: JoinApplication) -> MatchProfile:
    """The profile an accepted application becomes: a mentor offers the skills (at the
    level they gave), a member seeks them."""
    mentor = application.kind == "mentor"
    return MatchProfile(
        email=application.email, name=application.name,
        role="mentor" if mentor else "member", about=application.about,
        offers=tuple(OfferedSkill(s, application.level) for s in application.skills) if mentor
        else (),
        seeks=() if mentor else tuple(application.skills),
        formats=frozenset(application.formats), timezone=application.timezone,
        hours_per_week=application.hours_per_week,
        capacity=application.capacity if mentor else 0,
    )  # fmt: skip


def _decide(
    connection: Connection, application_id: int, state: str, staff_id: int, note: str
) -> JoinApplication:
    updated = connection.execute(
        sa.update(TABLE)
        .where(col(JoinApplication.id) == application_id, col(JoinApplication.state) == "pending")
        .values(state=state, note=note, decided_at=utcnow(), decided_by=staff_id)
    )
    row = connection.execute(
        sa.select(TABLE).where(col(JoinApplication.id) == application_id)
    ).first()
    if row is None:
        raise ApplicationRefused("There is no such application.")
    if updated.rowcount == 0:
        raise ApplicationRefused(f"This application was {row.state} already.")
    return _application(row)


def accept(connection: Connection, application_id: int, staff_id: int, note: str) -> User:
    """Accept the application and create its account and profile; the new user.

    Refused (nothing written, once the caller's transaction rolls back) when it was
    decided already or an account with its email exists."""
    application = _decide(connection, application_id, "accepted", staff_id, note)
    taken = connection.execute(
        sa.select(col(User.id)).where(col(User.email) == application.email)
    ).first()
    if taken is not None:
        raise ApplicationRefused(
            f"An account with the email {application.email} exists already: "
            "decline this application, or change that account's role with the command line."
        )
    profile = profile_of(application)
    user = _insert_user(
        connection, {"email": application.email, "name": application.name, "role": profile.role}
    )
    assert user.id is not None
    save_profile(connection, user.id, profile, None)
    connection.execute(
        sa.update(TABLE).where(col(JoinApplication.id) == application_id).values(user_id=user.id)
    )
    return user


def decline(connection: Connection, application_id: int, staff_id: int, note: str) -> None:
    """Decline the application: nothing else is created."""
    _decide(connection, application_id, "declined", staff_id, note)


def record_reply(engine: Engine, application_id: int, outcome: str) -> None:
    """Note whether the decline's email went out ("sent", or "not sent: why")."""
    with write_transaction(engine) as connection:
        connection.execute(
            sa.update(TABLE)
            .where(col(JoinApplication.id) == application_id)
            .values(reply=outcome[:300])
        )
