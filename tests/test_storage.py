"""The update log on SQLite and PostgreSQL: group commit, loads, compaction, outages."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from pycrdt import Doc, Map, Text
from sqlalchemy import Engine, make_url
from sqlmodel import Session, SQLModel, func, select

import storage.access_changes  # noqa: F401
import storage.accounts  # noqa: F401  (its tables are part of SQLModel.metadata)
import storage.applications  # noqa: F401
import storage.badges  # noqa: F401
import storage.certificates  # noqa: F401
import storage.community  # noqa: F401
import storage.encounters  # noqa: F401
import storage.library  # noqa: F401
import storage.notifications  # noqa: F401
import storage.people  # noqa: F401
import storage.read_model  # noqa: F401
from collab.store import StoredDocument
from storage.curriculum_queries import role_on
from storage.database import (
    alembic_config,
    make_engine,
    normalise_url,
    ping,
    run_migrations,
    sqlite_file,
)
from storage.library_search import outside_models
from storage.log_queries import read_document
from storage.models import Document, Snapshot, UpdateLogEntry
from storage.update_log import UpdateLog
from tests.polling import until
from tests.storage_fixtures import POSTGRES_ADMIN_URL

NEVER = 10**9  # a compaction threshold that is never reached

StoreFactory = Callable[..., Awaitable[UpdateLog]]


class Editor:
    """A curriculum-shaped pycrdt document that records the update of each transaction."""

    def __init__(self) -> None:
        self.doc: Doc[Any] = Doc()
        self.updates: list[bytes] = []
        self._subscription = self.doc.observe(lambda event: self.updates.append(event.update))
        self.meta = self.doc.get("meta", type=Map)
        self.items = self.doc.get("items", type=Map)
        self.resume = self.doc.get("resume", type=Text)

    def add_item(self, item_id: str, title: str) -> None:
        with self.doc.transaction():
            self.items[item_id] = Map(
                {"title": title, "status": "later", "position": "a0", "notes": Text("")}
            )

    def typical_session(self) -> None:
        """A few dozen edits of every kind: maps, nested maps, text, deletions."""
        self.meta["title"] = "Backend apprenticeship"
        for i in range(12):
            self.add_item(f"item-{i}", f"Resource {i}")
        for i in range(12):
            item = self.items[f"item-{i}"]
            item["notes"].insert(0, f"note {i}; ")
            item["status"] = ("next", "now", "done")[i % 3]
        self.resume += "I want to build reliable systems."
        del self.resume[0:2]
        del self.items["item-3"]


def content(update: bytes) -> dict[str, Any]:
    """The curriculum roots of a document state, as plain JSON-like values."""
    doc: Doc[Any] = Doc()
    if update:
        doc.apply_update(update)
    return {
        "meta": doc.get("meta", type=Map).to_py(),
        "items": doc.get("items", type=Map).to_py(),
        "resume": str(doc.get("resume", type=Text)),
    }


def editor_content(editor: Editor) -> dict[str, Any]:
    return content(editor.doc.get_update())


def log_rows(engine: Engine, doc_id: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(UpdateLogEntry)
        return session.exec(query.where(UpdateLogEntry.doc_id == doc_id)).one()


def snapshot_of(engine: Engine, doc_id: str) -> Snapshot | None:
    with Session(engine) as session:
        return session.get(Snapshot, doc_id)


@pytest.fixture
async def open_store(engine: Engine) -> AsyncIterator[StoreFactory]:
    """Start update logs on the test's database; all are closed afterwards."""
    opened: list[UpdateLog] = []

    async def open_(**options: Any) -> UpdateLog:
        store = UpdateLog(options.pop("engine", engine), **{"compact_threshold": NEVER, **options})
        await store.start()
        opened.append(store)
        return store

    yield open_
    for store in opened:
        await store.aclose()


def test_urls_are_normalised_for_psycopg() -> None:
    assert normalise_url("postgres://u:p@db/mh") == "postgresql+psycopg://u:p@db/mh"
    assert normalise_url("postgresql://db/mh") == "postgresql+psycopg://db/mh"
    assert normalise_url("postgresql+psycopg://db/mh") == "postgresql+psycopg://db/mh"
    assert normalise_url("sqlite:///var/x.sqlite3") == "sqlite:///var/x.sqlite3"


def test_migrations_run_twice_and_match_the_models(database_url: str) -> None:
    run_migrations(database_url)
    run_migrations(database_url)  # a no-op
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
            assert connection.scalar(sa.text("SELECT version_num FROM alembic_version")) == head
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"include_name": outside_models}),
                SQLModel.metadata,
            )
        assert differences == []
        ping(engine)
        if (path := sqlite_file(database_url)) is not None:
            assert path.is_file()
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


async def test_round_trip_reproduces_the_document(open_store: StoreFactory) -> None:
    store = await open_store()
    editor = Editor()
    editor.typical_session()
    ids = [await store.append("curriculum-1", update) for update in editor.updates]
    loaded = await store.load("curriculum-1")
    assert loaded.last_id == ids[-1]
    assert content(loaded.update) == editor_content(editor)
    assert content(loaded.update)["items"]["item-4"]["notes"] == "note 4; "


async def test_unknown_documents_are_empty_and_bad_ids_refused(open_store: StoreFactory) -> None:
    store = await open_store()
    assert await store.load("nobody-wrote-here") == StoredDocument(b"", 0)
    for bad in ("", "a/b", "x" * 65, "spaces here"):
        with pytest.raises(ValueError):
            await store.append(bad, b"\x00\x00")
    with pytest.raises(ValueError):
        await store.append("doc", b"")


async def test_concurrent_appends_share_transactions(
    open_store: StoreFactory, engine: Engine
) -> None:
    store = await open_store()
    editor = Editor()
    for i in range(300):
        editor.add_item(f"item-{i}", f"Resource {i}")

    async def append_from_its_own_task(update: bytes) -> int:
        await asyncio.sleep(0)
        return await store.append("busy", update)

    ids = await asyncio.gather(*(append_from_its_own_task(u) for u in editor.updates))
    assert len(set(ids)) == 300
    assert store.batches_committed < 300
    assert log_rows(engine, "busy") == 300
    assert content((await store.load("busy")).update) == editor_content(editor)


async def test_ids_increase_and_are_never_reused(open_store: StoreFactory) -> None:
    store = await open_store()
    editor = Editor()
    for i in range(5):
        editor.add_item(f"item-{i}", "x")
    first = [await store.append("ids", update) for update in editor.updates]
    assert first == sorted(first) and len(set(first)) == 5
    assert await store.compact("ids")  # deletes every row, the newest included
    editor.add_item("after", "y")
    later = await store.append("ids", editor.updates[-1])
    assert later > first[-1]
    assert (await store.load("ids")).last_id == later


async def test_compaction_keeps_the_content(open_store: StoreFactory, engine: Engine) -> None:
    store = await open_store()
    editor = Editor()
    editor.typical_session()
    for update in editor.updates:
        await store.append("compact-me", update)
    before = await store.load("compact-me")

    assert await store.compact("compact-me")
    assert store.compactions == 1
    assert log_rows(engine, "compact-me") == 0
    snapshot = snapshot_of(engine, "compact-me")
    assert snapshot is not None
    assert snapshot.folded_updates == len(editor.updates)
    assert snapshot.last_id == before.last_id
    after = await store.load("compact-me")
    assert store.last_load_rows == 0
    assert after.last_id == before.last_id
    assert content(after.update) == content(before.update) == editor_content(editor)
    assert not await store.compact("compact-me")  # nothing left to fold

    editor.resume += " And teach others."
    editor.items["item-5"]["status"] = "done"
    for update in editor.updates[-2:]:
        await store.append("compact-me", update)
    assert content((await store.load("compact-me")).update) == editor_content(editor)
    assert store.last_load_rows == 2
    assert await store.compact("compact-me")
    assert snapshot_of(engine, "compact-me").folded_updates == len(editor.updates)  # type: ignore[union-attr]
    assert content((await store.load("compact-me")).update) == editor_content(editor)


async def test_compaction_keeps_an_update_whose_dependency_is_stored_later(
    open_store: StoreFactory, engine: Engine
) -> None:
    """On PostgreSQL log ids may commit out of order (two instances): a compaction can
    read an update without the one it builds on. The snapshot must keep it, so that the
    document is whole once the other update is stored."""
    store = await open_store()
    editor = Editor()
    editor.typical_session()
    editor.resume += " First half,"
    editor.resume += " second half."  # builds on the first half
    *early, first_half, second_half = editor.updates
    for update in [*early, second_half]:
        await store.append("out-of-order", update)
    assert await store.compact("out-of-order")
    assert log_rows(engine, "out-of-order") == 0
    await store.append("out-of-order", first_half)
    assert content((await store.load("out-of-order")).update) == editor_content(editor)
    assert await store.compact("out-of-order")
    assert content((await store.load("out-of-order")).update) == editor_content(editor)


async def test_compaction_stores_the_document_encoded_afresh(
    open_store: StoreFactory, engine: Engine
) -> None:
    """Deleted text leaves the snapshot, and many small appends take no more room than
    the document itself."""
    store = await open_store()
    editor = Editor()
    editor.add_item("item-0", "Growing notes")
    notes = editor.items["item-0"]["notes"]
    for n in range(200):
        notes += f"line {n}; "
    del notes[0 : len(notes) // 2]
    for update in editor.updates:
        await store.append("grown", update)
    assert await store.compact("grown")
    snapshot = snapshot_of(engine, "grown")
    assert snapshot is not None
    assert len(snapshot.data) <= len(editor.doc.get_update())
    assert content((await store.load("grown")).update) == editor_content(editor)


async def test_threshold_starts_compaction_beside_the_writer(
    open_store: StoreFactory, engine: Engine
) -> None:
    store = await open_store(compact_threshold=20, batch_max=16)
    editor = Editor()
    for i in range(200):
        editor.add_item(f"item-{i}", f"Resource {i}")
        editor.resume += "."
    for update in editor.updates:
        await store.append("hot", update)
    for _ in range(200):  # the compactor catches up within seconds
        if log_rows(engine, "hot") <= 20:
            break
        await asyncio.sleep(0.05)
    assert store.compactions >= 1
    assert log_rows(engine, "hot") <= 20
    assert content((await store.load("hot")).update) == editor_content(editor)


async def test_twenty_thousand_updates_load_from_the_snapshot(
    open_store: StoreFactory, engine: Engine, database_url: str
) -> None:
    store = await open_store()
    editor = Editor()
    for i in range(20_000):
        if i % 4 == 0:
            editor.meta[f"field-{i % 40}"] = i
        else:
            editor.resume += "abcdefghij"[i % 10]
    assert len(editor.updates) == 20_000

    started = time.perf_counter()
    ids = await asyncio.gather(*(store.append("big", update) for update in editor.updates))
    appended = time.perf_counter()
    assert len(set(ids)) == 20_000
    assert await store.compact("big")
    compacted = time.perf_counter()
    loaded = await store.load("big")
    finished = time.perf_counter()

    assert store.last_load_rows == 0
    assert log_rows(engine, "big") == 0
    assert snapshot_of(engine, "big").folded_updates == 20_000  # type: ignore[union-attr]
    assert loaded.last_id == max(ids)
    assert content(loaded.update) == editor_content(editor)
    database = make_url(database_url).get_backend_name()
    print(
        f"\n{database}: 20,000 appends {appended - started:.2f} s "
        f"in {store.batches_committed} transactions, compaction {compacted - appended:.2f} s, "
        f"load {(finished - compacted) * 1000:.1f} ms ({len(loaded.update)} bytes)"
    )


async def test_aclose_commits_everything_still_queued(engine: Engine) -> None:
    store = UpdateLog(engine, compact_threshold=NEVER)
    await store.start()
    editor = Editor()
    for i in range(400):
        editor.add_item(f"item-{i}", "x")
    appends = [asyncio.create_task(store.append("closing", u)) for u in editor.updates]
    await asyncio.sleep(0)  # every append is queued, none is committed yet
    appends[0].cancel()  # a caller that gave up: its update is committed all the same
    await store.aclose()

    assert all(task.done() for task in appends)
    assert len({task.result() for task in appends[1:]}) == 399
    assert log_rows(engine, "closing") == 400
    with pytest.raises(RuntimeError):
        await store.append("closing", editor.updates[0])
    reopened = UpdateLog(engine)
    assert content((await reopened.load("closing")).update) == editor_content(editor)


@contextmanager
def database_unavailable(url: str) -> Iterator[None]:
    """Writers cannot get in: SQLite locked by another connection, PostgreSQL refusing."""
    path = sqlite_file(url)
    if path is not None:
        locker = sqlite3.connect(path, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            yield
            locker.execute("COMMIT")
        finally:
            locker.close()
        return
    name = sql.Identifier(make_url(url).database or "")
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (make_url(url).database,),
        )
        try:
            yield
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name))


async def test_append_is_retried_until_the_database_is_back(
    engine: Engine, database_url: str, open_store: StoreFactory
) -> None:
    impatient = make_engine(database_url, sqlite_busy_timeout=0.05)
    try:
        store = await open_store(engine=impatient)
        editor = Editor()
        editor.add_item("before", "x")
        editor.add_item("during", "y")
        await store.append("outage", editor.updates[0])  # the pool holds a live connection
        with database_unavailable(database_url):
            pending = asyncio.create_task(store.append("outage", editor.updates[1]))
            await until(lambda: store.write_retries, what="the append tried and retrying")
            assert not pending.done()  # not answered before it is committed
        log_id = await asyncio.wait_for(pending, timeout=10)
        loaded = await store.load("outage")
        assert loaded.last_id == log_id
        assert content(loaded.update) == editor_content(editor)
        await store.aclose()
    finally:
        impatient.dispose()


def test_timestamps_are_timezone_aware(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Document(id="dated", title="Dated"))
        session.commit()
    with Session(engine) as session:
        document = session.get(Document, "dated")
        assert document is not None
        assert document.created_at.tzinfo is not None
        assert abs((datetime.now(UTC) - document.created_at).total_seconds()) < 60


async def test_a_running_compaction_does_not_hold_up_appends(postgres_url: str) -> None:
    """PostgreSQL: compaction's row lock (FOR NO KEY UPDATE) lets appends through."""
    run_migrations(postgres_url)
    engine = make_engine(postgres_url)
    store = UpdateLog(engine, compact_threshold=NEVER)
    await store.start()
    try:
        editor = Editor()
        editor.add_item("first", "x")
        editor.add_item("second", "y")
        await store.append("locked", editor.updates[0])
        with psycopg.connect(postgres_url) as compactor:  # a transaction, as compaction's
            compactor.execute("SELECT id FROM document WHERE id = 'locked' FOR NO KEY UPDATE")
            await asyncio.wait_for(store.append("locked", editor.updates[1]), timeout=5)
        assert content((await store.load("locked")).update) == editor_content(editor)
    finally:
        await store.aclose()
        engine.dispose()


def test_the_hot_reads_fail_as_database_errors_in_an_outage_and_read_again_after(
    postgres_url: str,
) -> None:
    """PostgreSQL: the reads every /collab connection makes (its access check, its room's
    load; run straight on the driver) raise SQLAlchemy's OperationalError while the
    database refuses connections, as the room load expects of a passing outage, and read
    again once it is back, on a fresh connection instead of the dropped one."""
    run_migrations(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with Session(engine) as session:
            session.add(Document(id="hot", title="Hot"))
            session.commit()
        assert role_on(engine, "hot", 1) == (True, None)  # the pool holds a live connection
        with database_unavailable(postgres_url):
            with pytest.raises(sa.exc.OperationalError):
                role_on(engine, "hot", 1)
            with pytest.raises(sa.exc.OperationalError):
                read_document(engine, "hot")
        assert role_on(engine, "hot", 1) == (True, None)
        assert role_on(engine, "cold", 1) == (False, None)
        assert read_document(engine, "hot").rows == []
    finally:
        engine.dispose()
