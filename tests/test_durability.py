"""kill -9 at any moment loses nothing that any peer was sent."""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Map, Text

from tests.yclient import connected, content, eventually


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_everything_a_peer_received_survives_kill_9(server_factory, database, request):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url)
    doc_id, token = server.new_curriculum()
    async with (
        connected(server.ws_url, doc_id, token=token) as writer,
        connected(server.ws_url, doc_id, token=token) as reader,
    ):
        items = writer.get("items", type=Map)
        resume = writer.get("resume", type=Text)
        for i in range(200):
            items[f"i{i}"] = Map(
                {"title": f"Resource {i}", "status": "later", "position": f"a{i:03d}"}
            )
            resume.insert(len(resume), f"{i} ")
            if i % 20 == 0:
                await asyncio.sleep(0.01)
        reader_items = reader.get("items", type=Map)
        await eventually(lambda: len(reader_items) >= 50, what="some updates relayed")
        server.kill()  # mid-stream: the writer may still be sending
        seen = content(reader)
    assert len(seen["items"]) >= 50
    server.start()  # same database, new port
    async with connected(server.ws_url, doc_id, token=token) as after:
        restored = content(after)
    for item_id, item in seen["items"].items():
        assert restored["items"][item_id] == item, f"{item_id} was relayed but lost"
    assert restored["resume"].startswith(seen["resume"].rstrip())
