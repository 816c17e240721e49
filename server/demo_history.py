"""A few months of learning events for the demo curricula, told by their documents.

Each card that left Later was planned by the mentor a few days before it was started;
each started card has its start and its move to Now at its `started_at`; each finished
card its finish at its `completed_at`, with the minutes it took. So the events agree
with the documents, and the dashboards have a past to show at first start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pycrdt import Doc
from sqlalchemy import Engine

from collab import schema
from collab.demo import LATEST
from domain.learning_events import Transition, actual_minutes
from domain.read_rows import ItemRow, item_rows, parse_time
from storage.read_model_writer import insert_history

from .read_model_sync import refresh

History = list[tuple[datetime, Transition, int | None]]  # (when, what, caused by)


def demo_shift(now: datetime) -> timedelta:
    """Whole days that bring the demo stories' newest moment to three days ago."""
    latest = parse_time(LATEST)
    assert latest is not None
    return timedelta(days=(now - timedelta(days=3) - latest).days)


def seed_history(engine: Engine, doc_id: str, doc: Doc, member: int, mentor: int) -> None:
    """The demo curriculum's past events, then its read-model rows."""
    curriculum = schema.read_curriculum(doc)
    now = datetime.now(UTC)
    insert_history(engine, doc_id, demo_history(curriculum, member, mentor, now))
    refresh(engine, doc_id)


def demo_history(curriculum: schema.Curriculum, member: int, mentor: int, now: datetime) -> History:
    created = parse_time(curriculum.created_at) or now
    history: History = []
    for n, row in enumerate(item_rows(curriculum.items)):
        if row.status == "later":
            continue
        begun = row.started_at
        planned = max(created, (begun or now) - timedelta(days=3)) + timedelta(minutes=n)
        history.append((min(planned, begun or now), _event(row, "moved", "later", "next"), mentor))
        if begun is None:
            continue
        history.append((begun, _event(row, "started", "next", "now"), member))
        history.append((begun, _event(row, "moved", "next", "now"), member))
        if row.status == "done" and row.completed_at is not None:
            spent = actual_minutes(begun, row.completed_at)
            finished = _event(row, "finished", "now", "done", actual_minutes=spent)
            history.append((row.completed_at, finished, member))
    return sorted(history, key=lambda entry: entry[0])


def _event(row: ItemRow, kind: str, before: str, after: str, **extra: int | None) -> Transition:
    return Transition(
        row.item_id, kind, before, after, estimate_minutes=row.estimate_minutes, url=row.url,
        **extra,
    )  # fmt: skip
