"""Helpers for the tests of encounters: a running mentorship made through the pages, and
an encounter recorded through the form."""

from __future__ import annotations

import re

import httpx

from tests.people import answer, ask, proposal_ids, user_id, write_request
from tests.server_process import ServerProcess
from tests.web import csrf_token, signed_in

NOTES = "We talked about base cases. Charlie will try three exercises."


async def mentorship(server: ServerProcess, member: str, mentor: str) -> str:
    """`mentor` accepts `member`'s request; the curriculum's id."""
    url = server.env["DATABASE_URL"]
    async with signed_in(server, member) as browser:
        request_id = await write_request(browser)
        asked = await ask(browser, request_id, user_id(url, mentor))
        assert asked.status_code == 303, asked.text
    async with signed_in(server, mentor) as browser:
        [proposal] = await proposal_ids(browser)
        accepted = await answer(browser, proposal, "accept", note="Happy to help.")
        assert accepted.status_code == 303, accepted.text
    return str(accepted.headers["location"]).removeprefix("/curricula/")


async def record(
    browser: httpx.AsyncClient, member_id: int, script: str = "first-meeting", **fields: object
) -> httpx.Response:
    """Post the encounter form (its defaults: two answers, one check, the notes)."""
    token = await csrf_token(browser, "/encounters")
    data: dict[str, object] = {
        "script": script,
        "answer": ["Get a junior developer job.", "Freezing on recursion."],
        "checked": ["We agreed how often we meet"],
        "notes": NOTES,
        **fields,
        "csrf_token": token,
    }
    return await browser.post(f"/people/{member_id}/encounters", data=data)  # type: ignore[arg-type]


def encounter_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/encounters/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))
