"""What the dashboards read beside the read model: who the people are, the hours a week
they can give (their profile: the one place that says it), and the cards in Now.

Blocking, one indexed query each (run them with `asyncio.to_thread`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import col

from domain.read_rows import ItemRow
from storage.accounts import User
from storage.people import Profile
from storage.read_model import CurriculumItem, LearningEvent
from storage.read_model_writer import item_row
from storage.tables import known, table_of


@dataclass(frozen=True)
class PersonHours:
    user_id: int
    name: str
    email: str
    hours_per_week: float  # 0: not said (the caller applies DEFAULT_HOURS_PER_WEEK)


def people_hours(engine: Engine, user_ids: Sequence[int]) -> dict[int, PersonHours]:
    """Names and hours a week of `user_ids` (those without a profile: 0 hours)."""
    wanted = sorted({i for i in user_ids if i is not None})
    if not wanted:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(User.id), col(User.name), col(User.email), col(Profile.hours_per_week))
            .select_from(User)
            .outerjoin(Profile, col(Profile.user_id) == col(User.id))
            .where(col(User.id).in_(wanted))
        ).all()
    return {
        known(row[0]): PersonHours(known(row[0]), row[1], row[2], float(row[3] or 0.0))
        for row in rows
    }


def now_items(engine: Engine, doc_ids: Sequence[str] | None) -> dict[str, list[ItemRow]]:
    """The cards in Now of `doc_ids` (None: of every curriculum), by curriculum, in order."""
    query = sa.select(table_of(CurriculumItem)).where(col(CurriculumItem.status) == "now")
    if doc_ids is not None:
        if not doc_ids:
            return {}
        query = query.where(col(CurriculumItem.doc_id).in_(list(doc_ids)))
    found: dict[str, list[ItemRow]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query.order_by(col(CurriculumItem.rank))):
            found.setdefault(row.doc_id, []).append(item_row(row))
    return found


def finished_times(engine: Engine) -> list[Any]:
    """Every finished event's times, narrowly (the staff dashboard's paces over the whole
    programme): rows with `id, doc_id, item_id, kind, at, member_user_id, actual_minutes,
    estimate_minutes`, as `domain.dashboard.pace` reads them."""
    columns = [
        col(LearningEvent.id), col(LearningEvent.doc_id), col(LearningEvent.item_id),
        col(LearningEvent.kind), col(LearningEvent.at), col(LearningEvent.member_user_id),
        col(LearningEvent.actual_minutes), col(LearningEvent.estimate_minutes),
    ]  # fmt: skip
    with engine.connect() as connection:
        return list(
            connection.execute(sa.select(*columns).where(col(LearningEvent.kind) == "finished"))
        )
