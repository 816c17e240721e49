"""The htmx views: rendered from the document, escaped, refreshed live over SSE."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pycrdt import Map, Text

from tests.polling import until
from tests.web import WEB_ENV, client, csrf_in, signed_in
from tests.yclient import connected

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
MEMBER, MENTOR = "appollo@example.org", "maven@example.org"


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


def add_card(doc, item_id: str, title: str, status: str = "later", notes: str = "") -> None:
    with doc.transaction():
        doc.get("items", type=Map)[item_id] = Map(
            {"title": title, "status": status, "position": "a0", "notes": Text(notes)}
        )


async def first_message(lines: AsyncIterator[str]) -> str:
    """Read an SSE stream up to its first message (sent as soon as it opens)."""
    async with asyncio.timeout(5):
        async for line in lines:
            if line.startswith("data:"):
                return line
    raise AssertionError("the stream ended before its first message")


async def the_server_has(server, doc_id: str, token: str, check) -> None:
    """Wait until a fresh client of the room sees `check(doc)`: the edits are stored."""
    async with connected(server.ws_url, doc_id, token=token) as seen:
        await until(lambda: check(seen), what="the edits to reach the server")


async def test_timeline_shows_the_columns_and_escapes_what_users_typed(server):
    doc_id, token = server.new_curriculum(MEMBER)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        doc.get("meta", type=Map)["title"] = "Appollo's <curriculum>"
        add_card(doc, "x", XSS, status="now", notes=XSS)
        add_card(doc, "d", "Git basics", status="done")
        await the_server_has(
            server, doc_id, token, lambda seen: len(seen.get("items", type=Map)) == 2
        )
    async with signed_in(server, MEMBER) as http:
        page = (await http.get(f"/curricula/{doc_id}/timeline")).text
        listing = ""

        async def listed() -> bool:  # the list reads the read model, a moment behind
            nonlocal listing
            listing = (await http.get("/curricula")).text
            return "1 done" in listing

        await until(listed, what="the list to show the edits")
    assert "<script>alert(2)</script>" not in page and 'onerror="alert(1)"' not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Appollo&#39;s &lt;curriculum&gt;" in page
    assert page.index("Git basics") < page.index("&lt;img")  # past before now
    assert "Appollo&#39;s &lt;curriculum&gt;" in listing and "1 done" in listing


async def test_htmx_add_item_reaches_open_editors_and_bad_input_changes_nothing(server):
    doc_id, token = server.new_curriculum(MEMBER)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        items = doc.get("items", type=Map)
        async with signed_in(server, MEMBER) as http:
            csrf = csrf_in((await http.get(f"/curricula/{doc_id}/timeline")).text)
            hx = {"HX-Request": "true"}
            url = f"/curricula/{doc_id}/items"
            bad = await http.post(url, data={"title": "", "csrf_token": csrf}, headers=hx)
            assert bad.status_code == 422 and "title" in bad.text
            data = {"title": "x", "url": "javascript:alert(1)", "csrf_token": csrf}
            bad = await http.post(url, data=data, headers=hx)
            assert bad.status_code == 422
            data = {
                "title": "Docker tutorial",
                "url": "https://docs.docker.com/get-started/",
                "kind": "course",
                "estimate_minutes": "120",
                "status": "next",
                "csrf_token": csrf,
            }
            ok = await http.post(url, data=data, headers=hx)
            assert ok.status_code == 200 and "Docker tutorial" in ok.text
        await until(lambda: len(items) > 0, what="the card in the open editor")
        (card,) = items.values()  # the refused ones before it added nothing
        assert card["title"] == "Docker tutorial" and card["status"] == "next"


async def test_timeline_refreshes_live_when_the_document_changes(server):
    doc_id, token = server.new_curriculum(MEMBER)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        async with signed_in(server, MEMBER) as http:
            async with http.stream("GET", f"/curricula/{doc_id}/timeline/stream") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                await first_message(lines)  # the stream is open: what changes now is sent
                add_card(doc, "k8s", "Kubernetes basics", status="now")
                received = ""
                async with asyncio.timeout(3):
                    while "Kubernetes basics" not in received:
                        received += await anext(lines) + "\n"
    assert "data: " in received


async def test_curricula_list_refreshes_live_when_a_listed_document_changes(server):
    doc_id, token = server.new_curriculum(MEMBER, title="Appollo's path")
    async with signed_in(server, MEMBER) as http:
        async with http.stream("GET", "/curricula/stream") as stream:
            lines = stream.aiter_lines()
            await first_message(lines)  # the stream is open: what changes now is sent
            async with connected(server.ws_url, doc_id, token=token) as doc:
                doc.get("meta", type=Map)["title"] = "Appollo's path to SRE"
                received = ""
                async with asyncio.timeout(3):
                    while "path to SRE" not in received:
                        received += await anext(lines) + "\n"


async def started_at(member, doc_id: str, item_id: str) -> str | None:
    """When the member started a card, as the server holds it now (their data export)."""
    export = (await member.get("/settings/export")).json()
    curriculum = next(c for c in export["curricula"] if c["id"] == doc_id)
    return next(i for i in curriculum["items"] if i["id"] == item_id)["started_at"]


async def test_following_a_link_changes_nothing_and_the_start_is_recorded_by_a_post(server):
    doc_id, token = server.new_curriculum(MEMBER, mentors=("maven@example.org",))
    card = {"title": "SRE book", "url": "https://sre.google/books/", "status": "next"}
    async with connected(server.ws_url, doc_id, token=token) as doc:
        with doc.transaction():
            doc.get("items", type=Map)["r"] = Map({**card, "position": "a", "notes": Text()})
        async with signed_in(server, MEMBER) as member, signed_in(server, MENTOR) as mentor:
            timeline = f"/curricula/{doc_id}/timeline"
            await until(lambda: member.get(timeline), lambda page: "SRE book" in page.text)
            open_link, start = (
                f"/curricula/{doc_id}/items/r/{action}" for action in ("open", "start")
            )
            # the link: a plain redirect, whoever follows it and from wherever
            for headers in ({}, {"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.test/"}):
                answer = await member.get(open_link, headers=headers)
                assert (answer.status_code, answer.headers["location"]) == (
                    303, "https://sre.google/books/")  # fmt: skip
            member_token = csrf_in((await member.get(timeline)).text)
            refused = [
                await member.post(start),  # no CSRF token
                await member.post(start, headers={"X-CSRF-Token": "forged"}),
                await member.post(  # another site's page, even one holding a token
                    start, headers={"X-CSRF-Token": member_token, "Sec-Fetch-Site": "cross-site"}
                ),
            ]
            assert [answer.status_code for answer in refused] == [403, 403, 403]
            mentor_token = csrf_in((await mentor.get(timeline)).text)
            answer = await mentor.post(start, headers={"X-CSRF-Token": mentor_token})
            assert answer.status_code == 204  # allowed, but a mentor's click is not a start
            assert await started_at(member, doc_id, "r") is None
            answer = await member.post(start, headers={"X-CSRF-Token": member_token})
            assert answer.status_code == 204
            first = await started_at(member, doc_id, "r")
            assert first is not None and first.endswith("Z")
            await until(lambda: doc.get("items", type=Map)["r"].get("started_at"), bool)
            await member.post(start, headers={"X-CSRF-Token": member_token})
            assert await started_at(member, doc_id, "r") == first  # only the first time


async def test_the_editor_names_its_people_as_the_curricula_list_does(server):
    server.add_user(MEMBER, name="Appollo the Apprentice")
    server.add_user(MENTOR, role="mentor", name="Maven the Mentor")
    doc_id = server.cli("curricula", "create", "--member", MEMBER, "--mentor", MENTOR)
    async with signed_in(server, MEMBER) as http:
        page = (await http.get(f"/curricula/{doc_id}")).text
    people = page.split('class="editor-people"', 1)[1].split("</p>", 1)[0]
    assert "Member: Appollo the Apprentice" in people
    assert "Mentors: Maven the Mentor" in people and "@" not in people  # names, not emails


async def test_a_visitor_is_sent_to_sign_in_from_the_curricula_list(server):
    server.new_curriculum(MEMBER)
    async with client(server) as visitor:
        answer = await visitor.get("/curricula", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/auth/login"


async def test_empty_states_of_the_demo_say_where_to_go_next(server):
    server.cli("seed-demo")
    async with signed_in(server, "julian@example.org") as julian:  # a request, no mentor yet
        dashboard = (await julian.get("/dashboard")).text
        assert "no curriculum yet" in dashboard and 'href="/requests">find a mentor' in dashboard
    async with signed_in(server, "dana@example.org") as dana:  # a paused mentor
        inbox = (await dana.get("/inbox")).text
        assert "profile is paused" in inbox and 'href="/profile">Resume it' in inbox
