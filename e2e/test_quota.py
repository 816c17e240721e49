"""The size quota in the editor: the person is told in words why a change was not saved."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect
from pycrdt import Map

from collab.edits import add_item
from tests.polling import until
from tests.server_process import ServerProcess
from tests.yclient import connected

from .conftest import MEMBER, EditorFactory, new_curriculum

LIMIT = 500  # MAX_ITEMS_PER_CURRICULUM's default


async def fill(server: ServerProcess, doc_id: str) -> None:
    async with connected(server.ws_url, doc_id, token=server.token(MEMBER.email)) as doc:
        with doc.transaction():
            for n in range(LIMIT):
                add_item(doc, title=f"Reading {n}")
        # stored once another client of the room receives them all
        async with connected(server.ws_url, doc_id, token=server.token(MEMBER.email)) as seen:
            await until(lambda: len(seen.get("items", type=Map)) == LIMIT, timeout=30)


def test_a_card_past_the_limit_is_refused_and_the_editor_says_why(
    editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc_id = new_curriculum(mentorhub)
    with ThreadPoolExecutor(1) as thread:  # a Yjs client of its own, beside the browser
        thread.submit(asyncio.run, fill(mentorhub, doc_id)).result(timeout=60)
    page = editor(doc_id, MEMBER)
    expect(page.locator(".card")).to_have_count(LIMIT, timeout=20_000)
    page.fill("#add-title", "One card too many")
    page.click("#add-item-form button[type=submit]")
    status = page.locator("#connection")
    expect(status).to_have_attribute("data-state", "refused")
    expect(status).to_contain_text(f"a curriculum holds at most {LIMIT} items")
    expect(status).to_contain_text("Reload the page")
    assert page.evaluate("() => window.mentorhub.provider.shouldConnect") is False
