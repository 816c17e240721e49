"""Who may see and edit what, for every role, on pages, htmx actions and /collab.

The curriculum of Appollo (member) is mentored by Maven. Miles mentors someone else,
Charlie is another member with a curriculum of his own, Sam is staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import websockets
from pycrdt import Doc, Map, Text, create_update_message

from server.access import Access, list_curricula_for
from storage.account_queries import get_user_by_email
from storage.database import make_engine
from tests.server_process import ServerProcess
from tests.web import WEB_ENV, client, cookie_header, signed_in, websocket_outcome
from tests.yclient import collab_url, connected, content, eventually

APPOLLO, MAVEN, MILES, CHARLIE, SAM = (
    "appollo@example.org",
    "maven@example.org",
    "miles@example.org",
    "charlie@example.org",
    "sam@example.org",
)


@dataclass
class World:
    server: ServerProcess
    appollo_doc: str
    charlie_doc: str


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    tmp = tmp_path_factory.mktemp("access")
    server = ServerProcess(
        {"DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", **WEB_ENV}, tmp / "server.log"
    )
    server.migrate()
    server.add_user(APPOLLO, name="Appollo")
    server.add_user(MAVEN, "mentor", name="Maven")
    server.add_user(MILES, "mentor", name="Miles")
    server.add_user(CHARLIE, name="Charlie")
    server.add_user(SAM, "staff", name="Sam")
    appollo_doc, _ = server.new_curriculum(APPOLLO, mentors=(MAVEN,), title="Appollo's path")
    charlie_doc, _ = server.new_curriculum(CHARLIE, mentors=(MILES,), title="Charlie's prep")
    server.start()
    yield World(server, appollo_doc, charlie_doc)
    server.terminate()


EXPECTED = {APPOLLO: "edit", MAVEN: "edit", SAM: "read", MILES: None, CHARLIE: None}


@pytest.mark.parametrize("email", list(EXPECTED))
async def test_curriculum_page_by_role(world, email):
    async with signed_in(world.server, email) as browser:
        page = await browser.get(f"/curricula/{world.appollo_doc}")
        if EXPECTED[email] is None:
            assert page.status_code == 404
        else:
            assert page.status_code == 200
            assert f'data-access="{EXPECTED[email]}"' in page.text


async def test_pages_answer_the_same_for_a_hidden_and_a_missing_curriculum(world):
    async with signed_in(world.server, CHARLIE) as browser:
        hidden = await browser.get(f"/curricula/{world.appollo_doc}")  # IDOR: not his
        missing = await browser.get("/curricula/no-such-curriculum")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    async with client(world.server) as anonymous:
        nobody = await anonymous.get(f"/curricula/{world.appollo_doc}")
    assert nobody.status_code == 404 and nobody.text == missing.text


@pytest.mark.parametrize("email", list(EXPECTED))
async def test_htmx_action_by_role(world, email):
    async with signed_in(world.server, email) as browser:
        page = await browser.get("/settings")
        token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        answer = await browser.post(
            f"/curricula/{world.appollo_doc}/items",
            data={"title": f"Added by {email}", "kind": "article", "status": "next"},
            headers={"HX-Request": "true", "X-CSRF-Token": token},
        )
    if EXPECTED[email] == "edit":
        assert answer.status_code == 200, answer.text
        assert f"Added by {email}" in answer.text
    else:
        assert answer.status_code == 404  # read-only and strangers alike: nothing to see


@pytest.mark.parametrize("email", list(EXPECTED))
async def test_websocket_with_a_token_by_role(world, email):
    url = collab_url(world.server.ws_url, world.appollo_doc, world.server.token(email))
    expected = "synced" if EXPECTED[email] else 1008
    assert await websocket_outcome(url) == expected


@pytest.mark.parametrize("email", list(EXPECTED))
async def test_websocket_with_a_session_cookie_by_role(world, email):
    async with signed_in(world.server, email) as browser:
        headers = {"Cookie": cookie_header(browser)}
    url = f"{world.server.ws_url}/{world.appollo_doc}"
    expected = "synced" if EXPECTED[email] else 1008
    assert await websocket_outcome(url, headers) == expected


async def test_websocket_refuses_everyone_else_alike(world):
    server, doc = world.server, world.appollo_doc
    appollo = server.token(APPOLLO)
    assert await websocket_outcome(f"{server.ws_url}/{doc}") == 1008  # nobody
    assert await websocket_outcome(collab_url(server.ws_url, doc, "mh_" + "x" * 43)) == 1008
    assert await websocket_outcome(collab_url(server.ws_url, doc, "not-a-token")) == 1008
    assert await websocket_outcome(collab_url(server.ws_url, "no-such-doc", appollo)) == 1008
    assert await websocket_outcome(collab_url(server.ws_url, world.charlie_doc, appollo)) == 1008
    bearer = {"Authorization": f"Bearer {appollo}"}
    assert await websocket_outcome(f"{server.ws_url}/{doc}", bearer) == "synced"


async def test_a_revoked_token_is_closed_with_1008(world):
    server = world.server
    token = server.cli("tokens", "create", MAVEN, "--name", "to revoke")
    url = collab_url(server.ws_url, world.appollo_doc, token)
    assert await websocket_outcome(url) == "synced"
    async with signed_in(server, MAVEN) as browser:
        page = await browser.get("/settings")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        token_id = page.text.split("to revoke", 1)[1].split("/settings/tokens/", 1)[1]
        token_id = token_id.split("/revoke", 1)[0]
        revoked = await browser.post(
            f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf}
        )
        assert revoked.status_code == 303
    assert await websocket_outcome(url) == 1008


async def test_staff_read_but_their_edits_are_dropped_and_they_are_told(world):
    server, doc_id = world.server, world.appollo_doc
    async with connected(server.ws_url, doc_id, token=server.token(APPOLLO)) as member:
        before = content(member)
        url = collab_url(server.ws_url, doc_id, server.token(SAM))
        async with websockets.connect(url) as staff:
            first = await staff.recv()
            assert first[:2] == b"\x00\x00"  # sync step 1: the document is open to read
            mine = Doc()
            mine.get("resume", type=Text).insert(0, "staff were here")
            await staff.send(create_update_message(mine.get_update()))
            told = None
            for _ in range(10):
                message = await staff.recv()
                if message[:1] == b"\x02":
                    told = message
                    break
            assert told == b"\x02\x00\x09read-only"
            await staff.ping()  # still connected: presence and reading go on
        member.get("meta", type=Map)["check"] = "after"
        await eventually(lambda: content(member)["meta"].get("check") == "after")
        assert content(member)["resume"] == before["resume"]
    async with connected(server.ws_url, doc_id, token=server.token(MAVEN)) as fresh:
        assert "staff were here" not in content(fresh)["resume"]


def test_list_of_curricula_follows_the_same_rules(world):
    engine = make_engine(world.server.env["DATABASE_URL"])
    try:

        def listed(email: str) -> dict[str, Access]:
            user = get_user_by_email(engine, email)
            return {c.doc_id: c.access for c in list_curricula_for(engine, user)}

        a, c = world.appollo_doc, world.charlie_doc
        assert listed(APPOLLO) == {a: Access.EDIT}
        assert listed(MAVEN) == {a: Access.EDIT}
        assert listed(MILES) == {c: Access.EDIT}
        assert listed(SAM) == {a: Access.READ, c: Access.READ}
        assert list_curricula_for(engine, None) == []
        [summary] = list_curricula_for(engine, get_user_by_email(engine, MAVEN))
        assert (summary.title, summary.member_name, summary.mentor_names) == (
            "Appollo's path",
            "Appollo",
            ("Maven",),
        )
    finally:
        engine.dispose()


async def test_account_pages_need_a_sign_in(world):
    async with client(world.server) as anonymous:
        for path in ("/settings", "/settings/export", "/settings/forget"):
            answer = await anonymous.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/auth/login"
