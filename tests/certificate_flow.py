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
from collab.schema import read_curriculum
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
    # Acknowledged once another client of the room sees every one of them.
    async with connected(server.ws_url, curriculum.doc_id, token=curriculum.token) as seen:

        def stored() -> bool:
            now = read_curriculum(seen)
            titles = {item.title for item in now.items}
            return any(g.id == goal_id for g in now.goals) and all(t in titles for t, _ in items)

        await until(stored, what="the goal and its items to reach the server")


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


def template_context(hostile: Sequence[str]) -> dict[str, Any]:
    """What the certificate templates need, with client-written ids (doc and goal ids)
    in every place an id goes (tests/test_hostile_ids.py renders every template)."""
    from datetime import UTC, datetime

    from domain.certificates import CertificateFacts, GoalReadiness, Issuer
    from domain.certificates.credential import Certificate
    from server.certificate_pages import Examined
    from server.my_certificates import ListedCertificate, MyCertificates
    from server.sign_off import GoalSignOff, SignOffs
    from storage.certificates import CertificateRecord, SignOffRequest
    from storage.curriculum_queries import Person

    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    issuer = Issuer("http://127.0.0.1")
    record = CertificateRecord(
        id="k3v9-qa7", doc_id=hostile[0], goal_id=hostile[0], goal_title="Goal",
        member_user_id=1, issued_by=2, issued_at=now, issuer_url=issuer.base_url,
        key_id="key-1", credential="{}", status_index=4,
    )  # fmt: skip
    requested = SignOffRequest(doc_id=hostile[0], goal_id="g", member_user_id=1, requested_at=now)
    member = Person(1, "Appollo", MEMBER, "member")

    def goal(goal_id: str, state: str) -> GoalSignOff:
        ready = GoalReadiness(goal_id, f"Goal {goal_id[:20]}", ("Git",), ("Pro Git",), (), ())
        return GoalSignOff(
            ready,
            requested if state == "requested" else None,
            record if state == "certified" else None,
        )

    states = ("requested", "certified", "ready")
    goals = tuple(goal(h, states[n % 3]) for n, h in enumerate(hostile))
    as_mentor = SignOffs(hostile[0], "mentor", member, goals)
    as_member = SignOffs(hostile[0], "member", member, goals)
    listed = ListedCertificate(
        record, "Appollo", issuer.certificate_url(record.id), "/certificates/k3v9-qa7",
        "/certificates/k3v9-qa7.json", "/certificates/k3v9-qa7.pdf",
    )  # fmt: skip
    facts = CertificateFacts(record.id, "Appollo", "Goal", "Maven", criteria=("Pro Git",))
    stated = Certificate(facts, now, "mentorHub", issuer.url, issuer.certificate_url(record.id))
    return {
        "sign_offs": as_mentor,
        "my": MyCertificates([listed], [as_mentor, as_member], [listed], [listed]),
        "examined": Examined(record, "valid", "signed", stated, issuer),
        "record": record,
        "facts": facts,
        "title": "Appollo: Goal",
        "description": "Appollo reached the goal.",
        "page_url": issuer.certificate_url(record.id),
        "json_path": listed.json_path,
        "pdf_path": listed.pdf_path,
        "stream_path": "/certificates/k3v9-qa7/stream",
        "revoke_path": "/certificates/k3v9-qa7/revoke",
        "can_revoke": True,
    }
