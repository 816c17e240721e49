"""Badge rules: which badges a person's history earns, and when.

Pure: the caller reads the facts (finishes, goals, reviews; for mentors their
mentees' goals, finishes of resources they shared, encounters) and stores what
comes back. Each badge is earned at most once, dated by the event that earned
it, so recomputing from the same facts gives the same answer; storing it once
under concurrent events is the database's job (a unique key on person and code).

Times are compared in UTC; a naive datetime is taken to be UTC already. Weeks
are ISO weeks, Monday to Sunday, in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

Audience = Literal["member", "mentor"]
STREAK_WEEKS = 4


@dataclass(frozen=True)
class BadgeDefinition:
    """A badge anyone can earn: a stable code (stored, never renamed), a title, what it means."""

    code: str
    title: str
    description: str
    audience: Audience


BADGES: tuple[BadgeDefinition, ...] = (
    BadgeDefinition("first-finish", "First step", "Finished a first resource.", "member"),
    BadgeDefinition("finished-5", "Five done", "Finished 5 resources.", "member"),
    BadgeDefinition("finished-25", "Twenty-five done", "Finished 25 resources.", "member"),
    BadgeDefinition("finished-100", "A hundred done", "Finished 100 resources.", "member"),
    BadgeDefinition("goal-completed", "Goal reached", "Completed a goal.", "member"),
    BadgeDefinition(
        "streak-4-weeks",
        "Four-week streak",
        "Finished something in each of 4 weeks in a row.",
        "member",
    ),
    BadgeDefinition(
        "first-review", "First review", "Wrote a first review of a resource.", "member"
    ),
    BadgeDefinition(
        "mentee-first-goal", "A mentee's first goal", "A mentee reached a first goal.", "mentor"
    ),
    BadgeDefinition(
        "shared-10-finished",
        "Ten shared and finished",
        "Members finished 10 different resources this mentor shared.",
        "mentor",
    ),
    BadgeDefinition("encounters-5", "Five encounters", "Recorded 5 encounters.", "mentor"),
)
_BY_CODE = {badge.code: badge for badge in BADGES}
_ORDER = {badge.code: position for position, badge in enumerate(BADGES)}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def badge(code: str) -> BadgeDefinition:
    """The definition of a badge code; KeyError for an unknown one."""
    return _BY_CODE[code]


@dataclass(frozen=True)
class EarnedBadge:
    """A badge earned, and the moment the event that earned it happened."""

    code: str
    title: str
    description: str
    earned_at: datetime  # UTC

    @property
    def earned_on(self) -> date:
        return self.earned_at.date()

    @property
    def accessible_text(self) -> str:
        """A sentence for screen readers (and the badge image's alt text)."""
        day = self.earned_on
        when = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        return f"{self.title} badge, earned on {when}: {self.description}"


@dataclass(frozen=True)
class Facts:
    """What a person did. Members fill the first three fields; mentors the last three."""

    finished: Iterable[tuple[str, datetime]] = ()  # (item id, when it was finished)
    goals_completed: Iterable[datetime] = ()
    reviews_written: Iterable[datetime] = ()
    mentee_goals_reached: Iterable[datetime] = ()  # goals reached by this mentor's mentees
    shared_resources_finished: Iterable[tuple[str, datetime]] = ()  # (resource id, a finish)
    encounters_recorded: Iterable[datetime] = ()


def _utc(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _nth(moments: Iterable[datetime], n: int) -> datetime | None:
    """The moment of the n-th event (1-based), None if there were fewer."""
    ordered = sorted(_utc(moment) for moment in moments)
    return ordered[n - 1] if len(ordered) >= n else None


def _first_per_key(events: Iterable[tuple[str, datetime]]) -> list[datetime]:
    """The first moment of each distinct key: repeated finishes of one thing count once."""
    first: dict[str, datetime] = {}
    for key, moment in events:
        moment = _utc(moment)
        if key not in first or moment < first[key]:
            first[key] = moment
    return list(first.values())


def _week(moment: datetime | date) -> date:
    """The Monday (UTC) of the ISO week holding `moment`."""
    day = _utc(moment).date()
    return day - timedelta(days=day.weekday())


def _streak_reached(finishes: Iterable[datetime], weeks: int) -> datetime | None:
    """The first finish in the last week of the first run of `weeks` weeks in a row."""
    first_in_week: dict[date, datetime] = {}
    for moment in sorted(_utc(moment) for moment in finishes):
        first_in_week.setdefault(_week(moment), moment)
    run, previous = 0, None
    for monday in sorted(first_in_week):
        run = run + 1 if previous is not None and monday - previous == timedelta(weeks=1) else 1
        previous = monday
        if run >= weeks:
            return first_in_week[monday]
    return None


def earned_badges(facts: Facts) -> list[EarnedBadge]:
    """Every badge the facts earn, each once, in the order they were earned."""
    finishes = [(key, _utc(moment)) for key, moment in facts.finished]
    items = _first_per_key(finishes)
    shared = _first_per_key(facts.shared_resources_finished)
    moments: dict[str, datetime | None] = {
        "first-finish": _nth(items, 1),
        "finished-5": _nth(items, 5),
        "finished-25": _nth(items, 25),
        "finished-100": _nth(items, 100),
        "goal-completed": _nth(facts.goals_completed, 1),
        "streak-4-weeks": _streak_reached((moment for _, moment in finishes), STREAK_WEEKS),
        "first-review": _nth(facts.reviews_written, 1),
        "mentee-first-goal": _nth(facts.mentee_goals_reached, 1),
        "shared-10-finished": _nth(shared, 10),
        "encounters-5": _nth(facts.encounters_recorded, 5),
    }
    earned = [
        EarnedBadge(code, _BY_CODE[code].title, _BY_CODE[code].description, moment)
        for code, moment in moments.items()
        if moment is not None
    ]
    return sorted(earned, key=lambda item: (item.earned_at, _ORDER[item.code]))


def streak(finish_dates: Iterable[datetime | date], today: datetime | date) -> int:
    """How many ISO weeks in a row, up to this one, hold at least one finish.

    The current week counts once it has a finish; until then it does not break
    the streak, which is counted up to last week. A week with no finish ends it.
    """
    weeks = {_week(moment) for moment in finish_dates}
    week = _week(today)
    if week not in weeks:
        week -= timedelta(weeks=1)
    count = 0
    while week in weeks:
        count += 1
        week -= timedelta(weeks=1)
    return count
