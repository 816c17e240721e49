"""In a real browser: following a resource's link records the member's start (by a
same-origin POST), and every htmx request carries the CSRF header."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Route, expect

from tests.server_process import ServerProcess

from .conftest import (
    MEMBER,
    MENTOR,
    EditorFactory,
    assert_no_serious_violations,
    new_context,
    new_curriculum,
)
from .test_editor import add_card, card

RESOURCE = "https://resources.example/"


def started_at(context: BrowserContext, doc_id: str, title: str) -> Any:
    """When the member started the card, as the server holds it (their data export)."""
    export = context.request.get("/settings/export").json()
    curriculum = next(c for c in export["curricula"] if c["id"] == doc_id)
    return next(i for i in curriculum["items"] if i["title"] == title)["started_at"]


def wait_for_start(context: BrowserContext, doc_id: str, title: str) -> str:
    deadline = time.monotonic() + 10
    while (stamp := started_at(context, doc_id, title)) is None:
        assert time.monotonic() < deadline, "the start was never recorded"
        time.sleep(0.05)
    return str(stamp)


def member_context(browser: Browser, server: ServerProcess) -> BrowserContext:
    context = new_context(browser, server, MEMBER)
    # the resource itself is out on the internet: answer for it here
    context.route(f"{RESOURCE}**", lambda route: route.fulfill(body="<p>the resource</p>"))
    return context


def test_following_a_link_on_the_timeline_and_in_the_editor_records_the_start(
    browser: Browser, editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc_id = new_curriculum(mentorhub)
    page = editor(doc_id, MENTOR)
    add_card(page, "SRE book", status="next", url=f"{RESOURCE}sre")
    add_card(page, "Kubernetes basics", status="later", url=f"{RESOURCE}k8s")
    context = member_context(browser, mentorhub)

    timeline = context.new_page()
    timeline.goto(f"/curricula/{doc_id}/timeline")
    link = timeline.get_by_role("link", name="SRE book")
    expect(link).to_have_attribute("href", f"/curricula/{doc_id}/items/{link_id(link)}/open")
    assert started_at(context, doc_id, "SRE book") is None  # the page changed nothing
    link.click()
    timeline.wait_for_url(f"{RESOURCE}sre")
    wait_for_start(context, doc_id, "SRE book")

    member_editor = context.new_page()
    member_editor.goto(f"/curricula/{doc_id}")
    member_editor.wait_for_function("() => window.mentorhub && window.mentorhub.provider.synced")
    card_link = card(member_editor, "Kubernetes basics").get_by_role("link")
    assert started_at(context, doc_id, "Kubernetes basics") is None
    card_link.click()
    member_editor.wait_for_url(f"{RESOURCE}k8s")
    wait_for_start(context, doc_id, "Kubernetes basics")
    expect(card(page, "Kubernetes basics")).to_contain_text("Started", timeout=5_000)
    context.close()


def link_id(link: Any) -> str:
    return str(link.get_attribute("href")).split("/")[-2]


def test_htmx_requests_carry_the_csrf_header(
    browser: Browser, editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc_id = new_curriculum(mentorhub)
    page = editor(doc_id, MENTOR)
    add_card(page, "Linux command line basics", status="next")
    timeline = new_context(browser, mentorhub, MENTOR).new_page()
    timeline.goto(f"/curricula/{doc_id}/timeline")
    token = timeline.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    sent: list[dict[str, str]] = []

    def watch(route: Route) -> None:
        sent.append(route.request.headers)
        route.continue_()

    timeline.route("**/items/*/move", watch)
    # the form's own field is gone: only the header can carry the token now
    timeline.locator('.timeline-next input[name="csrf_token"]').evaluate("input => input.remove()")
    timeline.locator(".timeline-next").get_by_role("button", name="Start now").click()
    expect(timeline.locator(".timeline-now")).to_contain_text("Linux command line basics")
    assert sent and sent[0].get("x-csrf-token") == token and sent[0].get("hx-request") == "true"
    assert_no_serious_violations(timeline)
