"""Who needs a mentor's attention: each mentee's status, with its reason.

Pure. A member is
- stalled when nothing was started or finished for `stalled_after_days` days (a
  curriculum with no start or finish yet counts from its last change);
- overloaded when Now holds more than they can finish in the horizon at their pace
  (`domain.workload`);
- on track otherwise.
Stalled comes before overloaded: work that does not move is the more urgent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .workload import Workload

STATUSES = ("stalled", "overloaded", "on track")  # most urgent first


@dataclass(frozen=True)
class Standing:
    status: str  # stalled | overloaded | on track
    reason: str
    idle_days: int | None  # days since the last start or finish (None: never, and no change)


def _days(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, (now - since).days)


def standing(
    last_progress_at: datetime | None,
    last_activity_at: datetime | None,
    load: Workload,
    now: datetime,
    stalled_after_days: int,
) -> Standing:
    idle = _days(last_progress_at, now)
    if idle is not None and idle >= stalled_after_days:
        return Standing("stalled", f"nothing started or finished for {idle} days", idle)
    if idle is None:
        quiet = _days(last_activity_at, now)
        if quiet is None or quiet >= stalled_after_days:
            reason = "nothing started or finished yet"
            if quiet is not None:
                reason += f", and no change for {quiet} days"
            return Standing("stalled", reason, None)
    if load.over:
        weeks = f"{load.weeks:.1f}".rstrip("0").rstrip(".")
        return Standing(
            "overloaded",
            f"Now needs about {weeks} weeks at {load.hours_per_week:g} h a week, "
            f"more than the {load.horizon_weeks}-week horizon",
            idle,
        )
    if idle is None:
        return Standing("on track", "just begun: nothing started or finished yet", None)
    when = "today" if idle == 0 else f"{idle} day{'s' if idle != 1 else ''} ago"
    return Standing("on track", f"last start or finish {when}", idle)


def attention_order(standings: Sequence[tuple[Standing, datetime | None]]) -> list[int]:
    """Indexes of (standing, last activity) pairs, who needs attention first: by status,
    then the longest idle first."""

    def key(index: int) -> tuple[int, float]:
        found, last = standings[index]
        idle = found.idle_days if found.idle_days is not None else 10**6
        return (STATUSES.index(found.status), -idle - (0 if last else 1))

    return sorted(range(len(standings)), key=key)


def per_status(statuses: Sequence[str]) -> dict[str, int]:
    return {status: sum(1 for s in statuses if s == status) for status in STATUSES}
