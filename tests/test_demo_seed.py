"""The run command's demo data: the people and curricula of the stories, seeded once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from pycrdt import Map, Text

from collab.schema import read_curriculum
from domain.read_rows import parse_time
from storage.read_model_queries import events_for, overviews_of_member
from tests.read_model_checks import chain_breaks, database_of, rows_match, user_id
from tests.yclient import connected

APPOLLO = "appollo@example.org"


async def test_seed_demo_creates_living_curricula_once(server):
    first = server.cli("seed-demo")
    assert "demo-appollo" in first and "demo-charlie" in first
    assert server.cli("seed-demo") == "demo data is already there"
    token = server.token("appollo@example.org")
    async with connected(server.ws_url, "demo-appollo", token=token) as doc:
        items = doc.get("items", type=Map)
        columns = Counter(item["status"] for item in items.values())
        assert len(items) >= 20
        assert set(columns) == {"done", "now", "next", "later"}
        assert "Site Reliability" in str(doc.get("resume", type=Text))
    maven = server.token("maven@example.org")
    async with connected(server.ws_url, "demo-appollo", token=maven) as doc:
        assert len(doc.get("items", type=Map)) >= 20  # the mentor edits it too


async def test_demo_curricula_have_months_of_events_that_agree_with_them(server):
    server.cli("seed-demo")
    now = datetime.now(UTC)
    with database_of(server) as engine:
        for doc_id, member in (("demo-appollo", APPOLLO), ("demo-charlie", "charlie@example.org")):
            async with connected(server.ws_url, doc_id, token=server.token(member)) as doc:
                curriculum = read_curriculum(doc)
                await rows_match(engine, doc_id, doc)  # the seed filled the read model
                events = events_for(engine, doc_id)
                assert chain_breaks(events, doc) == []
            assert {e.member_user_id for e in events} == {user_id(engine, member)}
            done = {i.id: i for i in curriculum.items if i.status == "done"}
            finished = {e.item_id: e for e in events if e.kind == "finished"}
            assert set(finished) == set(done)
            for item_id, event in finished.items():
                assert event.at == parse_time(done[item_id].completed_at)
                spent = event.at - parse_time(done[item_id].started_at)
                assert event.actual_minutes == int(spent.total_seconds() // 60)
            started = {e.item_id for e in events if e.kind == "started"}
            assert started == {i.id for i in curriculum.items if i.started_at is not None}
            assert max(e.at for e in events) <= now
        appollo = events_for(engine, "demo-appollo")
        assert now - max(e.at for e in appollo) < timedelta(days=7)  # alive at first start
        assert max(e.at for e in appollo) - min(e.at for e in appollo) > timedelta(weeks=8)
        (overview,) = overviews_of_member(engine, user_id(engine, APPOLLO))
        assert overview.last_progress_at == max(
            e.at for e in appollo if e.kind in ("started", "finished")
        )


def test_demo_resumes_are_typed_as_a_person_types_them():
    """One line a paragraph: a page shows the resume as written (pre-wrap), so a line
    broken mid-sentence shows as a ragged break at every width."""
    from collab.demo import APPOLLO_RESUME, CHARLIE_RESUME

    for resume in (APPOLLO_RESUME, CHARLIE_RESUME):
        lines = resume.splitlines()
        for line, after in zip(lines, lines[1:], strict=False):
            assert not (line and after and not after.startswith("- ")), (line, after)
