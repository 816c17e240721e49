"""UpdateLog.rewrite: a document's storage replaced by one snapshot, its history gone."""

from __future__ import annotations

import sqlalchemy as sa
from pycrdt import Doc, Map, Text
from sqlalchemy import Engine

from collab.erase import scrub
from storage.update_log import UpdateLog

SECRET = "maven@example.org"


def blobs(engine: Engine, doc_id: str) -> list[bytes]:
    with engine.connect() as connection:
        log = connection.execute(
            sa.text("SELECT data FROM update_log WHERE doc_id = :d"), {"d": doc_id}
        ).scalars()
        snap = connection.execute(
            sa.text("SELECT data FROM snapshot WHERE doc_id = :d"), {"d": doc_id}
        ).scalars()
        return [bytes(b) for b in [*log, *snap]]


async def test_rewrite_keeps_the_content_and_drops_what_was_deleted(engine: Engine):
    store = UpdateLog(engine, compact_threshold=3)
    await store.start()
    try:
        doc = Doc()
        updates: list[bytes] = []
        doc.observe(lambda event: updates.append(event.update))
        doc.get("meta", type=Map)["mentors"] = [SECRET]
        notes = doc.get("resume", type=Text)
        for word in ("Site ", "Reliability ", f"with {SECRET} ", "Engineer"):
            notes.insert(len(notes), word)
        for update in updates:
            await store.append("doc-1", update)
        await store.append("doc-2", updates[0])  # another document, left alone
        await store.compact("doc-1")
        await store.append("doc-1", updates[-1])  # a log row after the snapshot
        assert any(SECRET.encode() in blob for blob in blobs(engine, "doc-1"))

        scrub(doc, [SECRET])
        assert await store.rewrite("doc-1", doc.get_update()) is True
        stored = blobs(engine, "doc-1")
        assert len(stored) == 1  # one snapshot, no log rows
        assert all(SECRET.encode() not in blob for blob in stored)
        loaded = Doc()
        loaded.apply_update((await store.load("doc-1")).update)
        assert (
            str(loaded.get("resume", type=Text)) == "Site Reliability with former member Engineer"
        )
        assert loaded.get("meta", type=Map)["mentors"] == ["former member"]
        assert any(SECRET.encode() in blob for blob in blobs(engine, "doc-2"))
        assert await store.rewrite("no-such-doc", doc.get_update()) is False
        await store.append("doc-1", b"\x00\x00")  # appends go on afterwards
    finally:
        await store.aclose()
