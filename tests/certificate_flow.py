"""Helpers for certificate tests: a curriculum whose goal is ready, asking, signing off.

Everything goes through a real server: people and curricula by the command line, the
document by a real Yjs client, asking and signing off by signed-in HTTP clients.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from collab.edits import add_item, set_goal
from tests.polling import until
from tests.server_process import ServerProcess
from tests.web import csrf_in, signed_in
from tests.yclient import connected

MEMBER, MEMBER_NAME = "appollo@example.org", "Appollo Apprentice"
MENTOR, MENTOR_NAME = "maven@example.org", "Maven Mentor"
OTHER_MENTOR = "miles@example.org"
STAFF = "sam@example.org"
GOAL_ID, GOAL = "g-git", "Be fluent with Git"
HX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Curriculum:
    doc_id: str
    token: str  # the member's personal access token


def add_others(server: ServerProcess) -> None:
    """Another member's mentor, and staff (each command-line call costs a second or more)."""
    server.add_user(OTHER_MENTOR, "mentor", name="Miles")
    server.add_user(STAFF, "staff", name="Sam Staff")


async def curriculum_with_goal(
    server: ServerProcess,
    *,
    goal_id: str = GOAL_ID,
    goal: str = GOAL,
    items: Sequence[tuple[str, str]] = (("Pro Git", "done"), ("Learn Git Branching", "done")),
) -> Curriculum:
    """Appollo's curriculum, mentored by Maven, with one goal (skill git) and its items."""
    server.add_user(MEMBER, name=MEMBER_NAME)
    server.add_user(MENTOR, "mentor", name=MENTOR_NAME)
    doc_id, token = server.new_curriculum(MEMBER, mentors=(MENTOR,), title="Appollo's path")
    await add_goal(server, Curriculum(doc_id, token), goal_id, goal, items)
    return Curriculum(doc_id, token)


async def add_goal(
    server: ServerProcess,
    curriculum: Curriculum,
    goal_id: str,
    goal: str,
    items: Sequence[tuple[str, str]],
    skill: str = "git",
) -> None:
    async with connected(server.ws_url, curriculum.doc_id, token=curriculum.token) as doc:
        set_goal(doc, goal_id, title=goal, skills=[skill])
        for title, status in items:
            add_item(doc, title=title, skills=[skill], status=status)
        await until(lambda: True)  # let the updates go out before the client leaves


async def timeline(http: httpx.AsyncClient, doc_id: str) -> str:
    page = await http.get(f"/curricula/{doc_id}/timeline")
    assert page.status_code == 200, page.text
    return page.text


async def wait_until_ready(http: httpx.AsyncClient, doc_id: str, goal: str = GOAL) -> str:
    """The timeline once it offers to ask for sign-off of `goal` (the read model lags)."""

    async def offered() -> str:
        page = await timeline(http, doc_id)
        return page if f'Ask for sign-off<span class="visually-hidden"> of “{goal}”' in page else ""

    return await until(offered, what=f"the timeline to offer sign-off of {goal!r}")


async def ask(http: httpx.AsyncClient, doc_id: str, goal_id: str = GOAL_ID) -> httpx.Response:
    csrf = csrf_in(await timeline(http, doc_id))
    return await http.post(
        f"/curricula/{doc_id}/goals/{goal_id}/ask", data={"csrf_token": csrf}, headers=HX
    )


async def answer(
    http: httpx.AsyncClient,
    doc_id: str,
    goal_id: str = GOAL_ID,
    decision: str = "sign-off",
    note: str = "",
) -> httpx.Response:
    csrf = csrf_in((await http.get("/certificates")).text)
    fields = {"csrf_token": csrf, "decision": decision, "note": note}
    return await http.post(f"/curricula/{doc_id}/goals/{goal_id}/answer", data=fields, headers=HX)


def certificate_id_in(html: str, goal: str = GOAL) -> str:
    """The id of the certificate the sign-off section links for `goal`."""
    link = r'href="/certificates/([A-Za-z0-9_-]+)">See the certificate<span[^>]*> for “'
    found = re.search(link + re.escape(goal), html)
    assert found, html
    return found.group(1)


async def certify(
    server: ServerProcess, curriculum: Curriculum, goal_id: str = GOAL_ID, goal: str = GOAL
) -> str:
    """The member asks, the mentor signs off; returns the certificate's id."""
    async with signed_in(server, MEMBER) as member:
        await wait_until_ready(member, curriculum.doc_id, goal)
        asked = await ask(member, curriculum.doc_id, goal_id)
        assert asked.status_code == 200, asked.text
    async with signed_in(server, MENTOR) as mentor:
        signed = await answer(mentor, curriculum.doc_id, goal_id, note="Well done!")
        assert signed.status_code == 200, signed.text
    return certificate_id_in(signed.text, goal)


async def fetch_json(http: httpx.AsyncClient, url: str) -> Any:
    answer = await http.get(url)
    assert answer.status_code == 200, answer.text
    return json.loads(answer.text)
