"""`mentorhub serve` runs no garbage collection while it starts (the imports go faster
without) and collects as usual once it serves: the collector's runs, exposed in /metrics,
go on growing while requests are served."""

from __future__ import annotations

import re

import httpx

from tests.polling import until


def young_collections(metrics: str) -> float:
    found = re.search(r'^python_gc_collections_total\{generation="0"\} (\S+)$', metrics, re.M)
    assert found is not None, "no python_gc_collections_total in /metrics"
    return float(found.group(1))


async def test_a_started_server_collects_garbage(server):
    async with httpx.AsyncClient(base_url=server.url) as http:

        async def collections() -> float:
            return young_collections((await http.get("/metrics")).text)

        first = await collections()
        await until(collections, done=lambda now: now > first, what="a garbage collection")
