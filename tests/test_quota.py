"""The size quota of a curriculum (collab/quota.py), in a room on in-memory doubles.

An update that would cross a limit is refused with a reason in words, and nothing of it
is applied, stored or relayed; below the limits everything passes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pycrdt import Doc, Map, Text, create_update_message

from collab.edits import add_item, set_resume
from collab.fanout import LocalFanout
from collab.protocol import CloseCode, ProtocolError
from collab.quota import DocumentLimits, QuotaExceeded, measure
from collab.room import Room, RoomLimits
from tests.memory_doubles import MemoryStore
from tests.test_room import DOC_ID, close, joined, peer_of

LIMITS = DocumentLimits(
    max_state_bytes=64 * 1024, max_items=5, max_goals=2, max_notes_bytes=300,
    max_resume_bytes=400,
)  # fmt: skip


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def room(store: MemoryStore) -> AsyncIterator[Room]:
    room = Room(DOC_ID, store, LocalFanout(), RoomLimits(document=LIMITS))
    await room.load()
    yield room
    await close(room)


async def send(room: Room, client: Doc[Any], change: Any) -> None:
    """Make `change` in the client's replica and send the room the update."""
    before = client.get_state()
    change(client)
    writer = peer_of(room.writer)  # type: ignore[attr-defined]
    await room.receive(writer, create_update_message(client.get_update(before)))
    await room.flush()


@pytest.fixture
async def client(room: Room) -> Doc[Any]:
    room.writer = joined(room)  # type: ignore[attr-defined]
    return Doc()


async def refused(room: Room, client: Doc[Any], change: Any) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        await send(room, client, change)
    assert caught.value.code == CloseCode.POLICY_VIOLATION
    return caught.value


async def test_the_item_after_the_last_allowed_is_refused(
    room: Room, store: MemoryStore, client: Doc[Any]
) -> None:
    for n in range(5):
        await send(room, client, lambda d, n=n: add_item(d, title=f"Item {n}"))
    stored = len(store.log[DOC_ID])
    error = await refused(room, client, lambda d: add_item(d, title="One too many"))
    assert "at most 5 items" in error.reason
    assert measure(room.doc).items == 5 and len(store.log[DOC_ID]) == stored


async def test_the_goal_after_the_last_allowed_is_refused(room: Room, client: Doc[Any]) -> None:
    def goal(doc: Doc[Any], n: int) -> None:
        doc.get("goals", type=Map)[f"g{n}"] = Map({"title": f"Goal {n}", "skills": []})

    for n in range(2):
        await send(room, client, lambda d, n=n: goal(d, n))
    error = await refused(room, client, lambda d: goal(d, 9))
    assert "at most 2 goals" in error.reason
    assert measure(room.doc).goals == 2


async def test_notes_and_resume_stop_at_their_length(room: Room, client: Doc[Any]) -> None:
    item = None

    def add(doc: Doc[Any]) -> None:
        nonlocal item
        item = add_item(doc, title="Notes here", notes="n" * 250)

    await send(room, client, add)
    notes = client.get("items", type=Map)[item]["notes"]
    error = await refused(room, client, lambda d: notes.__iadd__("m" * 60))
    assert "notes hold at most 300 bytes" in error.reason
    assert measure(room.doc).longest_notes == 250
    resume = Doc()
    room.writer = joined(room)  # type: ignore[attr-defined]
    await send(room, resume, lambda d: set_resume(d, "r" * 400))
    error = await refused(room, resume, lambda d: d.get("resume", type=Text).__iadd__("!"))
    assert "resume holds at most 400 bytes" in error.reason
    assert measure(room.doc).resume_bytes == 400


async def test_a_document_stops_at_its_encoded_size(room: Room, client: Doc[Any]) -> None:
    def bulky(doc: Doc[Any], n: int) -> None:  # big values that are neither notes nor resume
        doc.get("meta", type=Map)[f"k{n}"] = "x" * 20_000

    for n in range(2):
        await send(room, client, lambda d, n=n: bulky(d, n))
    meta = client.get("meta", type=Map)
    error = await refused(room, client, lambda d: meta.__setitem__("y", "z" * 40_000))
    assert "at most 64 KiB" in error.reason
    assert measure(room.doc).state_bytes <= LIMITS.max_state_bytes


async def test_a_server_edit_over_the_limit_changes_nothing(
    room: Room, store: MemoryStore, client: Doc[Any]
) -> None:
    for n in range(5):
        await room.edit(lambda d, n=n: add_item(d, title=f"Item {n}", origin="server"))
    stored = len(store.log[DOC_ID])
    with pytest.raises(QuotaExceeded, match="at most 5 items"):
        await room.edit(lambda d: add_item(d, title="Sixth", origin="server"))
    assert measure(room.doc).items == 5 and len(store.log[DOC_ID]) == stored
