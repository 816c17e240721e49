"""The dream job panel in real browsers: the reverse resume and the goals, co-edited live;
skill suggestions from the resume; coverage of each goal's skills."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

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

LIVE = 5_000  # ms: the longest wait for another person's change (latency is measured in bench/)


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
    return page.locator(f'#goal-list .goal[data-title="{title}"]')


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


def test_two_people_edit_the_goals_live(editor: EditorFactory, mentorhub: ServerProcess) -> None:
    doc = new_curriculum(mentorhub)
    member, mentor = editor(doc, MEMBER), editor(doc, MENTOR)
    open_panel(member)
    open_panel(mentor)

    add_goal(member, "Deploy on Kubernetes")
    add_goal(member, "Run a service with SLOs")
    expect(goal_titles(mentor)).to_have_count(2, timeout=LIVE)
    expect(goal_titles(mentor).nth(1)).to_have_value("Run a service with SLOs")

    # rename: the mentor edits the title, the member sees it
    mentor.fill("#goal-list .goal >> nth=0 >> input.goal-title-input", "Deploy apps on Kubernetes")
    mentor.locator("#goal-list .goal >> nth=0 >> input.goal-title-input").press("Enter")
    expect(goal_titles(member).first).to_have_value("Deploy apps on Kubernetes", timeout=LIVE)

    # reorder with the keyboard: focus "Up" on the second goal and press Enter
    up = member.get_by_role("button", name="Move “Run a service with SLOs” up")
    up.focus()
    member.keyboard.press("Enter")
    expect(goal_titles(mentor).first).to_have_value("Run a service with SLOs", timeout=LIVE)
    expect(goal_titles(mentor).nth(1)).to_have_value("Deploy apps on Kubernetes")
    expect(up).to_be_focused()  # focus stays on the button that was pressed
    expect(up).to_have_attribute("aria-disabled", "true")  # now the first goal

    # skills: a synonym becomes the vocabulary's name; the other person sees it
    row = goal_row(member, "Deploy apps on Kubernetes")
    row.get_by_label("Add a skill to “Deploy apps on Kubernetes”").fill("k8s")
    row.get_by_role("button", name="Add skill").click()
    expect(goal_row(mentor, "Deploy apps on Kubernetes").locator(".goal-skill")).to_have_text(
        ["Kubernetes✕"], timeout=LIVE
    )
    slo = goal_row(mentor, "Run a service with SLOs")
    slo.get_by_label("Add a skill to “Run a service with SLOs”").fill("Postgres")
    slo.get_by_label("Add a skill to “Run a service with SLOs”").press("Enter")
    expect(goal_row(member, "Run a service with SLOs").locator(".goal-skill")).to_have_text(
        ["PostgreSQL✕"], timeout=LIVE
    )

    # target date and reached
    member.get_by_label("Target date of Run a service with SLOs").fill("2027-06-30")
    expect(mentor.get_by_label("Target date of Run a service with SLOs")).to_have_value(
        "2027-06-30", timeout=LIVE
    )
    mentor.get_by_label("Reached: Deploy apps on Kubernetes").check()
    expect(member.get_by_label("Reached: Deploy apps on Kubernetes")).to_be_checked(timeout=LIVE)
    expect(member.locator("#dream-job-announcer")).to_contain_text("is marked reached")

    stored = goals(mentor)
    assert [(g["title"], g["skills"], g["done"], g["target_date"]) for g in stored] == [
        ("Run a service with SLOs", ["postgresql"], False, "2027-06-30"),
        ("Deploy apps on Kubernetes", ["kubernetes"], True, None),
    ]

    # remove; undo brings it back (one's own change)
    member.get_by_role("button", name="Remove the goal “Run a service with SLOs”").click()
    expect(goal_titles(mentor)).to_have_count(1, timeout=LIVE)
    member.locator("#undo").click()
    expect(goal_titles(mentor)).to_have_count(2, timeout=LIVE)
    expect(mentor.locator("#dream-job-count")).to_have_text("2 goals")


def test_a_suggested_skill_goes_to_a_goal_in_one_click(
    editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc = new_curriculum(mentorhub)
    member, mentor = editor(doc, MEMBER), editor(doc, MENTOR)
    open_panel(member)
    open_panel(mentor)
    add_goal(member, "Platform work")
    add_goal(member, "Databases")
    member.locator("#resume-text").click()
    member.keyboard.type("I run k8s clusters and keep Postgres healthy.")

    suggestions = mentor.locator("#suggestion-list .suggestion")
    expect(suggestions).to_have_count(2, timeout=LIVE)  # the mentor's page updates too
    expect(suggestions.first).to_contain_text("Kubernetes")
    expect(suggestions.first).to_contain_text("from “k8s”")
    expect(suggestions.nth(1)).to_contain_text("PostgreSQL")
    expect(suggestions.nth(1)).to_contain_text("from “Postgres”")

    member.select_option("#suggestion-goal", label="2. Databases")
    member.get_by_role("button", name="Add PostgreSQL to “Databases”").click()
    expect(goal_row(mentor, "Databases").locator(".goal-skill")).to_have_text(
        ["PostgreSQL✕"], timeout=LIVE
    )
    expect(member.locator("#suggestion-list .suggestion").nth(1)).to_contain_text("in this goal")
    assert [g["skills"] for g in goals(mentor)] == [[], ["postgresql"]]


def test_coverage_calls_out_an_unserved_skill_and_helps_add_a_resource(
    editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc = new_curriculum(mentorhub)
    member = editor(doc, MEMBER)
    open_panel(member)
    member.fill("#resume-text", "Site Reliability Engineer: k8s, Helm, on-call.")
    add_goal(member, "Deploy on Kubernetes")
    row = goal_row(member, "Deploy on Kubernetes")
    for skill in ("k8s", "helm"):
        row.get_by_label("Add a skill to “Deploy on Kubernetes”").fill(skill)
        row.get_by_label("Add a skill to “Deploy on Kubernetes”").press("Enter")
        expect(row.get_by_label("Add a skill to “Deploy on Kubernetes”")).to_have_value("")
    unserved = row.locator(".coverage-skill.unserved")
    expect(unserved).to_have_count(2)
    expect(unserved.first).to_contain_text("nothing serves this skill yet")
    link = row.get_by_role("link", name="Find Kubernetes in the library")
    expect(link).to_have_attribute("href", "/library?skill=kubernetes")

    row.get_by_role("button", name="Add a resource for Kubernetes").click()
    expect(member.locator("#add-skills")).to_have_value("kubernetes")
    expect(member.locator("#add-title")).to_be_focused()
    member.keyboard.type("Kubernetes the hard way")
    member.select_option("#add-status", "next")
    member.click("#add-item-form button[type=submit]")
    served = row.locator('.coverage-skill[data-skill="kubernetes"]')
    expect(served).to_contain_text("Next: Kubernetes the hard way")
    expect(row.locator(".coverage-skill.unserved")).to_have_count(1)
    expect(row.locator(".coverage-skill.unserved")).to_contain_text("Helm")

    assert_no_serious_violations(member)
    member.locator("#dream-job").screenshot(path=str(artifacts / "dream-job.png"))


def test_the_panel_at_phone_width(editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path):
    doc = new_curriculum(mentorhub)
    member = editor(doc, MEMBER, PHONE)
    open_panel(member)
    member.fill("#resume-text", "Backend developer with Python, PostgreSQL and Docker.")
    add_goal(member, "A backend job with a very long title that has to wrap on a phone")
    expect(member.locator("#suggestion-list")).to_contain_text("from “Docker”")
    width = member.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
    assert_no_serious_violations(member)
    member.screenshot(path=str(artifacts / "dream-job-phone.png"), full_page=True)
