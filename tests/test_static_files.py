"""Compression and caching over HTTP, against a real server: pages and files gzipped when
the browser asks, SSE left alone, static files kept for good under hashed or versioned
names, pages revalidated (docs/static-files.md)."""

from __future__ import annotations

import asyncio
import gzip
import re

import httpx
import pytest
from pycrdt import Map, Text

from server.settings import PROJECT_ROOT
from server.static_manifest import build_manifest
from tests.web import WEB_ENV, signed_in
from tests.yclient import connected

MEMBER = "appollo@example.org"
IMMUTABLE = "public, max-age=31536000, immutable"
LINKS = re.compile(r'<(?:link|script)[^>]*(?:href|src)="(/static/[^"]+)"')


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


async def raw_get(
    http: httpx.AsyncClient, path: str, encoding: str
) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as sent, for Accept-Encoding `encoding`."""
    async with http.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


def static_links(page: str) -> list[str]:
    return LINKS.findall(page)


async def test_pages_and_files_are_gzipped_when_asked_and_read_the_same(server):
    doc_id, _ = server.new_curriculum(MEMBER, title="Appollo's path to SRE")
    async with signed_in(server, MEMBER) as http:
        page = (await http.get(f"/curricula/{doc_id}")).text
        stylesheet = next(link for link in static_links(page) if link.endswith(".css"))
        for path in (f"/curricula/{doc_id}", stylesheet, "/static/editor.js"):
            plain, body = await raw_get(http, path, "identity")
            packed, raw = await raw_get(http, path, "gzip")
            assert "content-encoding" not in plain.headers, path
            assert packed.headers["content-encoding"] == "gzip", path
            assert "accept-encoding" in packed.headers["vary"].lower(), path
            assert gzip.decompress(raw) == body, path
            assert len(raw) < len(body) / 2, path
        assert "path to SRE" in page


def add_card(doc, item_id: str, title: str) -> None:
    with doc.transaction():
        doc.get("items", type=Map)[item_id] = Map(
            {"title": title, "status": "now", "position": "a0", "notes": Text()}
        )


async def test_the_live_stream_is_not_compressed_and_still_arrives_at_once(server):
    doc_id, token = server.new_curriculum(MEMBER)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        async with signed_in(server, MEMBER) as http:
            # the client gives up after 10 s; a compressor holding the headers back until
            # the first message would make it wait for the first keep-alive, at 15 s
            path = f"/curricula/{doc_id}/timeline/stream"
            async with http.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                assert "content-encoding" not in stream.headers
                lines = stream.aiter_lines()
                received = ""
                async with asyncio.timeout(5):
                    # a change made before the stream first read the document is no news
                    # to it: change again until one arrives
                    for attempt in range(1000):
                        add_card(doc, f"k{attempt}", f"Kubernetes basics {attempt}")
                        try:
                            async with asyncio.timeout(0.5):
                                while "Kubernetes basics" not in received:
                                    received += await anext(lines) + "\n"
                            break
                        except TimeoutError:
                            continue
    assert "data: " in received


async def test_static_files_are_kept_for_good_and_pages_are_revalidated(server):
    doc_id, _ = server.new_curriculum(MEMBER)
    static = PROJECT_ROOT / "static"
    on_disk = build_manifest(
        {p.relative_to(static).as_posix(): p.read_bytes() for p in static.rglob("*.*")}
    )
    async with signed_in(server, MEMBER) as http:
        page = await http.get(f"/curricula/{doc_id}")
        assert page.headers["cache-control"] == "private, no-cache"
        links = static_links(page.text)
        editor = on_disk.module("editor.js")  # its bundle, which is current
        expected = {f"/static/{on_disk.url_path(path)}" for path in ("app.css", editor)}
        assert "/static/editor.bundle." in " ".join(expected)
        expected |= {"/static/vendor/htmx-4.0.1.min.js", "/static/vendor/yjs-bundle-13.6.33.mjs"}
        assert expected <= set(links)
        # hashed from the content: the same names as the manifest of the files on disk
        assert re.search(r"/static/app\.[0-9a-f]{12}\.css", " ".join(links))
        for link in links:
            answer = await http.get(link)
            assert answer.status_code == 200, link
            assert answer.headers["cache-control"] == IMMUTABLE, link

        # an unhashed name, and a file without a version, are checked before each use
        for path in ("/static/editor.js", "/static/vendor/LICENSE-htmx.txt"):
            answer = await http.get(path)
            assert answer.headers["cache-control"] == "no-cache", path
            again = await http.get(path, headers={"If-None-Match": answer.headers["etag"]})
            assert again.status_code == 304, path

        # a hash from before a deploy gets today's file, but not for good
        current = f"/static/{on_disk.url_path('editor/items.js')}"
        outdated = await http.get("/static/editor/items.0123456789ab.js")
        assert outdated.status_code == 200
        assert outdated.headers["cache-control"] == "no-cache"
        assert outdated.content == (await http.get(current)).content
        assert (await http.get("/static/editor/nothing.0123456789ab.js")).status_code == 404

        # a page with secrets on it is still never stored
        assert (await http.get("/settings")).headers["cache-control"] == "no-store"
