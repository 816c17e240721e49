"""The close-code label of `mentorhub_closes_total` takes only codes mentorHub knows:
a client closing with a code of its own choosing counts as "other"."""

from __future__ import annotations

import re

import httpx
import websockets

from tests.polling import until
from tests.yclient import collab_url


def close_labels(metrics: str) -> dict[str, float]:
    found = re.findall(r'^mentorhub_closes_total\{code="([^"]*)"\} (\S+)$', metrics, re.M)
    return {code: float(value) for code, value in found}


async def test_codes_a_client_chooses_are_counted_as_other(server):
    doc_id, token = server.new_curriculum()
    for code in (3999, 4321, 4999, 1000):
        async with websockets.connect(collab_url(server.ws_url, doc_id, token)) as ws:
            await ws.recv()  # the server's sync step 1: the connection is open
            await ws.close(code=code, reason="bye")
    async with httpx.AsyncClient(base_url=server.url) as http:

        async def labels() -> dict[str, float]:
            return close_labels((await http.get("/metrics")).text)

        seen = await until(labels, done=lambda found: sum(found.values()) >= 4, what="4 closes")
    assert seen.get("other") == 3
    assert seen.get("1000") == 1
    assert not {"3999", "4321", "4999"} & set(seen)
