"""The resource library in real browsers: a mentor finds a resource as they type and adds
it to a mentee's curriculum in one action; the card appears in the member's open editor,
linked; finishing it moves the figures live; the member rates it from the timeline.
Screenshots of each page; axe-core on each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.server_process import ServerProcess

from .conftest import (
    DESKTOP,
    MEMBER,
    MENTOR,
    PHONE,
    EditorFactory,
    Person,
    assert_no_serious_violations,
    new_context,
    new_curriculum,
)
from .test_editor import by_title, card

ROOT = Path(__file__).resolve().parent.parent
SRE = "SRE book: Monitoring Distributed Systems"
SRE_URL = "https://sre.google/sre-book/monitoring-distributed-systems"
LIVE = 5_000  # ms: the read model is up to half a second behind, then a live refresh


@pytest.fixture(scope="module")
def library(mentorhub: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo library's resources (not its reviews: they name the demo people)."""
    demo = json.loads((ROOT / "domain" / "library" / "demo_library.json").read_text())
    resources = [{k: v for k, v in r.items() if k != "added_by"} for r in demo["resources"]]
    file = tmp_path_factory.mktemp("library") / "library.json"
    file.write_text(json.dumps({"resources": resources}))
    mentorhub.cli("library", "import", str(file), "--by", MENTOR.email)


@pytest.fixture
def browse(browser: Browser, mentorhub: ServerProcess) -> Iterator:
    """`browse(person, viewport=None)`: a signed-in page; fails the test on page errors
    or a Content-Security-Policy violation."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(person: Person, viewport: dict[str, int] | None = None) -> Page:
        context = new_context(browser, mentorhub, person, viewport)
        context.on("weberror", lambda error: errors.append(f"{person.name}: {error.error}"))
        context.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 8)"""


def result(page: Page, title: str):  # noqa: ANN201 - a Playwright locator
    return page.locator(".resource-card").filter(has=page.get_by_role("link", name=title))


def test_a_mentor_adds_from_the_library_and_the_members_editor_shows_it_linked(
    library: None, browse, editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc = new_curriculum(mentorhub, title="Appollo's path to SRE")
    member = editor(doc, MEMBER)

    page = browse(MENTOR)
    page.goto("/library")
    expect(page.locator(".results-count")).to_contain_text("resources")
    page.get_by_role("searchbox", name="Search").press_sequentially("monitoring distrib", delay=20)
    expect(result(page, SRE)).to_be_visible()  # updated as one types, no submit
    expect(page.locator(".resource-card")).to_have_count(1)
    assert "q=monitoring+distrib" in page.url
    page.get_by_label("Level", exact=True).select_option("beginner")
    expect(page.locator(".resource-card")).to_have_count(0)
    page.get_by_label("Level", exact=True).select_option("")
    found = result(page, SRE)
    expect(found.locator(".figures")).to_contain_text("nobody has finished it yet")
    if found.get_by_label("Curriculum").count():  # the mentor has several mentees
        found.get_by_label("Curriculum").select_option(doc)
    found.get_by_role("button", name=re.compile("^Add to")).click()
    expect(page.locator("#library-notice")).to_contain_text(f"Added “{SRE}” to Appollo's path")

    # the member's open editor shows the card at once, with the resource's link
    expect(card(member, SRE)).to_be_visible(timeout=1_000)
    added = by_title(member, SRE)
    assert added["url"] == SRE_URL and added["status"] == "next"
    assert added["skills"] == ["sre", "monitoring"] and added["estimate_minutes"] == 90

    # the resource page, open while the member finishes it, moves live
    resource = page.get_by_role("link", name=SRE)
    resource.click()
    expect(page.get_by_role("heading", name=SRE, level=1)).to_be_visible()
    figures = page.locator(".resource-figures")
    expect(figures).to_contain_text("Completion 0% (0 of 1 member)", timeout=LIVE)
    card(member, SRE).get_by_role("button", name="Move to Now").click()
    card(member, SRE).get_by_role("button", name="Move to Done").click()
    expect(figures).to_contain_text("Completion 100% (1 of 1 member)", timeout=LIVE)
    expect(figures).to_contain_text("Median actual time 0 min (1 member)")

    # the member rates it from their timeline
    timeline = browse(MEMBER)
    timeline.goto(f"/curricula/{doc}/timeline")
    timeline.get_by_role("link", name="Rate and review it").click()
    timeline.get_by_label("4 stars").check()
    timeline.get_by_label("Short review (optional)").fill("The four golden signals, clearly.")
    timeline.get_by_role("button", name="Save my review").click()
    expect(timeline.locator(".reviews")).to_contain_text("The four golden signals, clearly.")
    expect(figures).to_contain_text("Rating 4.0 / 5 (1 rating)", timeout=LIVE)  # the mentor's
    timeline.set_viewport_size(DESKTOP)
    timeline.screenshot(path=str(artifacts / "library-resource.png"), full_page=True)
    assert_no_serious_violations(timeline)

    page.goto("/library?q=sre")
    page.screenshot(path=str(artifacts / "library.png"), full_page=True)
    assert_no_serious_violations(page)


def test_library_pages_work_by_keyboard_at_phone_width_and_pass_axe(
    library: None, browse, mentorhub: ServerProcess, artifacts: Path
) -> None:
    long = "Appollo's path to Site Reliability Engineering, with Kubernetes and observability"
    new_curriculum(mentorhub, title=long)  # long names must not widen the page
    phone = browse(MEMBER, PHONE)
    phone.goto("/library")
    phone.keyboard.press("Tab")  # the skip link first
    expect(phone.get_by_role("link", name="Skip to content")).to_be_focused()
    phone.get_by_role("searchbox", name="Search").focus()
    phone.keyboard.type("recursion ")
    expect(result(phone, "Composing Programs 1.7: Recursive Functions")).to_be_visible()
    phone.keyboard.press("Tab")  # on to the search button, then the filters
    phone.keyboard.press("Tab")
    expect(phone.get_by_label("Skill", exact=True)).to_be_focused()
    wide = phone.evaluate(WIDER_THAN_THE_SCREEN)
    assert not wide, f"the page scrolls sideways at phone width: {wide}"
    phone.screenshot(path=str(artifacts / "library-phone.png"), full_page=True)
    assert_no_serious_violations(phone)

    phone.goto("/library/suggest")
    phone.get_by_role("button", name="Suggest it").click()
    expect(phone.locator(".field-error").first).to_be_visible()
    assert_no_serious_violations(phone)
    phone.get_by_label("Title").fill("Grokking recursion, a talk")
    phone.get_by_label("Link").fill("https://www.youtube.com/watch?v=ngCos392W4w&utm_source=x")
    phone.get_by_role("combobox", name="Level", exact=True).select_option("beginner")
    phone.get_by_label("Learning style").select_option("talk")
    phone.get_by_role("button", name="Suggest it").click()
    expect(phone.get_by_role("status")).to_contain_text("waits for a mentor")

    mentor = browse(MENTOR)
    mentor.goto("/library/suggestions")
    expect(mentor.locator(".resource-card").first).to_contain_text("Grokking recursion")
    mentor.screenshot(path=str(artifacts / "library-suggestions.png"), full_page=True)
    assert_no_serious_violations(mentor)
    mentor.goto("/library/new")
    mentor.get_by_role("button", name="Add to the library").click()
    expect(mentor.locator("#f-title-error")).to_be_visible()
    mentor.screenshot(path=str(artifacts / "library-add-form.png"), full_page=True)
    assert_no_serious_violations(mentor)
