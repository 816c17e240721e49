"""Which items of a curriculum serve each skill of each goal, and which skills nothing serves.

Works on anything shaped like the curriculum's goals and items (`collab.schema.Goal`
and `Item`, rows of the read model, or the small dataclasses here): only `id`, `title`,
`skills` and, for items, `status` are read. Skills are compared after normalisation, so an
item tagged `k8s` serves a goal that asks for `kubernetes`. Related skills do not count:
coverage says what is actually on the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from domain.skills.vocabulary import InvalidTag, Vocabulary, load_vocabulary

STATUSES = ("done", "now", "next", "later")  # the order coverage lists them in


class GoalLike(Protocol):
    """A goal: `collab.schema.Goal`, a read-model row, or a `GoalRef`."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def skills(self) -> Sequence[str]: ...


class ItemLike(GoalLike, Protocol):
    """An item (a card): a goal's fields and the column it is in."""

    @property
    def status(self) -> str: ...


ItemT = TypeVar("ItemT", bound=ItemLike)


@dataclass(frozen=True)
class GoalRef:
    """A goal, for callers that have no goal objects of their own."""

    id: str
    title: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemRef:
    """An item, for callers that have no item objects of their own."""

    id: str
    title: str
    skills: tuple[str, ...] = ()
    status: str = "later"


@dataclass(frozen=True)
class SkillCoverage(Generic[ItemT]):
    """One skill of a goal and the items serving it, by status (done, now, next, later)."""

    skill: str  # canonical name, or the free tag
    label: str
    done: tuple[ItemT, ...] = ()
    now: tuple[ItemT, ...] = ()
    next: tuple[ItemT, ...] = ()
    later: tuple[ItemT, ...] = ()

    @property
    def served(self) -> bool:
        """Whether any item, in any column, serves this skill."""
        return bool(self.done or self.now or self.next or self.later)

    def by_status(self) -> dict[str, tuple[ItemT, ...]]:
        """The serving items keyed by status, in the order done, now, next, later."""
        return {status: getattr(self, status) for status in STATUSES}


@dataclass(frozen=True)
class GoalCoverage(Generic[ItemT]):
    """A goal with the coverage of each of its skills, in the goal's order."""

    goal_id: str
    title: str
    skills: tuple[SkillCoverage[ItemT], ...]

    @property
    def unserved(self) -> tuple[str, ...]:
        """The goal's skills that no item serves: where a resource is missing."""
        return tuple(entry.skill for entry in self.skills if not entry.served)


def coverage(
    goals: Iterable[GoalLike], items: Iterable[ItemT], *, vocabulary: Vocabulary | None = None
) -> list[GoalCoverage[ItemT]]:
    """For each goal, each of its skills with the items serving it, grouped by status.

    Items keep their given order within a status. A tag without any letter or digit is
    ignored (it names no skill); an item with a status outside done/now/next/later raises
    ValueError, since the curriculum's schema never holds one.
    """
    vocab = vocabulary or load_vocabulary()
    serving: dict[str, dict[str, list[ItemT]]] = {}
    for item in items:
        if item.status not in STATUSES:
            raise ValueError(f"item {item.id!r} has an unknown status {item.status!r}")
        for skill in _names(vocab, item.skills):
            columns = serving.setdefault(skill, {status: [] for status in STATUSES})
            columns[item.status].append(item)
    result: list[GoalCoverage[ItemT]] = []
    for goal in goals:
        entries = []
        for skill in _names(vocab, goal.skills):
            found = serving.get(skill, {})
            entries.append(
                SkillCoverage(
                    skill=skill,
                    label=vocab.label(skill),
                    done=tuple(found.get("done", ())),
                    now=tuple(found.get("now", ())),
                    next=tuple(found.get("next", ())),
                    later=tuple(found.get("later", ())),
                )  # fmt: skip
            )
        result.append(GoalCoverage(goal_id=goal.id, title=goal.title, skills=tuple(entries)))
    return result


def unserved_skills(goals: Iterable[GoalCoverage[ItemT]]) -> tuple[str, ...]:
    """Every skill that some goal needs and nothing serves, once each, in goal order."""
    return tuple(dict.fromkeys(skill for goal in goals for skill in goal.unserved))


def _names(vocab: Vocabulary, tags: Iterable[str]) -> list[str]:
    names: dict[str, None] = {}
    for tag in tags:
        try:
            names[vocab.normalise(tag)] = None
        except InvalidTag:
            continue
    return list(names)
