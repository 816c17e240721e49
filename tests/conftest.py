"""Shared fixtures: real servers on random ports, fresh databases per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server_process import ServerProcess

pytest_plugins = ["tests.storage_fixtures", "tests.oidc_provider", "tests.smtp_server"]

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str) -> None:
    """Skip a test whose service is missing - but fail in CI, where it must be there."""
    if not available:
        if IN_CI:
            pytest.fail(f"{what} is required in CI but is not available")
        pytest.skip(f"{what} is not available")


ServerFactory = Callable[..., ServerProcess]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start mentorHub servers; each gets its own log file; all are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(database_url: str | None = None, **env: str) -> ServerProcess:
        url = database_url or f"sqlite:///{tmp_path / 'mentorhub.sqlite3'}"
        server = ServerProcess(
            {"DATABASE_URL": url, **env}, tmp_path / f"server-{len(started)}.log"
        )
        server.migrate()
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.terminate()


@pytest.fixture
def server(server_factory: ServerFactory) -> ServerProcess:
    return server_factory()
