"""Starting a mentorship without ever exceeding the mentor's capacity.

`start_mentorship` runs inside the caller's write transaction. It first locks the
mentor's profile row (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the write
transaction, `BEGIN IMMEDIATE`, already holds the database's one write lock), then
counts the mentorships still running. Two acceptances racing for a mentor's last place
therefore run one after the other: the second counts the first's mentorship and is
refused with `NoFreePlace`. The count is always of the rows themselves, so nothing can
drift out of step with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlmodel import col

from storage.access_change_queries import ADDED, record_access_change
from storage.accounts import CurriculumMember
from storage.curriculum_queries import insert_curriculum
from storage.models import Document, utcnow
from storage.people import Mentorship, Profile
from storage.tables import known, table_of


class MentorshipRefused(ValueError):
    """The mentorship cannot start; the message says why, to the person who tried."""


class NoFreePlace(MentorshipRefused):
    def __init__(self, taken: int, capacity: int) -> None:
        self.taken, self.capacity = taken, capacity
        super().__init__(f"no free mentee place ({taken} of {capacity} taken)")


class Paused(MentorshipRefused):
    def __init__(self) -> None:
        super().__init__("paused: takes no new mentees for now")


@dataclass(frozen=True)
class Started:
    mentorship_id: int
    doc_id: str
    new_curriculum: bool  # False: the mentor joined the member's existing curriculum
    already_mentoring: bool  # the two already had a running mentorship: no place used


@dataclass(frozen=True)
class NewCurriculum:
    """What to create when the member has no curriculum yet."""

    doc_id: str
    title: str
    first_update: Callable[[], bytes]


def member_curriculum(connection: Connection, member_id: int) -> str | None:
    """The member's own curriculum (the first they were the member of), if any."""
    return connection.execute(
        sa.select(col(CurriculumMember.doc_id))
        .join(Document, col(Document.id) == col(CurriculumMember.doc_id))
        .where(col(CurriculumMember.user_id) == member_id, col(CurriculumMember.role) == "member")
        .order_by(col(Document.created_at), col(Document.id))
        .limit(1)
    ).scalar()


def start_mentorship(
    connection: Connection,
    *,
    member_id: int,
    mentor_id: int,
    kind: str,
    new_curriculum: NewCurriculum,
    request_id: int | None = None,
    offer_id: int | None = None,
) -> Started:
    """Start (or find) the mentorship of member and mentor, on the member's curriculum."""
    if member_id == mentor_id:
        raise MentorshipRefused("nobody can mentor themselves")
    profile = connection.execute(
        sa.select(col(Profile.capacity), col(Profile.paused), col(Profile.mentees_elsewhere))
        .where(col(Profile.user_id) == mentor_id)
        .with_for_update()
    ).first()
    running = connection.execute(
        sa.select(col(Mentorship.id), col(Mentorship.member_id), col(Mentorship.doc_id)).where(
            col(Mentorship.mentor_id) == mentor_id, col(Mentorship.ended_at).is_(None)
        )
    ).all()
    same = next((row for row in running if row.member_id == member_id), None)
    if same is not None and same.doc_id is not None:
        return Started(same.id, same.doc_id, new_curriculum=False, already_mentoring=True)
    capacity = profile.capacity if profile is not None else 0
    taken = len(running) + (profile.mentees_elsewhere if profile is not None else 0)
    if profile is not None and profile.paused:
        raise Paused()
    if taken >= capacity:
        raise NoFreePlace(taken, capacity)
    doc_id = member_curriculum(connection, member_id)
    created = doc_id is None
    if doc_id is None:
        doc_id = new_curriculum.doc_id
        insert_curriculum(
            connection, doc_id, new_curriculum.title, new_curriculum.first_update(),
            member_id, [mentor_id],
        )  # fmt: skip
    else:
        on_it = connection.execute(
            sa.select(col(CurriculumMember.role)).where(
                col(CurriculumMember.doc_id) == doc_id, col(CurriculumMember.user_id) == mentor_id
            )
        ).first()
        if on_it is None:
            connection.execute(
                sa.insert(table_of(CurriculumMember)).values(
                    doc_id=doc_id, user_id=mentor_id, role="mentor"
                )
            )
            record_access_change(connection, mentor_id, ADDED)  # a staff mentor may be reading
    mentorship_id = connection.execute(
        sa.insert(table_of(Mentorship))
        .values(
            member_id=member_id,
            mentor_id=mentor_id,
            doc_id=doc_id,
            kind=kind,
            request_id=request_id,
            offer_id=offer_id,
            started_at=utcnow(),
        )  # fmt: skip
        .returning(col(Mentorship.id))
    ).scalar_one()
    return Started(known(mentorship_id), doc_id, new_curriculum=created, already_mentoring=False)


def end_mentorship(connection: Connection, mentorship_id: int, user_id: int) -> Mentorship | None:
    """End a running mentorship one of its two people is in; frees the mentor's place.
    The curriculum stays as it is (both keep access). None if there is no such thing."""
    row = connection.execute(
        sa.select(table_of(Mentorship)).where(
            col(Mentorship.id) == mentorship_id,
            col(Mentorship.ended_at).is_(None),
            sa.or_(col(Mentorship.member_id) == user_id, col(Mentorship.mentor_id) == user_id),
        )
    ).first()
    if row is None:
        return None
    connection.execute(
        sa.update(table_of(Mentorship))
        .where(col(Mentorship.id) == mentorship_id)
        .values(ended_at=utcnow())
    )
    return Mentorship(**row._mapping)
