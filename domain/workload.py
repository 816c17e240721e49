"""The workload warning: does what is in Now fit in the next weeks, at the member's pace?

Pure. Each Now item's expected time comes from, in order:
1. the member's own pace (median actual/estimated of their finished items) times the
   item's estimate;
2. else the median time other members took on the same resource (same URL), as the
   working time it is at the member's hours a week (`domain.dashboard.effort_minutes`);
3. else the item's estimate (unknown: nothing).
The sum, over the hours a week the member can give, is the weeks Now will take; more
than the horizon is a warning. Every number used is in the result, to be shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .dashboard import Pace, effort_minutes
from .read_rows import ItemRow

SOURCES = ("pace", "others", "estimate", "unknown")


@dataclass(frozen=True)
class ItemForecast:
    item_id: str
    title: str
    estimate_minutes: int | None
    expected_minutes: int
    source: str  # pace | others (median of members on the URL) | estimate | unknown


@dataclass(frozen=True)
class Workload:
    member_name: str
    items: tuple[ItemForecast, ...]
    estimated_minutes: int  # the estimates as written
    expected_minutes: int  # what the member is expected to spend
    pace: Pace
    hours_per_week: float
    horizon_weeks: int

    @property
    def weeks(self) -> float:
        return self.expected_minutes / 60 / self.hours_per_week if self.hours_per_week else 0.0

    @property
    def over(self) -> bool:
        """True when Now takes longer than the horizon: the warning."""
        return round(self.weeks, 1) > self.horizon_weeks

    @property
    def sources(self) -> dict[str, int]:
        return {s: sum(1 for i in self.items if i.source == s) for s in SOURCES}

    def sentence(self) -> str:
        """What the timeline and the editor show, numbers included."""
        if not self.items:
            return "Now is empty."
        held = f"Now holds {hours(self.estimated_minutes)} of estimated work."
        if self.pace.ratio is not None:
            basis = f"At {self.member_name}'s pace ({self.pace.describe()})"
        elif self.sources["others"]:
            basis = (
                f"{self.member_name} has no finished item with a known time yet; "
                f"from other members' times on the same resources"
            )
        else:
            basis = f"With no pace for {self.member_name} yet, at the estimates"
        weeks = f"{self.weeks:.1f}".rstrip("0").rstrip(".")
        side = "above" if self.over else "within"
        horizon = f"the {self.horizon_weeks}-week horizon"
        per_week = f"{self.hours_per_week:g} h a week"
        return (
            f"{held} {basis} that is {hours(self.expected_minutes)}: "
            f"{weeks} weeks at {per_week}, {side} {horizon}."
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "warning": self.over,
            "sentence": self.sentence(),
            "estimated_minutes": self.estimated_minutes,
            "expected_minutes": self.expected_minutes,
            "weeks": round(self.weeks, 2),
            "hours_per_week": self.hours_per_week,
            "horizon_weeks": self.horizon_weeks,
            "pace": {"ratio": self.pace.ratio, "finished_items": self.pace.items},
            "items": [
                {
                    "item_id": i.item_id,
                    "title": i.title,
                    "estimate_minutes": i.estimate_minutes,
                    "expected_minutes": i.expected_minutes,
                    "source": i.source,
                }
                for i in self.items
            ],  # fmt: skip
        }


def hours(minutes: int) -> str:
    """Minutes as hours the way the sentence says them: `14 h`, `1.5 h`, `45 min`."""
    if minutes < 60:
        return f"{minutes} min"
    value = minutes / 60
    return f"{value:.0f} h" if value >= 10 or value == int(value) else f"{value:.1f} h"


def needs_others(item: ItemRow, pace: Pace) -> bool:
    """Whether the item's forecast may use other members' median (so it must be read)."""
    return bool(item.url) and (pace.ratio is None or not item.estimate_minutes)


def forecast(
    item: ItemRow, pace: Pace, medians: Mapping[str, int], hours_per_week: float
) -> ItemForecast:
    estimate = item.estimate_minutes
    if pace.ratio is not None and estimate:
        expected, source = round(estimate * pace.ratio), "pace"
    elif item.url and item.url in medians:
        expected, source = round(effort_minutes(medians[item.url], hours_per_week)), "others"
    elif estimate:
        expected, source = estimate, "estimate"
    else:
        expected, source = 0, "unknown"
    return ItemForecast(item.item_id, item.title, estimate, expected, source)


def workload(
    now_items: Sequence[ItemRow],
    pace: Pace,
    medians: Mapping[str, int],
    *,
    member_name: str,
    hours_per_week: float,
    horizon_weeks: int,
) -> Workload:
    """The forecast of the Now column (`medians`: {url: other members' median minutes
    from start to finish})."""
    items = tuple(
        forecast(item, pace, medians, hours_per_week) for item in now_items if item.status == "now"
    )
    return Workload(
        member_name=member_name or "the member",
        items=items,
        estimated_minutes=sum(i.estimate_minutes or 0 for i in items),
        expected_minutes=sum(i.expected_minutes for i in items),
        pace=pace,
        hours_per_week=hours_per_week,
        horizon_weeks=horizon_weeks,
    )
