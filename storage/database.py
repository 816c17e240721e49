"""Engines, migrations and health checks for mentorHub's database (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"

if TYPE_CHECKING:  # imported when migrating only: `mentorhub serve` starts about 0.4 s sooner
    from alembic.config import Config

_THREADS = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default executor's max_workers

# Execution option read by the SQLite "begin" hook: take the write lock up front.
_WRITE_LOCK = "mentorhub_write_lock"
# Execution option read by the SQLite "begin" hook: one SELECT, no BEGIN (see one_read).
_ONE_STATEMENT = "mentorhub_one_statement"


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` become `postgresql+psycopg://` (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or None (another database, or SQLite in memory)."""
    parsed = make_url(normalise_url(url)) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the directory a SQLite file will live in; nothing for other databases."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, *, sqlite_busy_timeout: float = 5.0) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_busy_timeout)
    return create_engine(
        parsed,
        hide_parameters=True,  # document content stays out of logs and error messages
        pool_pre_ping=True,  # a restarted PostgreSQL leaves dead connections in the pool
        pool_size=5,
        max_overflow=10,
        pool_timeout=30,
        pool_recycle=1800,
    )


def _sqlite_engine(url: URL, busy_timeout: float) -> Engine:
    ensure_sqlite_directory(url)
    # As many pooled connections as asyncio.to_thread has threads (its default executor's
    # size): with fewer, each query past the pool's size opened a new connection (a file
    # open and four PRAGMAs) and closed it again.
    engine = create_engine(
        url, hide_parameters=True, pool_size=_THREADS, max_overflow=10, pool_timeout=30
    )
    busy_ms = max(0, round(busy_timeout * 1000))

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # sqlite3 would BEGIN only before writes, so a SELECT would see no stable
        # snapshot; SQLAlchemy emits BEGIN itself instead (see `_begin`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # 512 KiB of page cache a connection, not 2 MiB: a big document read through
            # each pooled connection would otherwise stay cached once for each (the OS
            # caches the file anyway)
            cursor.execute("PRAGMA cache_size = -512")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_ONE_STATEMENT, False):
            return  # one statement reads one snapshot by itself (autocommit)
        immediate = options.get(_WRITE_LOCK, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction meant to write: on SQLite it holds the write lock from its first read.

    A deferred SQLite transaction that reads and then writes fails outright when
    another writer committed in between; BEGIN IMMEDIATE waits (busy_timeout) instead.
    """
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE_LOCK: True})
        with connection.begin():
            yield connection


@contextmanager
def one_read(engine: Engine) -> Iterator[Connection]:
    """A connection for a single SELECT: on SQLite without BEGIN and ROLLBACK around it
    (one statement sees one consistent snapshot on its own), which on frequent reads
    (a session's or a token's lookup) cost as much as the query; the hottest two run
    cheaper still, as a `PreparedRead`. Never for more than one statement: those need
    `engine.connect()`'s transaction."""
    with engine.connect() as connection:
        connection.execution_options(**{_ONE_STATEMENT: True})
        yield connection


# A statement compiled for one kind of database: its SQL, the order of its positional
# parameters (None where the driver takes them by name), and the values it fixes itself.
_Compiled = tuple[str, tuple[str, ...] | None, dict[str, Any]]


class PreparedRead:
    """One SELECT for the hottest reads (every /collab connection's access check and its
    room's load): compiled once for each kind of database, run straight on a pooled
    driver connection, its rows returned as plain tuples. Through `Connection.execute`
    each cost about 95 us on SQLite, seven times the 13 us it takes here (a connection
    object, an execution context, a result object; bench/README.md). A single
    statement, as `one_read`: on SQLite it runs without BEGIN and reads one snapshot;
    PostgreSQL's transaction is rolled back when the connection goes back to the pool.

    A driver error becomes SQLAlchemy's exception, as `Connection.execute` raises it
    (so callers tell a passing outage from a bug the same way), and a connection the
    database dropped is thrown away, not pooled again.
    """

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _for(self, engine: Engine) -> _Compiled:
        dialect = engine.dialect
        key = (dialect.name, dialect.driver)
        found = self._compiled.get(key)
        if found is None:
            compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
            names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
            found = (str(compiled), names, dict(compiled.params))
            self._compiled[key] = found
        return found

    def rows(self, engine: Engine, **params: Any) -> list[tuple[Any, ...]]:
        sql, names, defaults = self._for(engine)
        values = {**defaults, **params}
        arguments: Any = tuple(values[name] for name in names) if names is not None else values
        dialect = engine.dialect
        connection = cursor = None
        try:
            connection = engine.raw_connection()
            cursor = connection.cursor()
            cursor.execute(sql, arguments)
            return [tuple(row) for row in cursor.fetchall()]
        except dialect.loaded_dbapi.Error as error:
            gone = connection is not None and dialect.is_disconnect(
                error, connection.dbapi_connection, cursor
            )
            if cursor is not None:
                with contextlib.suppress(dialect.loaded_dbapi.Error):
                    cursor.close()
                cursor = None
            if gone and connection is not None:
                connection.invalidate(error)
            raise sa_exc.DBAPIError.instance(
                sql,
                arguments,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=dialect,
                connection_invalidated=gone,
            ) from error
        finally:
            if cursor is not None:
                cursor.close()
            if connection is not None:
                connection.close()


def alembic_config(url: str) -> Config:
    """Alembic's configuration for `url`, independent of the working directory."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The ini parser interpolates %-signs (percent-encoded passwords): escape them.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    config.attributes["configure_logging"] = False  # leave the application's logging alone
    return config


def run_migrations(url: str) -> None:
    """Bring the database at `url` to the newest schema (`alembic upgrade head`)."""
    from alembic import command

    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), "head")


def ping(engine: Engine) -> None:
    """Raise unless the database answers (SELECT 1); for /healthz."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
