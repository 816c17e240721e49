"""The admin command line: users, tokens, curricula, forget - output and refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa

from storage.database import make_engine, run_migrations
from tests.server_process import ROOT


@pytest.fixture
def mentorhub(tmp_path):
    """`mentorhub ARGS` on a fresh SQLite database: (exit code, stdout, stderr)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    run_migrations(url)
    env = {"DATABASE_URL": url, "MENTORHUB_ENV": "test", "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, done.stdout, done.stderr

    run.url = url  # type: ignore[attr-defined]
    return run


def count(url: str, table: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_every_subcommand_has_help(mentorhub):
    for command in (
        ["users", "add"],
        ["tokens", "create"],
        ["curricula", "create"],
        ["forget"],
        ["users"],
        ["tokens"],
        ["curricula"],
    ):
        code, out, _ = mentorhub(*command, "--help")
        assert code == 0 and "usage: mentorhub" in out


def test_a_curriculum_from_the_command_line(mentorhub):
    assert mentorhub("users", "add", "Appollo@Example.org", "--name", "Appollo")[0] == 0
    assert (
        mentorhub("users", "add", "maven@example.org", "--name", "Maven", "--role", "mentor")[0]
        == 0
    )
    code, out, err = mentorhub(
        "curricula", "create", "--member", "appollo@example.org", "--mentor", "maven@example.org"
    )
    assert code == 0, err
    doc_id = out.strip()
    assert out == doc_id + "\n" and 8 <= len(doc_id) <= 64
    code, out, _ = mentorhub("tokens", "create", "maven@example.org", "--name", "sync")
    assert code == 0 and out.startswith("mh_") and out.strip() == out.splitlines()[0]
    assert count(mentorhub.url, "curriculum_member") == 2
    assert count(mentorhub.url, "update_log") == 1  # the curriculum's first content


@pytest.mark.parametrize(
    "args, message",
    [
        (["curricula", "create", "--member", "nobody@example.org"], "no user with email"),
        (
            ["curricula", "create", "--member", "m@example.org", "--mentor", "nobody@example.org"],
            "no user with email",
        ),
        (["curricula", "create", "--member", "staff@example.org"], "not a member"),
        (
            ["curricula", "create", "--member", "m@example.org", "--mentor", "m@example.org"],
            "not a mentor",
        ),
        (["users", "add", "m@example.org", "--name", "Again"], "already exists"),
        (["users", "add", "not-an-email", "--name", "X"], "not an email"),
        (["tokens", "create", "nobody@example.org"], "no user with email"),
        (["forget", "nobody@example.org"], "no user with email"),
    ],
)
def test_refused_commands_say_why_and_change_nothing(mentorhub, args, message):
    mentorhub("users", "add", "m@example.org", "--name", "M")
    mentorhub("users", "add", "staff@example.org", "--name", "S", "--role", "staff")
    tables = ("user_account", "document", "update_log", "curriculum_member", "access_token")
    before = {table: count(mentorhub.url, table) for table in tables}
    code, out, err = mentorhub(*args)
    assert code == 1 and out == ""
    assert message in err and err.startswith("mentorhub: ")
    assert {table: count(mentorhub.url, table) for table in tables} == before


def test_usage_errors_exit_2(mentorhub):
    code, _, err = mentorhub("users", "add", "x@example.org", "--name", "X", "--role", "boss")
    assert code == 2 and "invalid choice" in err
    assert mentorhub("curricula", "create")[0] == 2  # --member is required
