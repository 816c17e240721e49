"""Writing the read model: one short transaction per document, serialised per document.

`sync_document` locks the curriculum's summary row, reads the document as storage holds
it (snapshot and log, one statement, applied to a Doc as the rows arrive), hands it with
the rows it replaces to a `derive` function (the server's: read the curriculum, then
`domain.learning_events.changes`) and writes the
result: rows, events, summary. Two instances syncing the same document take turns on
the lock, and the second finds the rows already moved on: each transition is recorded
once. Blocking functions; the server runs them in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pycrdt import Doc
from sqlalchemy import Connection, Engine
from sqlmodel import col

from collab.memory import note_large_document
from domain.learning_events import ReadModelChange, Transition
from domain.read_rows import GoalRow, ItemRow
from storage.accounts import CurriculumMember, User
from storage.database import write_transaction
from storage.log_queries import WHOLE_DOCUMENT, _insert
from storage.models import Document, Snapshot, UpdateLogEntry, utcnow
from storage.read_model import CurriculumGoal, CurriculumItem, CurriculumSummary, LearningEvent
from storage.tables import table_of

_ROWS_AT_ONCE = 64  # log rows fetched (and held) at a time while a document is read


@dataclass(frozen=True)
class Stored:
    """Where storage stood when the read model was derived."""

    log_id: int  # the highest log id of what was read
    committed_at: datetime | None  # newest commit time of log rows past the last sync


@dataclass(frozen=True)
class StoredState(Stored):
    """A document as storage holds it when the read model is written."""

    doc: Doc[Any]  # the snapshot (if any) and then the log rows, applied to one Doc
    size: int  # bytes of what was read


@dataclass(frozen=True)
class Previous:
    """The rows a sync replaces; `items` None when the curriculum was never synced."""

    items: dict[str, ItemRow] | None
    goals: dict[str, GoalRow]


Derive = Callable[[StoredState, Previous], ReadModelChange]
ATTEMPTS = 5  # syncs of one curriculum racing each other (several instances)


@dataclass(frozen=True)
class Synced:
    changed: bool  # did any row or summary field change
    events: int  # learning events recorded


def sync_document(
    engine: Engine,
    doc_id: str,
    derive: Derive,
    *,
    actor: int | None = None,
    record_events: bool = True,
) -> Synced | None:
    """Bring the read model of `doc_id` in step with its stored document.

    With `record_events`, transitions since the last sync become learning events caused
    by `actor` (a user id, or None when unknown); without, every row is rewritten from
    the document and no event is recorded (a rebuild). None if the document is gone.
    """
    for _ in range(ATTEMPTS):
        # Read and compare without the write lock (on SQLite it would stop the update
        # log's commits meanwhile), then write only if no other sync went in between.
        with WHOLE_DOCUMENT:
            with engine.connect() as connection:
                if (
                    connection.scalar(sa.select(col(Document.id)).where(col(Document.id) == doc_id))
                    is None
                ):
                    return None
                seen = _summary(connection, doc_id)
                fresh = not record_events or seen is None or seen.synced_at is None
                state = _stored_state(connection, doc_id, seen.synced_log_id if seen else 0)
                previous = Previous(
                    items=None if fresh else _item_rows(connection, doc_id),
                    goals={} if fresh else _goal_rows(connection, doc_id),
                )
            change = derive(state, previous)
            stored, size = Stored(state.log_id, state.committed_at), state.size
            del state  # and its Doc
            note_large_document(size)  # once it is freed: see collab/memory.py
        with write_transaction(engine) as connection:
            summary = _locked_summary(connection, doc_id)
            if _version(summary) != _version(seen):
                continue  # another sync of this curriculum went first: compare again
            return _write(connection, doc_id, summary, stored, change, fresh, actor, record_events)
    raise RuntimeError(f"the read model of {doc_id} kept changing under its sync")


def _version(summary: Any) -> tuple[datetime | None, int]:
    return (summary.synced_at, summary.synced_log_id) if summary is not None else (None, 0)


def _summary(connection: Connection, doc_id: str) -> Any:
    return connection.execute(
        sa.select(table_of(CurriculumSummary)).where(col(CurriculumSummary.doc_id) == doc_id)
    ).first()


def _write(
    connection: Connection, doc_id: str, summary: Any, state: Stored,
    change: ReadModelChange, fresh: bool, actor: int | None, record_events: bool,
) -> Synced:  # fmt: skip
    now = utcnow()
    at = state.committed_at or now
    if fresh:
        for table in (CurriculumItem, CurriculumGoal):
            connection.execute(sa.delete(table).where(col(table.doc_id) == doc_id))
    _write_rows(connection, doc_id, change)
    member = _member_of(connection, doc_id)
    events = _record(connection, doc_id, change, at, member, actor) if record_events else 0
    values: dict[str, Any] = {
        **{k: v for k, v in asdict(change.summary).items() if getattr(summary, k) != v},
        "member_user_id": member,
        "synced_at": now,
        "synced_log_id": max(summary.synced_log_id, state.log_id),
    }
    if not fresh:
        values["last_activity_at"] = at
    elif summary.last_activity_at is None:
        values["last_activity_at"] = _newest_commit(connection, doc_id)
    if events or fresh:
        values["last_progress_at"] = _last_progress(connection, doc_id)
    connection.execute(
        sa.update(CurriculumSummary).where(col(CurriculumSummary.doc_id) == doc_id).values(values)
    )
    changed = bool(
        change.item_upserts or change.item_deletes or change.goal_upserts
        or change.goal_deletes or _summary_differs(summary, change)
    )  # fmt: skip
    return Synced(changed=changed or fresh, events=events)


def _locked_summary(connection: Connection, doc_id: str) -> Any:
    """The summary row of `doc_id`, made if missing, locked until the transaction ends."""
    connection.execute(
        _insert(connection, CurriculumSummary)
        .values(doc_id=doc_id, title="", resume="", synced_log_id=0, **_zero_counts())
        .on_conflict_do_nothing(index_elements=["doc_id"])
    )
    return connection.execute(
        sa.select(table_of(CurriculumSummary))
        .where(col(CurriculumSummary.doc_id) == doc_id)
        .with_for_update()
    ).one()


def _zero_counts() -> dict[str, int]:
    names = [f"{what}_{status}" for what in ("items", "minutes") for status in _STATUSES]
    return dict.fromkeys([*names, "goals_total", "goals_done"], 0)


_STATUSES = ("done", "now", "next", "later")


def _summary_differs(summary: Any, change: ReadModelChange) -> bool:
    return any(getattr(summary, key) != value for key, value in asdict(change.summary).items())


def _stored_state(connection: Connection, doc_id: str, synced_log_id: int) -> StoredState:
    """Snapshot and log rows in one statement: one consistent view, as `read_document`.
    Rows are applied as they arrive, so that only the Doc and a few rows are in memory
    at once (a big document's stored updates are as large as the document again)."""
    snapshot: Any = sa.select(
        sa.literal(0).label("kind"), col(Snapshot.last_id).label("id"), col(Snapshot.data),
        col(Snapshot.updated_at).label("at"),
    ).where(col(Snapshot.doc_id) == doc_id)  # fmt: skip
    log: Any = sa.select(
        sa.literal(1).label("kind"), col(UpdateLogEntry.id).label("id"), col(UpdateLogEntry.data),
        col(UpdateLogEntry.created_at).label("at"),
    ).where(col(UpdateLogEntry.doc_id) == doc_id)  # fmt: skip
    # In no particular order: a Doc reaches the same state whatever order updates come
    # in, and sorting would make the database hold every row at once.
    rows = connection.execution_options(yield_per=_ROWS_AT_ONCE).execute(
        sa.union_all(snapshot, log)
    )
    doc: Doc[Any] = Doc()
    log_id, committed_at, size = 0, None, 0
    for row in rows:
        doc.apply_update(bytes(row.data))
        size += len(row.data)
        log_id = max(log_id, int(row.id))
        if row.kind == 1 and row.id > synced_log_id:
            committed_at = row.at if committed_at is None else max(committed_at, row.at)
    return StoredState(log_id=log_id, committed_at=committed_at, doc=doc, size=size)


def _newest_commit(connection: Connection, doc_id: str) -> datetime | None:
    newest = connection.scalar(
        sa.select(sa.func.max(col(UpdateLogEntry.created_at))).where(
            col(UpdateLogEntry.doc_id) == doc_id
        )
    )
    if newest is None:
        newest = connection.scalar(
            sa.select(col(Snapshot.updated_at)).where(col(Snapshot.doc_id) == doc_id)
        )
    return newest


def _item_rows(connection: Connection, doc_id: str) -> dict[str, ItemRow]:
    rows = connection.execute(
        sa.select(table_of(CurriculumItem)).where(col(CurriculumItem.doc_id) == doc_id)
    ).all()
    return {row.item_id: item_row(row) for row in rows}


def item_row(row: Any) -> ItemRow:
    """An `ItemRow` from a `curriculum_item` row."""
    values = {key: getattr(row, key) for key in ItemRow.__dataclass_fields__}
    values["skills"] = tuple(values["skills"] or ())
    return ItemRow(**values)


def _goal_rows(connection: Connection, doc_id: str) -> dict[str, GoalRow]:
    rows = connection.execute(
        sa.select(table_of(CurriculumGoal)).where(col(CurriculumGoal.doc_id) == doc_id)
    ).all()
    return {row.goal_id: goal_row(row) for row in rows}


def goal_row(row: Any) -> GoalRow:
    """A `GoalRow` from a `curriculum_goal` row."""
    return GoalRow(row.goal_id, row.title, tuple(row.skills or ()), bool(row.done), row.rank)


def _write_rows(connection: Connection, doc_id: str, change: ReadModelChange) -> None:
    for table, key, deletes in (
        (CurriculumItem, CurriculumItem.item_id, change.item_deletes),
        (CurriculumGoal, CurriculumGoal.goal_id, change.goal_deletes),
    ):
        if deletes:
            connection.execute(
                sa.delete(table).where(col(table.doc_id) == doc_id, col(key).in_(list(deletes)))
            )
    _upsert(connection, CurriculumItem, "item_id", doc_id, change.item_upserts)
    _upsert(connection, CurriculumGoal, "goal_id", doc_id, change.goal_upserts)


def _upsert(connection: Connection, table: Any, key: str, doc_id: str, rows: Sequence[Any]) -> None:
    if not rows:
        return
    values = [{**asdict(row), "skills": list(row.skills), "doc_id": doc_id} for row in rows]
    statement = _insert(connection, table)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["doc_id", key],
            set_={
                name: statement.excluded[name] for name in values[0] if name not in ("doc_id", key)
            },
        ),
        values,
    )


def _member_of(connection: Connection, doc_id: str) -> int | None:
    return connection.scalar(
        sa.select(col(CurriculumMember.user_id)).where(
            col(CurriculumMember.doc_id) == doc_id, col(CurriculumMember.role) == "member"
        )
    )


def _record(
    connection: Connection,
    doc_id: str,
    change: ReadModelChange,
    at: datetime,
    member: int | None,
    actor: int | None,
) -> int:
    if not change.transitions:
        return 0
    if actor is not None:  # an account erased meanwhile leaves the event without an author
        actor = connection.scalar(sa.select(col(User.id)).where(col(User.id) == actor))
    connection.execute(
        sa.insert(LearningEvent),
        [
            {**asdict(t), "doc_id": doc_id, "at": at, "member_user_id": member, "caused_by": actor}
            for t in change.transitions
        ],
    )
    return len(change.transitions)


def _last_progress(connection: Connection, doc_id: str) -> datetime | None:
    return connection.scalar(
        sa.select(sa.func.max(col(LearningEvent.at))).where(
            col(LearningEvent.doc_id) == doc_id,
            col(LearningEvent.kind).in_(["started", "finished"]),
        )
    )


def documents_to_sync(engine: Engine) -> list[str]:
    """Curricula whose read model is missing or behind their log (after a crash, a
    migration or a restore): the documents with people on them, past their last sync."""
    newest_log = (
        sa.select(sa.func.max(col(UpdateLogEntry.id)))
        .where(col(UpdateLogEntry.doc_id) == col(Document.id))
        .scalar_subquery()
    )
    newest_snapshot = (
        sa.select(col(Snapshot.last_id)).where(col(Snapshot.doc_id) == col(Document.id))
    ).scalar_subquery()
    synced = sa.func.coalesce(col(CurriculumSummary.synced_log_id), -1)
    query = (
        sa.select(col(Document.id))
        .outerjoin(CurriculumSummary, col(CurriculumSummary.doc_id) == col(Document.id))
        .where(col(Document.id).in_(sa.select(col(CurriculumMember.doc_id))))
        .where(
            sa.or_(
                col(CurriculumSummary.synced_at).is_(None),
                sa.func.coalesce(newest_log, 0) > synced,
                sa.func.coalesce(newest_snapshot, 0) > synced,
            )
        )
        .order_by(col(Document.id))
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def all_curricula(engine: Engine) -> list[str]:
    """Every document with people on it (what `mentorhub read-model rebuild` goes through)."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(col(CurriculumMember.doc_id))
                .distinct()
                .order_by(col(CurriculumMember.doc_id))
            ).scalars()
        )


def insert_history(
    engine: Engine, doc_id: str, history: Sequence[tuple[datetime, Transition, int | None]]
) -> None:
    """Learning events that happened before mentorHub saw them (the demo's past months):
    (when, what, caused by whom). The next sync or rebuild leaves them as they are."""
    with write_transaction(engine) as connection:
        member = _member_of(connection, doc_id)
        connection.execute(
            sa.insert(LearningEvent),
            [
                {**asdict(t), "doc_id": doc_id, "at": at, "member_user_id": member, "caused_by": by}
                for at, t, by in history
            ],
        )
