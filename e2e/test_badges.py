"""Badges on a profile page, in a real browser: a member finishes five resources and a goal
(through a Yjs client, as their editor would), and their profile shows the badges with
their dates, at desktop and phone width. axe-core and screenshots."""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from collab import edits
from tests.read_model_checks import database_of, user_id
from tests.server_process import ServerProcess
from tests.yclient import connected

from .conftest import (
    DESKTOP,
    MEMBER,
    MENTOR,
    PHONE,
    assert_no_serious_violations,
    collect_errors,
    new_context,
)


async def finish_five_and_a_goal(server: ServerProcess, doc_id: str, token: str) -> None:
    async with connected(server.ws_url, doc_id, token=token) as doc:
        for n in range(5):
            item = edits.add_item(doc, title=f"Chapter {n + 1}", status="now")
            edits.move_item(doc, item, "done")
        edits.set_goal(doc, edits.set_goal(doc, title="Run an on-call week"), done=True)


def open_when_awarded(page: Page, url: str, title: str, timeout: float = 15.0) -> None:
    """Open `url`, loading it again until the badge `title` is on it (the badges come
    once the read model has recorded the finishes)."""
    deadline = time.monotonic() + timeout
    page.goto(url)
    while not page.locator(".award-title", has_text=title).count():
        assert time.monotonic() < deadline, f"no {title!r} badge within {timeout} s"
        page.wait_for_timeout(200)
        page.reload()


def test_a_profile_shows_badges_with_their_dates(
    browser: Browser, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc_id, token = mentorhub.new_curriculum(MEMBER.email, (MENTOR.email,), title="Badges")
    with ThreadPoolExecutor(1) as thread:  # a Yjs client of its own, beside the browser
        thread.submit(asyncio.run, finish_five_and_a_goal(mentorhub, doc_id, token)).result(30)
    with database_of(mentorhub) as engine:
        member_id = user_id(engine, MEMBER.email)
    errors: list[str] = []
    for viewport, name in ((DESKTOP, "profile-badges.png"), (PHONE, "profile-badges-phone.png")):
        context = new_context(browser, mentorhub, MENTOR, viewport)
        collect_errors(context, MENTOR, errors)
        page = context.new_page()
        open_when_awarded(page, f"/people/{member_id}", "Goal reached")
        badges = page.get_by_role("region", name="Badges")
        for title in ("First step", "Five done", "Goal reached"):
            expect(badges.locator(".award-title", has_text=title)).to_be_visible()
        expect(badges.locator("time").first).to_have_attribute(
            "datetime", re.compile(r"^\d{4}-\d\d-\d\d$")
        )
        assert_no_serious_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(artifacts / name), full_page=True)
        context.close()
    assert not errors, f"errors in the page: {errors}"
