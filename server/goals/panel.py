"""What the editor page renders of the dream job panel before the live document takes
over (and all there is without JavaScript): the resume, the goals with their coverage,
and the skills the datalist offers."""

from __future__ import annotations

from functools import cache
from typing import Any

from collab.schema import Curriculum
from domain.skills import coverage, load_vocabulary


@cache
def skill_options() -> tuple[tuple[str, str], ...]:
    """(name, label) of every skill of the shipped vocabulary, by label."""
    return tuple(sorted(((s.name, s.label) for s in load_vocabulary()), key=lambda s: s[1].lower()))


def panel_context(curriculum: Curriculum) -> dict[str, Any]:
    found = coverage(curriculum.goals, curriculum.items)
    return {
        "skill_options": skill_options(),
        "goal_coverage": {goal.goal_id: goal for goal in found},
    }
