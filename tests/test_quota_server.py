"""The size quota through a real server: a Yjs client and an htmx form at the limit.

The limits are settings (docs/settings.md); here they are small, so the tests reach them.
A refused update closes the sender with 1008 and the reason in words, and a fresh client
sees that nothing of it was stored; the add form answers 422 with the same words.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
import websockets
from pycrdt import Doc, Map, Text, create_update_message

from collab.edits import add_item
from collab.schema import read_curriculum
from tests.polling import until
from tests.server_process import ServerProcess
from tests.web import WEB_ENV, csrf_in, signed_in
from tests.yclient import close_code_after, collab_url, connected

MEMBER = "member@example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("quota")
    process = ServerProcess(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "MAX_ITEMS_PER_CURRICULUM": "3",
            "MAX_RESUME_BYTES": "100",
            **WEB_ENV,
        },
        tmp / "server.log",
    )
    process.migrate()
    yield process.start()
    process.terminate()


async def stored(server: ServerProcess, doc_id: str, token: str) -> Doc:
    """What a new client of the room receives: what the server holds."""
    async with connected(server.ws_url, doc_id, token=token) as doc:
        return doc


async def refusal(server: ServerProcess, doc_id: str, token: str, update: bytes) -> tuple:
    async with websockets.connect(collab_url(server.ws_url, doc_id, token)) as ws:
        await ws.send(create_update_message(update))
        code = await close_code_after(ws)
        return code, ws.close_reason


async def test_the_fourth_item_is_refused_with_the_reason_and_not_stored(
    server: ServerProcess,
) -> None:
    doc_id, token = server.new_curriculum(MEMBER)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        for n in range(3):
            add_item(doc, title=f"Item {n}")
    now = await stored(server, doc_id, token)
    assert len(read_curriculum(now).items) == 3
    before = now.get_state()
    add_item(now, title="One too many")
    code, reason = await refusal(server, doc_id, token, now.get_update(before))
    assert code == 1008
    assert reason == "The change was not saved: a curriculum holds at most 3 items."
    assert len(read_curriculum(await stored(server, doc_id, token)).items) == 3


async def test_a_resume_past_its_length_is_refused(server: ServerProcess) -> None:
    doc_id, token = server.new_curriculum(MEMBER)
    client: Doc = Doc()
    client.get("resume", type=Text).insert(0, "x" * 101)
    code, reason = await refusal(server, doc_id, token, client.get_update())
    assert code == 1008 and "resume holds at most 100 bytes" in reason
    assert read_curriculum(await stored(server, doc_id, token)).resume == ""


async def test_an_unknown_root_is_refused(server: ServerProcess) -> None:
    doc_id, token = server.new_curriculum(MEMBER)
    client: Doc = Doc()
    client.get("anything-goes", type=Map)["payload"] = "x" * 1000
    code, reason = await refusal(server, doc_id, token, client.get_update())
    assert code == 1007 and "unknown root" in reason
    assert "anything-goes" not in (await stored(server, doc_id, token)).keys()


async def test_the_add_form_at_the_limit_answers_422_in_words(server: ServerProcess) -> None:
    doc_id, token = server.new_curriculum(MEMBER)
    async with signed_in(server, MEMBER) as http:
        csrf = csrf_in((await http.get(f"/curricula/{doc_id}/timeline")).text)
        hx = {"HX-Request": "true"}
        for n in range(4):
            data = {"title": f"Card {n}", "status": "next", "csrf_token": csrf}
            answer = await http.post(f"/curricula/{doc_id}/items", data=data, headers=hx)
            if n < 3:
                assert answer.status_code == 200, answer.text
        assert answer.status_code == 422
        assert "a curriculum holds at most 3 items" in answer.text
    assert len(read_curriculum(await stored(server, doc_id, token)).items) == 3


async def test_notes_pushed_at_the_rate_limit_stop_at_the_quota_and_others_keep_syncing(
    server: ServerProcess,
) -> None:
    """The growing-document attack: 2 KiB appended to notes, 100 times a second, until the
    server refuses; meanwhile another room's edits keep arriving (bench/growing_document.py
    measures the memory and the latency of the same traffic)."""
    doc_id, token = server.new_curriculum(MEMBER)
    other, other_token = server.new_curriculum("other@example.org")
    client: Doc = Doc()
    cards = [add_item(client, title=f"Card {n}") for n in range(3)]
    slowest = 0.0
    async with (
        connected(server.ws_url, other, token=other_token) as a,
        connected(server.ws_url, other, token=other_token) as b,
        websockets.connect(collab_url(server.ws_url, doc_id, token), max_size=None) as ws,
    ):
        await ws.send(create_update_message(client.get_update()))
        sent = 0
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while sent < 1000:
                before = client.get_state()
                notes = client.get("items", type=Map)[cards[sent % 3]]["notes"]
                notes += "x" * 2048
                await ws.send(create_update_message(client.get_update(before)))
                sent += 1
                if sent % 10 == 0:  # another room, edited while the notes grow
                    started = time.monotonic()
                    a.get("meta", type=Map)["ping"] = sent
                    await until(lambda n=sent: b.get("meta", type=Map).get("ping") == n, timeout=5)
                    slowest = max(slowest, time.monotonic() - started)
                await asyncio.sleep(0.01)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert "notes hold at most 64 KiB" in closed.value.rcvd.reason
    assert 90 <= sent <= 100  # 3 notes of 64 KiB in 2 KiB steps: refused at the limit
    kept = read_curriculum(await stored(server, doc_id, token))
    assert max(len(item.notes.encode()) for item in kept.items) <= 64 * 1024
    assert slowest < 2, f"another room waited {slowest:.2f} s"
