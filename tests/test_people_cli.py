"""`mentorhub people import` and `mentorhub match`: the stories' people come first, bad
files are refused whole with every problem named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.matching import Request
from domain.personas import load_personas
from storage.database import make_engine, run_migrations
from tests.people import counts
from tests.server_process import ROOT

WINTER = "2026-01-15"
NEVER_PROPOSED = ("paused", "full")


def command_line(folder: Path):
    """`mentorhub ARGS` on a fresh SQLite database in `folder`: (exit code, stdout, stderr)."""
    url = f"sqlite:///{folder / 'db.sqlite3'}"
    run_migrations(url)
    env = {"DATABASE_URL": url, "MENTORHUB_ENV": "test", "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    run.url = url  # type: ignore[attr-defined]
    return run


@pytest.fixture
def mentorhub(tmp_path):
    return command_line(tmp_path)


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    """The personas imported once, for the tests that only read."""
    folder = tmp_path_factory.mktemp("programme")
    run = command_line(folder)
    code, _, err = run(
        "people", "import", write(folder, "people.json", list(load_personas().records))
    )
    assert code == 0, err
    run.folder = folder  # type: ignore[attr-defined]
    return run


def write(folder: Path, name: str, data: object) -> str:
    path = folder / name
    path.write_text(json.dumps(data))
    return str(path)


@pytest.fixture
def personas_imported(mentorhub, tmp_path):
    code, out, err = mentorhub(
        "people", "import", write(tmp_path, "people.json", list(load_personas().records))
    )
    assert code == 0, err
    return out


def test_import_creates_then_updates_people_and_profiles(mentorhub, tmp_path, personas_imported):
    people = len(load_personas().records)
    assert personas_imported.strip() == f"imported {people} people: {people} new, 0 updated"
    assert counts(mentorhub.url, ["user_account", "profile"]) == {
        "user_account": people,
        "profile": people,
    }
    records = [dict(r) for r in load_personas().records]
    records[0] = {
        **records[0],
        "name": "Charlie B.",
        "paused": True,
        "offers": [{"skill": "k8s", "level": "expert"}],
    }
    code, out, err = mentorhub("people", "import", write(tmp_path, "again.json", records))
    assert code == 0, err
    assert out.strip() == f"imported {people} people: 0 new, {people} updated"
    engine = make_engine(mentorhub.url)
    with engine.connect() as connection:
        name, paused = connection.execute(sa.text(
            "SELECT name, paused FROM user_account JOIN profile ON profile.user_id = "
            "user_account.id WHERE email = 'charlie@example.org'")).one()  # fmt: skip
        skills = connection.execute(sa.text(
            "SELECT skill, level FROM profile_skill JOIN user_account ON user_account.id = user_id "
            "WHERE email = 'charlie@example.org' AND side = 'offers'")).all()  # fmt: skip
    engine.dispose()
    assert (name, bool(paused)) == ("Charlie B.", True)
    assert [tuple(s) for s in skills] == [("kubernetes", "expert")]  # a synonym, normalised


def test_a_file_with_bad_entries_imports_nothing_and_names_each_problem(mentorhub, tmp_path):
    good = dict(load_personas().records[1])
    bad = [
        good,
        {**good, "email": "tz@example.org", "timezone": "Mars/Olympus"},
        {**good, "email": "fmt@example.org", "formats": ["carrier-pigeon"]},
        {**good, "email": "lvl@example.org", "offers": [{"skill": "java", "level": "guru"}]},
        {**good, "email": "typo@example.org", "timezon": "UTC"},
        {**good, "email": "role@example.org", "role": "king"},
        good,
        "not an object",
    ]
    code, out, err = mentorhub("people", "import", write(tmp_path, "bad.json", bad))
    assert code == 1 and out == ""
    assert "nothing was imported" in err
    for expected in (
        "entry 2 (tz@example.org): timezone",
        "entry 3 (fmt@example.org): formats must be among live, email, review",
        "entry 4 (lvl@example.org): offers[0].level must be one of learning, working, expert",
        "entry 5 (typo@example.org): unknown field(s) timezon",
        "entry 6 (role@example.org): role must be one of member, mentor, staff",
        "entry 7 (miles@example.org): the same email is in the file twice",
        "entry 8: must be a JSON object",
    ):
        assert expected in err, err
    assert counts(mentorhub.url, ["user_account", "profile", "profile_skill"]) == {
        "user_account": 0, "profile": 0, "profile_skill": 0,
    }  # fmt: skip
    (tmp_path / "broken.json").write_text("[{")
    code, _, err = mentorhub("people", "import", str(tmp_path / "broken.json"))
    assert code == 1 and "not valid JSON" in err
    code, _, err = mentorhub("people", "import", str(tmp_path / "missing.json"))
    assert code == 1 and "cannot read" in err


@pytest.mark.parametrize("story", load_personas().stories, ids=lambda s: s.key)
def test_match_json_ranks_the_storys_person_first(programme, story):
    data = json.loads((ROOT / "domain" / "personas.json").read_text())
    entry = next(s for s in data["stories"] if s["key"] == story.key)
    which = "request" if isinstance(story.ask, Request) else "offer"
    path = write(programme.folder, f"{story.key}.json", entry[which])
    code, out, err = programme(
        "match", f"--{which}", path, "--json", "--on", WINTER, "--limit", "50"
    )
    assert code == 0, err
    ranking = json.loads(out)
    emails = [entry["email"] for entry in ranking]
    assert emails[0] == story.expected
    assert set(ranking[0]) >= {"email", "score", "reasons"} and ranking[0]["reasons"]
    assert ranking == sorted(ranking, key=lambda e: -e["score"])
    for email, why in story.distractors.items():
        if why in NEVER_PROPOSED:
            assert email not in emails, f"{email} is {why} but was proposed"
        elif email in emails:
            assert emails.index(email) > 0


def test_match_prints_reasons_and_refuses_a_request_without_hours(
    mentorhub, tmp_path, personas_imported
):
    data = json.loads((ROOT / "domain" / "personas.json").read_text())
    request = dict(data["stories"][0]["request"])
    code, out, err = mentorhub(
        "match", "--request", write(tmp_path, "r.json", request), "--on", WINTER
    )
    assert code == 0, err
    assert out.startswith("1. Miles <miles@example.org>")
    assert "   - covers recursion, coding-interviews (expert)" in out
    del request["hours"]
    code, out, err = mentorhub("match", "--request", write(tmp_path, "r2.json", request))
    assert code == 1 and out == ""
    assert "hours is required" in err
    code, _, err = mentorhub(
        "match",
        "--request",
        write(tmp_path, "r3.json", {**request, "hours": 2, "timezone": "Nowhere/Land"}),
    )
    assert code == 1 and "timezone" in err
