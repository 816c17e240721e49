"""Hostile and broken input closes only the offending connection, with a close code.

Each case asserts the close code, that the document is unchanged, and that
another room kept syncing within 2 s. One server serves the whole module, so
it also shows the process survives all of them in a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import time

import pytest
import websockets
from pycrdt import (
    Decoder,
    Doc,
    Encoder,
    Map,
    Text,
    create_awareness_message,
    create_update_message,
    write_var_uint,
)

from tests.server_process import ServerProcess
from tests.yclient import close_code_after, collab_url, connected, content, eventually, peer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-input")
    process = ServerProcess(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "SEND_QUEUE_MESSAGES": "16",
            "MAX_PENDING_BYTES": "65536",
            # the slow-reader case needs a document far larger than the default quota
            "MAX_DOCUMENT_BYTES": str(64 * 1024 * 1024),
            "MAX_RESUME_BYTES": str(64 * 1024 * 1024),
        },
        tmp / "server.log",
    )
    process.migrate()
    yield process.start()
    process.terminate()


def token(server: ServerProcess) -> str:
    """The token of the member of every curriculum made here (ServerProcess.new_curriculum)."""
    return server.token("member@example.org")


def url(server: ServerProcess, room: str) -> str:
    return collab_url(server.ws_url, room, token(server))


def text_update(text: str = "hello", root: str = "resume") -> bytes:
    doc = Doc()
    doc.get(root, type=Text).insert(0, text)
    return doc.get_update()


def with_clock(update: bytes, clock: int) -> bytes:
    """Re-write the first (only) client block of `update` to start at `clock`."""
    decoder = Decoder(update)
    decoder.read_var_uint()  # clients
    structs = decoder.read_var_uint()
    decoder.read_var_uint()  # client id
    decoder.read_var_uint()  # clock
    rest = update[decoder.i0 :]
    return (
        write_var_uint(1)
        + write_var_uint(structs)
        + write_var_uint(4242)
        + write_var_uint(clock)
        + rest
    )


def awareness_frame(client_id: int, state: dict, clock: int = 1) -> bytes:
    encoder = Encoder()
    encoder.write_var_uint(1)
    encoder.write_var_uint(client_id)
    encoder.write_var_uint(clock)
    encoder.write_var_string(json.dumps(state))
    return create_awareness_message(encoder.to_bytes())


def _header_only_update(structs: int) -> bytes:
    return create_update_message(write_var_uint(1) + write_var_uint(structs) + b"\x05\x00\x04")


BAD_FRAMES: dict[str, tuple[bytes, int]] = {
    "truncated message": (b"\x00\x02\x05ab", 1002),
    "no sync subtype": (b"\x00", 1002),
    "trailing bytes": (create_update_message(b"\x00\x00") + b"\x00", 1002),
    "unknown message type": (b"\x07\x00", 1003),
    "unknown sync subtype": (b"\x00\x09\x00", 1003),
    "update pycrdt cannot apply": (create_update_message(b"\x05\xff\xff\xff\x0f\x01"), 1007),
    "clock just under 2^32 that overflows": (
        create_update_message(with_clock(text_update(), 2**32 - 3)),
        1007,
    ),
    "clock 2^32": (create_update_message(with_clock(text_update(), 2**32)), 1007),
    "clock 2^40": (create_update_message(with_clock(text_update(), 2**40)), 1007),
    "a billion structs": (_header_only_update(10**9), 1007),
    "items written as text": (create_update_message(text_update("x", root="items")), 1007),
    "state vector claiming 5e8 entries": (
        b"\x00\x00\x06" + write_var_uint(5 * 10**8) + b"\x01\x01",
        1002,
    ),
    "huge awareness state": (awareness_frame(99, {"blob": "x" * 100_000}), 1009),
    "awareness state that is not an object": (
        create_awareness_message(
            write_var_uint(1) + write_var_uint(7) + write_var_uint(1) + b"\x03[1]"
        ),
        1007,
    ),
}


async def assert_other_room_syncs(server: ServerProcess) -> None:
    room, token = server.new_curriculum()
    async with (
        connected(server.ws_url, room, token=token) as a,
        connected(server.ws_url, room, token=token) as b,
    ):
        start = time.monotonic()
        a.get("meta", type=Map)["ping"] = room
        await eventually(lambda: b.get("meta", type=Map).get("ping") == room, timeout=2)
        assert time.monotonic() - start < 2


async def seeded_room(server: ServerProcess) -> tuple[str, dict]:
    room, token = server.new_curriculum()
    async with connected(server.ws_url, room, token=token) as doc:
        doc.get("meta", type=Map)["title"] = "Appollo's curriculum"
        doc.get("resume", type=Text).insert(0, "Site Reliability Engineer")
        expected = content(doc)
    async with connected(server.ws_url, room, token=token) as fresh:  # stored, then
        await eventually(lambda: content(fresh) == expected, what="the seeded room stored")
    return room, expected


async def send_and_get_close_code(
    server: ServerProcess, room: str, frame: bytes | str
) -> int | None:
    async with websockets.connect(url(server, room), max_size=None) as attacker:
        await attacker.send(frame)
        return await close_code_after(attacker)


@pytest.mark.parametrize("case", list(BAD_FRAMES))
async def test_bad_frame_closes_only_that_connection(server, case):
    frame, code = BAD_FRAMES[case]
    room, expected = await seeded_room(server)
    async with connected(server.ws_url, room, token=token(server)) as watcher:
        started = time.monotonic()
        assert await send_and_get_close_code(server, room, frame) == code
        assert time.monotonic() - started < 2, "rejection must be quick"
        # the close code says the frame was handled: nothing of it can follow
        assert content(watcher) == expected
    async with connected(server.ws_url, room, token=token(server)) as fresh:
        assert content(fresh) == expected
    await assert_other_room_syncs(server)


async def test_text_frame_is_refused_with_1003(server):
    room, expected = await seeded_room(server)
    assert await send_and_get_close_code(server, room, "hello") == 1003
    async with connected(server.ws_url, room, token=token(server)) as fresh:
        assert content(fresh) == expected
    await assert_other_room_syncs(server)


async def test_frame_over_the_size_limit_is_refused_with_1009(server):
    room, expected = await seeded_room(server)
    big = create_update_message(text_update("x" * (1024 * 1024 + 10)))
    assert await send_and_get_close_code(server, room, big) == 1009
    async with connected(server.ws_url, room, token=token(server)) as fresh:
        assert content(fresh) == expected
    await assert_other_room_syncs(server)


async def test_update_with_missing_dependencies_is_held_until_they_arrive(server):
    room, expected = await seeded_room(server)
    async with connected(server.ws_url, room, token=token(server)) as author:
        pass  # the author now holds the room's state and goes offline
    updates: list[bytes] = []
    author.observe(lambda event: updates.append(event.update))
    resume = author.get("resume", type=Text)
    resume.insert(len(resume), " first")
    resume.insert(len(resume), " second")
    first, second = updates
    async with connected(server.ws_url, room, token=token(server)) as watcher:
        async with websockets.connect(url(server, room)) as sender:
            await sender.send(create_update_message(second))
            # a later frame of the same connection, relayed: the held one was handled
            marker = Doc()
            marker.get("meta", type=Map)["handled"] = "yes"
            await sender.send(create_update_message(marker.get_update()))
            watched = watcher.get("meta", type=Map)
            await eventually(lambda: watched.get("handled") == "yes", what="the later frame")
            seen_now = content(watcher)
            seen_now["meta"].pop("handled")
            assert seen_now == expected, "a dependent update must not show alone"
            await sender.send(create_update_message(first))
            seen = watcher.get("resume", type=Text)
            await eventually(
                lambda: str(seen) == "Site Reliability Engineer first second", what="both updates"
            )
    await assert_other_room_syncs(server)


async def test_too_many_pending_updates_close_the_connection(server):
    room, expected = await seeded_room(server)
    author = Doc()
    updates: list[bytes] = []
    author.observe(lambda event: updates.append(event.update))
    text = author.get("resume", type=Text)
    text.insert(0, "start")
    for _ in range(100):
        text.insert(0, "y" * 1000)
    async with websockets.connect(url(server, room), max_size=None) as sender:
        for update in updates[1:]:  # never the first: all of them wait for it
            await sender.send(create_update_message(update))
        assert await close_code_after(sender) == 1008
    async with connected(server.ws_url, room, token=token(server)) as fresh:
        assert content(fresh) == expected
    await assert_other_room_syncs(server)


async def test_awareness_claiming_another_clients_id_is_refused(server):
    room, _ = await seeded_room(server)
    async with (
        peer(server.ws_url, room, token=token(server)) as maven,
        peer(server.ws_url, room, token=token(server)) as other,
    ):
        await maven.set_presence({"user": {"name": "Maven"}})
        await eventually(lambda: len(other.others()) == 1, what="maven's presence")
        # An echo of maven's entry at its current clock is harmless and ignored ...
        clock = other.awareness.meta[maven.doc.client_id]["clock"]
        echo = awareness_frame(maven.doc.client_id, {"user": {"name": "Maven"}}, clock)
        async with websockets.connect(url(server, room)) as echoer:
            await echoer.send(echo)
            await echoer.send(bytes([3]))  # query awareness: answered once the echo is handled
            while (await asyncio.wait_for(echoer.recv(), 5))[:1] != b"\x01":
                pass
            await echoer.ping()  # still open
        # ... a newer state for maven's id from another connection is a forgery.
        forged = awareness_frame(maven.doc.client_id, {"user": {"name": "Mallory"}}, clock + 5)
        assert await send_and_get_close_code(server, room, forged) == 1008
        # the name others see is the account's (collab/presence.py), never the forger's
        assert other.others()[maven.doc.client_id]["user"]["name"] == "member"
    await assert_other_room_syncs(server)


async def test_flood_from_one_connection_hits_the_rate_limit(server):
    room, expected = await seeded_room(server)
    async with websockets.connect(url(server, room)) as flooder:
        empty = create_update_message(b"\x00\x00")
        with contextlib.suppress(websockets.ConnectionClosed):
            for _ in range(5_000):  # the default burst allows 2,000
                await flooder.send(empty)
        assert await close_code_after(flooder) == 1008
    async with connected(server.ws_url, room, token=token(server)) as fresh:
        assert content(fresh) == expected
    await assert_other_room_syncs(server)


def silent_websocket(server: ServerProcess, room: str) -> socket.socket:
    """A WebSocket client that completes the handshake and then never reads a byte."""
    host, port = server.url.removeprefix("http://").split(":")
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, int(port)))
    raw.sendall(
        f"GET /collab/{room}?token={token(server)} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    return raw


async def test_slow_reader_is_disconnected_and_its_drop_disturbs_nobody(server):
    room, _ = await seeded_room(server)
    async with (
        connected(server.ws_url, room, token=token(server)) as writer,
        connected(server.ws_url, room, token=token(server)) as reader,
    ):
        slow = silent_websocket(server, room)
        resume = writer.get("resume", type=Text)
        reader_resume = reader.get("resume", type=Text)
        for i in range(40):  # ~20 MB, far more than the socket buffers on the way hold
            resume.insert(0, chr(ord("a") + i % 26) * 500_000)
            await asyncio.sleep(0.02)
        target = len(str(resume))
        await eventually(
            lambda: len(str(reader_resume)) == target, timeout=30, what="reader keeps up"
        )
        await eventually(
            lambda: "send queue full" in server.log(), timeout=10, what="slow peer closed"
        )
        # The slow peer now drops its connection (a reset) while data is still on its way.
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        slow.close()
        resume.insert(0, "after the drop ")
        await eventually(
            lambda: str(reader_resume).startswith("after the drop "), what="room relays"
        )
    await assert_other_room_syncs(server)


async def test_many_clients_joining_a_cold_room_at_once_all_sync(server):
    room, expected = await seeded_room(server)

    def loads() -> int:
        return server.log().count(f"room {room} loaded")

    def unloads() -> int:
        return server.log().count(f"room {room} unloaded")

    # The seeding peers have left: wait until the room is out of memory (cold).
    await eventually(lambda: unloads() == loads(), what="the seeded room unloaded")
    before = loads()

    async def join() -> dict:
        async with connected(server.ws_url, room, token=token(server)) as doc:
            return content(doc)

    results = await asyncio.wait_for(asyncio.gather(*(join() for _ in range(25))), 20)
    assert all(result == expected for result in results)
    assert loads() - before == 1, f"loaded {loads() - before} times for the 25 joiners"
    await assert_other_room_syncs(server)
