"""The htmx views: rendered from the document, escaped, refreshed live over SSE."""

from __future__ import annotations

import asyncio

import httpx
from pycrdt import Map, Text

from tests.yclient import connected

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def add_card(doc, item_id: str, title: str, status: str = "later", notes: str = "") -> None:
    with doc.transaction():
        doc.get("items", type=Map)[item_id] = Map(
            {"title": title, "status": status, "position": "a0", "notes": Text(notes)}
        )


async def test_timeline_shows_the_columns_and_escapes_what_users_typed(server):
    async with connected(server.ws_url, "tl-escape") as doc:
        doc.get("meta", type=Map)["title"] = "Appollo's <curriculum>"
        add_card(doc, "x", XSS, status="now", notes=XSS)
        add_card(doc, "d", "Git basics", status="done")
        await asyncio.sleep(0.2)
    async with httpx.AsyncClient(base_url=server.url) as http:
        page = (await http.get("/curricula/tl-escape/timeline")).text
    assert "<script>alert(2)</script>" not in page and 'onerror="alert(1)"' not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Appollo&#39;s &lt;curriculum&gt;" in page
    assert page.index("Git basics") < page.index("&lt;img")  # past before now


async def test_htmx_add_item_reaches_open_editors_and_bad_input_changes_nothing(server):
    async with connected(server.ws_url, "tl-add") as doc:
        items = doc.get("items", type=Map)
        async with httpx.AsyncClient(base_url=server.url) as http:
            hx = {"HX-Request": "true"}
            bad = await http.post("/curricula/tl-add/items", data={"title": ""}, headers=hx)
            assert bad.status_code == 422 and "title" in bad.text
            bad = await http.post(
                "/curricula/tl-add/items",
                data={"title": "x", "url": "javascript:alert(1)"},
                headers=hx,
            )
            assert bad.status_code == 422
            await asyncio.sleep(0.2)
            assert len(items) == 0
            ok = await http.post(
                "/curricula/tl-add/items",
                data={
                    "title": "Docker tutorial",
                    "url": "https://docs.docker.com/get-started/",
                    "kind": "course",
                    "estimate_minutes": "120",
                    "status": "next",
                },
                headers=hx,
            )
            assert ok.status_code == 200 and "Docker tutorial" in ok.text
        for _ in range(100):
            if len(items) == 1:
                break
            await asyncio.sleep(0.02)
        (card,) = items.values()
        assert card["title"] == "Docker tutorial" and card["status"] == "next"


async def test_timeline_refreshes_live_when_the_document_changes(server):
    async with connected(server.ws_url, "tl-live") as doc:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            async with http.stream("GET", "/curricula/tl-live/timeline/stream") as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                await asyncio.sleep(0.2)
                add_card(doc, "k8s", "Kubernetes basics", status="now")
                received = ""
                async with asyncio.timeout(3):
                    while "Kubernetes basics" not in received:
                        received += await anext(lines) + "\n"
    assert "data: " in received
