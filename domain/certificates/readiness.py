"""Whether a goal is ready for a mentor's sign-off: every item serving it is done.

The items serving a goal are the cards tagged with at least one of the goal's skills
(tags compared after normalisation, so `k8s` serves `kubernetes`), in any column; this
is `domain.skills.coverage`. A goal is ready when

- it names at least one skill (a goal without skills has nothing serving it),
- each of its skills is served by at least one card in Done, and
- no card serving it is in Now or Next (work on it still under way or queued).

Cards in Later do not hold a goal back: Later is where a mentor keeps what goes beyond
the goal for another time (a "Linux performance" article serves Linux, but is not part
of being fluent with the shell). See docs/certificates.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.skills.coverage import GoalLike, ItemLike, coverage
from domain.skills.vocabulary import Vocabulary

UNDER_WAY = ("now", "next")


@dataclass(frozen=True)
class GoalReadiness:
    """One goal, what serves it, and whether it is ready for sign-off."""

    goal_id: str
    title: str
    skills: tuple[str, ...]  # the goal's skills, as labels
    done: tuple[str, ...]  # titles of the finished cards serving it, once each, board order
    under_way: tuple[str, ...]  # titles of the cards serving it in Now or Next
    unfinished: tuple[str, ...]  # labels of its skills that no finished card serves

    @property
    def ready(self) -> bool:
        return bool(self.skills) and not self.under_way and not self.unfinished


def readiness(
    goals: Iterable[GoalLike], items: Iterable[ItemLike], *, vocabulary: Vocabulary | None = None
) -> list[GoalReadiness]:
    """Each goal's readiness for sign-off, in the goals' order."""
    items = list(items)
    result = []
    for goal in coverage(goals, items, vocabulary=vocabulary):
        serving = {
            id(item)  # coverage hands back the caller's own objects
            for entry in goal.skills
            for column in entry.by_status().values()
            for item in column
        }
        result.append(
            GoalReadiness(
                goal_id=goal.goal_id,
                title=goal.title,
                skills=tuple(entry.label for entry in goal.skills),
                done=_titles(items, serving, ("done",)),
                under_way=_titles(items, serving, UNDER_WAY),
                unfinished=tuple(entry.label for entry in goal.skills if not entry.done),
            )
        )
    return result


def _titles(items: list[ItemLike], serving: set[int], statuses: tuple[str, ...]) -> tuple[str, ...]:
    """The titles of the serving items in `statuses`, in the order the items were given."""
    return tuple(item.title for item in items if id(item) in serving and item.status in statuses)
