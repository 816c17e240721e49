"""The pure read-model rules: document -> rows, and previous rows -> events and row changes."""

from __future__ import annotations

from datetime import UTC, datetime

from pycrdt import Doc

from collab import edits, schema
from collab.demo import demo_curriculum
from domain.learning_events import actual_minutes, changes, transitions
from domain.read_rows import ItemRow, curriculum_rows, item_rows


def rows_of(doc: Doc) -> dict[str, ItemRow]:
    return {row.item_id: row for row in curriculum_rows(schema.read_curriculum(doc)).items}


def kinds(change) -> list[tuple[str, str, str | None, str]]:
    return [(t.item_id, t.kind, t.from_status, t.to_status) for t in change.transitions]


def test_rows_follow_the_board_order_and_sum_each_column() -> None:
    doc = Doc()
    demo_curriculum(doc)
    curriculum = schema.read_curriculum(doc)
    rows = curriculum_rows(curriculum)
    board = schema.columns(curriculum)
    for status, items in board.items():
        ranked = [r for r in rows.items if r.status == status]
        assert [r.item_id for r in ranked] == [i.id for i in items]
        assert [r.rank for r in ranked] == list(range(len(items)))
    summary = rows.summary
    assert summary.counts == {status: len(items) for status, items in board.items()}
    assert summary.minutes_done == sum(i.estimate_minutes or 0 for i in board["done"])
    assert summary.minutes_planned == sum(
        i.estimate_minutes or 0 for s in ("now", "next", "later") for i in board[s]
    )
    assert (summary.goals_total, summary.goals_done) == (3, 1)
    assert "Site Reliability Engineer" in summary.resume
    done = next(r for r in rows.items if r.item_id == "sqlbolt")
    assert done.started_at == datetime(2025, 3, 6, 18, 0, tzinfo=UTC)
    assert done.completed_at == datetime(2025, 3, 10, 20, 30, tzinfo=UTC)


def test_text_postgresql_cannot_hold_is_replaced() -> None:
    doc = Doc()
    edits.add_item(doc, title="nul", item_id="a")
    item = schema.read_curriculum(doc).items[0]
    (row,) = item_rows([schema.Item.from_dict({**item.to_dict(), "title": "a\x00b"})])
    assert row.title == "a\ufffdb"


def test_a_first_reading_fills_rows_and_records_nothing() -> None:
    doc = Doc()
    demo_curriculum(doc)
    change = changes(None, {}, schema.read_curriculum(doc))
    assert change.transitions == ()
    assert len(change.item_upserts) == 24 and len(change.goal_upserts) == 3


def test_moves_finishes_reopenings_and_starts() -> None:
    doc = Doc()
    edits.add_item(doc, title="A", item_id="a", estimate_minutes=60)
    edits.add_item(doc, title="B", item_id="b", status="next")
    before, goals = rows_of(doc), {}
    edits.move_item(doc, "a", "next", when="2025-03-01T10:00:00Z")
    edits.move_item(doc, "b", "now", when="2025-03-01T10:00:00Z")
    change = changes(before, goals, schema.read_curriculum(doc))
    assert kinds(change) == [
        ("b", "started", "next", "now"),
        ("b", "moved", "next", "now"),
        ("a", "moved", "later", "next"),
    ]
    before = rows_of(doc)
    edits.move_item(doc, "b", "done", when="2025-03-01T11:30:00Z")
    edits.mark_started(doc, "a", "2025-03-02T09:00:00Z")
    change = changes(before, goals, schema.read_curriculum(doc))
    assert kinds(change) == [("b", "finished", "now", "done"), ("a", "started", "next", "next")]
    assert change.transitions[0].actual_minutes == 90
    assert {row.item_id for row in change.item_upserts} == {"a", "b"}
    before = rows_of(doc)
    edits.move_item(doc, "b", "later")
    change = changes(before, goals, schema.read_curriculum(doc))
    assert kinds(change) == [("b", "reopened", "done", "later")]


def test_an_item_arriving_done_is_finished_and_a_deleted_one_goes() -> None:
    doc = Doc()
    edits.add_item(doc, title="A", item_id="a")
    before = rows_of(doc)
    edits.add_item(doc, title="N", item_id="n", status="done", when="2025-03-01T10:00:00Z")
    edits.delete_item(doc, "a")
    change = changes(before, {}, schema.read_curriculum(doc))
    assert kinds(change) == [("n", "finished", None, "done")]
    assert change.transitions[0].actual_minutes is None  # never started
    assert change.item_deletes == ("a",)


def test_a_reordering_changes_rows_but_records_no_event() -> None:
    doc = Doc()
    for name in "abc":
        edits.add_item(doc, title=name, item_id=name)
    before = rows_of(doc)
    edits.move_item(doc, "c", "later", before="a")
    change = changes(before, {}, schema.read_curriculum(doc))
    assert change.transitions == ()
    assert [(r.item_id, r.rank) for r in change.item_upserts] == [("c", 0), ("a", 1), ("b", 2)]
    assert changes(rows_of(doc), {}, schema.read_curriculum(doc)).item_upserts == ()


def test_goal_rows_are_upserted_and_deleted() -> None:
    doc = Doc()
    edits.set_goal(doc, "g1", title="Ship it")
    edits.set_goal(doc, "g2", title="Run it")
    first = changes(None, {}, schema.read_curriculum(doc))
    previous = {g.goal_id: g for g in first.goal_upserts}
    edits.set_goal(doc, "g1", done=True)
    edits.delete_goal(doc, "g2")
    change = changes({}, previous, schema.read_curriculum(doc))
    assert [(g.goal_id, g.done) for g in change.goal_upserts] == [("g1", True)]
    assert change.goal_deletes == ("g2",)
    assert (change.summary.goals_total, change.summary.goals_done) == (1, 1)


def test_actual_minutes_needs_both_times_in_order() -> None:
    start = datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert actual_minutes(start, datetime(2025, 1, 1, 12, 30, 59, tzinfo=UTC)) == 150
    assert actual_minutes(None, start) is None and actual_minutes(start, None) is None
    assert actual_minutes(datetime(2025, 1, 2, tzinfo=UTC), start) is None


def test_a_new_item_in_now_is_started_without_a_move() -> None:
    doc = Doc()
    edits.add_item(doc, title="N", item_id="n", status="now", when="2025-03-01T10:00:00Z")
    (row,) = rows_of(doc).values()
    assert [(t.kind, t.from_status) for t in transitions(None, row)] == [("started", None)]
