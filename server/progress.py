"""How far a member is from the job they want: goals' skills against finished work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from collab.schema import Curriculum


@dataclass(frozen=True)
class GoalProgress:
    title: str
    skills: tuple[str, ...]
    covered: tuple[str, ...]  # skills practised by at least one finished resource
    done: bool
    target_date: str | None = None  # YYYY-MM-DD
    target_label: str = ""  # the same as people read it: "30 June 2027"

    @property
    def percent(self) -> int:
        if self.done:
            return 100
        return round(100 * len(self.covered) / len(self.skills)) if self.skills else 0


@dataclass(frozen=True)
class Progress:
    goals: tuple[GoalProgress, ...]
    done_minutes: int
    planned_minutes: int  # now + next + later

    @property
    def percent(self) -> int:
        return round(sum(g.percent for g in self.goals) / len(self.goals)) if self.goals else 0


def date_label(day: str | None) -> str:
    """A `YYYY-MM-DD` date as people read it ("30 June 2027"); "" for none."""
    if day is None:
        return ""
    when = date.fromisoformat(day)
    return f"{when.day} {when:%B} {when.year}"


def progress_towards_goals(curriculum: Curriculum) -> Progress:
    practised = {
        skill.lower() for item in curriculum.items if item.status == "done" for skill in item.skills
    }
    goals = tuple(
        GoalProgress(
            title=goal.title,
            skills=goal.skills,
            covered=tuple(s for s in goal.skills if s.lower() in practised),
            done=goal.done,
            target_date=goal.target_date,
            target_label=date_label(goal.target_date),
        )
        for goal in curriculum.goals
    )
    done = sum(i.estimate_minutes or 0 for i in curriculum.items if i.status == "done")
    planned = sum(i.estimate_minutes or 0 for i in curriculum.items if i.status != "done")
    return Progress(goals, done, planned)
