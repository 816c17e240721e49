"""Joining, in a real browser: a stranger fills the become-a-mentor form by keyboard
alone at phone width (a mistake first, then put right), staff accept the application on
the review page, and the new mentor signs in through the provider. axe-core on the
form, its errors and the review pages; screenshots saved as artifacts."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.oidc_provider import OIDCProvider
from tests.server_process import ServerProcess

from .conftest import (
    DESKTOP,
    PHONE,
    STAFF,
    Person,
    assert_no_serious_violations,
    collect_errors,
    new_context,
)

NORA = Person("nora.newcomer@example.org", "Nora Newcomer", "mentor")


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def type_into_focused(page: Page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def test_a_stranger_applies_by_keyboard_and_staff_accept(
    browser: Browser, mentorhub: ServerProcess, oidc: OIDCProvider, artifacts: Path
) -> None:
    errors: list[str] = []
    stranger = browser.new_context(base_url=mentorhub.url, viewport=PHONE)  # type: ignore[arg-type]
    collect_errors(stranger, Person("stranger@example.org", "Stranger"), errors)
    page = stranger.new_page()
    page.goto("/")
    page.get_by_role("link", name="Join").click()
    page.get_by_role("link", name="Become a mentor").click()
    expect(page.get_by_role("heading", name="Become a mentor")).to_be_visible()
    no_horizontal_scroll(page)
    assert_no_serious_violations(page)
    page.screenshot(path=str(artifacts / "join-mentor-form-phone.png"), full_page=True)

    # By keyboard alone, in the order the fields come; "why" left empty at first.
    page.get_by_label("Your name").focus()
    type_into_focused(page, NORA.name)
    type_into_focused(page, NORA.email)
    type_into_focused(page, "Python, code review")
    expect(page.get_by_label("Working knowledge")).to_be_focused()  # the checked level
    page.keyboard.press("ArrowUp")  # the level above: expert
    expect(page.get_by_label("Expert")).to_be_checked()
    page.keyboard.press("Tab")
    type_into_focused(page, "2")  # hours a week
    type_into_focused(page, "1")  # mentees at once
    expect(page.get_by_label("Live sessions")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Written reviews")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Time zone")).to_be_focused()
    page.keyboard.type("Europe/Lisbon")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    page.keyboard.press("Tab")  # to "why", left empty
    page.keyboard.press("Tab")  # to "about"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my application")).to_be_focused()
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("why you want to join")
    expect(page.get_by_label("Why do you want to join?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your name")).to_have_value(NORA.name)  # what was typed stays
    no_horizontal_scroll(page)
    assert_no_serious_violations(page)
    page.screenshot(path=str(artifacts / "join-mentor-form-errors-phone.png"), full_page=True)
    summary.get_by_role("link").click()  # the summary leads to the field
    expect(page.get_by_label("Why do you want to join?")).to_be_focused()
    page.keyboard.type("Reviews taught me most; I want to give that back.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    stranger.close()

    staff = new_context(browser, mentorhub, STAFF, DESKTOP)
    collect_errors(staff, STAFF, errors)
    review = staff.new_page()
    review.goto("/")
    review.get_by_role("link", name="Applications").click()
    assert_no_serious_violations(review)
    review.screenshot(path=str(artifacts / "applications.png"), full_page=True)
    review.get_by_role("link", name=NORA.name).click()
    expect(review.get_by_role("heading", name=NORA.name)).to_be_visible()
    expect(review.locator(".facts")).to_contain_text("Python")
    expect(review.locator(".facts")).to_contain_text("Europe/Lisbon")
    assert_no_serious_violations(review)
    review.screenshot(path=str(artifacts / "application-review.png"), full_page=True)
    review.get_by_label("Note").fill("Welcome, Nora: reviews are what members ask for most.")
    review.get_by_role("button", name="Accept and send the welcome email").click()
    expect(review.locator(".badge-accepted")).to_be_visible()
    review.get_by_role("link", name=NORA.name).click()  # the new profile
    expect(review.get_by_role("heading", name=NORA.name)).to_be_visible()
    expect(review.locator(".facts")).to_contain_text("Written reviews")
    staff.close()

    # The new mentor signs in through the provider with the email she applied with.
    oidc.set_user(NORA.email, email=NORA.email, email_verified=True, name=NORA.name)
    nora = new_context(browser, mentorhub, NORA, PHONE)
    collect_errors(nora, NORA, errors)
    mine = nora.new_page()
    mine.goto("/profile")
    expect(mine.get_by_label("Hours a week you have for mentoring")).to_have_value("2")
    expect(mine.get_by_role("button", name=f"Sign out {NORA.name}")).to_be_attached()
    nora.close()
    assert not errors, f"errors in the page: {errors}"
