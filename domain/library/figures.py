"""What a resource really takes, across members: the median actual time and the
completion rate, each with the number of members behind it; and its ratings.

Definitions (docs/library.md):

- A member **took up** a resource when a card linked to it (by its normalised link) is
  on their curriculum now, or they ever started or finished such a card (a card
  deleted later still counts: they had it).
- A member **finished** it when such a card of theirs was ever finished (a finish event),
  or is in Done now.
- **Completion rate** = members who finished / members who took it up.
- **Median actual time**: for each member who finished it with a known time (a finish
  whose start is known), the minutes of their latest finish; the median across them.

Members only: events whose member is unknown or forgotten count for nobody.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberUse:
    """One member's history with one resource."""

    member: int
    finished: bool = False
    minutes: int | None = None  # actual minutes of their latest timed finish


@dataclass(frozen=True)
class Figures:
    members: int = 0  # who took it up: the completion rate's denominator
    finished: int = 0
    median_minutes: int | None = None
    timed: int = 0  # members behind the median

    @property
    def completion_percent(self) -> int | None:
        return None if not self.members else round(100 * self.finished / self.members)


@dataclass(frozen=True)
class Ratings:
    count: int = 0
    average: float | None = None  # one decimal

    @staticmethod
    def of(ratings: Iterable[int]) -> Ratings:
        values = list(ratings)
        if not values:
            return Ratings()
        return Ratings(len(values), round(sum(values) / len(values), 1))


def figures(uses: Iterable[MemberUse]) -> Figures:
    """The figures of one resource from its members' uses, oldest first: a member's
    finished use beats an unfinished one, and a later timed finish an earlier one."""
    by_member: dict[int, MemberUse] = {}
    for use in uses:
        seen = by_member.get(use.member)
        if seen is None or (use.finished and not seen.finished):
            by_member[use.member] = use
        elif use.finished and use.minutes is not None:
            by_member[use.member] = use
    finished = [use for use in by_member.values() if use.finished]
    timed = [use.minutes for use in finished if use.minutes is not None]
    return Figures(len(by_member), len(finished), median_minutes(timed), len(timed))


def median_minutes(minutes: Iterable[int]) -> int | None:
    """The median of some members' actual minutes (None for none), whole minutes."""
    values = list(minutes)
    return round(statistics.median(values)) if values else None
