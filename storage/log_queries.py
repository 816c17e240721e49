"""The update log's SQL: blocking functions, each one short transaction.

`UpdateLog` runs them off the event loop with `asyncio.to_thread`.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pycrdt import Doc, merge_updates
from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from collab.memory import note_large_document
from collab.update_check import InvalidUpdate, decode_state_vector, inspect_update
from storage.database import PreparedRead, write_transaction
from storage.models import Document, Snapshot, UpdateLogEntry, utcnow
from storage.tables import known

_DELETE_CHUNK = 500  # ids per DELETE ... WHERE id IN (...), well below parameter limits
_MERGE_FAN_IN = 64

# Held while a whole stored document is decoded in memory (a compaction, a read-model
# sync): one at a time in a process, so that beside a room's own copy of a big document
# there is at most one more, not one for each.
WHOLE_DOCUMENT = threading.Lock()


@dataclass(frozen=True)
class StoredSnapshot:
    data: bytes
    last_id: int


@dataclass(frozen=True)
class DocumentRows:
    """What storage holds for one document: its snapshot (if any) and its log rows."""

    snapshot: StoredSnapshot | None
    rows: list[tuple[int, bytes]]  # (log id, update), in id order


def merge_all(updates: Sequence[bytes]) -> bytes:
    """`merge_updates` over many updates, as a tree: one flat call is quadratic-ish."""
    level = list(updates)
    if not level:
        return b""
    while len(level) > 1:
        level = [
            merge_updates(*level[i : i + _MERGE_FAN_IN])
            for i in range(0, len(level), _MERGE_FAN_IN)
        ]
    return level[0]


def normalised(update: bytes) -> bytes:
    """The document's state encoded afresh: deleted content garbage-collected and runs
    squashed, which a merged update keeps (it can be twice the size, and slower to load).
    Pending structs (missing dependencies) are kept by the merge, not by a Doc: a
    snapshot is only normalised when the Doc holds all of it."""
    return folded([update])


def folded(updates: list[bytes]) -> bytes:
    """`updates` as one normalised update (see `normalised`), applied one by one to a Doc
    rather than merged first: a big document's compaction is the peak of its memory, and
    a merge of many updates holds several copies of the document at once. Empties
    `updates` once the Doc holds them all, before it is encoded."""
    wanted: dict[int, int] = {}  # each client's clock once every update is in
    doc: Doc[Any] = Doc()
    try:
        for update in updates:
            for block in inspect_update(update).blocks:
                wanted[block.client] = max(block.end, wanted.get(block.client, 0))
            doc.apply_update(update)
    except InvalidUpdate:  # not expected of stored updates; the merge takes them as they are
        wanted = {}
    if not wanted or decode_state_vector(doc.get_state()) != wanted:
        del doc  # it holds pending structs (missing dependencies), which the merge keeps
        return merge_all(updates)
    updates.clear()
    return doc.get_update()


def _insert(connection: Connection, model: Any) -> Any:
    """The dialect's INSERT, which offers ON CONFLICT on both SQLite and PostgreSQL."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"mentorHub does not support the {name} database")


def insert_batch(
    engine: Engine, entries: Sequence[tuple[str, bytes]], count_docs: Iterable[str] = ()
) -> tuple[list[int], dict[str, int]]:
    """Append `entries` (doc id, update) in one transaction, creating missing documents.

    Returns the new log ids, in the order of `entries`, and the number of log rows
    now held for each document named in `count_docs`.
    """
    now = utcnow()
    with write_transaction(engine) as connection:
        new_docs = [
            {"id": doc_id, "title": "", "created_at": now, "updated_at": now}
            for doc_id in sorted({doc_id for doc_id, _ in entries})  # one lock order
        ]
        connection.execute(
            _insert(connection, Document).on_conflict_do_nothing(index_elements=["id"]), new_docs
        )
        rows = [{"doc_id": doc_id, "data": data, "created_at": now} for doc_id, data in entries]
        ids = connection.execute(
            sa.insert(UpdateLogEntry).returning(
                col(UpdateLogEntry.id), sort_by_parameter_order=True
            ),
            rows,
        ).scalars()
        log_ids = [known(i) for i in ids]
        counts = _count_rows(connection, list(count_docs))
    return log_ids, counts


def _count_rows(connection: Connection, doc_ids: list[str]) -> dict[str, int]:
    if not doc_ids:
        return {}
    found = connection.execute(
        sa.select(col(UpdateLogEntry.doc_id), sa.func.count())
        .where(col(UpdateLogEntry.doc_id).in_(doc_ids))
        .group_by(col(UpdateLogEntry.doc_id))
    ).all()
    counts = dict.fromkeys(doc_ids, 0)
    counts.update({doc_id: int(n) for doc_id, n in found})
    return counts


def _read_document_statement() -> Any:
    snapshot: Any = sa.select(
        sa.literal(0).label("kind"), col(Snapshot.last_id).label("id"), col(Snapshot.data)
    ).where(col(Snapshot.doc_id) == sa.bindparam("doc_id"))
    log: Any = sa.select(
        sa.literal(1).label("kind"), col(UpdateLogEntry.id).label("id"), col(UpdateLogEntry.data)
    ).where(col(UpdateLogEntry.doc_id) == sa.bindparam("doc_id"))
    return sa.union_all(snapshot, log)


_READ_DOCUMENT = PreparedRead(_read_document_statement())  # every room load runs it


def read_document(engine: Engine, doc_id: str) -> DocumentRows:
    """The snapshot and the log rows of a document.

    One statement, so one consistent view even under PostgreSQL's READ COMMITTED:
    a compaction can never fall between reading the snapshot and reading the log.
    """
    found = _READ_DOCUMENT.rows(engine, doc_id=doc_id)  # one statement: one consistent view
    stored = None
    rows: list[tuple[int, bytes]] = []
    for kind, log_id, data in found:
        if kind == 0:
            stored = StoredSnapshot(bytes(data), int(log_id))
        else:
            rows.append((int(log_id), bytes(data)))
    rows.sort()
    return DocumentRows(stored, rows)


def compact_document(engine: Engine, doc_id: str) -> int:
    """Fold the document's log rows into its snapshot; return how many rows were folded.

    Deletes exactly the rows it read: a row committed meanwhile (on PostgreSQL ids
    may commit out of order) stays in the log and is folded next time.
    """
    with WHOLE_DOCUMENT, write_transaction(engine) as connection:
        # Serialises compactions of this document (several instances may try).
        # FOR NO KEY UPDATE, not FOR UPDATE: appends hold FOR KEY SHARE on this row
        # through their foreign key, and compaction must not block them.
        locked = connection.execute(
            sa.select(col(Document.id))
            .where(col(Document.id) == doc_id)
            .with_for_update(key_share=True)
        ).first()
        if locked is None:
            return 0
        previous = connection.execute(
            sa.select(
                col(Snapshot.data), col(Snapshot.last_id), col(Snapshot.folded_updates)
            ).where(col(Snapshot.doc_id) == doc_id)
        ).first()
        rows = connection.execute(
            sa.select(col(UpdateLogEntry.id), col(UpdateLogEntry.data))
            .where(col(UpdateLogEntry.doc_id) == doc_id)
            .order_by(col(UpdateLogEntry.id))
        ).all()
        if not rows:
            return 0
        ids = [int(row.id) for row in rows]
        last_id = max(ids[-1], int(previous.last_id) if previous else 0)
        folded_count = len(ids) + (int(previous.folded_updates) if previous else 0)
        updates = [bytes(previous.data)] if previous is not None else []
        updates += [bytes(data) for _, data in rows]
        del rows, previous  # `updates` holds the only copies
        data = folded(updates)
        size = len(data)
        values = {
            "doc_id": doc_id,
            "data": data,
            "last_id": last_id,
            "folded_updates": folded_count,
            "updated_at": utcnow(),
        }
        del updates
        upsert = _insert(connection, Snapshot).values(values)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["doc_id"],
                set_={key: upsert.excluded[key] for key in values if key != "doc_id"},
            )
        )
        for start in range(0, len(ids), _DELETE_CHUNK):
            connection.execute(
                sa.delete(UpdateLogEntry).where(
                    col(UpdateLogEntry.id).in_(ids[start : start + _DELETE_CHUNK])
                )
            )
        del data, values, upsert
    note_large_document(size)  # once it is freed: see collab/memory.py
    return len(ids)


def rewrite_document(engine: Engine, doc_id: str, update: bytes) -> bool:
    """Replace everything stored for the document by one snapshot: `update` merged with
    whatever storage holds, on a garbage-collecting document, so content that `update`
    deletes is gone from storage too (erasure). False if the document does not exist.
    """
    with write_transaction(engine) as connection:
        locked = connection.execute(
            sa.select(col(Document.id)).where(col(Document.id) == doc_id).with_for_update()
        ).first()
        if locked is None:
            return False
        previous = connection.execute(
            sa.select(col(Snapshot.data), col(Snapshot.last_id)).where(
                col(Snapshot.doc_id) == doc_id
            )
        ).first()
        rows = connection.execute(
            sa.select(col(UpdateLogEntry.id), col(UpdateLogEntry.data)).where(
                col(UpdateLogEntry.doc_id) == doc_id
            )
        ).all()
        doc: Doc[Any] = Doc()  # garbage collection on: deleted content is dropped, not kept
        doc.apply_update(update)
        for stored in ([previous.data] if previous is not None else []) + [r.data for r in rows]:
            doc.apply_update(bytes(stored))
        last_id = max([int(r.id) for r in rows] + [int(previous.last_id) if previous else 0])
        connection.execute(sa.delete(UpdateLogEntry).where(col(UpdateLogEntry.doc_id) == doc_id))
        connection.execute(sa.delete(Snapshot).where(col(Snapshot.doc_id) == doc_id))
        connection.execute(
            sa.insert(Snapshot).values(
                doc_id=doc_id,
                data=doc.get_update(),
                last_id=last_id,
                folded_updates=1,
                updated_at=utcnow(),
            )
        )
    return True
