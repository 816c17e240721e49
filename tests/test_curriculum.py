"""The curriculum document: typed reading, edits, and merges of concurrent edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, XmlFragment, XmlText

from collab.demo import DEMO_CURRICULA, demo_curriculum
from collab.edits import (
    CurriculumError,
    add_item,
    mark_started,
    move_item,
    new_curriculum_update,
    set_goal,
    set_meta,
    set_resume,
)
from collab.positions import is_key
from collab.schema import COLUMNS, Curriculum, Goal, Item, columns, read_curriculum, timeline


def sync(a: Doc, b: Doc) -> None:
    """Exchange updates both ways, as two peers of a room eventually do."""
    update_for_b = a.get_update(b.get_state())
    update_for_a = b.get_update(a.get_state())
    b.apply_update(update_for_b)
    a.apply_update(update_for_a)


def ids(items: list[Item]) -> list[str]:
    return [item.id for item in items]


def write(doc: Doc, item_id: str, **fields: Any) -> None:
    """Set fields of a card the way any client may: straight into its Y.Map."""
    with doc.transaction():
        entry = doc.get("items", type=Map)[item_id]
        for key, value in fields.items():
            if key == "notes":
                del entry["notes"][:]
                entry["notes"].insert(0, value)
            else:
                entry[key] = value


def raw(doc: Doc) -> dict[str, Any]:
    """Every root as plain data, to compare two replicas exactly."""
    roots = {name: doc.get(name, type=Map).to_py() for name in ("meta", "items", "goals")}
    return {**roots, "resume": str(doc.get("resume", type=Text))}


@pytest.fixture
def doc() -> Doc:
    doc = Doc()
    for n, status in enumerate(["later", "later", "later", "next", "now", "done"]):
        add_item(doc, item_id=f"{status}-{n}", title=f"Card {n}", status=status,
                 when="2025-03-01T10:00:00Z")  # fmt: skip
    return doc


@pytest.fixture(params=[(1, 2), (2, 1)], ids=["b-wins-ties", "a-wins-ties"])
def pair(doc: Doc, request: pytest.FixtureRequest) -> Iterator[tuple[Doc, Doc]]:
    """Two replicas of `doc`; concurrent writes to one key go to the higher client id."""
    a, b = (Doc(client_id=client_id) for client_id in request.param)
    for replica in (a, b):
        replica.apply_update(doc.get_update())
    yield a, b
    sync(a, b)
    assert raw(a) == raw(b)
    assert read_curriculum(a) == read_curriculum(b)


# -- reading and converters -------------------------------------------------------------


def test_add_item_stores_every_field(doc: Doc) -> None:
    item_id = add_item(
        doc, title="  Pro Git  ", url="https://git-scm.com/book/en/v2", kind="book",
        skills=["git", " git ", "shell"], estimate_minutes=480, assigned_by="maven@example.org",
        notes="Chapters 1-3 first.",
    )  # fmt: skip
    assert len(item_id) == 12 and int(item_id, 16) >= 0
    item = next(i for i in read_curriculum(doc).items if i.id == item_id)
    assert item == Item(
        id=item_id, title="Pro Git", url="https://git-scm.com/book/en/v2", kind="book",
        skills=("git", "shell"), status="later", position=item.position, estimate_minutes=480,
        assigned_by="maven@example.org", notes="Chapters 1-3 first.",
    )  # fmt: skip
    entry = doc.get("items", type=Map)[item_id]
    assert isinstance(entry, Map) and isinstance(entry["notes"], Text)
    assert ids(columns(read_curriculum(doc))["later"])[-1] == item_id  # appended


def test_columns_and_items_are_in_display_order(doc: Doc) -> None:
    curriculum = read_curriculum(doc)
    cols = columns(curriculum)
    assert list(cols) == list(COLUMNS) == ["done", "now", "next", "later"]
    assert ids(cols["later"]) == ["later-0", "later-1", "later-2"]
    assert ids(list(curriculum.items)) == [i for status in COLUMNS for i in ids(cols[status])]


def test_timeline_orders_the_past_by_completion(doc: Doc) -> None:
    add_item(doc, item_id="old", title="Old", status="done", when="2024-12-01T08:00:00+02:00")
    line = timeline(read_curriculum(doc))
    assert list(line) == ["past", "now", "next", "later"]
    assert ids(line["past"]) == ["old", "done-5"]
    assert line["past"][0].completed_at == "2024-12-01T06:00:00Z"  # normalised to UTC


def test_to_dict_and_from_dict_round_trip() -> None:
    doc = Doc()
    demo_curriculum(doc)
    curriculum = read_curriculum(doc)
    data = curriculum.to_dict()
    assert isinstance(data["items"], list) and isinstance(data["items"][0]["skills"], list)
    assert Curriculum.from_dict(data) == curriculum
    assert Goal.from_dict(curriculum.goals[0].to_dict()) == curriculum.goals[0]


def test_from_dict_coerces_junk() -> None:
    item = Item.from_dict({"id": "x", "title": 3, "url": "javascript:alert(1)", "kind": "meme",
                           "skills": ["a", 1, "", "a"], "status": "someday", "position": "a0",
                           "estimate_minutes": True, "started_at": "0001-01-01T00:00:00+01:00",
                           "completed_at": 5, "notes": None})  # fmt: skip
    assert item == Item(id="x", title="", url="", kind="other", skills=("a",), status="later")
    assert Item.from_dict({"estimate_minutes": 90.0}).estimate_minutes == 90
    assert Curriculum.from_dict({"items": "nope", "mentors": "maven"}) == Curriculum()


# -- edits ------------------------------------------------------------------------------


def test_each_edit_is_one_transaction_with_the_callers_origin(doc: Doc) -> None:
    updates: list[bytes] = []
    origins: list[Any] = []
    doc.observe(lambda event: updates.append(event.update))
    # keep the roots referenced: pycrdt drops a type's observers with its Python object
    roots = [doc.get(root, type=Map) for root in ("meta", "items", "goals")]
    for root in roots:
        root.observe_deep(lambda events: origins.extend(e.transaction.origin for e in events))
    resume = doc.get("resume", type=Text)
    resume.observe(lambda event: origins.append(event.transaction.origin))
    edits: list[Callable[[], object]] = [
        lambda: add_item(doc, title="New", status="now", origin="server"),
        lambda: move_item(doc, "later-0", "done", origin="server"),
        lambda: mark_started(doc, "later-2", "2025-03-02T10:00:00Z", origin="server"),
        lambda: set_goal(doc, "g1", title="Goal", skills=["sre"], origin="server"),
        lambda: set_goal(doc, "g1", done=True, origin="server"),
        lambda: set_resume(doc, "Site Reliability Engineer", origin="server"),
        lambda: set_meta(doc, title="Appollo", origin="server"),
    ]
    for n, edit in enumerate(edits, start=1):
        edit()
        assert len(updates) == n
    assert len(origins) >= len(edits) and set(origins) == {"server"}


def test_move_places_the_card_between_its_neighbours(doc: Doc) -> None:
    move_item(doc, "later-2", "later", before="later-0")
    assert ids(columns(read_curriculum(doc))["later"]) == ["later-2", "later-0", "later-1"]
    move_item(doc, "later-2", "later", after="later-0")
    assert ids(columns(read_curriculum(doc))["later"]) == ["later-0", "later-2", "later-1"]
    move_item(doc, "later-1", "later", after="later-0", before="later-2")
    assert ids(columns(read_curriculum(doc))["later"]) == ["later-0", "later-1", "later-2"]
    move_item(doc, "later-0", "next")
    assert ids(columns(read_curriculum(doc))["next"]) == ["next-3", "later-0"]


def test_moves_record_start_and_completion(doc: Doc) -> None:
    def item() -> Item:
        return next(i for i in read_curriculum(doc).items if i.id == "later-0")

    move_item(doc, "later-0", "now", when="2025-03-02T09:00:00Z")
    assert (item().started_at, item().completed_at) == ("2025-03-02T09:00:00Z", None)
    move_item(doc, "later-0", "next", when="2025-03-03T09:00:00Z")
    move_item(doc, "later-0", "now", when="2025-03-04T09:00:00Z")
    assert item().started_at == "2025-03-02T09:00:00Z"  # set once
    move_item(doc, "later-0", "done", when="2025-03-05T09:00:00Z")
    assert item().completed_at == "2025-03-05T09:00:00Z"
    move_item(doc, "later-0", "done", before="done-5", when="2025-03-06T09:00:00Z")
    assert item().completed_at == "2025-03-05T09:00:00Z"  # reordering keeps it
    move_item(doc, "later-0", "later")
    assert (item().status, item().completed_at) == ("later", None)


def test_mark_started_records_only_the_first_time(doc: Doc) -> None:
    assert mark_started(doc, "later-0", "2025-03-02T09:00:00Z") is True
    state = doc.get_state()
    assert mark_started(doc, "later-0", "2025-03-09T09:00:00Z") is False
    assert doc.get_state() == state
    assert read_curriculum(doc).items[-3].started_at == "2025-03-02T09:00:00Z"


def test_the_resume_is_replaced_in_place(doc: Doc) -> None:
    resume = doc.get("resume", type=Text)
    for text in ("Site Reliability Engineer", "Site Reliability Engineer, café", "", "é"):
        set_resume(doc, text)
        assert read_curriculum(doc).resume == text == str(resume)
    set_resume(doc, "Naïve 😀 notes")
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    set_resume(doc, "Naïve 😀 better notes ✓")
    assert str(resume) == "Naïve 😀 better notes ✓"
    assert "Naïve".encode() not in updates[0]  # only the part that changed is rewritten


def test_goals_and_meta(doc: Doc) -> None:
    goal = set_goal(doc, title="Run a service with SLOs", skills=["slo", "prometheus"])
    set_goal(doc, goal, done=True)
    assert read_curriculum(doc).goals == (
        Goal(goal, "Run a service with SLOs", ("slo", "prometheus"), True,
             read_curriculum(doc).goals[0].position),
    )  # fmt: skip
    set_meta(doc, title="Appollo's curriculum", member="appollo@example.org",
             mentors=["maven@example.org"], created_at="2025-01-06T09:00:00Z")  # fmt: skip
    curriculum = read_curriculum(doc)
    assert (curriculum.title, curriculum.member, curriculum.mentors, curriculum.created_at) == (
        "Appollo's curriculum", "appollo@example.org", ("maven@example.org",),
        "2025-01-06T09:00:00Z")  # fmt: skip


def test_a_goal_has_a_target_date_or_none(doc: Doc) -> None:
    goal = set_goal(doc, title="Pass the SRE interview", target_date="2027-06-30")
    assert read_curriculum(doc).goals[0].target_date == "2027-06-30"
    for wrong in ("2027-02-29", "2027-06-30T10:00:00Z", "30/06/2027", "soon"):
        with pytest.raises(CurriculumError, match="target_date"):
            set_goal(doc, goal, target_date=wrong)
    assert read_curriculum(doc).goals[0].target_date == "2027-06-30"
    set_goal(doc, goal, target_date="")
    assert read_curriculum(doc).goals[0].target_date is None
    assert set_goal(doc, title="No date yet") and read_curriculum(doc).goals[1].target_date is None


def test_new_curriculum_update_creates_a_document() -> None:
    update = new_curriculum_update("Charlie's prep", "charlie@example.org", ["miles@example.org"],
                                   created_at="2025-02-03T09:00:00Z")  # fmt: skip
    doc = Doc()
    doc.apply_update(update)
    assert read_curriculum(doc) == Curriculum(
        title="Charlie's prep", member="charlie@example.org", mentors=("miles@example.org",),
        created_at="2025-02-03T09:00:00Z")  # fmt: skip


# (d) bad input raises CurriculumError and changes nothing
BAD_EDITS: dict[str, Callable[[Doc], object]] = {
    "empty title": lambda d: add_item(d, title="   "),
    "long title": lambda d: add_item(d, title="x" * 201),
    "javascript url": lambda d: add_item(d, title="x", url="javascript:alert(1)"),
    "relative url": lambda d: add_item(d, title="x", url="/etc/passwd"),
    "unknown kind": lambda d: add_item(d, title="x", kind="podcast"),
    "skills as a string": lambda d: add_item(d, title="x", skills="git"),
    "negative estimate": lambda d: add_item(d, title="x", estimate_minutes=-1),
    "huge estimate": lambda d: add_item(d, title="x", estimate_minutes=100_001),
    "estimate as text": lambda d: add_item(d, title="x", estimate_minutes="90"),  # type: ignore[arg-type]
    "unknown field": lambda d: set_meta(d, status="done"),
    "status on add": lambda d: add_item(d, title="x", status="someday"),
    "status on move": lambda d: move_item(d, "later-0", "someday"),
    "unknown id move": lambda d: move_item(d, "nope", "now"),
    "id not of the schema's form": lambda d: move_item(d, "../later-0", "now"),
    "unknown id started": lambda d: mark_started(d, "nope", "2025-03-02T09:00:00Z"),
    "neighbour elsewhere": lambda d: move_item(d, "later-0", "now", before="later-1"),
    "neighbours reversed": lambda d: move_item(
        d, "later-0", "later", after="later-2", before="later-1"
    ),
    "next to itself": lambda d: move_item(d, "later-0", "later", before="later-0"),
    "taken id": lambda d: add_item(d, title="x", item_id="later-0"),
    "bad id": lambda d: add_item(d, title="x", item_id="a/b"),
    "bad time": lambda d: mark_started(d, "later-0", "soon"),
    "goal without title": lambda d: set_goal(d, "new-goal", done=True),
    "goal done not bool": lambda d: set_goal(d, title="x", done="yes"),  # type: ignore[arg-type]
    "bad goal id": lambda d: set_goal(d, "a/b", title="x"),
    "resume not text": lambda d: set_resume(d, None),  # type: ignore[arg-type]
    "meta unknown": lambda d: set_meta(d, colour="red"),
    "meta empty member": lambda d: set_meta(d, title="T", member=""),
    "lone surrogate": lambda d: add_item(d, title="broken \ud800"),
    "lone surrogate skill": lambda d: add_item(d, title="x", skills=["\udfff"]),
    "lone surrogate notes": lambda d: add_item(d, title="x", notes="\ud800"),
    "lone surrogate id": lambda d: move_item(d, "\ud800", "now"),
}


@pytest.mark.parametrize("edit", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_bad_input_is_rejected_and_changes_nothing(doc: Doc, edit: Callable[[Doc], Any]) -> None:
    state, update, before = doc.get_state(), doc.get_update(), read_curriculum(doc)
    with pytest.raises(CurriculumError):
        edit(doc)
    assert doc.get_state() == state
    assert doc.get_update() == update
    assert read_curriculum(doc) == before


# -- concurrent edits on two replicas -------------------------------------------------


@pytest.mark.parametrize(
    ("card", "move_a", "move_b"),
    [
        ("later-1", ("done", None), ("now", "now-4")),
        ("later-1", ("next", "next-3"), ("later", "later-0")),
        ("done-5", ("done", None), ("later", "later-0")),  # reorder in done vs move out
    ],
)
def test_a_concurrent_moves_of_one_card(
    pair: tuple[Doc, Doc], card: str, move_a: tuple[str, str], move_b: tuple[str, str]
) -> None:
    a, b = pair
    add_item(a, item_id="extra", title="Extra", status="done", when="2025-03-01T11:00:00Z")
    sync(a, b)
    move_item(a, card, move_a[0], before=move_a[1], when="2025-03-02T10:00:00Z")
    move_item(b, card, move_b[0], before=move_b[1], when="2025-03-02T10:00:01Z")
    sync(a, b)
    assert raw(a) == raw(b)
    curriculum = read_curriculum(a)
    placed = [s for s, items in columns(curriculum).items() if card in ids(items)]
    assert len(placed) == 1 and ids(list(curriculum.items)).count(card) == 1
    assert len(curriculum.items) == 7
    # the winning move wins as a whole: status, position and completion agree
    winner = a if a.client_id > b.client_id else b
    status, before = move_a if winner is a else move_b
    moved = next(i for i in curriculum.items if i.id == card)
    assert moved.status == status and (moved.status == "done") == (moved.completed_at is not None)
    column = ids(columns(curriculum)[status])
    assert (before is None and column[-1] == card) or column[column.index(card) + 1] == before


def test_b_delete_while_someone_edits_the_notes(pair: tuple[Doc, Doc]) -> None:
    a, b = pair
    del a.get("items", type=Map)["later-0"]
    write(b, "later-0", notes="Halfway through chapter 2", title="Renamed meanwhile")
    sync(a, b)
    for replica in pair:
        assert "later-0" not in doc_ids(replica)
        assert "later-0" not in replica.get("items", type=Map)
        assert len(read_curriculum(replica).items) == 5


def doc_ids(doc: Doc) -> list[str]:
    return ids(list(read_curriculum(doc).items))


def test_c_concurrent_inserts_into_one_gap_both_survive(pair: tuple[Doc, Doc]) -> None:
    a, b = pair
    move_item(a, "next-3", "later", after="later-0")
    add_item(b, item_id="from-b", title="Added by Maven", status="later")
    move_item(b, "from-b", "later", after="later-0")
    sync(a, b)
    order = ids(columns(read_curriculum(a))["later"])
    assert order == ids(columns(read_curriculum(b))["later"])
    assert order == ["later-0", "from-b", "next-3", "later-1", "later-2"]  # tie broken by id
    # a later insert between the tied cards still lands exactly where asked
    move_item(a, "later-2", "later", after="from-b", before="next-3")
    sync(a, b)
    order = ["later-0", "from-b", "later-2", "next-3", "later-1"]
    assert ids(columns(read_curriculum(a))["later"]) == order
    assert ids(columns(read_curriculum(b))["later"]) == order


def test_concurrent_edits_of_different_fields_both_survive(pair: tuple[Doc, Doc]) -> None:
    a, b = pair
    write(a, "later-0", title="Kubernetes Basics", url="https://kubernetes.io/docs/")
    write(b, "later-0", estimate_minutes=90)
    sync(a, b)
    item = next(i for i in read_curriculum(a).items if i.id == "later-0")
    assert (item.title, item.url, item.estimate_minutes) == (
        "Kubernetes Basics", "https://kubernetes.io/docs/", 90)  # fmt: skip


# (e) junk written by a client is read without raising


def test_reading_junk_does_not_raise() -> None:
    doc = Doc()
    meta, items, goals = (doc.get(name, type=Map) for name in ("meta", "items", "goals"))
    meta.update({"title": 42, "mentors": "maven", "created_at": "someday"})
    items["string"] = "not a card"
    items["array"] = Array(["x"])
    items["text"] = Text("card?")
    items["plain"] = {"title": "Plain object", "status": "now", "position": "V"}
    items["odd"] = Map({
        "title": ["x"], "url": "javascript:alert(1)", "kind": None, "skills": Text("git"),
        "status": "someday", "position": 7, "estimate_minutes": float("inf"),
        "assigned_by": {"name": "Maven"}, "started_at": 12, "completed_at": "2025-13-01",
        "notes": XmlFragment([XmlText("rich")]), "extra": Map({"deep": Array([Map()])}),
    })  # fmt: skip
    goals["g"] = Map({"title": None, "skills": [1, "sre"], "done": "yes"})
    goals["h"] = 5
    curriculum = read_curriculum(doc)
    assert (curriculum.title, curriculum.mentors, curriculum.created_at) == ("", (), None)
    assert ids(list(curriculum.items)) == ["plain", "odd"]
    assert curriculum.items[1] == Item(id="odd", title="", kind="other", status="later")
    assert curriculum.goals == (Goal("g", "", ("sre",), False),)
    assert timeline(curriculum)["now"] == columns(curriculum)["now"] == [curriculum.items[0]]
    assert Curriculum.from_dict(curriculum.to_dict()) == curriculum
    # edits still work, and repair a plain object into a proper card
    assert mark_started(doc, "plain", "2025-03-02T09:00:00Z")
    move_item(doc, "odd", "now", before="plain")
    assert isinstance(items["plain"], Map) and isinstance(items["plain"]["notes"], Text)
    assert ids(columns(read_curriculum(doc))["now"]) == ["odd", "plain"]
    assert read_curriculum(doc).items[1].title == "Plain object"


def test_a_wrongly_typed_root_reads_as_empty() -> None:
    source = Doc()
    source.get("resume", type=Map)["x"] = 1
    source.get("items", type=Text).insert(0, "junk")
    doc = Doc()
    doc.apply_update(source.get_update())
    assert read_curriculum(doc) == Curriculum()


# (f) demo data


def test_demo_curricula_fill_every_column() -> None:
    doc = Doc()
    demo_curriculum(doc, origin="server")
    curriculum = read_curriculum(doc)
    assert len(curriculum.items) >= 20
    assert all(len(items) >= 2 for items in columns(curriculum).values())
    assert len(curriculum.goals) == 3 and "Site Reliability Engineer" in curriculum.resume
    assert curriculum.member == "appollo@example.org"
    assert curriculum.mentors == ("maven@example.org",)
    for item in curriculum.items:
        assert item.url.startswith("https://") and is_key(item.position) and item.skills
        assert (item.status == "done") == (item.completed_at is not None)
        assert item.started_at is not None or item.status in ("next", "later")
    assert sum(bool(item.notes) for item in curriculum.items) >= 3


@pytest.mark.parametrize("demo", DEMO_CURRICULA, ids=lambda d: d.doc_id)
def test_demo_curricula_are_deterministic(demo: Any) -> None:
    first, second = Doc(), Doc()
    updates: list[bytes] = []
    first.observe(lambda event: updates.append(event.update))
    demo.fill(first)
    demo.fill(second)
    assert len(updates) == 1  # seeded in one transaction
    assert read_curriculum(first) == read_curriculum(second)
    assert read_curriculum(first).member == demo.member_email
    assert read_curriculum(first).mentors == (demo.mentor_email,)
    assert read_curriculum(first).title == demo.title
    assert len({d.doc_id for d in DEMO_CURRICULA}) == len(DEMO_CURRICULA) >= 2
