"""Who is on which curriculum, in SQL: the membership read model beside the documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from storage.access_change_queries import ADDED, REMOVED, record_access_change
from storage.accounts import CurriculumMember, User
from storage.database import PreparedRead, write_transaction
from storage.models import DOC_ID_PATTERN, Document, UpdateLogEntry, utcnow
from storage.tables import known, table_of


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str
    role: str  # member | mentor


@dataclass(frozen=True)
class CurriculumRow:
    doc_id: str
    title: str
    people: tuple[Person, ...]


# Built once and run straight on the driver: every /collab connection asks.
_ROLE_ON = PreparedRead(
    sa.select(col(Document.id), col(CurriculumMember.role))
    .select_from(Document)
    .outerjoin(
        CurriculumMember,
        sa.and_(
            col(CurriculumMember.doc_id) == col(Document.id),
            col(CurriculumMember.user_id) == sa.bindparam("user_id"),
        ),
    )
    .where(col(Document.id) == sa.bindparam("doc_id"))
)


def role_on(engine: Engine, doc_id: str, user_id: int) -> tuple[bool, str | None]:
    """(does the document exist, the user's role on it or None)."""
    if not DOC_ID_PATTERN.fullmatch(doc_id):
        return False, None
    rows = _ROLE_ON.rows(engine, doc_id=doc_id, user_id=user_id)
    return (False, None) if not rows else (True, rows[0][1])


def people_on(engine: Engine, doc_ids: Sequence[str]) -> dict[str, list[Person]]:
    """The people on each of `doc_ids`, member first."""
    found: dict[str, list[Person]] = {doc_id: [] for doc_id in doc_ids}
    if not doc_ids:
        return found
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                col(CurriculumMember.doc_id),
                col(User.id),
                col(User.name),
                col(User.email),
                col(CurriculumMember.role),
            )
            .join(User, col(User.id) == col(CurriculumMember.user_id))
            .where(col(CurriculumMember.doc_id).in_(list(doc_ids)))
            .order_by(col(CurriculumMember.role).desc(), col(User.name))
        ).all()
    for doc_id, user_id, name, email, role in rows:
        found[doc_id].append(Person(known(user_id), name, email, role))
    return found


def curricula_rows(engine: Engine, user_id: int | None) -> list[CurriculumRow]:
    """The curricula `user_id` is on (every curriculum when None), by title."""
    query = sa.select(col(Document.id), col(Document.title)).order_by(
        col(Document.title), col(Document.id)
    )
    if user_id is not None:
        query = query.join(CurriculumMember, col(CurriculumMember.doc_id) == col(Document.id))
        query = query.where(col(CurriculumMember.user_id) == user_id)
    else:
        on_some = sa.select(col(CurriculumMember.doc_id)).distinct()
        query = query.where(col(Document.id).in_(on_some))
    with engine.connect() as connection:
        docs = connection.execute(query).all()
    people = people_on(engine, [doc_id for doc_id, _ in docs])
    return [CurriculumRow(doc_id, title, tuple(people[doc_id])) for doc_id, title in docs]


def create_curriculum(
    engine: Engine,
    doc_id: str,
    title: str,
    initial_update: bytes,
    member_id: int,
    mentor_ids: Sequence[int],
) -> None:
    """The document row, its first update and its people, in one transaction."""
    with write_transaction(engine) as connection:
        insert_curriculum(connection, doc_id, title, initial_update, member_id, mentor_ids)


def insert_curriculum(
    connection: Connection,
    doc_id: str,
    title: str,
    initial_update: bytes,
    member_id: int,
    mentor_ids: Sequence[int],
) -> None:
    """`create_curriculum` inside a transaction the caller holds."""
    now = utcnow()
    connection.execute(
        sa.insert(table_of(Document)).values(id=doc_id, title=title, created_at=now, updated_at=now)
    )
    connection.execute(
        sa.insert(table_of(UpdateLogEntry)).values(
            doc_id=doc_id, data=initial_update, created_at=now
        )
    )
    people = [{"doc_id": doc_id, "user_id": member_id, "role": "member"}]
    people += [
        {"doc_id": doc_id, "user_id": m, "role": "mentor"}
        for m in dict.fromkeys(mentor_ids)
        if m != member_id
    ]
    connection.execute(sa.insert(table_of(CurriculumMember)), people)


def set_title(engine: Engine, doc_id: str, title: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(table_of(Document))
            .where(col(Document.id) == doc_id)
            .values(title=title, updated_at=utcnow())
        )


def delete_document(engine: Engine, doc_id: str) -> None:
    """The document and everything stored for it (log, snapshot, people: cascade)."""
    with write_transaction(engine) as connection:
        connection.execute(sa.delete(table_of(Document)).where(col(Document.id) == doc_id))


def add_mentor(engine: Engine, doc_id: str, user_id: int) -> bool:
    """Put a mentor on a curriculum; False if they are on it already (or it is not there)."""
    with write_transaction(engine) as connection:
        exists = connection.scalar(sa.select(col(Document.id)).where(col(Document.id) == doc_id))
        on_it = connection.scalar(
            sa.select(col(CurriculumMember.role)).where(
                col(CurriculumMember.doc_id) == doc_id, col(CurriculumMember.user_id) == user_id
            )
        )
        if exists is None or on_it is not None:
            return False
        connection.execute(
            sa.insert(table_of(CurriculumMember)).values(
                doc_id=doc_id, user_id=user_id, role="mentor"
            )
        )
        record_access_change(connection, user_id, ADDED)
    return True


def remove_mentor(engine: Engine, doc_id: str, user_id: int) -> bool:
    """Take a mentor off a curriculum; False if they were not a mentor on it. Their open
    connections to it are closed (storage/access_changes.py)."""
    with write_transaction(engine) as connection:
        result = connection.execute(
            sa.delete(table_of(CurriculumMember)).where(
                col(CurriculumMember.doc_id) == doc_id,
                col(CurriculumMember.user_id) == user_id,
                col(CurriculumMember.role) == "mentor",
            )
        )
        if result.rowcount != 1:
            return False
        record_access_change(connection, user_id, REMOVED)
    return True
