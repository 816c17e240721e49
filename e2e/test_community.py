"""Asking the community in real browsers: a member asks at phone width; a mentor who
offers the skill finds it among the questions they can answer and answers; the asker's
page shows the answer by itself (SSE); the asker marks it as the one that helped and
suggests its link for the library; the email arrives at the test SMTP server. axe-core
and screenshots on the community page and a question."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.oidc_provider import OIDCProvider
from tests.people import import_personas
from tests.server_process import ServerProcess
from tests.smtp_server import TestSMTPServer

from .conftest import (
    PHONE,
    Person,
    check_page,
    open_as,
    start_server,
    wait_until_live,
)

CHARLIE = Person("charlie@example.org", "Charlie", "member")
MILES = Person("miles@example.org", "Miles", "mentor")
LIVE = 5_000
TITLE = "How do I stop freezing on recursion questions?"


@pytest.fixture(scope="module")
def programme(
    tmp_path_factory: pytest.TempPathFactory, oidc: OIDCProvider, smtp_server: TestSMTPServer
) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("community-server")
    server = start_server(folder, oidc, **smtp_server.env())
    import_personas(server, folder)
    for person in (CHARLIE, MILES):
        oidc.set_user(person.email, email=person.email, email_verified=True, name=person.name)
    yield server
    server.terminate()


def test_a_question_gets_a_helpful_answer_that_goes_to_the_library(
    browser: Browser,
    programme: ServerProcess,
    smtp_server: TestSMTPServer,
    errors: list[str],
    artifacts: Path,
) -> None:
    charlie = open_as(browser, programme, CHARLIE, errors, viewport=PHONE)
    charlie.goto("/community")
    charlie.get_by_role("link", name="Ask a question").click()
    charlie.get_by_role("button", name="Ask the community").click()  # empty: errors show
    expect(charlie.locator("#error-summary")).to_contain_text("at least one skill")
    check_page(charlie, artifacts, "community-ask-errors-phone")
    miles = open_as(browser, programme, MILES, errors)
    miles.goto("/community")
    wait_until_live(miles)

    # the question, by keyboard alone: type, Tab on, Enter to send
    charlie.get_by_label("Your question").focus()
    charlie.keyboard.type(TITLE)
    charlie.keyboard.press("Tab")
    charlie.keyboard.type("I know the theory but blank in interviews.")
    charlie.keyboard.press("Tab")
    charlie.keyboard.type("Recursion, coding interview")
    charlie.keyboard.press("Enter")
    expect(charlie).to_have_url(re.compile(r"/community/\d+$"))
    expect(charlie.get_by_text("No answers yet.")).to_be_visible()
    check_page(charlie, artifacts, "community-question-phone")
    wait_until_live(charlie)

    for_you = miles.locator(
        "section", has=miles.get_by_role("heading", name="Questions you can answer")
    )
    expect(for_you.get_by_role("link", name=TITLE)).to_be_visible(timeout=LIVE)  # by itself
    check_page(miles, artifacts, "community")
    for_you.get_by_role("link", name=TITLE).click()
    miles.get_by_role("textbox", name="Answer").fill(
        "Trace three small cases by hand first: https://example.org/thinking-recursively"
    )
    miles.get_by_role("button", name="Post the answer").click()
    expect(miles.locator("#answers-live")).to_contain_text("Trace three small cases")

    answer = charlie.locator("#answers-live li", has_text="Trace three small cases")
    expect(answer).to_be_visible(timeout=LIVE)  # the asker's page refreshed by itself
    mail = smtp_server.inbox.wait_for(lambda got: any(m["To"] == CHARLIE.email for m in got))
    told = next(m for m in mail if m["To"] == CHARLIE.email)
    assert " ".join(told["Subject"].split()) == f"Miles answered your question: {TITLE}"

    answer.get_by_role("button", name="Mark the answer of Miles as the one that helped").click()
    expect(charlie.locator("#answers-live")).to_contain_text("helped Charlie")
    charlie.get_by_role("button", name="Suggest the link for the library").click()
    expect(charlie.get_by_role("link", name="In the library")).to_be_visible()
    check_page(charlie, artifacts, "community-answered-phone")
    expect(miles.locator("#answers-live")).to_contain_text("helped Charlie", timeout=LIVE)
