"""Helpers for the tests of finding each other: people imported through the command line,
requests written through the form, rows counted in the database."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from domain.personas import load_personas
from storage.database import make_engine
from tests.server_process import ServerProcess
from tests.web import csrf_token

PEOPLE_TABLES = (
    "profile", "profile_skill", "mentoring_request", "mentoring_offer", "proposal",
    "mentorship", "notification_outbox",
)  # fmt: skip


def import_people(server: ServerProcess, records: Sequence[Mapping[str, Any]], folder: Path) -> str:
    """`mentorhub people import` of `records` on the server's database; its output."""
    path = folder / f"people-{len(list(folder.glob('people-*.json')))}.json"
    path.write_text(json.dumps(list(records)))
    return server.cli("people", "import", str(path))


def import_personas(server: ServerProcess, folder: Path) -> None:
    import_people(server, load_personas().records, folder)


def counts(database_url: str, tables: Sequence[str] = PEOPLE_TABLES) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: int(
                    connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                )
                for table in tables
            }
    finally:
        engine.dispose()


def user_id(database_url: str, email: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": email}
                ).scalar_one()
            )
    finally:
        engine.dispose()


REQUEST = {
    "goal": "Get past recursion questions in coding interviews",
    "motivation": "I keep freezing when a question needs recursion.",
    "expectations": "Mock interviews.",
    "description": "Boot camp graduate, interviewing for junior developer jobs.",
    "hours": "2",
    "formats": "live",
    "timezone": "America/New_York",
    "skills": "recursion, coding interviews",
    "kind": "short",
}


async def write_request(browser: httpx.AsyncClient, **fields: str) -> int:
    """Post the request form; the new request's id."""
    data = {**REQUEST, **fields, "csrf_token": await csrf_token(browser, "/requests/new")}
    answer = await browser.post("/requests", data=data)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/requests/(\d+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))


def ranked_names(page: str) -> list[str]:
    """The people on a match list, in order."""
    return re.findall(r'<h3><a href="/people/\d+">([^<]+)</a></h3>', page)


async def ask(browser: httpx.AsyncClient, request_id: int, mentor: int) -> httpx.Response:
    token = await csrf_token(browser, f"/requests/{request_id}")
    return await browser.post(
        f"/requests/{request_id}/proposals", data={"mentor_id": str(mentor), "csrf_token": token}
    )


async def proposal_ids(browser: httpx.AsyncClient) -> list[int]:
    """The proposals waiting in the signed-in mentor's inbox."""
    page = await browser.get("/inbox")
    assert page.status_code == 200
    waiting = page.text.split('id="waiting-heading"', 1)[1].split("</section>", 1)[0]
    return [int(n) for n in re.findall(r'href="/proposals/(\d+)"', waiting)]


async def answer(
    browser: httpx.AsyncClient, proposal: int, choice: str, note: str = ""
) -> httpx.Response:
    token = await csrf_token(browser, f"/proposals/{proposal}")
    return await browser.post(
        f"/proposals/{proposal}/answer",
        data={"answer": choice, "note": note, "csrf_token": token},
    )
