"""Encounters and staff scripts in SQL: blocking functions, one short transaction each
(or the caller's, for a write that also queues an email)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pycrdt import Doc
from sqlalchemy import Connection, Engine
from sqlmodel import col

from collab.erase import FORMER_MEMBER, mention_pattern, scrub, scrub_string
from domain.encounter_scripts import Record, Script
from storage.accounts import User
from storage.database import write_transaction
from storage.encounters import Encounter, EncounterScript
from storage.log_queries import normalised
from storage.models import utcnow
from storage.people import Mentorship
from storage.tables import known, table_of


class ScriptTaken(ValueError):
    """A script with that name exists already."""


def running_mentorship(engine: Engine, mentor_id: int, member_id: int) -> Mentorship | None:
    """The running mentorship in which `mentor_id` mentors `member_id`, if any."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(table_of(Mentorship))
            .where(
                col(Mentorship.mentor_id) == mentor_id,
                col(Mentorship.member_id) == member_id,
                col(Mentorship.ended_at).is_(None),
            )
            .order_by(col(Mentorship.started_at).desc())
            .limit(1)
        ).first()
    return Mentorship(**row._mapping) if row is not None else None


def insert_encounter(connection: Connection, values: dict[str, Any]) -> int:
    now = utcnow()
    row = {"held_at": now, "created_at": now, "updated_at": now, **values}
    return known(
        connection.execute(
            sa.insert(table_of(Encounter)).values(**row).returning(col(Encounter.id))
        ).scalar_one()
    )


def update_encounter(connection: Connection, encounter_id: int, record: Record) -> None:
    connection.execute(
        sa.update(table_of(Encounter))
        .where(col(Encounter.id) == encounter_id)
        .values(
            answers=list(record.answers),
            checked=list(record.checked),
            notes=record.notes,
            updated_at=utcnow(),
        )  # fmt: skip
    )


def _encounters(engine: Engine, *where: Any, newest_first: bool = True) -> list[Encounter]:
    order = (col(Encounter.created_at), col(Encounter.id))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(Encounter))
            .where(*where)
            .order_by(*(o.desc() for o in order) if newest_first else order)
        ).all()
    return [Encounter(**row._mapping) for row in rows]


def get_encounter(engine: Engine, encounter_id: int) -> Encounter | None:
    found = _encounters(engine, col(Encounter.id) == encounter_id)
    return found[0] if found else None


def encounters_of_member(engine: Engine, member_id: int) -> list[Encounter]:
    """The member's encounters, newest first."""
    return _encounters(engine, col(Encounter.member_user_id) == member_id)


def encounters_by_mentor(engine: Engine, mentor_id: int) -> list[Encounter]:
    """The encounters a mentor recorded, newest first."""
    return _encounters(engine, col(Encounter.mentor_user_id) == mentor_id)


def members_in_mentorship(engine: Engine, mentor_id: int) -> set[int]:
    """The members `mentor_id` mentors in a running mentorship: those they record
    encounters with."""
    with engine.connect() as connection:
        return set(
            connection.execute(
                sa.select(col(Mentorship.member_id)).where(
                    col(Mentorship.mentor_id) == mentor_id, col(Mentorship.ended_at).is_(None)
                )
            ).scalars()
        )


def members_met_by(engine: Engine, mentor_id: int) -> set[int]:
    """The members `mentor_id` recorded an encounter with (they may read those)."""
    with engine.connect() as connection:
        return set(
            connection.execute(
                sa.select(col(Encounter.member_user_id))
                .where(col(Encounter.mentor_user_id) == mentor_id)
                .distinct()
            ).scalars()
        )


def recorded_by_mentor(engine: Engine, mentor_id: int) -> list[datetime]:
    """When each encounter the mentor recorded was written, oldest first (their badge)."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(col(Encounter.created_at))
                .where(col(Encounter.mentor_user_id) == mentor_id)
                .order_by(col(Encounter.created_at), col(Encounter.id))
            ).scalars()
        )


def previous_encounter(engine: Engine, encounter: Encounter) -> Encounter | None:
    """The member's encounter on the same curriculum recorded just before this one."""
    earlier = [
        e
        for e in _encounters(
            engine,
            col(Encounter.member_user_id) == encounter.member_user_id,
            col(Encounter.doc_id) == encounter.doc_id,
            col(Encounter.created_at) <= encounter.created_at,
        )
        if (e.created_at, e.id or 0) < (encounter.created_at, encounter.id or 0)
    ]
    return earlier[0] if earlier else None


def latest_encounter(engine: Engine, member_id: int, doc_id: str) -> Encounter | None:
    found = _encounters(
        engine, col(Encounter.member_user_id) == member_id, col(Encounter.doc_id) == doc_id
    )
    return found[0] if found else None


def names_of(engine: Engine, user_ids: Sequence[int]) -> dict[int, str]:
    """{user id: name} of the people given."""
    if not user_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(User.id), col(User.name)).where(col(User.id).in_(sorted(set(user_ids))))
        ).all()
    return {known(user_id): name for user_id, name in rows}


def names_by_email(engine: Engine, emails: Sequence[str]) -> dict[str, str]:
    if not emails:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(User.email), col(User.name)).where(
                col(User.email).in_(sorted(set(emails)))
            )
        ).all()
    return {email: name for email, name in rows}


# -- scripts ------------------------------------------------------------------------


def _script(row: Any) -> Script:
    return Script(
        row.slug, row.title, row.purpose, tuple(row.questions), tuple(row.checks), shipped=False
    )


def staff_scripts(engine: Engine) -> list[Script]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(EncounterScript)).order_by(col(EncounterScript.title))
        ).all()
    return [_script(row) for row in rows]


def add_script(engine: Engine, script: Script, created_by: int) -> None:
    """Store a staff member's script; ScriptTaken when its name is in use."""
    try:
        with write_transaction(engine) as connection:
            connection.execute(
                sa.insert(table_of(EncounterScript)).values(
                    slug=script.slug,
                    title=script.title,
                    purpose=script.purpose,
                    questions=list(script.questions),
                    checks=list(script.checks),
                    created_by=created_by,
                    created_at=utcnow(),
                )  # fmt: skip
            )
    except sa.exc.IntegrityError:
        raise ScriptTaken("A script with that name exists already.") from None


# -- ForgetMe -------------------------------------------------------------------------


def _scrubbed_state(update: bytes, needles: Sequence[str]) -> bytes | None:
    """The stored curriculum state with every mention replaced, re-encoded so that no
    deleted text stays in it; None when a mention would remain anyway."""
    doc: Doc[Any] = Doc()
    doc.apply_update(update)
    scrub(doc, list(needles), FORMER_MEMBER)
    fresh = normalised(doc.get_update())
    found = any(n and n.encode() in fresh for n in needles)
    return None if found else fresh


def scrub_encounter_mentions(engine: Engine, needles: Sequence[str]) -> int:
    """ForgetMe: a person's name or email in anyone's encounter notes, answers or stored
    curriculum states becomes "former member" (their own encounters, as member or
    author, go with their account). Returns how many encounters changed."""
    pattern = mention_pattern(list(needles))
    if pattern is None:
        return 0
    changed = 0
    with write_transaction(engine) as connection:
        rows = connection.execute(
            sa.select(
                col(Encounter.id),
                col(Encounter.notes),
                col(Encounter.answers),
                col(Encounter.baseline),
            )  # fmt: skip
        ).all()
        for row in rows:
            notes = scrub_string(row.notes, pattern)
            answers = [scrub_string(a, pattern) for a in row.answers]
            baseline = row.baseline
            if baseline is not None and any(n and n.encode() in baseline for n in needles):
                baseline = _scrubbed_state(bytes(baseline), needles)
            if (notes, answers, baseline) != (row.notes, list(row.answers), row.baseline):
                connection.execute(
                    sa.update(table_of(Encounter))
                    .where(col(Encounter.id) == row.id)
                    .values(notes=notes, answers=answers, baseline=baseline)
                )
                changed += 1
    return changed
