"""Badges in SQL: a person's history as `domain.badges.Facts`, storing what it earns
exactly once, and reading a person's badges back.

`store_awards` is `INSERT ... ON CONFLICT (user_id, code) DO NOTHING`, on SQLite and
PostgreSQL alike: the first writer wins, every later attempt (repeated or concurrent)
changes nothing, and since a badge's date comes from the history the winner does not
matter. Blocking functions; the server calls them in a thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from domain.badges import BADGES, EarnedBadge, Facts
from storage.accounts import CurriculumMember
from storage.badges import BadgeAward
from storage.database import write_transaction
from storage.library_figures import finishes_of_resources_added_by
from storage.library_queries import reviews_by
from storage.models import utcnow
from storage.read_model_queries import (
    events_of_member,
    goals_by_curriculum,
    overviews_of_member,
    overviews_of_mentor,
)
from storage.tables import table_of

TABLE = table_of(BadgeAward)


def _goals_done(engine: Engine, doc_ids: Sequence[str]) -> int:
    goals = goals_by_curriculum(engine, doc_ids) if doc_ids else {}
    return sum(goal.done for rows in goals.values() for goal in rows)


def facts_of(
    engine: Engine, user_id: int, now: datetime, encounters: Sequence[datetime] = ()
) -> Facts:
    """What a person did, from the read model and the library.

    Goals have no date in the read model (a goal is done or not), so a goal completed is
    dated `now`: the first award after it was marked done stores that date for good.
    `encounters`: when each encounter the person recorded as a mentor was written."""
    finishes = events_of_member(engine, user_id, kinds=["finished"])
    own = [overview.doc_id for overview in overviews_of_member(engine, user_id)]
    mentored = [overview.doc_id for overview in overviews_of_mentor(engine, user_id)]
    shared = finishes_of_resources_added_by(engine, user_id)
    return Facts(
        finished=[(f"{event.doc_id}/{event.item_id}", event.at) for event in finishes],
        goals_completed=[now] * _goals_done(engine, own),
        reviews_written=[review.at for review in reviews_by(engine, user_id)],
        mentee_goals_reached=[now] * _goals_done(engine, mentored),
        shared_resources_finished=[(str(resource), at) for resource, at in shared],
        encounters_recorded=list(encounters),
    )


def store_awards(engine: Engine, user_id: int, earned: Sequence[EarnedBadge]) -> list[str]:
    """Store the badges not stored yet; the codes this call stored."""
    if not earned:
        return []
    stored: list[str] = []
    now = utcnow()
    with write_transaction(engine) as connection:
        insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
        for badge in earned:
            done = connection.execute(
                insert(TABLE)
                .values(user_id=user_id, code=badge.code, earned_at=badge.earned_at, awarded_at=now)
                .on_conflict_do_nothing(index_elements=["user_id", "code"])
                .returning(TABLE.c.code)  # a row only when this insert stored it
            ).first()
            if done is not None:
                stored.append(badge.code)
    return stored


def badges_of(engine: Engine, user_id: int) -> list[EarnedBadge]:
    """A person's badges with the dates they were earned, oldest first (codes no badge
    has any more are left out: codes are never renamed, but a badge may be retired)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(BadgeAward.code), col(BadgeAward.earned_at))
            .where(col(BadgeAward.user_id) == user_id)
            .order_by(col(BadgeAward.earned_at), col(BadgeAward.code))
        ).all()
    known = {definition.code: (order, definition) for order, definition in enumerate(BADGES)}
    shown = [row for row in rows if row.code in known]
    shown.sort(key=lambda row: (row.earned_at, known[row.code][0]))  # ties: display order
    return [
        EarnedBadge(
            row.code, known[row.code][1].title, known[row.code][1].description, row.earned_at
        )
        for row in shown
    ]


def people_of_curriculum(engine: Engine, doc_id: str) -> list[int]:
    """The member and the mentors of a curriculum: whose badges its events may earn."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(col(CurriculumMember.user_id)).where(
                    col(CurriculumMember.doc_id) == doc_id
                )
            ).scalars()
        )
