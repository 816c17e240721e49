"""The read model against a real server: the list loads no document, a missing table
delays the read model but not the editors, and the rebuild command."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from pycrdt import Map

from collab import edits
from storage.read_model_queries import events_for
from tests.polling import until
from tests.read_model_checks import database_of, rows_match, stored_rows
from tests.web import WEB_ENV, client, signed_in
from tests.yclient import connected, content, eventually

MEMBER = "appollo@example.org"


async def room_loads(server) -> float:
    async with client(server) as http:
        metrics = (await http.get("/metrics")).text
    found = re.search(r"^mentorhub_room_loads_total (\S+)$", metrics, re.M)
    assert found, "no mentorhub_room_loads_total in /metrics"
    return float(found.group(1))


async def test_the_curricula_list_and_its_live_refresh_load_no_document(server_factory):
    server = server_factory(**WEB_ENV)
    first, token = server.new_curriculum(MEMBER, title="Appollo's path")
    server.new_curriculum(MEMBER, title="Appollo's second path")
    assert await room_loads(server) == 0
    async with signed_in(server, MEMBER) as http:
        page = (await http.get("/curricula")).text
        assert "Appollo&#39;s path" in page and "Appollo&#39;s second path" in page
        assert page.count("0 later") == 2  # counts come from the read model
        async with http.stream("GET", "/curricula/stream") as stream:
            lines = stream.aiter_lines()
            async with connected(server.ws_url, first, token=token) as doc:  # one room load
                with doc.transaction():
                    doc.get("meta", type=Map)["title"] = "Appollo's path to SRE"
                    edits.add_item(doc, title="SRE book", item_id="sre", status="next")
                message, received = "", ""  # received: the last whole SSE message
                while "path to SRE" not in received:
                    line = await anext(lines)  # the refresh, from the read model
                    if line:
                        message += line + "\n"
                    else:
                        received, message = message, ""
                assert "1 next" in received and "Appollo&#39;s second path" in received
        page = (await http.get("/curricula")).text
        assert "path to SRE" in page and "1 next" in page
    assert await room_loads(server) == 1  # the editor's, and nothing else


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_a_missing_table_delays_the_read_model_and_never_the_editors(
    server_factory, database, request
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url)
    doc_id, token = server.new_curriculum(MEMBER)
    with database_of(server) as engine:
        rename = "ALTER TABLE curriculum_summary RENAME TO {}"
        with engine.begin() as connection:
            connection.execute(sa.text(rename.format("curriculum_summary_away")))
        try:
            async with (
                connected(server.ws_url, doc_id, token=token) as a,
                connected(server.ws_url, doc_id, token=token) as b,
            ):
                edits.add_item(a, title="Kubernetes basics", item_id="k8s", status="now")
                await eventually(lambda: "k8s" in b.get("items", type=Map))
                edits.move_item(b, "k8s", "done")
                await eventually(lambda: content(a) == content(b), what="the editors converge")
                await until(lambda: failed_syncs(server), what="a failed sync")
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text("ALTER TABLE curriculum_summary_away RENAME TO x"))
                connection.execute(sa.text("ALTER TABLE x RENAME TO curriculum_summary"))
        await rows_match(engine, doc_id, a, timeout=40)  # retried with backoff
        events = events_for(engine, doc_id)
    assert [e.kind for e in events] == ["started", "finished"]  # recorded once, after all


async def failed_syncs(server) -> bool:
    async with client(server) as http:
        metrics = (await http.get("/metrics")).text
    found = re.search(r"^mentorhub_read_model_errors_total (\S+)$", metrics, re.M)
    return found is not None and float(found.group(1)) > 0


async def test_rebuild_recomputes_the_rows_and_keeps_the_events(server):
    doc_id, token = server.new_curriculum(MEMBER)
    with database_of(server) as engine:
        async with connected(server.ws_url, doc_id, token=token) as doc:
            edits.add_item(doc, title="Kubernetes basics", item_id="k8s", status="now")
            edits.set_goal(doc, "g", title="Ship to Kubernetes", skills=["kubernetes"])
            await rows_match(engine, doc_id, doc)
            rows, events = stored_rows(engine, doc_id), events_for(engine, doc_id)
        with engine.begin() as connection:  # the read model lost, or wrong
            connection.execute(sa.text("DELETE FROM curriculum_item"))
            connection.execute(sa.text("UPDATE curriculum_summary SET title = 'stale'"))
        assert stored_rows(engine, doc_id) != rows
        assert server.cli("read-model", "rebuild") == "rebuilt the read model of 1 curricula"
        assert stored_rows(engine, doc_id) == rows
        assert events_for(engine, doc_id) == events
