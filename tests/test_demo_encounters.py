"""The demo at first start has encounters and community questions: Charlie's latest
encounter shows what changed since the one before, by whom, and Miles finds Charlie's
question among those he can answer. Seeding twice adds nothing."""

from __future__ import annotations

import re

from tests.people import counts, user_id
from tests.web import WEB_ENV, signed_in


async def test_the_demo_has_encounters_and_questions(server_factory):
    server = server_factory(**WEB_ENV)
    output = server.cli("seed-demo")
    assert "two encounters of Charlie" in output and "questions to the community" in output
    url = server.env["DATABASE_URL"]
    tables = ["encounter", "community_question", "community_answer"]
    seeded = counts(url, tables)
    assert seeded == {"encounter": 4, "community_question": 3, "community_answer": 2}
    server.cli("seed-demo")
    assert counts(url, tables) == seeded
    charlie = user_id(url, "charlie@example.org")
    async with signed_in(server, "charlie@example.org") as browser:
        listed = (await browser.get(f"/people/{charlie}/encounters")).text
        latest, first = (int(n) for n in re.findall(r'href="/encounters/(\d+)"', listed))
        page = (await browser.get(f"/encounters/{latest}")).text
        since = page.split('id="before-heading"', 1)[1].split("</section>", 1)[0]
        assert "Charlie finished" in since and "Miles added" in since
        assert f'href="/encounters/{first}"' in since
        answers = page.split('class="answers"', 1)[1].split("</dl>", 1)[0]
        assert "too big to finish in one sitting" in answers and "—" not in answers
    async with signed_in(server, "miles@example.org") as browser:
        listing = (await browser.get("/community")).text
        for_you = listing.split('id="for-you-heading"', 1)[1].split("</section>", 1)[0]
        assert "How do I explain my recursive solution out loud" in for_you
