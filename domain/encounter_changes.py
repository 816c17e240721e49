"""What changed on a curriculum since the last encounter, and by whom.

Pure. The caller reads two states of the curriculum (`collab.schema.read_curriculum`):
the one stored with the previous encounter and the current one (or the one stored with
a later encounter), and the learning events recorded in between. Comparing the two
states says *what* changed: items added or removed, started, finished, reopened, moved,
and notes written. The events say *who* moved or finished what (`caused_by`); an added
item names who added it (`assigned_by`). Removals and notes carry no author in the
document, so they are shown without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from collab.schema import Curriculum, Item

KINDS = ("added", "started", "moved", "finished", "reopened", "notes", "removed")
VERBS = {
    "added": "added",
    "started": "started",
    "moved": "moved",
    "finished": "finished",
    "reopened": "reopened",
    "notes": "wrote notes on",
    "removed": "removed",
}
EXCERPT = 160


@dataclass(frozen=True)
class EventRef:
    """A learning event, as much of it as this needs (`by`: a name, or None)."""

    item_id: str
    kind: str  # started | finished | reopened | moved
    by: str | None


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    item_id: str
    title: str
    from_status: str | None = None
    to_status: str | None = None
    by: tuple[str, ...] = ()  # who did it, when known
    excerpt: str = ""  # notes: the new words

    @property
    def verb(self) -> str:
        return VERBS[self.kind]


def _who(events: Sequence[EventRef], item_id: str, kinds: Iterable[str]) -> tuple[str, ...]:
    wanted = set(kinds)
    names = (e.by for e in events if e.item_id == item_id and e.kind in wanted and e.by)
    return tuple(dict.fromkeys(names))


def _new_words(before: str, after: str) -> str:
    """The notes' new part (what follows the old text, else the whole new text), short."""
    added = after[len(before) :] if after.startswith(before) else after
    added = " ".join(added.split())
    return added if len(added) <= EXCERPT else added[: EXCERPT - 1] + "…"


def _status_change(before: Item | None, after: Item, events: Sequence[EventRef]) -> list[Change]:
    found: list[Change] = []
    previous = before.status if before is not None else None

    def change(kind: str, *by_kinds: str) -> Change:
        by = _who(events, after.id, by_kinds or (kind,))
        return Change(kind, after.id, after.title, previous, after.status, by)

    if after.started_at is not None and (before is None or before.started_at is None):
        found.append(change("started"))
    if after.status == "done" and previous != "done":
        found.append(change("finished"))
    elif previous == "done" and after.status != "done":
        found.append(change("reopened"))
    elif previous is not None and previous != after.status:
        found.append(change("moved", "moved", "started"))
    return found


def what_changed(
    before: Curriculum,
    after: Curriculum,
    events: Sequence[EventRef] = (),
    names: Mapping[str, str] | None = None,
) -> list[Change]:
    """The changes from `before` to `after`, item by item in `after`'s order, removed
    items last. `names` maps an `assigned_by` email to a person's name."""
    names = names or {}
    old = {item.id: item for item in before.items}
    changes: list[Change] = []
    for item in after.items:
        previous = old.get(item.id)
        if previous is None:
            adder = names.get(item.assigned_by or "", item.assigned_by or "")
            changes.append(
                Change("added", item.id, item.title, None, item.status, (adder,) if adder else ())
            )
        changes += _status_change(previous, item, events)
        before_notes = previous.notes if previous is not None else ""
        if item.notes.strip() and item.notes != before_notes:
            excerpt = _new_words(before_notes, item.notes)
            changes.append(Change("notes", item.id, item.title, excerpt=excerpt))
    current = {item.id for item in after.items}
    for item in before.items:
        if item.id not in current:
            changes.append(Change("removed", item.id, item.title, item.status, None))
    return changes


def summary(changes: Sequence[Change]) -> dict[str, int]:
    """How many changes of each kind (kinds with none left out), in KINDS order."""
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
    return {kind: n for kind, n in counts.items() if n}
