"""Encounters in real browsers: a mentor picks a script and records the notes; the member
reads them at phone width; the latest encounter's "what changed since" refreshes live
as the curriculum changes; the email arrives at the test SMTP server. axe-core and
screenshots on the encounter page."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.encounters import mentorship
from tests.oidc_provider import OIDCProvider
from tests.people import import_personas
from tests.server_process import ServerProcess
from tests.smtp_server import TestSMTPServer
from tests.web import WEB_ENV

from .conftest import (
    DESKTOP,
    PHONE,
    Person,
    assert_no_serious_violations,
    check_page,
    open_as,
    start_server,
)
from .test_editor import add_card, card

CHARLIE = Person("charlie@example.org", "Charlie", "member")
MILES = Person("miles@example.org", "Miles", "mentor")
LIVE = 5_000


@pytest.fixture(scope="module")
def programme(
    tmp_path_factory: pytest.TempPathFactory, oidc: OIDCProvider, smtp_server: TestSMTPServer
) -> Iterator[ServerProcess]:
    """The people of the user stories, Miles mentoring Charlie, email to the test server."""
    folder = tmp_path_factory.mktemp("encounters-server")
    server = start_server(folder, oidc, **smtp_server.env(), **WEB_ENV)
    import_personas(server, folder)
    for person in (CHARLIE, MILES):
        oidc.set_user(person.email, email=person.email, email_verified=True, name=person.name)
    with ThreadPoolExecutor(1) as pool:  # the page helpers are async; Playwright's API is not
        pool.submit(asyncio.run, mentorship(server, CHARLIE.email, MILES.email)).result()
    yield server
    server.terminate()


def test_a_mentor_records_an_encounter_and_sees_what_changes_since(
    browser: Browser,
    programme: ServerProcess,
    smtp_server: TestSMTPServer,
    errors: list[str],
    artifacts: Path,
) -> None:
    miles = open_as(browser, programme, MILES, errors)
    miles.goto("/encounters")
    miles.get_by_role("link", name="Meet Charlie").click()
    check_page(miles, artifacts, "encounter-scripts")
    miles.get_by_role("link", name="First meeting").click()
    expect(miles.get_by_text("This is your first encounter")).to_be_visible()
    miles.get_by_label("What brings you to mentoring").fill("A junior developer job by spring.")
    miles.get_by_label("We agreed how often we meet").check()
    miles.get_by_label("Notes").fill("Weekly on Mondays. Charlie starts with base cases.")
    check_page(miles, artifacts, "encounter-form")
    miles.get_by_role("button", name="Record the encounter").click()
    expect(miles).to_have_url(re.compile(r"/encounters/\d+$"))
    expect(miles.get_by_role("heading", name="First meeting with Charlie")).to_be_visible()
    expect(miles.locator("#since-live")).to_contain_text("Nothing changed")
    check_page(miles, artifacts, "encounter")
    encounter = miles.url

    mail = smtp_server.inbox.wait_for(
        lambda got: any(m["To"] == CHARLIE.email and "encounter" in m["Subject"] for m in got)
    )
    email = next(m for m in mail if m["To"] == CHARLIE.email and "encounter" in m["Subject"])
    assert email["Subject"] == "Miles recorded your encounter: First meeting"
    assert encounter.removeprefix(programme.url) in email.get_content()

    charlie = open_as(browser, programme, CHARLIE, errors, viewport=PHONE)
    charlie.goto("/encounters")
    charlie.get_by_role("link", name="First meeting").click()
    expect(charlie.get_by_text("Weekly on Mondays.")).to_be_visible()
    expect(charlie.get_by_role("link", name="Edit the notes")).to_have_count(0)
    check_page(charlie, artifacts, "encounter-phone")

    # Charlie adds a card on the curriculum: Miles's encounter page shows it by itself
    charlie.get_by_role("link", name="Curriculum").click()
    expect(charlie.locator("#connection")).to_have_attribute("data-state", "connected")
    charlie.set_viewport_size(DESKTOP)
    add_card(charlie, "Recursion: base cases first", "next", kind="exercise")
    expect(miles.locator("#since-live")).to_contain_text(
        "added Recursion: base cases first", timeout=LIVE
    )
    card(charlie, "Recursion: base cases first").locator("textarea").fill("Factorial first.")
    expect(miles.locator("#since-live")).to_contain_text(
        "wrote notes on Recursion: base cases first: “Factorial first.”", timeout=2 * LIVE
    )  # notes change no read-model row: the page checks every few seconds too
    assert_no_serious_violations(miles)
