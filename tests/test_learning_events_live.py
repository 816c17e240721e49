"""Learning events recorded by a real server from committed changes, whatever client made
them: the htmx timeline, a pycrdt client, a stock Node y-websocket client, the open link."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime

import pytest
from pycrdt import Map

from collab import edits, schema
from tests.conftest import require
from tests.interop.node_client import NodeYjsClient
from tests.read_model_checks import chain_breaks, database_of, events_when, has, of, user_id
from tests.test_instances import redis_server, two_instances  # noqa: F401  (fixtures)
from tests.web import WEB_ENV, csrf_in, signed_in
from tests.yclient import eventually, peer

MEMBER, MENTOR = "appollo@example.org", "maven@example.org"
STARTED = "2025-03-01T10:00:00Z"


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


@pytest.fixture
def curriculum(server):
    """A curriculum with a card in Now (started, 90 minutes' estimate) and two in Later."""
    doc_id, token = server.new_curriculum(MEMBER, mentors=(MENTOR,))
    return doc_id, token


async def seeded(client, doc_id: str, engine) -> None:
    doc = client.doc
    edits.add_item(doc, title="Kubernetes basics", item_id="k8s", status="now",
                 estimate_minutes=90, when=STARTED, url="https://kubernetes.io/docs/")  # fmt: skip
    edits.add_item(doc, title="SRE book", item_id="sre")
    edits.add_item(doc, title="Terraform", item_id="tf")
    await events_when(engine, doc_id, has("k8s", "started"), what="the seeded card's start")


async def htmx_move(http, doc_id: str, item_id: str, status: str) -> None:
    csrf = csrf_in((await http.get(f"/curricula/{doc_id}/timeline")).text)
    answer = await http.post(
        f"/curricula/{doc_id}/items/{item_id}/move",
        data={"status": status, "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200, answer.text


async def start(http, doc_id: str, item_id: str):
    """What the page does as a resource's link is followed: POST .../start."""
    csrf = csrf_in((await http.get(f"/curricula/{doc_id}/timeline")).text)
    return await http.post(
        f"/curricula/{doc_id}/items/{item_id}/start", headers={"X-CSRF-Token": csrf}
    )


async def test_finishing_from_the_htmx_timeline_records_one_finished_event(server, curriculum):
    doc_id, token = curriculum
    with database_of(server) as engine:
        async with peer(server.ws_url, doc_id, token=token) as editor:
            await seeded(editor, doc_id, engine)
            async with signed_in(server, MEMBER) as http:
                await htmx_move(http, doc_id, "k8s", "done")
                await events_when(engine, doc_id, has("k8s", "finished"), what="the finish")
                await htmx_move(http, doc_id, "sre", "next")  # a later event, to see no repeat
                events = await events_when(engine, doc_id, has("sre", "moved"))
            await eventually(lambda: schema.read_curriculum(editor.doc).items[0].status == "done")
            completed = schema.read_curriculum(editor.doc).items[0].completed_at
        member = user_id(engine, MEMBER)
    (finished,) = of(events, "k8s", "finished")
    assert (finished.from_status, finished.to_status) == ("now", "done")
    assert finished.caused_by == member and finished.member_user_id == member
    assert finished.estimate_minutes == 90 and finished.url == "https://kubernetes.io/docs/"
    assert completed is not None
    spent = datetime.fromisoformat(completed) - datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert finished.actual_minutes == int(spent.total_seconds() // 60)
    assert abs((finished.at - datetime.fromisoformat(completed)).total_seconds()) < 5
    assert len(of(events, "k8s")) == 2  # started when seeded, finished once


async def test_finishing_and_reopening_from_a_pycrdt_client(server, curriculum):
    doc_id, token = curriculum
    with database_of(server) as engine:
        async with peer(server.ws_url, doc_id, token=token) as editor:
            await seeded(editor, doc_id, engine)
            edits.move_item(editor.doc, "k8s", "done")
            await events_when(engine, doc_id, has("k8s", "finished"), what="the finish")
            edits.move_item(editor.doc, "k8s", "now")
            await events_when(engine, doc_id, has("k8s", "reopened"), what="the reopening")
            edits.move_item(editor.doc, "tf", "next")
            events = await events_when(engine, doc_id, has("tf", "moved"))
            assert chain_breaks(events, editor.doc) == []
        member = user_id(engine, MEMBER)
    assert [(e.kind, e.from_status, e.to_status) for e in of(events, "k8s")] == [
        ("started", None, "now"),
        ("finished", "now", "done"),
        ("reopened", "done", "now"),
    ]
    assert {e.caused_by for e in events} == {member}


async def test_finishing_from_a_stock_node_client_records_one_finished_event(server, curriculum):
    require(shutil.which("node") is not None, "Node.js")
    doc_id, token = curriculum
    with database_of(server) as engine:
        async with peer(server.ws_url, doc_id, token=token) as editor:
            await seeded(editor, doc_id, engine)
        node = await NodeYjsClient.start(server.ws_url, doc_id, token)
        try:
            await node.call({"cmd": "wait_synced", "timeout": 10000})
            now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
            move = {"status": "done", "position": "V", "completed_at": now}
            await node.call({"cmd": "set_item", "id": "k8s", "fields": move})
            await events_when(engine, doc_id, has("k8s", "finished"), what="the finish")
            await node.call({"cmd": "set_item", "id": "tf", "fields": {"status": "next"}})
            events = await events_when(engine, doc_id, has("tf", "moved"))
        finally:
            await node.close()
        member = user_id(engine, MEMBER)
    (finished,) = of(events, "k8s", "finished")
    assert finished.caused_by == member and finished.actual_minutes is not None


async def test_opening_a_resource_records_one_start(server, curriculum):
    doc_id, token = curriculum
    with database_of(server) as engine:
        async with peer(server.ws_url, doc_id, token=token) as editor:
            await seeded(editor, doc_id, engine)
            edits.update_item(editor.doc, "sre", url="https://sre.google/books/")
            async with signed_in(server, MENTOR) as mentor:
                await start(mentor, doc_id, "sre")  # a mentor opening it is not a start
            async with signed_in(server, MEMBER) as member:
                for _ in range(2):  # the second opening starts nothing
                    assert (await start(member, doc_id, "sre")).status_code == 204
                await events_when(engine, doc_id, has("sre", "started"), what="the start")
                await htmx_move(member, doc_id, "tf", "next")
                events = await events_when(engine, doc_id, has("tf", "moved"))
        member_id = user_id(engine, MEMBER)
    (started,) = of(events, "sre", "started")
    assert (started.from_status, started.to_status, started.caused_by) == (
        "later",
        "later",
        member_id,
    )


async def test_concurrent_moves_of_one_card_by_two_people_record_a_consistent_history(
    server, curriculum
):
    doc_id, token = curriculum
    with database_of(server) as engine:
        mentor_at = (server, server.token(MENTOR))
        events = await moved_by_two(engine, doc_id, (server, token), mentor_at)
        people = {None, user_id(engine, MEMBER), user_id(engine, MENTOR)}
    assert {e.caused_by for e in events} <= people


async def moved_by_two(engine, doc_id: str, member_at, mentor_at, rounds: int = 6):
    """A member and a mentor, each on a (server, token), move the same card at the same
    moments, several times over; once they agree, the card's history must be a chain
    that ends where the document has the card. Returns the events."""
    async with (
        peer(member_at[0].ws_url, doc_id, token=member_at[1]) as member,
        peer(mentor_at[0].ws_url, doc_id, token=mentor_at[1]) as mentor,
    ):
        await seeded(member, doc_id, engine)
        await eventually(lambda: "tf" in mentor.doc.get("items", type=Map))
        columns = ("later", "next", "now", "done")
        for i in range(rounds):
            edits.move_item(member.doc, "tf", columns[i % 4])
            edits.move_item(mentor.doc, "tf", columns[(i + 2) % 4])
            await asyncio.sleep(0.3 if i % 2 else 0.05)  # some moves share a sync, some do not
        a, b = member.doc, mentor.doc
        await eventually(
            lambda: schema.read_curriculum(a) == schema.read_curriculum(b), what="agree"
        )
        final = next(i.status for i in schema.read_curriculum(a).items if i.id == "tf")
        edits.move_item(a, "sre", "next")  # a later event: everything before it is recorded

        def settled(events) -> bool:
            moves = [e for e in of(events, "tf") if e.kind != "started"]
            return bool(of(events, "sre", "moved")) and bool(moves) and moves[-1].to_status == final

        events = await events_when(engine, doc_id, settled, what="the history to settle")
        assert chain_breaks(events, a) == []
    return events


async def test_two_instances_record_each_transition_once(two_instances):  # noqa: F811
    a_server, b_server = two_instances
    doc_id, token = a_server.new_curriculum(MEMBER, mentors=(MENTOR,))
    with database_of(a_server) as engine:
        mentor_at = (b_server, a_server.token(MENTOR))
        events = await moved_by_two(engine, doc_id, (a_server, token), mentor_at, rounds=8)
    recorded = [(e.item_id, e.kind, e.from_status, e.to_status, e.at) for e in events]
    assert len(recorded) == len(set(recorded))  # no transition recorded twice
    assert len(of(events, "k8s")) == 1  # started once, though both instances hold it
