"""A size quota per curriculum: what a document may hold, checked before an update applies.

A CRDT update cannot be taken back once applied, so the room asks `QuotaGuard.admit`
first. Checking exactly on every update would cost a full encoding of the document each
time, so the guard keeps upper bounds of the usage, grown by each update's size (no update
adds more bytes, or more entries, than it carries); only when a bound crosses a limit does
it measure that dimension exactly, and it refuses the update when the exact figure plus
the update's size crosses. So a peer's change is refused only within one update's size of
a limit (a change that replaces text right at the limit may be refused; deleting first
always works), and the cost near a limit stays one cheap measurement per update, never a
trial on a copy of the document. A server action, whose growth is not known in advance,
is tried on a copy when the document is near a limit. A refused change changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from pycrdt import Doc, Map, Text

from .edits import CurriculumError
from .update_check import UpdateSummary


@dataclass(frozen=True)
class DocumentLimits:
    max_state_bytes: int = 4 * 1024 * 1024  # the document's encoded state
    max_items: int = 500
    max_goals: int = 100
    max_notes_bytes: int = 64 * 1024  # per item, UTF-8
    max_resume_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Usage:
    state_bytes: int = 0
    items: int = 0
    goals: int = 0
    longest_notes: int = 0
    resume_bytes: int = 0


class QuotaExceeded(CurriculumError):
    """The change would take the curriculum over one of its limits; nothing was applied."""


def _longest_notes(doc: Doc[Any]) -> int:
    longest = 0
    for item in doc.get("items", type=Map).values():
        notes = item.get("notes") if isinstance(item, Map) else None
        if isinstance(notes, Text):
            longest = max(longest, len(notes))  # UTF-8 bytes, counted without a copy
        elif isinstance(notes, str):
            longest = max(longest, len(notes.encode()))
    return longest


_EXACT: dict[str, Callable[[Doc[Any]], int]] = {
    "state_bytes": lambda doc: len(doc.get_update()),
    "items": lambda doc: len(doc.get("items", type=Map)),
    "goals": lambda doc: len(doc.get("goals", type=Map)),
    "longest_notes": _longest_notes,
    "resume_bytes": lambda doc: len(doc.get("resume", type=Text)),  # UTF-8 bytes
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
    if usage.longest_notes > limits.max_notes_bytes:
        return f"an item's notes hold at most {_size(limits.max_notes_bytes)}"
    if usage.resume_bytes > limits.max_resume_bytes:
        return f"the dream-job resume holds at most {_size(limits.max_resume_bytes)}"
    if usage.state_bytes > limits.max_state_bytes:
        return f"a curriculum holds at most {_size(limits.max_state_bytes)}"
    return None


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    return f"{n // 1024} KiB" if n >= 1024 and n % 1024 == 0 else f"{n} bytes"


def _crossed(usage: Usage, limits: DocumentLimits) -> list[str]:
    caps = {
        "state_bytes": limits.max_state_bytes, "items": limits.max_items,
        "goals": limits.max_goals, "longest_notes": limits.max_notes_bytes,
        "resume_bytes": limits.max_resume_bytes,
    }  # fmt: skip
    return [name for name, cap in caps.items() if getattr(usage, name) > cap]


class QuotaGuard:
    """Upper bounds of one room's usage, and the check of each update against the limits."""

    # what one server action (an htmx form) can add at most, for `admit_edit`
    EDIT_GROWTH = Usage(state_bytes=256 * 1024, items=1, goals=1, longest_notes=50_000,
                        resume_bytes=50_000)  # fmt: skip
    # an update's size bounds these exactly enough to refuse on it; the length of a text
    # cannot be told from an update (text appends do not name their parent), so near
    # those limits the update is tried on a shadow copy
    _BY_SIZE = frozenset({"state_bytes", "items", "goals"})

    def __init__(self, limits: DocumentLimits, doc: Doc[Any]) -> None:
        self.limits = limits
        self.bound = measure(doc)
        self._shadow: Doc[Any] | None = None  # kept in step with the room once near a limit

    def admit(self, doc: Doc[Any], update: bytes, summary: UpdateSummary) -> None:
        """Raise QuotaExceeded if applying `update` to `doc` would cross a limit."""
        growth = _growth(update, summary)
        maybe = _plus(self.bound, growth)
        near = _crossed(maybe, self.limits)
        if near and summary.blocks:  # deletions only never grow what a limit counts
            exact = replace(self.bound, **{name: _EXACT[name](doc) for name in near})
            maybe = _plus(exact, growth)
            crossing = _crossed(maybe, self.limits)
            if self._BY_SIZE.intersection(crossing):
                self.bound = exact
                # only what the update's size tells: text lengths were not measured on it
                self._refuse(replace(maybe, longest_notes=0, resume_bytes=0))
            if crossing:
                shadow = self._shadow_of(doc)
                shadow.apply_update(update)
                maybe = replace(maybe, **{name: _EXACT[name](shadow) for name in crossing})
                if _crossed(maybe, self.limits):
                    self._shadow = None  # it holds the refused update
                    self.bound = exact
                    self._refuse(maybe)
                self.bound = maybe
                return
        if self._shadow is not None:
            self._shadow.apply_update(update)
        self.bound = maybe

    def admit_edit(self, doc: Doc[Any], change: Callable[[Doc[Any]], object]) -> None:
        """Raise QuotaExceeded if the server-side `change` would cross a limit."""
        self._shadow = None  # the edit is not applied to it
        maybe = _plus(self.bound, self.EDIT_GROWTH)
        if not _crossed(maybe, self.limits):
            self.bound = maybe
            return
        trial = _copy(doc)
        change(trial)
        after = measure(trial)
        if _crossed(after, self.limits):
            self._refuse(after)
        self.bound = _plus(after, self.EDIT_GROWTH)  # the real edit may differ a little

    def widen(self, update: bytes, summary: UpdateSummary) -> None:
        """Grow the bounds by an update applied unchecked (another instance checked it)."""
        self._shadow = None
        self.bound = _plus(self.bound, _growth(update, summary))

    def remeasure(self, doc: Doc[Any]) -> None:
        """Exact bounds again, after the document changed outside `admit` (a catch-up)."""
        self._shadow = None
        self.bound = measure(doc)

    def _shadow_of(self, doc: Doc[Any]) -> Doc[Any]:
        if self._shadow is None or self._shadow.get_state() != doc.get_state():
            self._shadow = _copy(doc)
        return self._shadow

    def _refuse(self, usage: Usage) -> NoReturn:
        raise QuotaExceeded(f"The change was not saved: {excess(usage, self.limits)}.")


def _copy(doc: Doc[Any]) -> Doc[Any]:
    copy: Doc[Any] = Doc()
    copy.apply_update(doc.get_update())
    return copy


def _growth(update: bytes, summary: UpdateSummary) -> Usage:
    grow = len(update)
    roots = [w.root for w in summary.root_writes if w.keyed]
    return Usage(grow, roots.count("items"), roots.count("goals"), grow, grow)


def _plus(a: Usage, b: Usage) -> Usage:
    # spelled out, not a loop over the fields: this runs for every update a room admits
    return Usage(
        a.state_bytes + b.state_bytes,
        a.items + b.items,
        a.goals + b.goals,
        a.longest_notes + b.longest_notes,
        a.resume_bytes + b.resume_bytes,
    )
