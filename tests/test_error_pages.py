"""A person who follows a dead link, or one not open to them, gets a page in the site's
frame with a way on; programs and htmx keep the plain answer."""

from __future__ import annotations

import pytest

from tests.web import WEB_ENV, client, signed_in

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
MEMBER = "appollo@example.org"


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


async def test_a_missing_page_is_a_page_with_the_navigation_and_a_way_on(server):
    server.add_user(MEMBER, name="Appollo")
    async with signed_in(server, MEMBER) as browser:
        page = await browser.get("/no-such-page", headers=BROWSER)
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
        assert "<h1>Page not found</h1>" in page.text and 'href="/dashboard"' in page.text
        assert 'aria-label="Main"' in page.text  # the site's navigation
        curriculum = await browser.get("/curricula/not-yours", headers=BROWSER)
        assert curriculum.status_code == 404 and "Page not found" in curriculum.text
    async with client(server) as visitor:
        page = await visitor.get("/no-such-page", headers=BROWSER)
        assert page.status_code == 404 and 'href="/auth/login"' in page.text


async def test_programs_and_htmx_keep_the_plain_answer(server):
    async with client(server) as program:
        plain = await program.get("/no-such-page")
        assert plain.status_code == 404 and plain.text == "Not Found"
        htmx = await program.get("/no-such-page", headers={**BROWSER, "HX-Request": "true"})
        assert htmx.status_code == 404 and htmx.text == "Not Found"
        posted = await program.post("/no-such-page", headers=BROWSER)
        assert posted.status_code in (403, 404) and "<html" not in posted.text
