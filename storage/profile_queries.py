"""Profiles in SQL, read as `domain.matching.Profile`: saving one, importing many, and the
people a request or an offer could be matched with.

A profile's `mentees` (what matching compares with `capacity`) is computed, never
stored: the mentorships still running plus the mentees they have outside mentorHub.
Blocking functions; the server calls them with `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import SQLModel, col

from domain.matching import OfferedSkill
from domain.matching import Profile as MatchProfile
from storage.account_queries import AccountError, _insert_user, normalise_email
from storage.accounts import ROLES, User
from storage.database import write_transaction
from storage.models import utcnow
from storage.notifications import NotificationPreference
from storage.people import (
    MentoringOffer,
    MentoringRequest,
    Mentorship,
    Profile,
    ProfileSkill,
    Proposal,
)
from storage.tables import table_of


@dataclass(frozen=True)
class Person:
    """A user with their profile as matching sees it (`has_profile` False: defaults)."""

    user_id: int
    profile: MatchProfile
    has_profile: bool = True
    mentees_elsewhere: int = 0


def active_mentees(connection: Connection, mentor_ids: Sequence[int]) -> dict[int, int]:
    """How many running mentorships each mentor has."""
    if not mentor_ids:
        return {}
    rows = connection.execute(
        sa.select(col(Mentorship.mentor_id), sa.func.count())
        .where(col(Mentorship.mentor_id).in_(list(mentor_ids)), col(Mentorship.ended_at).is_(None))
        .group_by(col(Mentorship.mentor_id))
    ).all()
    return {mentor_id: int(count) for mentor_id, count in rows}


def _people(connection: Connection, where: Any) -> list[Person]:
    users = connection.execute(
        sa.select(table_of(User), table_of(Profile))
        .select_from(table_of(User))
        .outerjoin(table_of(Profile), col(Profile.user_id) == col(User.id))
        .where(where)
        .order_by(col(User.email))
    ).all()
    ids = [row.id for row in users]
    skills: dict[int, list[Any]] = {user_id: [] for user_id in ids}
    if ids:
        for row in connection.execute(
            sa.select(table_of(ProfileSkill))
            .where(col(ProfileSkill.user_id).in_(ids))
            .order_by(col(ProfileSkill.user_id), col(ProfileSkill.skill))
        ):
            skills[row.user_id].append(row)
    running = active_mentees(connection, ids)
    people = []
    for row in users:
        has_profile = row.user_id is not None
        elsewhere = row.mentees_elsewhere if has_profile else 0
        offers = tuple(
            OfferedSkill(s.skill, s.level or "working")
            for s in skills[row.id]
            if s.side == "offers"
        )
        profile = MatchProfile(
            email=row.email, name=row.name, role=row.role,
            about=row.about if has_profile else "", offers=offers,
            seeks=tuple(s.skill for s in skills[row.id] if s.side == "seeks"),
            formats=frozenset(row.formats or ()) if has_profile else frozenset(),
            timezone=row.timezone if has_profile else "UTC",
            hours_per_week=row.hours_per_week if has_profile else 0.0,
            capacity=row.capacity if has_profile else 0,
            mentees=elsewhere + running.get(row.id, 0),
            paused=bool(row.paused) if has_profile else False,
        )  # fmt: skip
        people.append(Person(row.id, profile, has_profile, elsewhere))
    return people


def get_person(engine: Engine, user_id: int) -> Person | None:
    with engine.connect() as connection:
        found = _people(connection, col(User.id) == user_id)
    return found[0] if found else None


def candidates(
    engine: Engine, side: str, skills: Sequence[str], exclude_user_id: int | None = None
) -> list[Person]:
    """People who could be matched at all: not paused, with a skill on `side` ("offers"
    for a request, "seeks" for an offer) among `skills`, or any skill there when
    `skills` is empty. Full mentors are left to `domain.matching.rank` (it says why)."""
    having = sa.select(col(ProfileSkill.user_id)).where(col(ProfileSkill.side) == side)
    if skills:
        having = having.where(col(ProfileSkill.skill).in_(list(skills)))
    where = sa.and_(
        col(User.id).in_(having),
        col(Profile.paused).is_(False),
        col(User.id) != (exclude_user_id if exclude_user_id is not None else -1),
    )
    with engine.connect() as connection:
        return _people(connection, where)


def save_profile(
    connection: Connection, user_id: int, profile: MatchProfile, mentees_elsewhere: int | None
) -> None:
    """Write the profile and its skills (replacing what was there). `mentees_elsewhere`
    None keeps the stored count."""
    values = {
        "about": profile.about,
        "formats": sorted(profile.formats),
        "timezone": profile.timezone,
        "hours_per_week": float(profile.hours_per_week),
        "capacity": profile.capacity,
        "paused": profile.paused,
        "updated_at": utcnow(),
    }
    if mentees_elsewhere is not None:
        values["mentees_elsewhere"] = mentees_elsewhere
    table = table_of(Profile)
    updated = connection.execute(
        sa.update(table).where(col(Profile.user_id) == user_id).values(**values)
    )
    if updated.rowcount == 0:
        values.setdefault("mentees_elsewhere", 0)
        connection.execute(sa.insert(table).values(user_id=user_id, **values))
    connection.execute(
        sa.delete(table_of(ProfileSkill)).where(col(ProfileSkill.user_id) == user_id)
    )
    rows = [
        {"user_id": user_id, "side": "offers", "skill": o.skill, "level": o.level}
        for o in profile.offers
    ] + [{"user_id": user_id, "side": "seeks", "skill": s, "level": None} for s in profile.seeks]
    if rows:
        connection.execute(sa.insert(table_of(ProfileSkill)), rows)


def update_profile(engine: Engine, user_id: int, profile: MatchProfile) -> None:
    """A person edits their own profile (name, email and role are not theirs to change here)."""
    with write_transaction(engine) as connection:
        save_profile(connection, user_id, profile, None)


@dataclass(frozen=True)
class Imported:
    created: tuple[str, ...]
    updated: tuple[str, ...]


def import_people(engine: Engine, entries: Sequence[tuple[MatchProfile, bool]]) -> Imported:
    """Create or update users and their profiles, all in one transaction.

    Each entry is (profile, mentees given): `profile.mentees` is recorded as mentees
    outside mentorHub when the import names it. Users keep their id and sign-in; their
    name and role become those of the import.
    """
    created, updated = [], []
    with write_transaction(engine) as connection:
        for profile, mentees_given in entries:
            email = normalise_email(profile.email)
            if profile.role not in ROLES:
                raise AccountError(f"{email}: role must be one of {', '.join(ROLES)}")
            name = profile.name.strip() or email.split("@", 1)[0]
            row = connection.execute(
                sa.select(col(User.id)).where(col(User.email) == email)
            ).first()
            if row is None:
                user = _insert_user(
                    connection, {"email": email, "name": name[:200], "role": profile.role}
                )
                assert user.id is not None
                user_id = user.id
                created.append(email)
            else:
                user_id = row.id
                connection.execute(
                    sa.update(table_of(User))
                    .where(col(User.id) == user_id)
                    .values(name=name[:200], role=profile.role)
                )
                updated.append(email)
            save_profile(connection, user_id, profile, profile.mentees if mentees_given else None)
    return Imported(tuple(created), tuple(updated))


# Free text about people that others wrote: what ForgetMe scrubs of a person's name.
PEOPLE_TEXT = {
    "profile": ("user_id", ("about",)),
    "mentoring_request": ("id", ("goal", "motivation", "expectations", "description")),
    "mentoring_offer": ("id", ("title", "text")),
    "proposal": ("id", ("message", "note")),
    "notification_outbox": ("id", ("subject", "body")),
}


def rewrite_mentions(engine: Engine, needles: Sequence[str], rewrite: Callable[[str], str]) -> int:
    """Apply `rewrite` to every text of PEOPLE_TEXT that mentions a needle (any case);
    how many rows changed. ForgetMe runs it before the person's own rows go."""
    changed = 0
    metadata = SQLModel.metadata
    with write_transaction(engine) as connection:
        for name, (key, columns) in PEOPLE_TEXT.items():
            table = metadata.tables[name]
            mentions = [
                sa.func.lower(table.c[column]).contains(needle.lower(), autoescape=True)
                for column in columns
                for needle in needles
                if needle
            ]
            if not mentions:
                continue
            rows = connection.execute(
                sa.select(table.c[key], *(table.c[c] for c in columns)).where(sa.or_(*mentions))
            ).all()
            for row in rows:
                values = {c: rewrite(row._mapping[c]) for c in columns}
                connection.execute(
                    sa.update(table).where(table.c[key] == row._mapping[key]).values(**values)
                )
                changed += 1
    return changed


def export_people_data(engine: Engine, user_id: int) -> dict[str, Any]:
    """What finding each other holds about a person, for their data export (JSON-ready)."""
    person = get_person(engine, user_id)
    with engine.connect() as connection:

        def rows(table: Any, *where: Any) -> list[dict[str, Any]]:
            found = connection.execute(sa.select(table.__table__).where(*where)).all()
            return [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r._mapping.items()}
                for r in found
            ]

        data: dict[str, Any] = {
            "requests": rows(MentoringRequest, col(MentoringRequest.member_id) == user_id),
            "offers": rows(MentoringOffer, col(MentoringOffer.mentor_id) == user_id),
            "proposals_received": rows(Proposal, col(Proposal.mentor_id) == user_id),
            "mentorships": rows(
                Mentorship,
                sa.or_(col(Mentorship.member_id) == user_id, col(Mentorship.mentor_id) == user_id),
            ),
            "email_choices": {
                r["kind"]: r["enabled"]
                for r in rows(
                    NotificationPreference, col(NotificationPreference.user_id) == user_id
                )
            },
        }
    if person is not None and person.has_profile:
        p = person.profile
        data["profile"] = {
            "about": p.about, "offers": [{"skill": o.skill, "level": o.level} for o in p.offers],
            "seeks": list(p.seeks), "formats": sorted(p.formats), "timezone": p.timezone,
            "hours_per_week": p.hours_per_week, "capacity": p.capacity, "paused": p.paused,
        }  # fmt: skip
    return data
