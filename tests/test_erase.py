"""Erasing a person from a document (collab/erase.py): every mention, and from history."""

from __future__ import annotations

from pycrdt import Array, Doc, Map, Text

from collab.edits import add_item, new_curriculum_update, set_goal
from collab.erase import scrub
from collab.schema import read_curriculum

EMAIL, NAME = "maven@example.org", "Maven Mentor"


def curriculum() -> Doc:
    doc = Doc()
    doc.apply_update(new_curriculum_update("Path", "appollo@example.org", [EMAIL, "x@example.org"]))
    add_item(doc, title=f"Read with {NAME}", assigned_by=EMAIL, item_id="a", notes=f"{NAME}: hi")
    add_item(doc, title="Untouched", assigned_by="appollo@example.org", item_id="b")
    set_goal(doc, "g", title="Ask MAVEN@EXAMPLE.ORG", skills=[NAME])
    doc.get("resume", type=Text).insert(0, f"ü {NAME}, {NAME}; Mavens stay")
    return doc


def test_every_mention_becomes_former_member():
    doc = curriculum()
    assert scrub(doc, [EMAIL, NAME]) is True
    seen = read_curriculum(doc)
    assert seen.mentors == ("former member", "x@example.org")
    assert seen.member == "appollo@example.org"
    first, second = sorted(seen.items, key=lambda i: i.id)
    assert (first.title, first.assigned_by, first.notes) == (
        "Read with former member",
        "former member",
        "former member: hi",
    )
    assert (second.title, second.assigned_by) == ("Untouched", "appollo@example.org")
    assert seen.goals[0].title == "Ask former member"
    assert seen.goals[0].skills == ("former member",)
    assert seen.resume == "ü former member, former member; Mavens stay"
    assert scrub(doc, [EMAIL, NAME]) is False  # nothing left to change


def test_the_erased_content_is_gone_from_the_documents_state():
    doc = curriculum()
    assert doc.get_update().find(NAME.encode()) >= 0
    scrub(doc, [EMAIL, NAME])
    state = doc.get_update()
    assert state.find(EMAIL.encode()) == -1
    assert state.find(NAME.encode()) == -1
    assert state.find(b"Mavens stay") >= 0  # not a whole-word mention: kept


def test_nested_arrays_and_maps_are_scrubbed_and_blank_needles_ignored():
    doc = Doc()
    meta = doc.get("meta", type=Map)
    meta["people"] = Array([NAME, Map({"who": EMAIL})])
    meta["plain"] = {"list": [EMAIL, 1, None]}
    assert scrub(doc, ["", "  "]) is False
    assert scrub(doc, [EMAIL, NAME]) is True
    assert meta["people"].to_py() == ["former member", {"who": "former member"}]
    assert meta["plain"] == {"list": ["former member", 1, None]}
