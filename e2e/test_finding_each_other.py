"""From a question to a working mentorship, in real browsers: a member writes a request,
sees mentors ranked with reasons, asks one; the mentor, whose inbox shows it live,
accepts; both open the new curriculum together and edit it; the emails arrive at the
test SMTP server. axe-core and screenshots on the request form and the match list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.oidc_provider import OIDCProvider
from tests.people import import_personas, user_id
from tests.server_process import ServerProcess
from tests.smtp_server import TestSMTPServer

from .conftest import (
    DESKTOP,
    PHONE,
    Person,
    assert_no_serious_violations,
    collect_errors,
    new_context,
    start_server,
    wait_until_live,
)
from .test_editor import add_card, card, expect_column

CHARLIE = Person("charlie@example.org", "Charlie", "member")
MILES = Person("miles@example.org", "Miles", "mentor")
LIVE = 5_000  # ms: pages refresh on a change made by this server at once, else within 5 s


@pytest.fixture(scope="module")
def programme(
    tmp_path_factory: pytest.TempPathFactory, oidc: OIDCProvider, smtp_server: TestSMTPServer
) -> Iterator[ServerProcess]:
    """A server with the people of the user stories, sending email to the test server."""
    folder = tmp_path_factory.mktemp("people-server")
    server = start_server(folder, oidc, **smtp_server.env())
    import_personas(server, folder)
    for person in (CHARLIE, MILES):
        oidc.set_user(person.email, email=person.email, email_verified=True, name=person.name)
    yield server
    server.terminate()


@pytest.fixture
def people(browser: Browser, programme: ServerProcess) -> Iterator[list[str]]:
    """Collects uncaught page errors and CSP violations; the test fails on any."""
    errors: list[str] = []
    yield errors
    assert not errors, f"errors in the page: {errors}"


def open_as(
    browser: Browser,
    server: ServerProcess,
    person: Person,
    errors: list[str],
    viewport: dict[str, int] | None = None,
) -> Page:
    context = new_context(browser, server, person, viewport)
    collect_errors(context, person, errors)
    return context.new_page()


def test_from_a_request_to_a_shared_curriculum(
    browser: Browser,
    programme: ServerProcess,
    smtp_server: TestSMTPServer,
    people: list[str],
    artifacts: Path,
) -> None:
    charlie = open_as(browser, programme, CHARLIE, people)
    charlie.goto("/requests/new")
    expect(charlie.get_by_text("There are no stupid questions")).to_be_visible()
    charlie.get_by_label("What do you want to achieve?").fill(
        "Stop freezing on recursion questions in coding interviews"
    )
    charlie.get_by_label("Why now?").fill("I have three interviews next month.")
    charlie.get_by_label("Hours a week you can give").fill("2")
    charlie.get_by_label("By email").uncheck()
    charlie.get_by_label("Anything else?").fill(
        "Boot camp graduate. Every question that needs recursion makes me freeze."
    )
    add = charlie.get_by_role("button", name="Add Recursion")
    expect(add).to_be_visible()  # suggested from the words, as they are typed
    add.click()
    expect(charlie.get_by_label("Skills")).to_have_value("recursion")
    charlie.screenshot(path=str(artifacts / "request-form.png"), full_page=True)
    assert_no_serious_violations(charlie)

    mentor = open_as(browser, programme, MILES, people)
    mentor.goto("/inbox")
    expect(mentor.get_by_role("heading", name="Requests waiting for your answer")).to_be_visible()
    wait_until_live(mentor)

    charlie.get_by_role("button", name="Find mentors").click()
    expect(charlie).to_have_url(re.compile(r"/requests/\d+$"))
    first = charlie.locator(".match-card").first
    expect(first.get_by_role("heading")).to_have_text("Miles")
    expect(first.locator(".reasons")).to_contain_text("covers recursion")
    expect(charlie.locator(".match-card", has_text="Priya")).to_have_count(0)  # paused
    expect(charlie.locator(".match-card", has_text="Omar")).to_have_count(0)  # full
    charlie.screenshot(path=str(artifacts / "match-list.png"), full_page=True)
    assert_no_serious_violations(charlie)
    first.get_by_role("button", name="Ask Miles").click()
    expect(first).to_contain_text("asked, waiting for an answer")

    waiting = mentor.get_by_role("link", name=re.compile("Stop freezing on recursion"))
    expect(waiting).to_be_visible(timeout=LIVE)  # the inbox refreshed by itself
    mail = smtp_server.inbox.wait_for(lambda got: any(m["To"] == MILES.email for m in got))
    assert any("Charlie asks you to mentor them" in m["Subject"] for m in mail)
    waiting.click()
    mentor.get_by_label("A note to Charlie").fill("Happy to. Bring one problem you got stuck on.")
    mentor.get_by_role("button", name="Accept").click()
    expect(mentor).to_have_url(re.compile(r"/curricula/[A-Za-z0-9_-]+$"))
    doc_id = mentor.url.rsplit("/", 1)[1]
    expect(mentor.locator("#connection")).to_have_attribute("data-state", "connected")

    expect(charlie.get_by_text("Miles accepted your request.")).to_be_visible(timeout=LIVE)
    charlie.get_by_role("link", name="Open your curriculum").click()
    expect(charlie).to_have_url(re.compile(f"/curricula/{doc_id}$"))
    expect(charlie.locator("#connection")).to_have_attribute("data-state", "connected")
    charlie.wait_for_function("() => window.mentorhub && window.mentorhub.provider.synced")
    mentor.wait_for_function("() => window.mentorhub && window.mentorhub.provider.synced")

    add_card(charlie, "Recursion: the base case first", "now", kind="exercise")
    expect_column(mentor, "now", ["Recursion: the base case first"])
    note = card(mentor, "Recursion: the base case first").locator("textarea")
    note.fill("Start with factorial, then tree depth.")
    expect(card(charlie, "Recursion: the base case first").locator("textarea")).to_have_value(
        "Start with factorial, then tree depth.", timeout=LIVE
    )

    mail = smtp_server.inbox.wait_for(lambda got: any(m["To"] == CHARLIE.email for m in got))
    accepted = next(m for m in mail if m["To"] == CHARLIE.email)
    assert accepted["Subject"] == "Miles accepted your request"
    assert f"/curricula/{doc_id}" in accepted.get_content()


def test_the_match_list_at_phone_width(
    browser: Browser, programme: ServerProcess, people: list[str], artifacts: Path
) -> None:
    page = open_as(browser, programme, CHARLIE, people, viewport=PHONE)
    page.goto("/requests/new")
    page.get_by_label("What do you want to achieve?").fill("Learn recursion for interviews")
    page.get_by_label("Hours a week you can give").fill("1")
    page.get_by_label("Skills").fill("recursion, coding interviews")
    page.get_by_role("button", name="Find mentors").click()
    expect(page.locator(".match-card").first.get_by_role("heading")).to_have_text("Miles")
    page.screenshot(path=str(artifacts / "match-list-phone.png"), full_page=True)
    assert_no_serious_violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)


def check_page(page: Page, artifacts: Path, name: str) -> None:
    """A screenshot as an artifact, axe-core without serious violations, no sideways scroll."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert_no_serious_violations(page)
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name


def test_every_people_page_at_phone_width_and_by_keyboard(
    browser: Browser, programme: ServerProcess, people: list[str], artifacts: Path
) -> None:
    charlie = open_as(browser, programme, CHARLIE, people, viewport=PHONE)
    charlie.goto("/requests/new")
    charlie.get_by_role("button", name="Find mentors").click()  # empty: the errors show
    expect(charlie.locator("#error-summary")).to_contain_text("Say in a line")
    check_page(charlie, artifacts, "request-form-errors-phone")

    # the request, by keyboard alone: type, Tab on, Enter to send
    charlie.get_by_label("What do you want to achieve?").focus()
    charlie.keyboard.type("Explain my recursive solutions out loud")
    charlie.keyboard.press("Tab")
    charlie.keyboard.type("Interviewers ask me to talk through my code.")
    charlie.keyboard.press("Tab")
    charlie.keyboard.press("Tab")
    charlie.keyboard.type("1.5")
    charlie.get_by_label("Skills").focus()
    charlie.keyboard.type("recursion")
    charlie.keyboard.press("Enter")
    expect(charlie).to_have_url(re.compile(r"/requests/\d+$"))
    ask_miles = charlie.get_by_role("button", name="Ask Miles")
    ask_miles.focus()
    charlie.keyboard.press("Enter")
    expect(charlie.locator(".match-card").first).to_contain_text("asked, waiting")
    check_page(charlie, artifacts, "request-asked-phone")

    for path, name in (
        ("/requests", "requests-phone"),
        ("/profile", "profile-phone"),
        ("/offers", "offers-phone"),
        ("/settings/notifications", "email-settings-phone"),
    ):
        charlie.goto(path)
        expect(charlie.locator("h1")).to_be_visible()
        check_page(charlie, artifacts, name)
    charlie.goto("/inbox")
    check_page(charlie, artifacts, "inbox-empty-phone")

    miles = open_as(browser, programme, MILES, people, viewport=PHONE)
    miles.goto("/inbox")
    check_page(miles, artifacts, "inbox-phone")
    miles.get_by_role("link", name="Explain my recursive solutions out loud").click()
    expect(miles.get_by_role("heading", level=1)).to_have_text(
        "Explain my recursive solutions out loud"
    )
    check_page(miles, artifacts, "proposal-phone")
    miles.get_by_label("A note to Charlie").focus()
    miles.keyboard.type("I am full this month, sorry: Kenji is great at this.")
    miles.keyboard.press("Tab")  # Accept
    miles.keyboard.press("Tab")  # Decline
    miles.keyboard.press("Enter")
    expect(miles).to_have_url(re.compile(r"/inbox$"))

    miles.goto(f"/people/{miles_id(programme)}")
    check_page(miles, artifacts, "person-phone")
    miles.goto("/offers/new")
    miles.get_by_label("What do you offer?").fill("Mock interview: recursion, one hour")
    miles.get_by_label("Hours a week it takes").fill("1")
    miles.get_by_label("Skills").fill("recursion, coding interviews")
    miles.get_by_role("button", name="Publish the offer").click()
    expect(miles.get_by_role("heading", name="Members it fits")).to_be_visible()
    expect(miles.locator(".match-card").first).to_contain_text("Charlie")
    check_page(miles, artifacts, "offer-phone")


def miles_id(server: ServerProcess) -> int:
    return user_id(server.env["DATABASE_URL"], MILES.email)
