"""The mentor's and the staff's dashboards: every mentee at a glance, who needs attention
first, and the programme's weeks.

Bounded by a few indexed queries whatever the number of mentees (no query per mentee):
the summaries, the cards in Now, the finished events, the people's hours, and other
members' median time for Now's links. No document is loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from domain import charts
from domain.attention import Standing, attention_order, per_status, standing
from domain.dashboard import Pace, WeekActivity, pace, weekly_activity
from domain.read_rows import CurriculumOverview, ItemRow
from domain.workload import Workload, needs_others, workload
from storage.dashboard_queries import finished_times, now_items, people_hours
from storage.encounter_queries import members_in_mentorship, members_met_by
from storage.read_model_queries import (
    all_overviews,
    events_for_curricula,
    overviews_of_mentor,
)

from ..settings import Settings
from .workload import hours_of, medians_for


@dataclass(frozen=True)
class Mentee:
    doc_id: str
    title: str
    member_name: str
    last_activity_at: datetime | None
    now_items: tuple[ItemRow, ...]
    pace: Pace
    workload: Workload
    standing: Standing
    member_user_id: int | None = None
    in_mentorship: bool = False  # the mentor who asks records encounters with them
    met: bool = False  # the mentor who asks may read their encounters

    def as_dict(self) -> dict[str, Any]:
        return {
            "curriculum": self.doc_id, "title": self.title, "member": self.member_name,
            "member_id": self.member_user_id,
            "last_activity_at": (
                self.last_activity_at.isoformat() if self.last_activity_at else None
            ),
            "now": [i.title for i in self.now_items],
            "pace": {"ratio": self.pace.ratio, "finished_items": self.pace.items},
            "status": self.standing.status, "reason": self.standing.reason,
            "workload": self.workload.as_dict(),
        }  # fmt: skip


def mentees(
    engine: Engine,
    settings: Settings,
    found: Sequence[CurriculumOverview],
    finished: Sequence[Any],
    now: datetime,
) -> list[Mentee]:
    """Blocking: each curriculum's member at a glance, who needs attention first.
    `finished`: the finished events of these curricula (their members' pace)."""
    doc_ids = [c.doc_id for c in found]
    in_now = now_items(engine, doc_ids)
    by_member: dict[int | None, list[Any]] = defaultdict(list)
    for event in finished:
        by_member[event.member_user_id].append(event)
    people = people_hours(engine, [c.member_user_id for c in found if c.member_user_id])
    paces: dict[str, tuple[float, Pace]] = {}
    for overview in found:
        member = people.get(overview.member_user_id or -1)
        hours = hours_of(settings, member.hours_per_week if member else None)
        mine = by_member.get(overview.member_user_id, []) if overview.member_user_id else []
        paces[overview.doc_id] = (hours, pace(mine, hours))
    medians = medians_for(
        engine,
        [
            item
            for doc_id, items in in_now.items()
            for item in items
            if needs_others(item, paces[doc_id][1])
        ],
    )  # read only for the cards that may need other members' times
    rows: list[Mentee] = []
    for overview in found:
        member = people.get(overview.member_user_id or -1)
        hours, own = paces[overview.doc_id]
        items = in_now.get(overview.doc_id, [])
        load = workload(
            items, own, medians,
            member_name=member.name if member else "",
            hours_per_week=hours,
            horizon_weeks=settings.workload_horizon_weeks,
        )  # fmt: skip
        found_standing = standing(
            overview.last_progress_at, overview.last_activity_at, load, now,
            settings.stalled_after_days,
        )  # fmt: skip
        rows.append(
            Mentee(
                overview.doc_id,
                overview.summary.title,
                member.name if member else "",
                overview.last_activity_at,
                tuple(items),
                own,
                load,
                found_standing,
                overview.member_user_id,
            )  # fmt: skip
        )
    order = attention_order([(row.standing, row.last_activity_at) for row in rows])
    return [rows[n] for n in order]


def mentor_view(
    engine: Engine, settings: Settings, mentor_user_id: int, now: datetime
) -> list[Mentee]:
    found = overviews_of_mentor(engine, mentor_user_id)
    finished = events_for_curricula(engine, [c.doc_id for c in found], kinds=["finished"])
    mine = members_in_mentorship(engine, mentor_user_id)
    met = mine | members_met_by(engine, mentor_user_id)
    return [
        replace(row, in_mentorship=row.member_user_id in mine, met=row.member_user_id in met)
        for row in mentees(engine, settings, found, finished, now)
    ]


@dataclass(frozen=True)
class Programme:
    mentees: tuple[Mentee, ...]
    activity: tuple[WeekActivity, ...]

    @property
    def counts(self) -> dict[str, int]:
        return per_status([m.standing.status for m in self.mentees])

    @property
    def stalled(self) -> list[Mentee]:
        return [m for m in self.mentees if m.standing.status == "stalled"]

    def activity_chart(self) -> str:
        return charts.bar_chart(
            "programme-finished",
            "Items finished per week across the programme, last 12 weeks",
            "; ".join(f"week of {w.week:%d %b}: {w.finished}" for w in self.activity),
            [w.week for w in self.activity],
            charts.Series("Finished", tuple(w.finished for w in self.activity), "chart-bar-a"),
            "items",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "members_per_status": self.counts,
            "stalled": [m.as_dict() for m in self.stalled],
            "weekly_finished": [
                {"week": w.week.isoformat(), "finished": w.finished, "minutes": w.minutes}
                for w in self.activity
            ],
            "curricula": [m.as_dict() for m in self.mentees],
        }


def staff_view(engine: Engine, settings: Settings, now: datetime) -> Programme:
    found = all_overviews(engine)
    finished = finished_times(engine)  # one narrow query: the paces and the weekly chart
    return Programme(
        tuple(mentees(engine, settings, found, finished, now)),
        tuple(weekly_activity(finished, now)),
    )
