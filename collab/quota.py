"""A size quota per curriculum: what a document may hold, checked before an update applies.

A CRDT update cannot be taken back once applied, so the room asks `QuotaGuard.admit`
first. Checking exactly on every update would cost a full encoding of the document each
time, so the guard keeps upper bounds of the usage, grown by each update's size (no update
adds more bytes, characters or entries than it carries); only when a bound crosses a limit
does it measure that dimension exactly, and only when the exact figure still crosses does
it try the update on a copy of the document. A refused update changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pycrdt import Doc, Map, Text

from .edits import CurriculumError
from .update_check import UpdateSummary


@dataclass(frozen=True)
class DocumentLimits:
    max_state_bytes: int = 4 * 1024 * 1024  # the document's encoded state
    max_items: int = 500
    max_goals: int = 100
    max_notes_chars: int = 64 * 1024  # per item
    max_resume_chars: int = 64 * 1024


@dataclass(frozen=True)
class Usage:
    state_bytes: int = 0
    items: int = 0
    goals: int = 0
    longest_notes: int = 0
    resume_chars: int = 0


class QuotaExceeded(CurriculumError):
    """The change would take the curriculum over one of its limits; nothing was applied."""


def _longest_notes(doc: Doc[Any]) -> int:
    longest = 0
    for item in doc.get("items", type=Map).values():
        notes = item.get("notes") if isinstance(item, Map) else None
        if isinstance(notes, Text | str):
            longest = max(longest, len(str(notes)))
    return longest


_EXACT: dict[str, Callable[[Doc[Any]], int]] = {
    "state_bytes": lambda doc: len(doc.get_update()),
    "items": lambda doc: len(doc.get("items", type=Map)),
    "goals": lambda doc: len(doc.get("goals", type=Map)),
    "longest_notes": _longest_notes,
    "resume_chars": lambda doc: len(str(doc.get("resume", type=Text))),
}


def measure(doc: Doc[Any]) -> Usage:
    """The document's exact usage (costs a full encoding: use sparingly)."""
    return Usage(**{name: exact(doc) for name, exact in _EXACT.items()})


def excess(usage: Usage, limits: DocumentLimits) -> str | None:
    """Which limit `usage` crosses, in words for the person editing; None if none."""
    if usage.items > limits.max_items:
        return f"a curriculum holds at most {limits.max_items} items"
    if usage.goals > limits.max_goals:
        return f"a curriculum holds at most {limits.max_goals} goals"
    if usage.longest_notes > limits.max_notes_chars:
        return f"an item's notes hold at most {limits.max_notes_chars} characters"
    if usage.resume_chars > limits.max_resume_chars:
        return f"the dream-job resume holds at most {limits.max_resume_chars} characters"
    if usage.state_bytes > limits.max_state_bytes:
        return f"a curriculum holds at most {limits.max_state_bytes // 1024} KiB"
    return None


def _crossed(usage: Usage, limits: DocumentLimits) -> list[str]:
    caps = {
        "state_bytes": limits.max_state_bytes, "items": limits.max_items,
        "goals": limits.max_goals, "longest_notes": limits.max_notes_chars,
        "resume_chars": limits.max_resume_chars,
    }  # fmt: skip
    return [name for name, cap in caps.items() if getattr(usage, name) > cap]


class QuotaGuard:
    """Upper bounds of one room's usage, and the check of each update against the limits."""

    # what one server action (an htmx form) can add at most, for `admit_edit`
    EDIT_GROWTH = Usage(state_bytes=256 * 1024, items=1, goals=1, longest_notes=50_000,
                        resume_chars=50_000)  # fmt: skip

    def __init__(self, limits: DocumentLimits, doc: Doc[Any]) -> None:
        self.limits = limits
        self.bound = measure(doc)

    def admit(self, doc: Doc[Any], update: bytes, summary: UpdateSummary) -> None:
        """Raise QuotaExceeded if applying `update` to `doc` would cross a limit."""
        growth = _growth(update, summary)
        self.bound = self._check(doc, growth, lambda trial: trial.apply_update(update))

    def admit_edit(self, doc: Doc[Any], change: Callable[[Doc[Any]], object]) -> None:
        """Raise QuotaExceeded if the server-side `change` would cross a limit."""
        self.bound = self._check(doc, self.EDIT_GROWTH, change)

    def _check(self, doc: Doc[Any], growth: Usage, apply: Callable[[Doc[Any]], object]) -> Usage:
        maybe = _plus(self.bound, growth)
        near = _crossed(maybe, self.limits)
        if not near:
            return maybe
        exact = replace(self.bound, **{name: _EXACT[name](doc) for name in near})
        maybe = _plus(exact, growth)
        if not _crossed(maybe, self.limits):
            return maybe
        trial: Doc[Any] = Doc()
        trial.apply_update(doc.get_update())
        apply(trial)
        after = measure(trial)
        reason = excess(after, self.limits)
        if reason is not None:
            raise QuotaExceeded(f"The change was not saved: {reason}.")
        return after

    def widen(self, update: bytes, summary: UpdateSummary) -> None:
        """Grow the bounds by an update applied unchecked (another instance checked it)."""
        self.bound = _plus(self.bound, _growth(update, summary))

    def remeasure(self, doc: Doc[Any]) -> None:
        """Exact bounds again, after the document changed outside `admit` (a catch-up)."""
        self.bound = measure(doc)


def _growth(update: bytes, summary: UpdateSummary) -> Usage:
    grow = len(update)
    roots = [w.root for w in summary.root_writes if w.keyed]
    return Usage(grow, roots.count("items"), roots.count("goals"), grow, grow)


def _plus(a: Usage, b: Usage) -> Usage:
    return Usage(*(getattr(a, f) + getattr(b, f) for f in _EXACT))
