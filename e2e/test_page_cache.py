"""The browser's cache: a second visit of the editor takes every static file from it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext, expect

from tests.server_process import ServerProcess

from .conftest import MEMBER, new_context, new_curriculum


def visit(context: BrowserContext, doc_id: str) -> dict[str, bool]:
    """Open the editor in a new tab until it is connected; for every static file the tab
    asked for, whether the browser's cache answered (Chrome DevTools Protocol events)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    urls: dict[str, str] = {}
    cached: set[str] = set()

    def sent(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["request"]["url"]

    def response(event: dict[str, Any]) -> None:
        if event["response"].get("fromDiskCache"):
            cached.add(event["requestId"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    cdp.on("Network.responseReceived", response)
    cdp.send("Network.enable")
    page.goto(f"/curricula/{doc_id}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    expect(page.locator("#connection")).to_have_text("Connected")
    page.wait_for_load_state("load")
    page.close()
    return {url: rid in cached for rid, url in urls.items() if "/static/" in url}


def test_a_second_visit_fetches_no_static_file_and_still_connects(
    browser: Browser, mentorhub: ServerProcess
) -> None:
    doc = new_curriculum(mentorhub)
    context = new_context(browser, mentorhub, MEMBER)
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(str(error.error)))
    context.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        start = mentorhub.log_mark()
        first = visit(context, doc)
        between = mentorhub.log_mark()
        second = visit(context, doc)
        end = mentorhub.log_mark()
    finally:
        context.close()
    log = mentorhub.log()
    served_first = log[start:between].count("GET /static/")
    served_second = log[between:end].count("GET /static/")
    # the editor's own modules come as one bundle, under a hashed name, and not one by one
    modules = [url for url in first if "/static/editor" in url]
    assert len(modules) == 1 and "/static/editor.bundle." in modules[0], first
    assert not all(first[url] for url in modules), "the first visit found them in the cache"
    assert set(second) == set(first), "the second visit did not ask for the same files"
    assert all(second.values()), [url for url, hit in second.items() if not hit]
    # and the server's access log agrees: it served the first visit, not the second
    assert served_first >= sum(not hit for hit in first.values()), log[start:between]
    assert served_second == 0, log[between:end]
    assert not problems, problems
