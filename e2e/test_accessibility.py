"""axe-core on the editor: no serious or critical violations, in every state it shows."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.server_process import ServerProcess

from .conftest import (
    MEMBER,
    MENTOR,
    PHONE,
    STAFF,
    EditorFactory,
    assert_no_serious_violations,
    new_curriculum,
)
from .test_editor import add_card, card


def test_editor_has_no_serious_violations(editor: EditorFactory, mentorhub: ServerProcess) -> None:
    doc = new_curriculum(mentorhub)
    member = editor(doc, MEMBER)
    add_card(member, "Linux Journey", "now", url="https://linuxjourney.com/", kind="course",
             minutes="600", skills="linux, shell")  # fmt: skip
    add_card(member, "Build a status page", "later", kind="project")
    card(member, "Linux Journey").locator("textarea").fill("Up to the permissions chapter.")
    mentor = editor(doc, MENTOR)
    card(mentor, "Linux Journey").locator("textarea").focus()  # a presence marker on the card
    expect(card(member, "Linux Journey").locator(".viewer")).to_be_visible()
    member.get_by_text("Keyboard shortcuts").click()  # open the shortcuts too
    assert_no_serious_violations(member)

    # the add form showing its errors
    member.fill("#add-url", "not a link")
    member.click("#add-item-form button[type=submit]")
    expect(member.locator("#add-title-error")).to_be_visible()
    assert_no_serious_violations(member)

    # offline
    member.evaluate("() => window.mentorhub.provider.disconnect()")
    expect(member.locator("#connection")).to_have_attribute("data-state", "offline")
    assert_no_serious_violations(member)


def test_editor_at_phone_width_and_read_only(
    editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc = new_curriculum(mentorhub)
    member = editor(doc, MEMBER, viewport=PHONE)
    add_card(member, "Pro Git", "next", kind="book", skills="git")
    assert_no_serious_violations(member)
    staff = editor(doc, STAFF)
    expect(card(staff, "Pro Git")).to_be_visible()
    assert_no_serious_violations(staff)
