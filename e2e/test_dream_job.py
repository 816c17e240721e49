"""The dream job panel in real browsers: the reverse resume and the goals, co-edited live;
skill suggestions from the resume; coverage of each goal's skills."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.server_process import ServerProcess

from .conftest import (
    MEMBER,
    MENTOR,
    STAFF,
    EditorFactory,
    new_curriculum,
)

LIVE = 2_000  # ms: how soon another person must see a change


def open_panel(page: Page) -> None:
    panel = page.locator("#dream-job")
    if panel.get_attribute("open") is None:
        page.locator("#dream-job summary").click()
    expect(page.locator("#resume-text")).to_be_visible()


def goals(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(
        "() => Object.entries(window.mentorhub.doc.getMap('goals').toJSON())"
        ".map(([id, g]) => ({id, ...g})).sort((a, b) => a.position < b.position ? -1 : 1)"
    )


def goal_row(page: Page, title: str) -> Any:
    return page.locator("#goal-list .goal").filter(
        has=page.locator(f'input.goal-title-input[value="{title}"]')
    )


def goal_titles(page: Page) -> Any:
    return page.locator("#goal-list .goal .goal-title-input")


def add_goal(page: Page, title: str) -> None:
    page.fill("#goal-add-title", title)
    page.click("#goal-add-form button[type=submit]")
    expect(goal_titles(page).last).to_have_value(title)


def test_two_people_write_the_resume_together_and_it_is_stored(
    editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc = new_curriculum(mentorhub)
    member, mentor = editor(doc, MEMBER), editor(doc, MENTOR)
    open_panel(member)
    open_panel(mentor)

    member.locator("#resume-text").click()
    member.keyboard.type("Site reliability engineer. ")
    expect(mentor.locator("#resume-text")).to_have_value(
        "Site reliability engineer. ", timeout=LIVE
    )
    mentor.locator("#resume-text").press("End")
    mentor.keyboard.type("Runs k8s clusters.")
    expect(member.locator("#resume-text")).to_have_value(
        "Site reliability engineer. Runs k8s clusters.", timeout=LIVE
    )
    member.keyboard.type("Hi ")  # the member's caret stayed where they were typing
    expected = "Site reliability engineer. Hi Runs k8s clusters."
    expect(mentor.locator("#resume-text")).to_have_value(expected, timeout=LIVE)

    member.reload()
    member.wait_for_function("() => window.mentorhub && window.mentorhub.provider.synced")
    open_panel(member)
    expect(member.locator("#resume-text")).to_have_value(expected)
    expect(member.locator("#resume-text")).not_to_have_attribute("readonly", "")


def test_a_reader_sees_the_resume_and_goals_read_only(
    editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc = new_curriculum(mentorhub)
    member = editor(doc, MEMBER)
    open_panel(member)
    member.fill("#resume-text", "Platform engineer")
    add_goal(member, "Run a service with SLOs")
    staff = editor(doc, STAFF)  # staff read every curriculum, and change none
    open_panel(staff)
    expect(staff.locator("#resume-text")).to_have_value("Platform engineer")
    expect(staff.locator("#resume-text")).to_have_attribute("readonly", "")
    expect(goal_titles(staff)).to_have_count(1)
    expect(goal_titles(staff).first).to_have_value("Run a service with SLOs")
    expect(goal_titles(staff).first).to_have_attribute("readonly", "")
    expect(staff.locator("#goal-add-form")).to_have_count(0)
    expect(staff.get_by_role("button", name="Remove the goal")).to_have_count(0)
    member.locator("#resume-text").press("End")
    member.keyboard.type(" on call")
    expect(staff.locator("#resume-text")).to_have_value("Platform engineer on call", timeout=LIVE)
