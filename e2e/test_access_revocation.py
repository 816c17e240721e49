"""In the browser: an editor whose access is taken away stops and says why; a reader
who may now edit gets the editing board without doing anything."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.server_process import ServerProcess

from .conftest import MENTOR, STAFF, EditorFactory, assert_no_serious_violations, new_curriculum

CHANGE = 10_000  # ms: a change made on the command line is seen within a poll or so


def test_a_mentor_removed_from_a_curriculum_is_told_and_stops(
    editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc_id = new_curriculum(mentorhub)
    page = editor(doc_id, MENTOR)
    status = page.locator("#connection")
    expect(status).to_have_attribute("data-state", "connected")
    mentorhub.cli("curricula", "remove-mentor", doc_id, MENTOR.email)
    expect(status).to_have_attribute("data-state", "refused", timeout=CHANGE)
    expect(status).to_contain_text("you were removed from this curriculum")
    assert page.evaluate("() => window.mentorhub.provider.shouldConnect") is False
    assert_no_serious_violations(page, "#connection")
    page.screenshot(path=str(artifacts / "editor-removed-from-curriculum.png"))


def test_a_reader_made_a_mentor_gets_the_editing_board(
    editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc_id = new_curriculum(mentorhub)
    page = editor(doc_id, STAFF)
    expect(page.locator(".badge-readonly")).to_be_visible()
    expect(page.locator("#add-title")).to_have_count(0)
    mentorhub.cli("curricula", "add-mentor", doc_id, STAFF.email)
    # closed with 4001: the page opens again with the new rights
    expect(page.locator("#add-title")).to_be_visible(timeout=CHANGE)
    expect(page.locator(".badge-readonly")).to_have_count(0)
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    page.screenshot(path=str(artifacts / "editor-reader-made-mentor.png"))
