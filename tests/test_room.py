"""`Room` and `Peer` on in-memory doubles: what a peer sees, and what is stored, when.

No server and no database: the room's store and each peer's transport are the in-memory
versions of collab's own protocols (tests/memory_doubles.py), so every ordering is exact.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pycrdt import Doc, Map, Text, create_update_message, read_message

from collab.fanout import LocalFanout
from collab.peer import Peer
from collab.protocol import CloseCode, ProtocolError, SyncUpdate, parse_message
from collab.room import READ_ONLY_MESSAGE, Room, RoomLimits
from collab.schema import read_curriculum
from tests.memory_doubles import MemoryStore, MemoryTransport

DOC_ID = "room-under-test"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def room(store: MemoryStore) -> AsyncIterator[Room]:
    room = Room(DOC_ID, store, LocalFanout(), RoomLimits(max_pending_bytes=4096))
    await room.load()
    yield room
    store.release()
    await close(room)


async def close(room: Room) -> None:
    """Close the room and stop its peers' writer tasks."""
    await room.close()
    for peer in list(room.peers):
        await peer.stop_writer()


def joined(room: Room, *, read_only: bool = False, queue_limit: int = 64) -> MemoryTransport:
    transport = MemoryTransport()
    peer = Peer(transport, queue_limit=queue_limit)
    peer.read_only = read_only
    peer.start()
    room.join(peer)
    transport.peer = peer  # type: ignore[attr-defined]
    return transport


def peer_of(transport: MemoryTransport) -> Peer:
    peer: Peer = transport.peer  # type: ignore[attr-defined]
    return peer


def title_update(doc: Doc[Any], title: str) -> bytes:
    """The update that sets the curriculum's title in `doc` (a client's replica)."""
    before = doc.get_state()
    doc.get("meta", type=Map)["title"] = title
    return doc.get_update(before)


def updates_in(messages: list[bytes]) -> list[bytes]:
    """The Yjs updates among a peer's received messages (not the room's sync steps)."""
    found = []
    for message in messages:
        parsed = parse_message(message)
        if isinstance(parsed, SyncUpdate) and message[1] == 2:  # an update, not a step 2
            found.append(parsed.update)
    return found


def title_of(doc: Doc[Any]) -> str:
    return read_curriculum(doc).title


async def test_an_update_reaches_other_peers_only_after_it_is_stored(
    room: Room, store: MemoryStore
) -> None:
    writer, reader = joined(room), joined(room)
    greeting = len(await reader.wait_for(1))  # the room's sync step 1
    store.hold()
    await room.receive(peer_of(writer), create_update_message(title_update(Doc(), "Held")))
    assert title_of(room.doc) == "Held"  # applied at once ...
    await asyncio.sleep(0)
    assert len(reader.sent) == greeting and not store.log[DOC_ID]  # ... but not yet relayed
    store.release()
    messages = await reader.wait_for(greeting + 1)
    assert len(updates_in(messages)) == 1
    assert title_of(store.stored_doc(DOC_ID)) == "Held"
    assert len(writer.sent) == greeting  # never echoed to its author


async def test_an_update_missing_its_dependencies_waits_for_them(
    room: Room, store: MemoryStore
) -> None:
    client: Doc[Any] = Doc()
    first = title_update(client, "One")
    second = title_update(client, "Two")  # overwrites the first: depends on it
    writer, reader = joined(room), joined(room)
    await room.receive(peer_of(writer), create_update_message(second))
    await room.flush()
    assert title_of(room.doc) == "" and not store.log[DOC_ID]  # held, neither applied nor stored
    await room.receive(peer_of(writer), create_update_message(first))
    await room.flush()
    assert title_of(room.doc) == "Two"
    assert store.log[DOC_ID] == [first, second]  # stored in dependency order
    assert len(updates_in(await reader.wait_for(3))) == 2


async def test_held_updates_are_bounded(room: Room) -> None:
    client: Doc[Any] = Doc()
    title_update(client, "never sent")
    writer = joined(room)
    big = client.get("resume", type=Text)
    with pytest.raises(ProtocolError) as refused:
        for _ in range(20):  # each depends on the unsent first update
            before = client.get_state()
            big += "x" * 500
            await room.receive(peer_of(writer), create_update_message(client.get_update(before)))
    assert refused.value.code == CloseCode.POLICY_VIOLATION
    assert "missing dependencies" in refused.value.reason


async def test_a_repeated_delete_is_neither_stored_nor_relayed(
    room: Room, store: MemoryStore
) -> None:
    client: Doc[Any] = Doc()
    added = title_update(client, "Gone soon")
    before = client.get_state()
    del client.get("meta", type=Map)["title"]
    deleted = client.get_update(before)
    writer, reader = joined(room), joined(room)
    for update in (added, deleted):
        await room.receive(peer_of(writer), create_update_message(update))
    await room.flush()
    stored, relayed = len(store.log[DOC_ID]), len(reader.sent)
    # A reconnecting Yjs client sends its whole delete set again in its sync step 2.
    await room.receive(peer_of(writer), create_update_message(client.get_update(before)))
    await room.flush()
    # The positive signal first: a real change after it is stored and relayed ...
    await room.receive(peer_of(writer), create_update_message(title_update(client, "Back")))
    await room.flush()
    await reader.wait_for(relayed + 1)
    # ... and the repeated delete added nothing before it.
    assert len(store.log[DOC_ID]) == stored + 1
    assert len(reader.sent) == relayed + 1


async def test_a_read_only_peer_is_told_once_and_changes_nothing(
    room: Room, store: MemoryStore
) -> None:
    viewer = joined(room, read_only=True)
    greeting = len(await viewer.wait_for(1))
    for title in ("Mine now", "Still mine"):
        await room.receive(peer_of(viewer), create_update_message(title_update(Doc(), title)))
    await room.flush()
    messages = await viewer.wait_for(greeting + 1)
    assert messages[greeting:] == [READ_ONLY_MESSAGE]
    assert title_of(room.doc) == "" and not store.log[DOC_ID]


async def test_an_update_to_an_unknown_root_is_refused(room: Room, store: MemoryStore) -> None:
    client: Doc[Any] = Doc()
    client.get("not-in-the-schema", type=Map)["x"] = 1
    writer = joined(room)
    with pytest.raises(ProtocolError) as refused:
        await room.receive(peer_of(writer), create_update_message(client.get_update()))
    assert refused.value.code == CloseCode.INVALID_PAYLOAD
    assert not store.log[DOC_ID]


async def test_a_server_edit_returns_once_it_is_stored_and_is_relayed(
    room: Room, store: MemoryStore
) -> None:
    reader = joined(room)
    greeting = len(await reader.wait_for(1))

    def retitle(doc: Doc[Any]) -> str:
        with doc.transaction(origin="server"):
            doc.get("meta", type=Map)["title"] = "From a form"
        return "done"

    assert await room.edit(retitle) == "done"
    assert title_of(store.stored_doc(DOC_ID)) == "From a form"
    message = (await reader.wait_for(greeting + 1))[greeting]
    assert read_message(message[2:])  # an update message carrying the change


async def test_a_peer_that_stops_reading_is_closed_with_try_again_later(room: Room) -> None:
    slow = joined(room, queue_limit=4)
    peer = peer_of(slow)
    await slow.wait_for(1)
    slow.stall()
    writer = joined(room)
    for n in range(20):
        await room.receive(peer_of(writer), create_update_message(title_update(Doc(), f"t{n}")))
        await room.flush()
        if peer.closed.is_set():
            break
    await asyncio.wait_for(peer.closed.wait(), 5)
    assert peer.close_code == CloseCode.TRY_AGAIN_LATER
