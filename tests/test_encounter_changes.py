"""What changed between two readings of a curriculum (pure), and through a real server:
a scripted sequence of edits by a mentor and a member, each on their own Yjs connection,
shown on the encounter page with who did what."""

from __future__ import annotations

import re

import pytest
from pycrdt import Map, Text

from collab import edits
from collab.schema import Curriculum, Item
from domain.encounter_changes import Change, EventRef, summary, what_changed
from tests.encounters import encounter_id, mentorship, record
from tests.people import import_personas, user_id
from tests.read_model_checks import database_of, events_when, has, rows_match
from tests.web import WEB_ENV, signed_in
from tests.yclient import eventually, peer

CHARLIE, MILES = "charlie@example.org", "miles@example.org"


def item(item_id: str, **fields: object) -> Item:
    return Item.from_dict({"id": item_id, "title": item_id.title(), **fields})


def test_each_kind_of_change_is_found_with_who_did_it():
    before = Curriculum(
        items=(
            item("sort", status="later"),
            item("old", status="later"),
            item("done-one", status="done", completed_at="2026-01-01T00:00:00Z"),
        )
    )
    after = Curriculum(
        items=(
            item("done-one", status="next"),
            item("sort", status="now", started_at="2026-02-01T00:00:00Z", notes="Tried it."),
            item("new", status="next", assigned_by="miles@example.org"),
        )
    )
    events = [
        EventRef("sort", "started", "Charlie"),
        EventRef("sort", "moved", "Charlie"),
        EventRef("done-one", "reopened", None),
    ]
    found = what_changed(before, after, events, {"miles@example.org": "Miles"})
    assert found == [
        Change("reopened", "done-one", "Done-One", "done", "next", ()),
        Change("started", "sort", "Sort", "later", "now", ("Charlie",)),
        Change("moved", "sort", "Sort", "later", "now", ("Charlie",)),
        Change("notes", "sort", "Sort", excerpt="Tried it."),
        Change("added", "new", "New", None, "next", ("Miles",)),
        Change("removed", "old", "Old", "later", None),
    ]
    assert summary(found) == {"added": 1, "started": 1, "moved": 1, "reopened": 1, "notes": 1,
                              "removed": 1}  # fmt: skip


def test_notes_show_only_the_new_words_and_nothing_changed_is_empty():
    before = Curriculum(items=(item("a", notes="First line."),))
    after = Curriculum(items=(item("a", notes="First line. Then " + "more " * 60),))
    [notes] = what_changed(before, after)
    assert notes.kind == "notes" and notes.excerpt.startswith("Then more")
    assert len(notes.excerpt) == 160 and notes.excerpt.endswith("…")
    assert what_changed(after, after) == []
    finished = Curriculum(items=(item("a", status="done", started_at="2026-01-01T00:00:00Z"),))
    kinds = [c.kind for c in what_changed(Curriculum(items=(item("a", status="later"),)), finished)]
    assert kinds == ["started", "finished"]


@pytest.fixture
def programme(server_factory, tmp_path):
    server = server_factory(**WEB_ENV, READ_MODEL_DELAY_SECONDS="0.1")
    import_personas(server, tmp_path)
    return server


def change_lines(page: str, heading: str) -> list[str]:
    """The change lines of one section of the encounter page, as plain text."""
    section = page.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]
    lines = re.findall(r'<span class="change-text">(.*?)</span>\s*</li>', section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in lines]


EXPECTED = [  # item by item in the board's order (Done, Now, Next, Later), removals last
    "Miles added Recursion exercises",
    "Charlie finished Recursion exercises",
    "Charlie started Sorting algorithms",
    "Charlie moved Sorting algorithms from Later to Now",
    "Someone wrote notes on Sorting algorithms: “Merge sort finally clicked.”",
    "Someone removed Old conference talk",
]


async def test_a_scripted_sequence_of_edits_by_two_people(programme):
    doc_id = await mentorship(programme, CHARLIE, MILES)
    url = programme.env["DATABASE_URL"]
    charlie = user_id(url, CHARLIE)
    mentor_token, member_token = programme.token(MILES), programme.token(CHARLIE)
    with database_of(programme) as engine:
        async with (
            peer(programme.ws_url, doc_id, token=mentor_token) as mentor,
            peer(programme.ws_url, doc_id, token=member_token) as member,
        ):
            # before the first encounter: the mentor puts two cards in Later
            for item_id, title in (("sort", "Sorting algorithms"), ("old", "Old conference talk")):
                edits.add_item(mentor.doc, title=title, item_id=item_id, assigned_by=MILES)
            await rows_match(engine, doc_id, mentor.doc)
            async with signed_in(programme, MILES) as miles:
                first = encounter_id(await record(miles, charlie))
            # after it: the mentor adds a card ...
            edits.add_item(mentor.doc, title="Recursion exercises", item_id="rec", status="next",
                           assigned_by=MILES)  # fmt: skip
            await rows_match(engine, doc_id, mentor.doc)
            await eventually(lambda: "rec" in member.doc.get("items", type=Map))
            # ... the member starts one card, finishes the new one, writes notes ...
            edits.move_item(member.doc, "sort", "now")
            await events_when(engine, doc_id, has("sort", "moved"), what="the member's move")
            edits.move_item(member.doc, "rec", "done")
            await events_when(engine, doc_id, has("rec", "finished"), what="the finish")
            notes = member.doc.get("items", type=Map)["sort"]["notes"]
            assert isinstance(notes, Text)
            notes += "Merge sort finally clicked."
            await eventually(
                lambda: "clicked" in str(mentor.doc.get("items", type=Map)["sort"]["notes"])
            )
            # ... and the mentor removes a card.
            edits.delete_item(mentor.doc, "old")
            await rows_match(engine, doc_id, mentor.doc)
        events = await events_when(engine, doc_id, has("rec", "finished"))
        assert {e.caused_by for e in events if e.item_id in ("sort", "rec")} == {charlie}

    async with signed_in(programme, CHARLIE) as reader:
        page = (await reader.get(f"/encounters/{first}")).text
        assert change_lines(page, "after-heading") == EXPECTED
    async with signed_in(programme, MILES) as miles:
        form = (await miles.get(f"/people/{charlie}/encounters/new/stuck-on-a-problem")).text
        assert change_lines(form, "since-heading") == EXPECTED
        second = encounter_id(await record(miles, charlie, script="stuck-on-a-problem",
                                           answer=["Merge sort."], checked=[]))  # fmt: skip
        page = (await miles.get(f"/encounters/{second}")).text
    assert change_lines(page, "before-heading") == EXPECTED
    assert "6 changes" not in page and "1 added · 1 started · 1 moved · 1 finished" in page
