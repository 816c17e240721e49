"""A curriculum as the rows of the SQL read model: one per item, one per goal, one summary.

Pure functions from the typed document (`collab.schema.Curriculum`) to plain frozen
values that storage writes as they are and reads back equal, so that "the read model
equals the document" is a comparison of values (see docs/read-model.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from collab import schema

STATUSES = ("done", "now", "next", "later")  # the board's columns, in display order
RESUME_LIMIT = schema.MAX_TEXT  # characters of the resume kept (what the server lets one write)


def clean(text: str) -> str:
    """Text as SQL can hold it: PostgreSQL refuses NUL characters in text and JSON."""
    return text.replace("\x00", "\ufffd")


def parse_time(value: str | None) -> datetime | None:
    """A document time (ISO 8601, UTC, as `collab.schema` normalises it) as a datetime."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class ItemRow:
    """One card as the read model holds it."""

    item_id: str
    title: str
    url: str
    kind: str
    skills: tuple[str, ...]
    status: str
    position: str  # the document's order key (ASCII order); `rank` is what SQL sorts by
    rank: int  # 0-based place within its column, in the board's order
    estimate_minutes: int | None
    started_at: datetime | None
    completed_at: datetime | None
    assigned_by: str | None


@dataclass(frozen=True)
class GoalRow:
    goal_id: str
    title: str
    skills: tuple[str, ...]
    done: bool
    rank: int  # 0-based place among the goals


@dataclass(frozen=True)
class SummaryRow:
    """The curriculum at a glance: what the list and the dashboards show without items."""

    title: str
    resume: str
    items_done: int
    items_now: int
    items_next: int
    items_later: int
    minutes_done: int
    minutes_now: int
    minutes_next: int
    minutes_later: int
    goals_total: int
    goals_done: int

    @property
    def counts(self) -> dict[str, int]:
        return {
            "done": self.items_done,
            "now": self.items_now,
            "next": self.items_next,
            "later": self.items_later,
        }

    @property
    def minutes_planned(self) -> int:
        """Estimated minutes of everything not done yet (now, next and later)."""
        return self.minutes_now + self.minutes_next + self.minutes_later


def item_rows(items: Iterable[schema.Item]) -> list[ItemRow]:
    """Rows for `items` (in the typed document's order: column, position, id)."""
    ranks = dict.fromkeys(STATUSES, 0)
    rows: list[ItemRow] = []
    seen: set[str] = set()
    for item in items:
        if clean(item.id) in seen:  # only ids differing in a NUL character can collide
            continue
        seen.add(clean(item.id))
        rows.append(
            ItemRow(
                item_id=clean(item.id),
                title=clean(item.title),
                url=clean(item.url),
                kind=item.kind,
                skills=tuple(clean(s) for s in item.skills),
                status=item.status,
                position=item.position,
                rank=ranks[item.status],
                estimate_minutes=item.estimate_minutes,
                started_at=parse_time(item.started_at),
                completed_at=parse_time(item.completed_at),
                assigned_by=clean(item.assigned_by) if item.assigned_by is not None else None,
            )
        )
        ranks[item.status] += 1
    return rows


def goal_rows(goals: Iterable[schema.Goal]) -> list[GoalRow]:
    goals = list(goals)
    unique = {clean(g.id): g for g in reversed(goals)}  # the first of colliding ids
    kept = [g for g in goals if unique.get(clean(g.id)) is g]
    return [
        GoalRow(clean(g.id), clean(g.title), tuple(clean(s) for s in g.skills), g.done, rank)
        for rank, g in enumerate(kept)
    ]


def summary_row(
    curriculum: schema.Curriculum, items: Sequence[ItemRow], goals: Sequence[GoalRow]
) -> SummaryRow:
    count = dict.fromkeys(STATUSES, 0)
    minutes = dict.fromkeys(STATUSES, 0)
    for item in items:
        count[item.status] += 1
        minutes[item.status] += item.estimate_minutes or 0
    return SummaryRow(
        title=clean(curriculum.title),
        resume=clean(curriculum.resume[:RESUME_LIMIT]),
        items_done=count["done"],
        items_now=count["now"],
        items_next=count["next"],
        items_later=count["later"],
        minutes_done=minutes["done"],
        minutes_now=minutes["now"],
        minutes_next=minutes["next"],
        minutes_later=minutes["later"],
        goals_total=len(goals),
        goals_done=sum(1 for g in goals if g.done),
    )


@dataclass(frozen=True)
class CurriculumRows:
    """Everything the read model holds for one curriculum's document."""

    summary: SummaryRow
    items: tuple[ItemRow, ...]
    goals: tuple[GoalRow, ...]


def curriculum_rows(curriculum: schema.Curriculum) -> CurriculumRows:
    items = item_rows(curriculum.items)
    goals = goal_rows(curriculum.goals)
    return CurriculumRows(summary_row(curriculum, items, goals), tuple(items), tuple(goals))


@dataclass(frozen=True)
class CurriculumOverview:
    """A curriculum's summary row as lists and dashboards read it."""

    doc_id: str
    summary: SummaryRow
    member_user_id: int | None
    last_activity_at: datetime | None  # the last committed change of any kind
    last_progress_at: datetime | None  # the last started or finished event
    synced_at: datetime | None  # when the read model last caught up with the document
