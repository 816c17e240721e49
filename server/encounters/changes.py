"""What changed on the member's curriculum between two encounters (or since the last one):
the stored states read, the learning events of the window fetched, the pure comparison
(`domain.encounter_changes`) run."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pycrdt import Doc

from collab.schema import Curriculum, read_curriculum
from domain.encounter_changes import Change, EventRef, summary, what_changed
from storage.encounter_queries import names_by_email, names_of
from storage.encounters import Encounter
from storage.models import utcnow
from storage.read_model_queries import events_for


@dataclass(frozen=True)
class Window:
    """The changes between two moments, as a page shows them."""

    since: datetime
    until: datetime | None  # None: up to now
    changes: list[Change]
    counts: dict[str, int]


def curriculum_of(update: bytes | None) -> Curriculum:
    doc = Doc()
    if update:
        doc.apply_update(update)
    return read_curriculum(doc)


async def stored_state(state: Any, doc_id: str) -> bytes:
    """The curriculum as storage holds it now (snapshot and update log), one update."""
    stored = await state.store.load(doc_id)
    return bytes(stored.update)


def _compare(
    engine: Any, doc_id: str, before: bytes | None, after: bytes | None,
    since: datetime, until: datetime | None,
) -> Window:  # fmt: skip
    events = events_for(engine, doc_id, since=since, until=until or utcnow())
    who = names_of(engine, [e.caused_by for e in events if e.caused_by is not None])
    refs = [EventRef(e.item_id, e.kind, who.get(e.caused_by or 0)) for e in events]
    old, new = curriculum_of(before), curriculum_of(after)
    emails = [item.assigned_by for item in new.items if item.assigned_by]
    changes = what_changed(old, new, refs, names_by_email(engine, emails))
    return Window(since, until, changes, summary(changes))


async def between(state: Any, earlier: Encounter, later: Encounter) -> Window | None:
    """From one encounter to the next (the states stored with each)."""
    if earlier.doc_id is None or earlier.doc_id != later.doc_id:
        return None
    return await asyncio.to_thread(
        _compare, state.engine, earlier.doc_id, earlier.baseline, later.baseline,
        earlier.created_at, later.created_at,
    )  # fmt: skip


async def since(state: Any, encounter: Encounter) -> Window | None:
    """From an encounter up to now (the curriculum as stored now)."""
    if encounter.doc_id is None:
        return None
    now = await stored_state(state, encounter.doc_id)
    return await asyncio.to_thread(
        _compare, state.engine, encounter.doc_id, encounter.baseline, now,
        encounter.created_at, None,
    )  # fmt: skip
