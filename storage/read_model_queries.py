"""Reading the read model: what lists and dashboards call instead of loading documents.

Blocking functions, one indexed query each (run them with `asyncio.to_thread`). They
return the frozen values of `domain.read_rows` and `domain.learning_events`, so pure
domain code (progress, pace, workload) takes them as they come. Who may see what is
decided by the caller (`server/access.py`); these functions do not check access.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import col

from domain.learning_events import RecordedEvent
from domain.read_rows import STATUSES, CurriculumOverview, GoalRow, ItemRow, SummaryRow
from storage.accounts import CurriculumMember
from storage.read_model import CurriculumGoal, CurriculumItem, CurriculumSummary, LearningEvent
from storage.read_model_writer import goal_row, item_row
from storage.tables import table_of

_SUMMARY_FIELDS = tuple(SummaryRow.__dataclass_fields__)


def _overview(row: Any) -> CurriculumOverview:
    return CurriculumOverview(
        doc_id=row.doc_id,
        summary=SummaryRow(**{name: getattr(row, name) for name in _SUMMARY_FIELDS}),
        member_user_id=row.member_user_id,
        last_activity_at=row.last_activity_at,
        last_progress_at=row.last_progress_at,
        synced_at=row.synced_at,
    )


def _overviews(engine: Engine, *where: Any, joined: bool = False) -> list[CurriculumOverview]:
    query = sa.select(table_of(CurriculumSummary))
    if joined:
        query = query.join(
            CurriculumMember, col(CurriculumMember.doc_id) == col(CurriculumSummary.doc_id)
        )
    with engine.connect() as connection:
        rows = connection.execute(query.where(*where).order_by(col(CurriculumSummary.doc_id)))
        return [_overview(row) for row in rows]


def overviews(engine: Engine, doc_ids: Sequence[str]) -> dict[str, CurriculumOverview]:
    """The summaries of `doc_ids` (those never synced yet are absent)."""
    if not doc_ids:
        return {}
    found = _overviews(engine, col(CurriculumSummary.doc_id).in_(list(doc_ids)))
    return {overview.doc_id: overview for overview in found}


def overviews_of_mentor(engine: Engine, mentor_user_id: int) -> list[CurriculumOverview]:
    """The curricula `mentor_user_id` mentors (the mentor dashboard's mentees)."""
    return _overviews(
        engine,
        col(CurriculumMember.user_id) == mentor_user_id,
        col(CurriculumMember.role) == "mentor",
        joined=True,
    )


def overviews_of_member(engine: Engine, member_user_id: int) -> list[CurriculumOverview]:
    """The curricula of member `member_user_id` (usually one)."""
    return _overviews(engine, col(CurriculumSummary.member_user_id) == member_user_id)


def all_overviews(engine: Engine) -> list[CurriculumOverview]:
    """Every curriculum's summary (the staff dashboard)."""
    return _overviews(engine)


def _order(row: ItemRow) -> tuple[int, int, str]:
    return (STATUSES.index(row.status), row.rank, row.item_id)


def items_by_curriculum(engine: Engine, doc_ids: Sequence[str]) -> dict[str, list[ItemRow]]:
    """The items of each of `doc_ids`, in the board's order (done, now, next, later)."""
    found: dict[str, list[ItemRow]] = {doc_id: [] for doc_id in doc_ids}
    if not doc_ids:
        return found
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(CurriculumItem)).where(col(CurriculumItem.doc_id).in_(list(doc_ids)))
        )
        for row in rows:
            found[row.doc_id].append(item_row(row))
    for items in found.values():
        items.sort(key=_order)
    return found


def items_of(engine: Engine, doc_id: str) -> list[ItemRow]:
    return items_by_curriculum(engine, [doc_id])[doc_id]


def goals_by_curriculum(engine: Engine, doc_ids: Sequence[str]) -> dict[str, list[GoalRow]]:
    """The goals of each of `doc_ids`, in their order."""
    found: dict[str, list[GoalRow]] = {doc_id: [] for doc_id in doc_ids}
    if not doc_ids:
        return found
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(CurriculumGoal))
            .where(col(CurriculumGoal.doc_id).in_(list(doc_ids)))
            .order_by(col(CurriculumGoal.rank), col(CurriculumGoal.goal_id))
        )
        for row in rows:
            found[row.doc_id].append(goal_row(row))
    return found


def goals_of(engine: Engine, doc_id: str) -> list[GoalRow]:
    return goals_by_curriculum(engine, [doc_id])[doc_id]


def _events(engine: Engine, *where: Any) -> list[RecordedEvent]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(table_of(LearningEvent))
            .where(*where)
            .order_by(col(LearningEvent.at), col(LearningEvent.id))
        )
        return [
            RecordedEvent(
                **{name: getattr(row, name) for name in RecordedEvent.__dataclass_fields__}
            )
            for row in rows
        ]


def _window(
    kinds: Iterable[str] | None, since: datetime | None, until: datetime | None
) -> list[Any]:
    where: list[Any] = []
    if kinds is not None:
        where.append(col(LearningEvent.kind).in_(list(kinds)))
    if since is not None:
        where.append(col(LearningEvent.at) >= since)
    if until is not None:
        where.append(col(LearningEvent.at) < until)
    return where


def events_for(
    engine: Engine,
    doc_id: str,
    *,
    item_id: str | None = None,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordedEvent]:
    """A curriculum's events (of one item, of some kinds, in [since, until)), oldest first."""
    where = [col(LearningEvent.doc_id) == doc_id, *_window(kinds, since, until)]
    if item_id is not None:
        where.append(col(LearningEvent.item_id) == item_id)
    return _events(engine, *where)


def events_for_curricula(
    engine: Engine,
    doc_ids: Sequence[str],
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordedEvent]:
    """The events of several curricula (a mentor's mentees), oldest first."""
    if not doc_ids:
        return []
    return _events(
        engine, col(LearningEvent.doc_id).in_(list(doc_ids)), *_window(kinds, since, until)
    )


def events_of_member(
    engine: Engine,
    member_user_id: int,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordedEvent]:
    """Everything a member did, across their curricula (their pace, streak, activity)."""
    where = [col(LearningEvent.member_user_id) == member_user_id]
    return _events(engine, *where, *_window(kinds, since, until))


def programme_events(
    engine: Engine,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RecordedEvent]:
    """Every curriculum's events in a window (the staff dashboard: finished per week)."""
    return _events(engine, *_window(kinds, since, until))
