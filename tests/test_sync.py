"""Two or more pycrdt clients editing one curriculum through a real server."""

from __future__ import annotations

import asyncio

from pycrdt import Map, Text

from tests.yclient import connected, content, eventually, new_doc, peer


def add_item(doc, item_id: str, title: str, status: str = "later", position: str = "a0") -> None:
    with doc.transaction():
        doc.get("items", type=Map)[item_id] = Map(
            {"title": title, "status": status, "position": position, "notes": Text()}
        )


async def test_two_clients_converge_on_concurrent_edits(server):
    doc_id, token = server.new_curriculum()
    async with (
        connected(server.ws_url, doc_id, token=token) as a,
        connected(server.ws_url, doc_id, token=token) as b,
    ):
        created = content(a)["meta"]  # what `mentorhub curricula create` put in
        add_item(a, "i1", "Learn recursion")
        doc_b_items = b.get("items", type=Map)
        await eventually(lambda: "i1" in doc_b_items, what="item to reach b")
        # Concurrent edits of meta, items and one item's notes from both sides.
        a.get("meta", type=Map)["title"] = "Appollo's curriculum"
        b.get("meta", type=Map)["mentor"] = "Maven"
        a.get("items", type=Map)["i1"]["notes"].insert(0, "from A. ")
        b.get("items", type=Map)["i1"]["notes"].insert(0, "from B. ")
        add_item(b, "i2", "Read about Kubernetes", status="next", position="a1")
        await eventually(lambda: content(a) == content(b), what="convergence")
        final = content(a)
        assert final["meta"] == {**created, "title": "Appollo's curriculum", "mentor": "Maven"}
        assert set(final["items"]) == {"i1", "i2"}
        notes = final["items"]["i1"]["notes"]
        assert "from A. " in notes and "from B. " in notes


async def test_late_joiner_receives_full_state(server):
    doc_id, token = server.new_curriculum()
    async with connected(server.ws_url, doc_id, token=token) as a:
        for i in range(30):
            add_item(a, f"i{i}", f"Resource {i}", position=f"a{i:02d}")
        a.get("resume", type=Text).insert(0, "Site Reliability Engineer at a cloud company")
        async with connected(server.ws_url, doc_id, token=token) as late:
            await eventually(lambda: content(late) == content(a), what="late joiner state")
            assert len(content(late)["items"]) == 30


async def test_offline_edits_merge_on_reconnect(server):
    offline_doc = new_doc()
    doc_id, token = server.new_curriculum()
    async with connected(server.ws_url, doc_id, token=token) as a:
        async with connected(server.ws_url, doc_id, offline_doc, token):
            add_item(a, "shared", "Shared resource")
            await eventually(lambda: "shared" in offline_doc.get("items", type=Map))
        # offline_doc is now disconnected; both sides edit.
        offline_doc.get("items", type=Map)["shared"]["notes"].insert(0, "written offline")
        add_item(offline_doc, "off", "Added while offline")
        a.get("items", type=Map)["shared"]["title"] = "Renamed online"
        async with connected(server.ws_url, doc_id, offline_doc, token):
            await eventually(lambda: content(a) == content(offline_doc), what="merge")
        merged = content(a)
        assert merged["items"]["shared"]["notes"] == "written offline"
        assert merged["items"]["shared"]["title"] == "Renamed online"
        assert "off" in merged["items"]


async def test_awareness_reaches_peers_and_is_cleared_on_disconnect(server):
    doc_id, token = server.new_curriculum()
    async with peer(server.ws_url, doc_id, token=token) as maven:
        async with peer(server.ws_url, doc_id, token=token) as appollo:
            await appollo.set_presence({"user": {"name": "Appollo", "color": "#0a7"}})
            await maven.set_presence({"user": {"name": "Maven", "color": "#a07"}})
            await eventually(lambda: len(maven.others()) == 1, what="presence at maven")
            await eventually(lambda: len(appollo.others()) == 1, what="presence at appollo")
            # both signed in as the curriculum's member: the name is the account's
            assert list(maven.others().values())[0]["user"]["name"] == "member"
        await eventually(lambda: maven.others() == {}, what="presence cleared")
        # A newcomer sees who is here right away.
        async with peer(server.ws_url, doc_id, token=token) as newcomer:
            await eventually(lambda: len(newcomer.others()) == 1, what="presence for newcomer")
            assert list(newcomer.others().values())[0]["user"]["name"] == "member"
        await asyncio.sleep(0)
