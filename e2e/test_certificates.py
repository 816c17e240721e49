"""Certificates in a real browser: a member asks and a mentor signs off, each seeing the
other's step live; the certificate page on screen, printed and at phone width, checked
by axe-core and saved as screenshots."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.certificate_flow import Curriculum, add_goal
from tests.server_process import ServerProcess

from .conftest import (
    DESKTOP,
    MEMBER,
    MENTOR,
    PHONE,
    Person,
    assert_no_serious_violations,
    new_context,
)

GOAL = "Be fluent with Git"
ITEMS = [("Pro Git, chapters 1-3", "done"), ("Learn Git Branching", "now")]


@pytest.fixture
def contexts(browser: Browser, mentorhub: ServerProcess) -> Iterator[dict[str, BrowserContext]]:
    """Browser contexts by name (signed in, or anonymous), failing on any page error or
    Content-Security-Policy violation."""
    opened: dict[str, BrowserContext] = {}
    errors: list[str] = []

    def watch(name: str, context: BrowserContext) -> BrowserContext:
        context.on("weberror", lambda error: errors.append(f"{name}: {error.error}"))
        context.on(
            "console",
            lambda m: errors.append(f"{name}: {m.text}") if "Security Policy" in m.text else None,
        )
        opened[name] = context
        return context

    def signed_in(person: Person, viewport: dict[str, int] | None = None) -> BrowserContext:
        return watch(person.email, new_context(browser, mentorhub, person, viewport))

    signed_in(MEMBER)
    signed_in(MENTOR)
    watch("anyone", browser.new_context(base_url=mentorhub.url, viewport=DESKTOP))  # type: ignore[arg-type]
    watch("phone", browser.new_context(base_url=mentorhub.url, viewport=PHONE))  # type: ignore[arg-type]
    yield opened
    for context in opened.values():
        context.close()
    assert not errors, f"errors in the page: {errors}"


def curriculum_with_goal(server: ServerProcess) -> str:
    doc_id, token = server.new_curriculum(MEMBER.email, (MENTOR.email,), title="Appollo's path")
    edit = add_goal(server, Curriculum(doc_id, token), "g-git", GOAL, ITEMS)
    with ThreadPoolExecutor(1) as thread:  # a Yjs client of its own, beside the browser
        thread.submit(asyncio.run, edit).result(timeout=30)
    return doc_id


def test_asking_and_signing_off_show_live_and_the_certificate_page_is_accessible(
    contexts: dict[str, BrowserContext], mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc_id = curriculum_with_goal(mentorhub)
    member = contexts[MEMBER.email].new_page()
    member.goto(f"/curricula/{doc_id}/timeline")
    section = member.locator("#sign-offs")
    expect(section).to_contain_text("still in Now or Next")
    mentor = contexts[MENTOR.email].new_page()
    mentor.goto("/certificates")
    expect(mentor.get_by_text("Nobody is waiting for your sign-off.")).to_be_visible()

    # the member finishes the last item: the section offers sign-off, live
    now = member.locator(".timeline-now .timeline-item", has_text="Learn Git Branching")
    now.get_by_role("button", name="Mark done").click()
    ask = section.get_by_role("button", name=f"Ask for sign-off of “{GOAL}”")
    expect(ask).to_be_visible()
    member.screenshot(path=str(artifacts / "sign-off-ready.png"), full_page=True)
    ask.click()
    expect(section).to_contain_text("Waiting for sign-off")

    # the mentor's page shows the request without a reload; they sign off by keyboard
    sign_off = mentor.get_by_role("button", name=f"Sign off and issue the certificate for “{GOAL}”")
    expect(sign_off).to_be_visible()
    mentor.get_by_label(f"Note for {MEMBER.name} (optional)").focus()
    mentor.keyboard.type("Spotless rebasing.")
    mentor.keyboard.press("Tab")
    expect(sign_off).to_be_focused()
    mentor.keyboard.press("Enter")
    expect(mentor.get_by_role("heading", name="Issued to your mentees")).to_be_visible()
    mentor.screenshot(path=str(artifacts / "certificates-mentor.png"), full_page=True)
    done_with(mentor)

    # the member sees the certificate appear, live, and opens it
    link = section.get_by_role("link", name=f"See the certificate for “{GOAL}”")
    expect(link).to_be_visible()
    expect(member.locator(".goals")).to_contain_text(GOAL)
    certificate_path = link.get_attribute("href")
    assert certificate_path and certificate_path.startswith("/certificates/")
    done_with(member, "#sign-offs")
    mine = contexts[MEMBER.email].new_page()
    mine.goto("/certificates")
    expect(mine.get_by_label("Link to share")).to_have_value(mentorhub.url + certificate_path)
    mine.screenshot(path=str(artifacts / "certificates-member.png"), full_page=True)
    done_with(mine)

    check_the_public_page(contexts["anyone"].new_page(), certificate_path, artifacts)
    phone = contexts["phone"].new_page()
    phone.goto(certificate_path)
    expect(phone.locator(".verdict-valid")).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(artifacts / "certificate-phone.png"), full_page=True)
    assert_no_serious_violations(phone)


def done_with(page: Page, part: str | None = None) -> None:
    """axe-core on a live page, then close it: axe leaves empty `style` attributes behind,
    which htmx would copy onto the next live refresh (a blocked inline style)."""
    assert_no_serious_violations(page, part)
    page.close()


def check_the_public_page(page: Page, certificate_path: str, artifacts: Path) -> None:
    """The page as anyone sees it, without signing in: on screen and printed."""
    page.goto(certificate_path)
    expect(page.locator(".verdict-valid")).to_contain_text("Valid")
    expect(page.get_by_role("heading", level=1)).to_have_text(GOAL)
    expect(page.locator(".certificate")).to_contain_text(MEMBER.name)
    expect(page.locator(".certificate")).to_contain_text(MENTOR.name)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(page.get_by_role("heading", name="Revoke this certificate")).to_have_count(0)
    page.screenshot(path=str(artifacts / "certificate.png"), full_page=True)
    assert_no_serious_violations(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_hidden()
    expect(page.locator(".certificate")).to_be_visible()
    page.screenshot(path=str(artifacts / "certificate-print.png"), full_page=True)
    assert_no_serious_violations(page)
