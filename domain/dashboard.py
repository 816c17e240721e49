"""What a dashboard shows about a member's learning, computed from the read model.

Pure: the caller reads rows and learning events (storage/read_model_queries.py) and
passes them in with "now"; nothing here does I/O. Weeks are ISO weeks, Monday to
Sunday, in UTC (as in `domain.badges`).

- weekly activity: items finished per week and their estimated minutes, the last 12
  weeks;
- burn-up: estimated minutes done at the end of each week, against the plan (done plus
  still planned). Done is walked back from today's figure by the finishes and reopenings
  since; the plan's line is today's, since adding or removing a card records no event;
- pace: the median of actual over estimated time of finished items, with how many
  finished items it rests on. The read model knows when an item was started and
  finished, not how long the member worked on it: the actual time is the hours a week
  the member gives, spread over the days the item was open (`effort_minutes`), so an
  item of 10 h finished in 18 days by a member giving 5 h a week took about 12.9 h;
- streak: weeks in a row with a finish (`domain.badges.streak`);
- goals: each goal's skills practised by a finished item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from typing import Protocol

from .badges import streak
from .learning_events import RecordedEvent
from .read_rows import GoalRow, ItemRow

WEEKS_SHOWN = 12
HOURS_IN_A_WEEK = 7 * 24


def effort_minutes(elapsed_minutes: float, hours_per_week: float) -> float:
    """The working time in `elapsed_minutes` of calendar time, for someone who gives
    `hours_per_week` hours a week."""
    return elapsed_minutes * hours_per_week / HOURS_IN_A_WEEK


def monday_of(moment: datetime | date) -> date:
    """The Monday (UTC) of the ISO week holding `moment`."""
    if isinstance(moment, datetime):
        moment = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
        moment = moment.date()
    return moment - timedelta(days=moment.weekday())


def week_starts(today: datetime | date, weeks: int = WEEKS_SHOWN) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    this_week = monday_of(today)
    return [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


class Finish(Protocol):
    """What the pace reads of an event (a `RecordedEvent`, or a narrower row)."""

    @property
    def id(self) -> int: ...
    @property
    def doc_id(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actual_minutes(self) -> int | None: ...
    @property
    def estimate_minutes(self) -> int | None: ...


@dataclass(frozen=True)
class WeekActivity:
    week: date  # its Monday
    finished: int
    minutes: int


def weekly_activity(
    events: Iterable[Finish], today: datetime | date, weeks: int = WEEKS_SHOWN
) -> list[WeekActivity]:
    """Items finished and their estimated minutes, per week, oldest first."""
    starts = week_starts(today, weeks)
    finished = dict.fromkeys(starts, 0)
    minutes = dict.fromkeys(starts, 0)
    for event in events:
        week = monday_of(event.at)
        if event.kind == "finished" and week in finished:
            finished[week] += 1
            minutes[week] += event.estimate_minutes or 0
    return [WeekActivity(week, finished[week], minutes[week]) for week in starts]


@dataclass(frozen=True)
class BurnUpPoint:
    week: date  # its Monday; the figures are at the end of that week (today for this one)
    done_minutes: int
    planned_minutes: int  # done plus still to do: the whole plan


def burn_up(
    events: Iterable[RecordedEvent],
    done_minutes: int,
    planned_minutes: int,
    today: datetime | date,
    weeks: int = WEEKS_SHOWN,
) -> list[BurnUpPoint]:
    """Done against planned estimated minutes at the end of each of the last weeks.

    `done_minutes` and `planned_minutes` are today's (the summary rows': done, and
    now + next + later). Each earlier week's done is today's less the estimates finished
    after it, plus those reopened after it.
    """
    starts = week_starts(today, weeks)
    total = done_minutes + planned_minutes
    change_after: dict[date, int] = dict.fromkeys(starts, 0)  # done gained in each week
    for event in events:
        sign = {"finished": 1, "reopened": -1}.get(event.kind, 0)
        week = min(monday_of(event.at), starts[-1])  # a later one (clock skew): this week's
        if sign and week in change_after:
            change_after[week] += sign * (event.estimate_minutes or 0)
    points: list[BurnUpPoint] = []
    done = done_minutes
    for week in reversed(starts):
        points.append(BurnUpPoint(week, max(0, min(done, total)), total))
        done -= change_after[week]
    return list(reversed(points))


@dataclass(frozen=True)
class Pace:
    """Median actual over estimated time of finished items (None: nothing to go on)."""

    ratio: float | None
    items: int  # finished items with both times known that it rests on

    def describe(self) -> str:
        if self.ratio is None:
            return "no pace yet (no finished item with a known time)"
        noun = "item" if self.items == 1 else "items"
        return f"{self.ratio:.1f}x estimates, from {self.items} finished {noun}"


def pace(events: Iterable[Finish], hours_per_week: float) -> Pace:
    """The pace of finished items of a member giving `hours_per_week`: each item counted
    once (its latest finish)."""
    latest: dict[tuple[str, str], Finish] = {}
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        if event.kind == "finished":
            latest[(event.doc_id, event.item_id)] = event
    ratios = [
        effort_minutes(e.actual_minutes, hours_per_week) / e.estimate_minutes
        for e in latest.values()
        if e.actual_minutes is not None and e.estimate_minutes
    ]
    return Pace(round(median(ratios), 2) if ratios else None, len(ratios))


def finish_streak(events: Iterable[RecordedEvent], today: datetime | date) -> int:
    """Weeks in a row, up to this one, with at least one finish."""
    return streak((e.at for e in events if e.kind == "finished"), today)


@dataclass(frozen=True)
class GoalStanding:
    goal_id: str
    title: str
    skills: tuple[str, ...]
    practised: tuple[str, ...]  # skills a finished item practised
    done: bool

    @property
    def percent(self) -> int:
        if self.done:
            return 100
        return round(100 * len(self.practised) / len(self.skills)) if self.skills else 0


def goal_standings(goals: Sequence[GoalRow], items: Sequence[ItemRow]) -> list[GoalStanding]:
    practised = {s.casefold() for item in items if item.status == "done" for s in item.skills}
    return [
        GoalStanding(
            goal.goal_id,
            goal.title,
            goal.skills,
            tuple(s for s in goal.skills if s.casefold() in practised),
            goal.done,
        )
        for goal in goals
    ]


def last_event_at(events: Iterable[RecordedEvent]) -> datetime | None:
    return max((e.at for e in events), default=None)
