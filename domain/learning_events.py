"""Learning events: what changed for a member between two readings of their curriculum.

The read model's item rows are the previous reading; the committed document is the new
one. Comparing the two gives the row changes to write and the events to record:

- started: an item's `started_at` is set (opening its link, moving it to Now);
- finished: an item enters Done (with the minutes it took, when both times are known);
- reopened: an item leaves Done;
- moved: any other change of column (later -> next, next -> now, now -> later, ...).

Pure: the caller supplies the rows it read and writes what comes back, in one
transaction, so each transition is recorded exactly once (docs/read-model.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from collab import schema

from .read_rows import GoalRow, ItemRow, SummaryRow, curriculum_rows

KINDS = ("started", "finished", "reopened", "moved")


@dataclass(frozen=True)
class Transition:
    """One learning event, before storage gives it a time, a member and an author."""

    item_id: str
    kind: str  # started | finished | reopened | moved
    from_status: str | None  # None: the item arrived with this status
    to_status: str
    actual_minutes: int | None = None  # finished: completed_at - started_at, when both known
    estimate_minutes: int | None = None  # the item's estimate when the event happened
    url: str = ""  # the resource, so pace history outlives the card


@dataclass(frozen=True)
class ReadModelChange:
    """What to write for one curriculum: rows to upsert and delete, and its events."""

    summary: SummaryRow
    item_upserts: tuple[ItemRow, ...]
    item_deletes: tuple[str, ...]
    goal_upserts: tuple[GoalRow, ...]
    goal_deletes: tuple[str, ...]
    transitions: tuple[Transition, ...]


def actual_minutes(started: datetime | None, completed: datetime | None) -> int | None:
    """Whole minutes from start to finish; None unless both are known and in order."""
    if started is None or completed is None or completed < started:
        return None
    return int((completed - started).total_seconds() // 60)


def transitions(before: ItemRow | None, after: ItemRow) -> list[Transition]:
    """The events between two readings of one item (`before` None: it is new)."""
    found: list[Transition] = []
    previous = before.status if before is not None else None

    def event(kind: str, **extra: int | None) -> Transition:
        return Transition(
            after.item_id, kind, previous, after.status,
            estimate_minutes=after.estimate_minutes, url=after.url, **extra,
        )  # fmt: skip

    if after.started_at is not None and (before is None or before.started_at is None):
        found.append(event("started"))
    if after.status == "done" and previous != "done":
        found.append(
            event("finished", actual_minutes=actual_minutes(after.started_at, after.completed_at))
        )
    elif previous == "done" and after.status != "done":
        found.append(event("reopened"))
    elif previous is not None and previous != after.status:
        found.append(event("moved"))
    return found


def changes(
    previous_items: Mapping[str, ItemRow] | None,
    previous_goals: Mapping[str, GoalRow],
    curriculum: schema.Curriculum,
) -> ReadModelChange:
    """Rows and events that bring the read model from the previous reading to `curriculum`.

    `previous_items` None means the curriculum has never been read: its rows are filled
    and no event is recorded (nobody knows when what it holds happened).
    """
    rows = curriculum_rows(curriculum)
    known = previous_items or {}
    found: list[Transition] = []
    if previous_items is not None:
        for row in rows.items:
            found += transitions(previous_items.get(row.item_id), row)
    current = {row.item_id for row in rows.items}
    goal_ids = {goal.goal_id for goal in rows.goals}
    return ReadModelChange(
        summary=rows.summary,
        item_upserts=tuple(row for row in rows.items if known.get(row.item_id) != row),
        item_deletes=tuple(sorted(set(known) - current)),
        goal_upserts=tuple(goal for goal in rows.goals if previous_goals.get(goal.goal_id) != goal),
        goal_deletes=tuple(sorted(set(previous_goals) - goal_ids)),
        transitions=tuple(found),
    )


@dataclass(frozen=True)
class RecordedEvent:
    """A learning event as storage holds it."""

    id: int
    doc_id: str
    item_id: str
    kind: str
    from_status: str | None
    to_status: str
    at: datetime  # server time of the commit that made the change
    member_user_id: int | None  # whose curriculum (None: unknown, or erased since)
    caused_by: int | None  # who made the change (None: the server, unknown, or erased)
    actual_minutes: int | None
    estimate_minutes: int | None
    url: str
