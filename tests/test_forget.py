"""ForgetMe: after an erasure the person's name and email are nowhere in the database -
update log and snapshots included - and the other party's curriculum is intact."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from pycrdt import Map, Text

from collab.edits import add_item, set_goal
from collab.schema import read_curriculum
from storage.database import make_engine
from tests.web import (
    WEB_ENV,
    client,
    cookie_header,
    csrf_in,
    database_mentions,
    signed_in,
    websocket_outcome,
)
from tests.yclient import collab_url, connected, eventually, peer

APPOLLO, MAVEN = "appollo@example.org", "maven@example.org"
MAVEN_NAME = "Maven Mentor"


def documents(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text("SELECT id FROM document")).scalars())
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_a_mentor_forgets_themselves_from_the_web(server_factory, database, request):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    # COMPACT_THRESHOLD=2: the mentor's edits reach snapshots, not only the update log
    server = server_factory(url, COMPACT_THRESHOLD="2", **WEB_ENV)
    url = server.env["DATABASE_URL"]
    server.add_user(APPOLLO, name="Appollo Apprentice")
    server.add_user(MAVEN, "mentor", name=MAVEN_NAME)
    doc_id, appollo_token = server.new_curriculum(
        APPOLLO, mentors=(MAVEN,), title=f"Appollo's path, with {MAVEN_NAME}"
    )
    maven_token = server.token(MAVEN)

    async with signed_in(server, MAVEN) as browser:
        old_cookie = {"Cookie": cookie_header(browser)}
        async with (
            peer(server.ws_url, doc_id, token=appollo_token) as appollo,
            peer(server.ws_url, doc_id, token=maven_token) as maven,
        ):
            for i in range(5):
                note = f"Ask {MAVEN_NAME} ({MAVEN}) about SLOs" if i == 0 else ""
                add_item(
                    maven.doc,
                    title=f"SRE reading {i}",
                    assigned_by=MAVEN,
                    item_id=f"m{i}",
                    notes=note,
                )
            set_goal(maven.doc, "g1", title=f"Pair with {MAVEN_NAME.split()[0]} weekly")
            maven.doc.get("resume", type=Text).insert(0, f"Mentored by {MAVEN_NAME}. ")
            await maven.set_presence({"user": {"name": MAVEN_NAME}})
            await appollo.set_presence({"user": {"name": "Appollo Apprentice"}})
            goals = appollo.doc.get("goals", type=Map)
            await eventually(lambda: len(goals) == 1, what="the mentor's edits")
            await eventually(lambda: len(appollo.others()) == 1, what="the mentor's presence")

            export = await browser.get("/settings/export")
            assert export.status_code == 200
            assert "attachment" in export.headers["content-disposition"]
            data = json.loads(export.text)
            assert data["profile"] == {**data["profile"], "email": MAVEN, "name": MAVEN_NAME}
            [mine] = data["curricula"]
            assert mine["id"] == doc_id and mine["role"] == "mentor" and len(mine["items"]) == 5
            before = database_mentions(url, [MAVEN, MAVEN_NAME])
            assert {"user_account.email", "snapshot.data"} <= {m.split()[0] for m in before}
            page = await browser.get("/settings/forget")
            assert 'href="/settings/export"' in page.text
            csrf = csrf_in(page.text)
            unconfirmed = await browser.post("/settings/forget", data={"csrf_token": csrf})
            assert unconfirmed.status_code == 422
            gone = await browser.post(
                "/settings/forget", data={"csrf_token": csrf, "confirm": "yes"}
            )
            assert gone.status_code == 200 and "has been deleted" in gone.text
            # the member's open editor sees the erasure live, and the mentor leaves it
            meta = appollo.doc.get("meta", type=Map)
            await eventually(lambda: meta.get("mentors") == ["former member"], what="scrub live")
            await eventually(lambda: appollo.others() == {}, what="the mentor's presence gone")
            seen = read_curriculum(appollo.doc)
            assert len(seen.items) == 5
            assert {i.assigned_by for i in seen.items} == {"former member"}
            m0 = next(i for i in seen.items if i.id == "m0")
            assert m0.notes == "Ask former member (former member) about SLOs"
            assert seen.goals[0].title == "Pair with Maven weekly"
            assert seen.resume == "Mentored by former member. "

    # the mentor's first name alone was not their name: only name and email are erased
    assert database_mentions(url, [MAVEN, MAVEN_NAME]) == []
    assert documents(url) == [doc_id]
    assert await websocket_outcome(f"{server.ws_url}/{doc_id}", old_cookie) == 1008
    assert await websocket_outcome(collab_url(server.ws_url, doc_id, maven_token)) == 1008
    async with client(server, headers=old_cookie) as replay:
        assert (await replay.get("/settings")).status_code == 303
    async with connected(server.ws_url, doc_id, token=appollo_token) as after:
        kept = read_curriculum(after)
        assert len(kept.items) == 5 and kept.member == APPOLLO
        assert kept.title == "Appollo's path, with former member"


async def test_forget_from_the_command_line(server_factory):
    server = server_factory(COMPACT_THRESHOLD="3", **WEB_ENV)
    url = server.env["DATABASE_URL"]
    server.add_user("charlie@example.org", name="Charlie Graduate")
    server.add_user("dora@example.org", name="Dora Alone")
    shared, charlie_token = server.new_curriculum("charlie@example.org", mentors=(MAVEN,))
    alone, dora_token = server.new_curriculum("dora@example.org")
    async with (
        connected(server.ws_url, shared, token=charlie_token) as charlie,
        connected(server.ws_url, shared, token=server.token(MAVEN)) as watcher,
    ):
        for i in range(6):
            add_item(charlie, title=f"Recursion drill {i}", item_id=f"c{i}")
        charlie.get("resume", type=Text).insert(0, "Charlie Graduate wants a backend job")
        resume = watcher.get("resume", type=Text)
        await eventually(lambda: str(resume).startswith("Charlie"), what="edits committed")
    async with connected(server.ws_url, alone, token=dora_token) as dora:
        add_item(dora, title="Dora's only item", item_id="d0")

    before = database_mentions(url, ["charlie@example.org", "Charlie Graduate"])
    assert "user_account.name" in {m.split()[0] for m in before}
    assert any(m.startswith(("snapshot.data", "update_log.data")) for m in before)
    assert "erased user" in server.cli("forget", "charlie@example.org")
    server.cli("forget", "dora@example.org")
    with pytest.raises(RuntimeError, match="no user with email"):
        server.cli("forget", "dora@example.org")

    assert database_mentions(url, ["charlie@example.org", "Charlie Graduate"]) == []
    assert database_mentions(url, ["dora@example.org", "Dora Alone"]) == []
    assert documents(url) == [shared]  # Dora's curriculum had nobody else: deleted
    async with connected(server.ws_url, shared, token=server.token(MAVEN)) as mentor:
        kept = read_curriculum(mentor)
        assert len(kept.items) == 6  # the mentor keeps the curriculum
        assert kept.member == "former member"
        assert kept.resume == "former member wants a backend job"
    assert await websocket_outcome(collab_url(server.ws_url, shared, charlie_token)) == 1008
