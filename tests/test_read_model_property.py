"""Property: after any interleaving of concurrent edits by several clients, the read model
equals what the document says, every card's history is consistent, and the rebuild
command gives the same rows - on SQLite and PostgreSQL, against a real server."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab import edits, schema
from server.read_model_sync import refresh
from storage.curriculum_queries import create_curriculum
from storage.read_model_queries import events_for
from tests.read_model_checks import chain_breaks, database_of, rows_match, stored_rows, user_id
from tests.yclient import content, eventually, peer

MEMBER, MENTOR = "appollo@example.org", "maven@example.org"
STATUSES = ("later", "next", "now", "done")
CLIENTS = 3

# An operation names cards by their place among the cards the client sees when it runs
# (so it always has a target), and adds cards under fresh ids (so none is re-added).
operation = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(STATUSES), st.integers(0, 600)),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(STATUSES)),
    st.tuples(st.just("edit"), st.integers(0, 20), st.text(min_size=1, max_size=12)),
    st.tuples(st.just("delete"), st.integers(0, 20), st.just(None)),
    st.tuples(st.just("goal"), st.integers(0, 3), st.booleans()),
)
session = st.lists(
    st.tuples(st.integers(0, CLIENTS - 1), operation, st.sampled_from((0.0, 0.01, 0.05, 0.3))),
    min_size=1,
    max_size=25,
)
_fresh = itertools.count()


def apply(doc, client: int, op: tuple) -> None:
    kind, a, b = op
    items = [item.id for item in schema.read_curriculum(doc).items]
    try:
        if kind == "add":
            edits.add_item(doc, title=f"card {next(_fresh)}", item_id=f"c{client}x{next(_fresh)}",
                         status=a, estimate_minutes=b, skills=["sre"])  # fmt: skip
        elif kind == "goal":
            edits.set_goal(doc, f"g{a}", title=f"goal {a}", done=b)
        elif items and kind == "move":
            edits.move_item(doc, items[a % len(items)], b)
        elif items and kind == "edit":
            edits.update_item(
                doc, items[a % len(items)], title=b.strip() or "x", estimate_minutes=a
            )
        elif items and kind == "delete":
            edits.delete_item(doc, items[a % len(items)])
    except edits.CurriculumError:
        pass  # e.g. a title of only spaces: refused, nothing changed


async def edit_concurrently(server, engine, doc_id: str, tokens: list[str], ops: list) -> None:
    async with (
        peer(server.ws_url, doc_id, token=tokens[0]) as a,
        peer(server.ws_url, doc_id, token=tokens[1]) as b,
        peer(server.ws_url, doc_id, token=tokens[2]) as c,
    ):
        clients = (a, b, c)

        async def run(index: int) -> None:
            for who, op, pause in ops:
                if who == index:
                    apply(clients[index].doc, index, op)
                    await asyncio.sleep(pause)

        await asyncio.gather(*(run(i) for i in range(CLIENTS)))
        await eventually(
            lambda: content(a.doc) == content(b.doc) == content(c.doc), timeout=10, what="converge"
        )
        await rows_match(engine, doc_id, a.doc, timeout=15)
        events = await asyncio.to_thread(events_for, engine, doc_id)
        assert chain_breaks(events, a.doc) == []


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_read_model_equals_the_documents_after_random_concurrent_editing(
    server_factory, database, request
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url)
    server.add_user(MEMBER)
    server.add_user(MENTOR, role="mentor")
    tokens = [server.token(MEMBER), server.token(MENTOR), server.token(MEMBER)]
    doc_ids: list[str] = []
    with database_of(server) as engine:
        member, mentor = user_id(engine, MEMBER), user_id(engine, MENTOR)

        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(ops=session)
        def check(ops: list) -> None:
            doc_id = f"prop{len(doc_ids)}"
            update = edits.new_curriculum_update("Property", MEMBER, [MENTOR])
            create_curriculum(engine, doc_id, "Property", update, member, [mentor])
            refresh(engine, doc_id)
            doc_ids.append(doc_id)
            asyncio.run(edit_concurrently(server, engine, doc_id, tokens, ops))

        check()
        before = {doc_id: stored_rows(engine, doc_id) for doc_id in doc_ids}
        events = {doc_id: events_for(engine, doc_id) for doc_id in doc_ids}
        server.cli("read-model", "rebuild")
        assert {doc_id: stored_rows(engine, doc_id) for doc_id in doc_ids} == before
        assert {doc_id: events_for(engine, doc_id) for doc_id in doc_ids} == events
