"""The update log: appends group-committed by one writer task, compaction beside it."""

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc

from collab.store import StoredDocument
from storage.log_queries import (
    compact_document,
    insert_batch,
    read_document,
    rewrite_document,
)
from storage.models import DOC_ID_PATTERN

log = logging.getLogger(__name__)

RETRY_FIRST = 0.05  # seconds before the first retry of a failed write; doubles up to:
RETRY_MAX = 2.0


@dataclass(eq=False)
class _Pending:
    doc_id: str
    update: bytes
    future: asyncio.Future[int]


class UpdateLog:
    """A `collab.store.DocumentStore` on SQLite or PostgreSQL.

    `append` queues; one writer task commits everything queued in one transaction
    (group commit) and answers each caller with its log id once committed. Failed
    writes are retried until the database is back; no queued update is dropped.
    A compactor task folds the log of documents with more than `compact_threshold`
    rows into their snapshot, beside the writer and never inside it.
    """

    def __init__(self, engine: Engine, *, compact_threshold: int = 500, batch_max: int = 512):
        if compact_threshold < 1 or batch_max < 1:
            raise ValueError("compact_threshold and batch_max must be positive")
        self._engine = engine
        self._compact_threshold = compact_threshold
        self._batch_max = batch_max
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._compact_queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._compaction_wanted: set[str] = set()
        self._row_counts: dict[str, int] = {}  # log rows per document, learnt lazily
        self._writer: asyncio.Task[None] | None = None
        self._compactor: asyncio.Task[None] | None = None
        self._inflight: asyncio.Task[None] | None = None
        self._closing = False
        self._stopping_compactor = False
        # Counters, for tests and metrics.
        self.batches_committed = 0
        self.write_retries = 0
        self.compactions = 0
        self.last_load_rows = 0  # log rows (not counting the snapshot) read by the last load

    async def start(self) -> None:
        if self._writer is not None:
            raise RuntimeError("the update log was already started")
        self._writer = asyncio.create_task(self._write_loop(), name="update log writer")
        self._compactor = asyncio.create_task(self._compact_loop(), name="update log compactor")

    async def aclose(self) -> None:
        """Commit everything queued, then stop; compactions not yet begun are skipped."""
        if not self._closing:
            self._closing = True
            self._queue.put_nowait(None)
        # asyncio.wait: cancelling aclose() does not cancel the drain.
        if self._writer is not None:
            await asyncio.wait([self._writer])
        self._stopping_compactor = True
        self._compact_queue.put_nowait(None)
        if self._compactor is not None:
            await asyncio.wait([self._compactor])

    async def append(self, doc_id: str, update: bytes) -> int:
        """Commit one update; return its log id once it is durable.

        The caller applies the update to its document first: only valid updates belong
        in the log. If the caller is cancelled, the update is still committed.
        """
        _check_doc_id(doc_id)
        if not update:
            raise ValueError("an update cannot be empty")
        if self._writer is None or self._writer.done() or self._closing:
            raise RuntimeError("the update log is not running")
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(doc_id, bytes(update), future))
        return await future

    async def load(self, doc_id: str) -> StoredDocument:
        """The snapshot merged with every log row still present; empty if unknown."""
        _check_doc_id(doc_id)
        stored, rows_read = await asyncio.to_thread(_load, self._engine, doc_id)
        self.last_load_rows = rows_read
        return stored

    async def compact(self, doc_id: str) -> bool:
        """Fold the document's log into its snapshot now; False if there was nothing to fold."""
        _check_doc_id(doc_id)
        folded = await asyncio.to_thread(compact_document, self._engine, doc_id)
        if not folded:
            return False
        self.compactions += 1
        if doc_id in self._row_counts:
            self._row_counts[doc_id] = max(0, self._row_counts[doc_id] - folded)
        return True

    async def rewrite(self, doc_id: str, update: bytes) -> bool:
        """Store the document as one fresh snapshot of `update` (merged with what is stored)
        and delete its log, atomically: what `update` deleted leaves storage (erasure)."""
        _check_doc_id(doc_id)
        done = await asyncio.to_thread(rewrite_document, self._engine, doc_id, update)
        self._row_counts[doc_id] = 0
        return done

    # The writer.

    async def _write_loop(self) -> None:
        try:
            while (batch := await self._next_batch()) is not None:
                self._inflight = asyncio.create_task(self._commit(batch))
                await asyncio.shield(self._inflight)
        except asyncio.CancelledError:
            # Stopped without aclose(): still commit what was accepted, then stop.
            self._closing = True
            if self._inflight is not None:
                await asyncio.shield(self._inflight)
            while batch := self._take_queued():
                await self._commit(batch)
            raise
        finally:
            self._fail_unwritten()

    async def _next_batch(self) -> list[_Pending] | None:
        first = await self._queue.get()
        if first is None:
            return None
        batch = [first, *self._take_queued(self._batch_max - 1)]
        return batch

    def _take_queued(self, limit: int | None = None) -> list[_Pending]:
        """What is queued right now (up to `limit`), leaving the stop marker in place."""
        limit = self._batch_max if limit is None else limit
        taken: list[_Pending] = []
        while len(taken) < limit and not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None:  # nothing is queued after it: put it back and stop there
                self._queue.put_nowait(None)
                break
            taken.append(item)
        return taken

    async def _commit(self, batch: list[_Pending]) -> None:
        """Write `batch` in one transaction, retrying until it commits, then answer callers."""
        entries = [(pending.doc_id, pending.update) for pending in batch]
        per_doc = Counter(doc_id for doc_id, _ in entries)
        delay = RETRY_FIRST
        while True:
            uncounted = [doc_id for doc_id in per_doc if doc_id not in self._row_counts]
            try:
                ids, counts = await asyncio.to_thread(
                    insert_batch, self._engine, entries, uncounted
                )
                break
            except Exception as error:
                if not _is_transient(error):
                    # Retrying cannot help (a bug, a constraint): tell the callers.
                    log.exception("update log: %d updates were not written", len(batch))
                    for pending in batch:
                        if not pending.future.done():
                            pending.future.set_exception(error)
                    return
                self.write_retries += 1
                log.warning(
                    "update log: writing %d updates failed, retrying in %.2f s: %s",
                    len(batch),
                    delay,
                    _brief(error),
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
        self.batches_committed += 1
        for pending, log_id in zip(batch, ids, strict=True):
            if not pending.future.done():  # a cancelled caller's update is committed all the same
                pending.future.set_result(log_id)
        self._note_rows(per_doc, counts)

    def _note_rows(self, per_doc: Counter[str], counts: dict[str, int]) -> None:
        """Track log rows per document; hand documents over the threshold to the compactor."""
        for doc_id, added in per_doc.items():
            if doc_id in counts:
                self._row_counts[doc_id] = counts[doc_id]
            else:
                self._row_counts[doc_id] = self._row_counts.get(doc_id, 0) + added
            self._want_compaction(doc_id)

    def _want_compaction(self, doc_id: str) -> None:
        over = self._row_counts.get(doc_id, 0) > self._compact_threshold
        if over and doc_id not in self._compaction_wanted and not self._stopping_compactor:
            self._compaction_wanted.add(doc_id)
            self._compact_queue.put_nowait(doc_id)

    def _fail_unwritten(self) -> None:
        """The writer is gone: nobody may wait forever for an update it did not commit."""
        stopped = RuntimeError("the update log stopped before this update was committed")
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None and not item.future.done():
                item.future.set_exception(stopped)

    # The compactor.

    async def _compact_loop(self) -> None:
        failures = 0
        while (doc_id := await self._compact_queue.get()) is not None:
            if self._stopping_compactor:
                return
            try:
                await self.compact(doc_id)
                failures = 0
            except Exception as error:
                failures += 1
                if _is_transient(error):
                    log.warning("update log: compacting %s failed: %s", doc_id, _brief(error))
                else:
                    log.exception("update log: compacting %s failed", doc_id)
                await asyncio.sleep(min(RETRY_FIRST * 2**failures, RETRY_MAX))
            finally:
                # After a failure, the next commit of this document asks again.
                self._compaction_wanted.discard(doc_id)
            if failures == 0:  # updates committed meanwhile may have crossed the threshold
                self._want_compaction(doc_id)


def _load(engine: Engine, doc_id: str) -> tuple[StoredDocument, int]:
    found = read_document(engine, doc_id)
    updates = [data for _, data in found.rows]
    last_id = max((log_id for log_id, _ in found.rows), default=0)
    if found.snapshot is not None:
        updates.insert(0, found.snapshot.data)
        last_id = max(last_id, found.snapshot.last_id)
    return StoredDocument(_combined(updates), last_id), len(found.rows)


def _combined(updates: list[bytes]) -> bytes:
    """One update holding all of `updates`. Applying them to a Doc and encoding it afresh
    is cheaper than merging encoded updates once the snapshot is large (and the result
    is garbage-collected and squashed)."""
    if len(updates) <= 1:
        return updates[0] if updates else b""
    doc: Doc[Any] = Doc()
    for update in updates:
        doc.apply_update(update)
    return doc.get_update()


def _check_doc_id(doc_id: str) -> None:
    if not isinstance(doc_id, str) or not DOC_ID_PATTERN.fullmatch(doc_id):
        raise ValueError(f"not a document id: {doc_id!r}")


def _is_transient(error: BaseException) -> bool:
    """Errors that pass: the database is restarting, unreachable, locked or busy."""
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def _brief(error: BaseException) -> str:
    """The driver's message, without SQLAlchemy's statement and parameters."""
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
