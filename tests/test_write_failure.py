"""The write path never hides a failure: when a commit fails for good (not a passing
database error, which the update log retries), the room's peers are closed 1011 and the
room is unloaded, so the next join loads what is durable - never state that was not
stored."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import httpx
from pycrdt import Map

from tests.polling import until
from tests.yclient import connected, peer

REFUSE = (
    "CREATE TRIGGER refuse_updates BEFORE INSERT ON update_log "
    "BEGIN SELECT RAISE(ABORT, 'the update log refuses writes'); END"
)


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def run_sql(url: str, statement: str) -> None:
    with sqlite3.connect(sqlite_path(url)) as connection:
        connection.execute(statement)


async def test_a_failed_commit_closes_the_room_and_the_next_join_loads_what_is_stored(server):
    doc_id, token = server.new_curriculum()
    url = server.env["DATABASE_URL"]
    async with (
        peer(server.ws_url, doc_id, token=token) as writer,
        peer(server.ws_url, doc_id, token=token) as reader,
    ):
        writer.doc.get("meta", type=Map)["kept"] = "stored"
        seen = reader.doc.get("meta", type=Map)
        await until(lambda: seen.get("kept"), done=lambda v: v == "stored", what="a commit")

        run_sql(url, REFUSE)  # a constraint the database will not let pass: not transient
        writer.doc.get("meta", type=Map)["lost"] = "never stored"
        for client in (writer, reader):
            await until(lambda c=client: c.connection.close_code, what="the room's peers closed")
            assert client.connection.close_code == 1011
            assert client.connection.close_reason == "the document could not be saved"
        assert seen.get("lost") is None  # never relayed
    run_sql(url, "DROP TRIGGER refuse_updates")

    async with connected(server.ws_url, doc_id, token=token) as fresh:
        meta = fresh.get("meta", type=Map)
        assert meta.get("kept") == "stored"
        assert meta.get("lost") is None  # the room was loaded again from storage
        meta["after"] = "stored again"
    async with connected(server.ws_url, doc_id, token=token) as again:
        assert again.get("meta", type=Map).get("after") == "stored again"
    async with httpx.AsyncClient(base_url=server.url) as http:
        metrics = (await http.get("/metrics")).text
    assert re.search(r"^mentorhub_rooms_broken_total 1\.0$", metrics, re.M)
    assert "room " + doc_id + " unloaded: a commit failed" in server.log()
