"""Requests, offers and proposals in SQL: writing them and reading them for the pages.

Functions that change something take a `Connection` inside a transaction the caller
opened (`write_transaction`), so that the notification telling about the change is
written in the same transaction (see `server/notifications`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from storage.account_queries import _one_user
from storage.accounts import User
from storage.models import utcnow
from storage.people import MentoringOffer, MentoringRequest, Mentorship, Proposal
from storage.tables import known, table_of


@dataclass(frozen=True)
class PersonRef:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class ProposalRow:
    id: int
    request_id: int
    mentor: PersonRef
    member: PersonRef
    state: str
    message: str
    note: str
    created_at: datetime
    answered_at: datetime | None
    request_goal: str


def _ref(row: Any, prefix: str) -> PersonRef:
    mapping = row._mapping
    return PersonRef(
        mapping[f"{prefix}__id"], mapping[f"{prefix}__name"], mapping[f"{prefix}__email"]
    )


def _people_columns(alias: Any, prefix: str) -> list[Any]:
    return [
        alias.c.id.label(f"{prefix}__id"),
        alias.c.name.label(f"{prefix}__name"),
        alias.c.email.label(f"{prefix}__email"),
    ]


def user_in(connection: Connection, user_id: int) -> User | None:
    """A user, read inside the caller's transaction."""
    return _one_user(connection, col(User.id) == user_id)


# -- requests --------------------------------------------------------------------------


def insert_request(connection: Connection, member_id: int, values: Mapping[str, Any]) -> int:
    now = utcnow()
    return known(
        connection.execute(
            sa.insert(table_of(MentoringRequest))
            .values(member_id=member_id, state="open", created_at=now, updated_at=now, **values)
            .returning(col(MentoringRequest.id))
        ).scalar_one()
    )


def get_request(engine: Engine, request_id: int) -> MentoringRequest | None:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(table_of(MentoringRequest)).where(col(MentoringRequest.id) == request_id)
        ).first()
    return MentoringRequest(**row._mapping) if row is not None else None


def requests_of(engine: Engine, member_id: int) -> list[MentoringRequest]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(MentoringRequest))
            .where(col(MentoringRequest.member_id) == member_id)
            .order_by(col(MentoringRequest.created_at).desc(), col(MentoringRequest.id).desc())
        ).all()
    return [MentoringRequest(**row._mapping) for row in rows]


def set_request_state(
    connection: Connection, request_id: int, state: str, only_from: Sequence[str]
) -> bool:
    """Move a request to `state` if it is in one of `only_from`; False otherwise."""
    done = connection.execute(
        sa.update(table_of(MentoringRequest))
        .where(
            col(MentoringRequest.id) == request_id,
            col(MentoringRequest.state).in_(list(only_from)),
        )
        .values(state=state, updated_at=utcnow())
    )
    return done.rowcount == 1


def lock_request(connection: Connection, request_id: int) -> MentoringRequest | None:
    """The request, its row locked until the transaction ends (PostgreSQL; SQLite's
    write transactions hold the whole database already)."""
    row = connection.execute(
        sa.select(table_of(MentoringRequest))
        .where(col(MentoringRequest.id) == request_id)
        .with_for_update()
    ).first()
    return MentoringRequest(**row._mapping) if row is not None else None


# -- offers ----------------------------------------------------------------------------


def insert_offer(connection: Connection, mentor_id: int, values: Mapping[str, Any]) -> int:
    now = utcnow()
    return known(
        connection.execute(
            sa.insert(table_of(MentoringOffer))
            .values(mentor_id=mentor_id, state="open", created_at=now, updated_at=now, **values)
            .returning(col(MentoringOffer.id))
        ).scalar_one()
    )


def get_offer(
    engine: Engine | Connection, offer_id: int, lock: bool = False
) -> MentoringOffer | None:
    query = sa.select(table_of(MentoringOffer)).where(col(MentoringOffer.id) == offer_id)
    if lock:
        query = query.with_for_update()
    if isinstance(engine, Connection):
        row = engine.execute(query).first()
    else:
        with engine.connect() as connection:
            row = connection.execute(query).first()
    return MentoringOffer(**row._mapping) if row is not None else None


def offers_of(engine: Engine, mentor_id: int) -> list[MentoringOffer]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(MentoringOffer))
            .where(col(MentoringOffer.mentor_id) == mentor_id)
            .order_by(col(MentoringOffer.created_at).desc(), col(MentoringOffer.id).desc())
        ).all()
    return [MentoringOffer(**row._mapping) for row in rows]


def open_offers(engine: Engine, limit: int = 50) -> list[tuple[MentoringOffer, PersonRef]]:
    """Open offers, newest first, with their mentors."""
    mentor = table_of(User).alias("mentor")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(MentoringOffer), *_people_columns(mentor, "mentor"))
            .join(mentor, mentor.c.id == col(MentoringOffer.mentor_id))
            .where(col(MentoringOffer.state) == "open")
            .order_by(col(MentoringOffer.created_at).desc(), col(MentoringOffer.id).desc())
            .limit(limit)
        ).all()
    fields = set(MentoringOffer.model_fields)
    return [
        (
            MentoringOffer(**{k: v for k, v in row._mapping.items() if k in fields}),
            _ref(row, "mentor"),
        )
        for row in rows
    ]


def set_offer_state(connection: Connection, offer_id: int, state: str) -> None:
    connection.execute(
        sa.update(table_of(MentoringOffer))
        .where(col(MentoringOffer.id) == offer_id)
        .values(state=state, updated_at=utcnow())
    )


# -- proposals -------------------------------------------------------------------------


def insert_proposals(
    connection: Connection, request_id: int, mentor_ids: Sequence[int], message: str
) -> list[int]:
    """Propose the request to each mentor it was not proposed to yet; the new ones' ids."""
    existing = set(
        connection.execute(
            sa.select(col(Proposal.mentor_id)).where(col(Proposal.request_id) == request_id)
        ).scalars()
    )
    new = [m for m in dict.fromkeys(mentor_ids) if m not in existing]
    now = utcnow()
    ids = []
    for mentor_id in new:
        ids.append(
            known(
                connection.execute(
                    sa.insert(table_of(Proposal))
                    .values(
                        request_id=request_id,
                        mentor_id=mentor_id,
                        state="proposed",
                        message=message,
                        note="",
                        created_at=now,
                    )  # fmt: skip
                    .returning(col(Proposal.id))
                ).scalar_one()
            )
        )
    return ids


def _proposals_query() -> Any:
    mentor = table_of(User).alias("mentor")
    member = table_of(User).alias("member")
    return (
        sa.select(
            table_of(Proposal),
            col(MentoringRequest.goal).label("request_goal"),
            *_people_columns(mentor, "mentor"),
            *_people_columns(member, "member"),
        )
        .join(MentoringRequest, col(MentoringRequest.id) == col(Proposal.request_id))
        .join(mentor, mentor.c.id == col(Proposal.mentor_id))
        .join(member, member.c.id == col(MentoringRequest.member_id))
    )


def _proposal(row: Any) -> ProposalRow:
    m = row._mapping
    return ProposalRow(
        id=m["id"], request_id=m["request_id"], mentor=_ref(row, "mentor"),
        member=_ref(row, "member"), state=m["state"], message=m["message"], note=m["note"],
        created_at=m["created_at"], answered_at=m["answered_at"], request_goal=m["request_goal"],
    )  # fmt: skip


def proposals_for_request(engine: Engine, request_id: int) -> list[ProposalRow]:
    with engine.connect() as connection:
        rows = connection.execute(
            _proposals_query()
            .where(col(Proposal.request_id) == request_id)
            .order_by(col(Proposal.created_at), col(Proposal.id))
        ).all()
    return [_proposal(row) for row in rows]


def proposals_for_mentor(engine: Engine, mentor_id: int) -> list[ProposalRow]:
    """A mentor's inbox: open proposals first, then the answered ones, newest first."""
    waiting = sa.case((col(Proposal.state) == "proposed", 0), else_=1)
    with engine.connect() as connection:
        rows = connection.execute(
            _proposals_query()
            .where(col(Proposal.mentor_id) == mentor_id)
            .order_by(waiting, col(Proposal.created_at).desc(), col(Proposal.id).desc())
            .limit(200)
        ).all()
    return [_proposal(row) for row in rows]


def get_proposal(
    connection: Connection, proposal_id: int, lock: bool = False
) -> ProposalRow | None:
    query = _proposals_query().where(col(Proposal.id) == proposal_id)
    if lock:
        query = query.with_for_update(of=table_of(Proposal))
    row = connection.execute(query).first()
    return _proposal(row) if row is not None else None


def answer_proposal(connection: Connection, proposal_id: int, state: str, note: str) -> bool:
    """Accept or decline a proposal still waiting; False if it was answered already."""
    done = connection.execute(
        sa.update(table_of(Proposal))
        .where(col(Proposal.id) == proposal_id, col(Proposal.state) == "proposed")
        .values(state=state, note=note, answered_at=utcnow())
    )
    return done.rowcount == 1


def waiting_mentors(connection: Connection, request_id: int) -> set[int]:
    """The mentors a request is proposed to and who have not answered yet."""
    return set(
        connection.execute(
            sa.select(col(Proposal.mentor_id)).where(
                col(Proposal.request_id) == request_id, col(Proposal.state) == "proposed"
            )
        ).scalars()
    )


def withdraw_other_proposals(connection: Connection, request_id: int, keep: int) -> list[int]:
    """The request found its mentor: the other waiting proposals are withdrawn."""
    others = list(
        connection.execute(
            sa.select(col(Proposal.mentor_id)).where(
                col(Proposal.request_id) == request_id,
                col(Proposal.id) != keep,
                col(Proposal.state) == "proposed",
            )
        ).scalars()
    )
    connection.execute(
        sa.update(table_of(Proposal))
        .where(
            col(Proposal.request_id) == request_id,
            col(Proposal.id) != keep,
            col(Proposal.state) == "proposed",
        )
        .values(state="withdrawn", answered_at=utcnow())
    )
    return others


# -- mentorships -----------------------------------------------------------------------


def mentorships_of(engine: Engine, user_id: int) -> list[tuple[Mentorship, PersonRef, PersonRef]]:
    """Running mentorships `user_id` is in (either side): (mentorship, member, mentor)."""
    mentor = table_of(User).alias("mentor")
    member = table_of(User).alias("member")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                table_of(Mentorship),
                *_people_columns(mentor, "mentor"),
                *_people_columns(member, "member"),
            )
            .join(mentor, mentor.c.id == col(Mentorship.mentor_id))
            .join(member, member.c.id == col(Mentorship.member_id))
            .where(
                sa.or_(col(Mentorship.member_id) == user_id, col(Mentorship.mentor_id) == user_id),
                col(Mentorship.ended_at).is_(None),
            )
            .order_by(col(Mentorship.started_at).desc(), col(Mentorship.id).desc())
        ).all()
    fields = set(Mentorship.model_fields)
    return [
        (
            Mentorship(**{k: v for k, v in row._mapping.items() if k in fields}),
            _ref(row, "member"),
            _ref(row, "mentor"),
        )
        for row in rows
    ]


def mentorship_for_request(engine: Engine, request_id: int) -> Mentorship | None:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(table_of(Mentorship))
            .where(col(Mentorship.request_id) == request_id)
            .order_by(col(Mentorship.id).desc())
        ).first()
    return Mentorship(**row._mapping) if row is not None else None
