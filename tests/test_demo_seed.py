"""The run command's demo data: the people and curricula of the stories, seeded once."""

from __future__ import annotations

from collections import Counter

from pycrdt import Map, Text

from tests.yclient import connected


async def test_seed_demo_creates_living_curricula_once(server):
    first = server.cli("seed-demo")
    assert "demo-appollo" in first and "demo-charlie" in first
    assert server.cli("seed-demo") == "demo data is already there"
    token = server.token("appollo@example.org")
    async with connected(server.ws_url, "demo-appollo", token=token) as doc:
        items = doc.get("items", type=Map)
        columns = Counter(item["status"] for item in items.values())
        assert len(items) >= 20
        assert set(columns) == {"done", "now", "next", "later"}
        assert "Site Reliability" in str(doc.get("resume", type=Text))
    maven = server.token("maven@example.org")
    async with connected(server.ws_url, "demo-appollo", token=maven) as doc:
        assert len(doc.get("items", type=Map)) >= 20  # the mentor edits it too
