"""A member's dashboard: the job they want, where they stand, and pictures of their weeks.

Read from the read model only (summaries, items, goals, learning events) and the
profile's hours: a handful of indexed queries, no document loaded. The numbers are
computed by `domain.dashboard`, the pictures drawn by `domain.charts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from domain import charts
from domain.dashboard import (
    BurnUpPoint,
    GoalStanding,
    Pace,
    WeekActivity,
    burn_up,
    finish_streak,
    goal_standings,
    pace,
    weekly_activity,
)
from domain.learning_events import RecordedEvent
from domain.read_rows import CurriculumOverview, ItemRow
from domain.workload import Workload
from storage.read_model_queries import (
    events_for,
    events_of_member,
    goals_by_curriculum,
    items_by_curriculum,
    overviews,
    overviews_of_member,
)

from ..settings import Settings
from .workload import compute_workload


@dataclass(frozen=True)
class Progress:
    """The numbers behind a member's (or one curriculum's) pictures."""

    curricula: tuple[CurriculumOverview, ...]
    items: tuple[ItemRow, ...]
    goals: tuple[GoalStanding, ...]
    activity: tuple[WeekActivity, ...]
    burn_up: tuple[BurnUpPoint, ...]
    pace: Pace
    streak: int
    workload: Workload
    now: datetime

    @property
    def resume(self) -> str:
        return next((c.summary.resume for c in self.curricula if c.summary.resume.strip()), "")

    def column(self, status: str) -> list[ItemRow]:
        return [item for item in self.items if item.status == status]

    @property
    def done_minutes(self) -> int:
        return sum(c.summary.minutes_done for c in self.curricula)

    @property
    def planned_minutes(self) -> int:
        return sum(c.summary.minutes_planned for c in self.curricula)

    def activity_chart(self) -> str:
        weeks = [w.week for w in self.activity]
        return charts.bar_chart(
            "activity-finished",
            "Items finished per week, last 12 weeks",
            "; ".join(f"week of {w.week:%d %b}: {w.finished}" for w in self.activity),
            weeks,
            charts.Series("Finished", tuple(w.finished for w in self.activity), "chart-bar-a"),
            "items",
        )

    def minutes_chart(self) -> str:
        weeks = [w.week for w in self.activity]
        return charts.bar_chart(
            "activity-minutes",
            "Hours spent on finished items per week, last 12 weeks",
            "; ".join(f"week of {w.week:%d %b}: {w.minutes} minutes" for w in self.activity),
            weeks,
            charts.Series(
                "Hours", tuple(round(w.minutes / 60, 1) for w in self.activity), "chart-bar-b"
            ),
            "hours",
        )

    def burn_up_chart(self) -> str:
        weeks = [p.week for p in self.burn_up]
        return charts.line_chart(
            "burn-up",
            "Burn-up: estimated hours done against the whole plan",
            "; ".join(
                f"end of week of {p.week:%d %b}: {p.done_minutes} of {p.planned_minutes} minutes"
                for p in self.burn_up
            ),
            weeks,
            [
                charts.Series(
                    "Planned", tuple(round(p.planned_minutes / 60, 1) for p in self.burn_up),
                    "chart-line-planned",
                ),
                charts.Series(
                    "Done", tuple(round(p.done_minutes / 60, 1) for p in self.burn_up),
                    "chart-line-done",
                ),
            ],
            "hours",
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "curricula": [
                {
                    "id": c.doc_id, "title": c.summary.title, "counts": c.summary.counts,
                    "minutes_done": c.summary.minutes_done,
                    "minutes_planned": c.summary.minutes_planned,
                    "last_activity_at": _iso(c.last_activity_at),
                }
                for c in self.curricula
            ],
            "resume": self.resume,
            "goals": [
                {"id": g.goal_id, "title": g.title, "skills": list(g.skills),
                 "practised": list(g.practised), "done": g.done, "percent": g.percent}
                for g in self.goals
            ],
            "weekly_activity": [
                {"week": w.week.isoformat(), "finished": w.finished, "minutes": w.minutes}
                for w in self.activity
            ],
            "burn_up": [
                {"week": p.week.isoformat(), "done_minutes": p.done_minutes,
                 "planned_minutes": p.planned_minutes}
                for p in self.burn_up
            ],
            "streak_weeks": self.streak,
            "pace": {"ratio": self.pace.ratio, "finished_items": self.pace.items},
            "workload": self.workload.as_dict(),
        }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def progress_of(
    engine: Engine,
    settings: Settings,
    found: Sequence[CurriculumOverview],
    events: Sequence[RecordedEvent],
    member_user_id: int | None,
    now: datetime,
) -> Progress:
    """Blocking: the progress of the curricula `found` with their `events`."""
    doc_ids = [c.doc_id for c in found]
    items_by = items_by_curriculum(engine, doc_ids)
    goals_by = goals_by_curriculum(engine, doc_ids)
    items = [item for doc_id in doc_ids for item in items_by[doc_id]]
    goals = [goal for doc_id in doc_ids for goal in goals_by[doc_id]]
    load = compute_workload(engine, settings, member_user_id, items)
    done = sum(c.summary.minutes_done for c in found)
    planned = sum(c.summary.minutes_planned for c in found)
    return Progress(
        curricula=tuple(found),
        items=tuple(items),
        goals=tuple(goal_standings(goals, items)),
        activity=tuple(weekly_activity(events, now)),
        burn_up=tuple(burn_up(events, done, planned, now)),
        pace=pace(events, load.hours_per_week),
        streak=finish_streak(events, now),
        workload=load,
        now=now,
    )


def member_progress(
    engine: Engine, settings: Settings, member_user_id: int, now: datetime
) -> Progress:
    """Blocking: a member's dashboard, across their curricula (most recently active first)."""
    found = sorted(
        overviews_of_member(engine, member_user_id),
        key=lambda c: (c.last_activity_at is None, -(c.last_activity_at or now).timestamp()),
    )
    events = events_of_member(engine, member_user_id)
    return progress_of(engine, settings, found, events, member_user_id, now)


def curriculum_progress(
    engine: Engine, settings: Settings, doc_id: str, now: datetime
) -> Progress | None:
    """Blocking: one curriculum's progress (None: not in the read model yet)."""
    overview = overviews(engine, [doc_id]).get(doc_id)
    if overview is None:
        return None
    events = events_for(engine, doc_id)
    return progress_of(engine, settings, [overview], events, overview.member_user_id, now)
