"""Fresh databases for tests: a SQLite file, or a PostgreSQL database of its own per test.

Loaded as a pytest plugin (`pytest_plugins = ["tests.storage_fixtures"]`). Server tests
can reuse `create_postgres_database` / `drop_postgres_database` and `sqlite_database_url`.
"""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, make_url

from storage.database import make_engine, run_migrations

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgresql")


def postgres_unavailable(reason: str) -> NoReturn:
    """Skip the test; in CI (CI=true), where PostgreSQL must be running, fail it."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL is not available: {reason}")


def sqlite_database_url(directory: Path) -> str:
    """A SQLite file that does not exist yet, in a directory that does not exist yet."""
    return f"sqlite:///{directory / 'db' / 'mentorhub.sqlite3'}"


def create_postgres_database() -> str:
    """Create an empty database `mh_<random>`; return its URL (skips/fails if unreachable)."""
    name = f"mh_{secrets.token_hex(8)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        postgres_unavailable(str(error).strip())
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by `create_postgres_database`, closing its connections."""
    name = make_url(url).database
    assert name and name.startswith("mh_"), f"refusing to drop {name!r}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database (not migrated), private to the test."""
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (not migrated), SQLite or PostgreSQL, private to the test."""
    if request.param == "sqlite":
        yield sqlite_database_url(tmp_path)
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a migrated `database_url`, disposed of afterwards."""
    run_migrations(database_url)
    created = make_engine(database_url)
    try:
        yield created
    finally:
        created.dispose()
