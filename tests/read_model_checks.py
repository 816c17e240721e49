"""Test helpers for the read model: a server's database, waiting for events and rows."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

from pycrdt import Doc
from sqlalchemy import Engine

from collab import schema
from domain.learning_events import RecordedEvent
from domain.read_rows import CurriculumRows, curriculum_rows
from storage.account_queries import get_user_by_email
from storage.database import make_engine
from storage.read_model_queries import events_for, goals_of, items_of, overviews
from tests.server_process import ServerProcess


@contextlib.contextmanager
def database_of(server: ServerProcess) -> Iterator[Engine]:
    engine = make_engine(server.env["DATABASE_URL"])
    try:
        yield engine
    finally:
        engine.dispose()


def user_id(engine: Engine, email: str) -> int:
    user = get_user_by_email(engine, email)
    assert user is not None and user.id is not None
    return user.id


async def events_when(
    engine: Engine,
    doc_id: str,
    check: Callable[[list[RecordedEvent]], bool],
    timeout: float = 10.0,
    what: str = "",
) -> list[RecordedEvent]:
    """The curriculum's events, once `check` accepts them (polled, with a deadline)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        events = await asyncio.to_thread(events_for, engine, doc_id)
        if check(events):
            return events
        if asyncio.get_running_loop().time() > deadline:
            shown = [(e.item_id, e.kind, e.from_status, e.to_status) for e in events]
            raise AssertionError(f"timed out waiting for {what or check}; events: {shown}")
        await asyncio.sleep(0.05)


def has(item_id: str, kind: str, count: int = 1) -> Callable[[list[RecordedEvent]], bool]:
    return lambda events: sum(1 for e in events if e.item_id == item_id and e.kind == kind) >= count


def of(events: list[RecordedEvent], item_id: str, kind: str | None = None) -> list[RecordedEvent]:
    return [e for e in events if e.item_id == item_id and (kind is None or e.kind == kind)]


def stored_rows(engine: Engine, doc_id: str) -> CurriculumRows | None:
    """What the read model holds for a curriculum, as the rows the document would give."""
    overview = overviews(engine, [doc_id]).get(doc_id)
    if overview is None:
        return None
    return CurriculumRows(
        overview.summary, tuple(items_of(engine, doc_id)), tuple(goals_of(engine, doc_id))
    )


def expected_rows(doc: Doc) -> CurriculumRows:
    return curriculum_rows(schema.read_curriculum(doc))


async def rows_match(engine: Engine, doc_id: str, doc: Doc, timeout: float = 10.0) -> None:
    """Wait until the read model equals what `doc` says (fail with both after `timeout`)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        stored = await asyncio.to_thread(stored_rows, engine, doc_id)
        expected = expected_rows(doc)
        if stored == expected:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"read model differs from the document:\n{stored}\n{expected}")
        await asyncio.sleep(0.05)


def chain_breaks(events: list[RecordedEvent], doc: Doc) -> list[str]:
    """Where an item's column history is inconsistent: each change of column must start
    where the previous one ended, and the last must end where the document has the card."""
    statuses = {item.id: item.status for item in schema.read_curriculum(doc).items}
    problems: list[str] = []
    last: dict[str, str] = {}
    for event in events:
        if event.kind == "started":
            continue
        before = last.get(event.item_id)
        if before is not None and event.from_status != before:
            problems.append(
                f"{event.item_id}: {event.kind} from {event.from_status} after {before}"
            )
        last[event.item_id] = event.to_status
    for item_id, status in last.items():
        if item_id in statuses and statuses[item_id] != status:
            problems.append(
                f"{item_id}: last event ends in {status}, the card is in {statuses[item_id]}"
            )
    return problems
