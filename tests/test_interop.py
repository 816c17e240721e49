"""Stock npm `yjs` + `y-websocket` clients under Node against mentorHub, beside pycrdt."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from pycrdt import Map, Text

from tests.conftest import require
from tests.interop.node_client import NodeYjsClient
from tests.yclient import content, eventually, peer


@pytest.fixture
async def node_client_factory():
    require(shutil.which("node") is not None, "Node.js")
    clients: list[NodeYjsClient] = []

    async def start(url: str, room: str, token: str | None = None) -> NodeYjsClient:
        client = await NodeYjsClient.start(url, room, token)
        clients.append(client)
        await client.call({"cmd": "wait_synced", "timeout": 10000})
        return client

    yield start
    for client in clients:
        await client.close()


async def test_stock_yjs_client_and_pycrdt_client_converge(server, node_client_factory):
    doc_id, token = server.new_curriculum()
    async with peer(server.ws_url, doc_id, token=token) as py:
        created = content(py.doc)["meta"]  # what `mentorhub curricula create` put in
        node = await node_client_factory(server.ws_url, doc_id, token)
        await node.call({"cmd": "set_meta", "key": "title", "value": "Appollo's curriculum"})
        await node.call(
            {
                "cmd": "add_item",
                "id": "k8s",
                "fields": {"title": "Kubernetes basics", "status": "now", "position": "a0"},
            }
        )
        await node.call({"cmd": "insert_note", "id": "k8s", "index": 0, "text": "from node. "})
        items = py.doc.get("items", type=Map)
        await eventually(
            lambda: "k8s" in items and "from node" in str(items["k8s"]["notes"]),
            what="node edits at pycrdt",
        )
        items["k8s"]["notes"].insert(0, "from python. ")
        py.doc.get("resume", type=Text).insert(0, "SRE at a cloud company")
        await node.call(
            {
                "cmd": "wait_for",
                "path": ["resume"],
                "equals": "SRE at a cloud company",
                "timeout": 5000,
            }
        )
        await node.call(
            {
                "cmd": "wait_for",
                "path": ["items", "k8s", "notes"],
                "equals": "from python. from node. ",
                "timeout": 5000,
            }
        )
        snapshot = (await node.call({"cmd": "snapshot"}))["json"]
        mine = content(py.doc)
        assert snapshot["meta"] == mine["meta"] == {**created, "title": "Appollo's curriculum"}
        assert snapshot["items"]["k8s"]["notes"] == mine["items"]["k8s"]["notes"]
        assert snapshot["resume"] == mine["resume"]


async def test_stock_clients_see_each_others_presence(server, node_client_factory):
    doc_id, token = server.new_curriculum()
    first = await node_client_factory(server.ws_url, doc_id, token)
    second = await node_client_factory(server.ws_url, doc_id, token)
    await first.call(
        {"cmd": "set_awareness", "state": {"user": {"name": "Maven", "color": "#a07"}}}
    )

    async def names_seen_by_second() -> list[str]:
        states = (await second.call({"cmd": "awareness"}))["states"]
        return [s["user"]["name"] for s in states.values() if s and "user" in s]

    # the name others see is the account's ("member"), not the one the client set
    for _ in range(100):
        if await names_seen_by_second() == ["member"]:
            break
        await asyncio.sleep(0.05)
    assert await names_seen_by_second() == ["member"]
    await first.call({"cmd": "quit"})
    for _ in range(100):
        if await names_seen_by_second() == []:
            break
        await asyncio.sleep(0.05)
    assert await names_seen_by_second() == []
