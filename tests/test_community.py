"""Asking the community through the pages: a question tagged with skills (synonyms
normalised) reaches the people who offer them first, answers email the asker, only the
asker marks the answer that helped, and a helpful link goes to the library in one action
- added by a mentor or staff, suggested by a member. Bad input is a 4xx, nothing changed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storage.community_queries import open_questions_for
from storage.database import make_engine
from tests.people import counts, import_personas, user_id
from tests.web import WEB_ENV, csrf_token, signed_in

CHARLIE, MILES, KENJI, GEORGE, SAM = (
    "charlie@example.org", "miles@example.org", "kenji@example.org", "george@example.org",
    "sam@example.org",
)  # fmt: skip
TABLES = ["community_question", "community_question_skill", "community_answer", "resource",
          "notification_outbox"]  # fmt: skip
QUESTION = {
    "title": "How do I stop freezing on recursion questions?",
    "body": "I know the theory but blank in interviews.",
    "skills": "Recursion, coding interview",
}
LINK = "https://example.org/thinking-recursively"


@pytest.fixture
def programme(server_factory, database_url, smtp, tmp_path):
    """On SQLite and on PostgreSQL."""
    server = server_factory(database_url, **WEB_ENV, **smtp.env())
    import_personas(server, tmp_path)
    return server


async def post(browser, url: str, **data: str):
    token = await csrf_token(browser, "/community")
    return await browser.post(url, data={**data, "csrf_token": token})


async def ask(browser, **fields: str) -> int:
    answer = await post(browser, "/community", **{**QUESTION, **fields})
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def answer_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/community/answers/(\d+)/helpful"', page)]


def section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]


async def test_a_question_reaches_those_who_offer_its_skills_and_the_answer_helps(programme, smtp):
    url = programme.env["DATABASE_URL"]
    async with signed_in(programme, CHARLIE) as charlie:
        question = await ask(charlie)
        page = (await charlie.get(f"/community/{question}")).text
        assert "Coding interviews" in page and "Recursion" in page  # names from the vocabulary
        assert f'href="/community/{question}"' not in section(
            (await charlie.get("/community")).text, "for-you-heading"
        )  # one's own question is not for answering
    async with signed_in(programme, GEORGE) as george:  # offers design, not recursion
        listing = (await george.get("/community")).text
        assert f'href="/community/{question}"' not in section(listing, "for-you-heading")
        assert f'href="/community/{question}"' in section(listing, "all-heading")
    async with signed_in(programme, MILES) as miles:
        listing = (await miles.get("/community")).text
        assert f'href="/community/{question}"' in section(listing, "for-you-heading")
        posted = await post(
            miles, f"/community/{question}/answers", body=f"Trace small cases by hand: {LINK}."
        )
        assert posted.status_code == 303
    async with signed_in(programme, KENJI) as kenji:
        assert (
            await post(kenji, f"/community/{question}/answers", body="Practise daily.")
        ).status_code == 303

    def told(m):
        return m["To"] == CHARLIE and "answered your question" in m["Subject"]

    mail = smtp.inbox.wait_for(lambda got: sum(map(told, got)) == 2)
    first = next(m for m in mail if told(m) and "Miles" in m["Subject"])
    assert (
        " ".join(first["Subject"].split()) == f"Miles answered your question: {QUESTION['title']}"
    )
    assert LINK in first.get_content() and f"/community/{question}" in first.get_content()

    async with signed_in(programme, CHARLIE) as charlie:
        miles_answer, kenji_answer = answer_ids((await charlie.get(f"/community/{question}")).text)
    async with signed_in(programme, MILES) as miles:
        refused = await post(miles, f"/community/answers/{miles_answer}/helpful")
        assert refused.status_code == 403 and "Only the person who asked" in refused.text
        unmarked = await post(miles, f"/community/answers/{miles_answer}/library")
        assert unmarked.status_code == 409 and "marked as helpful" in unmarked.text
    async with signed_in(programme, CHARLIE) as charlie:
        assert (
            await post(charlie, f"/community/answers/{miles_answer}/helpful")
        ).status_code == 303
        page = (await charlie.get(f"/community/{question}")).text
        assert "helped Charlie" in page and "Suggest the link for the library" in page
        before = counts(url, TABLES)
        suggested = await post(charlie, f"/community/answers/{miles_answer}/library")
        assert suggested.status_code == 303
        page = (await charlie.get(f"/community/{question}")).text
        assert "In the library" in page
        again = await post(charlie, f"/community/answers/{miles_answer}/library")
        assert again.status_code == 409 and "in the library already" in again.text
    after = counts(url, TABLES)
    assert after["resource"] == before["resource"] + 1
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            state, added_by = connection.execute(
                sa.text("SELECT state, added_by FROM resource WHERE url = :u"), {"u": LINK}
            ).one()
        assert (state, added_by) == ("suggested", user_id(url, CHARLIE))
        # answered: no longer among the open questions a helper is shown
        assert question not in [q.id for q in open_questions_for(engine, user_id(url, MILES))]
    finally:
        engine.dispose()
    assert kenji_answer != miles_answer


async def test_a_mentor_adds_a_helpful_link_to_the_library_at_once(programme):
    url = programme.env["DATABASE_URL"]
    async with signed_in(programme, CHARLIE) as charlie:
        question = await ask(charlie, title="Where do I start with dynamic programming?")
    async with signed_in(programme, KENJI) as kenji:
        await post(kenji, f"/community/{question}/answers", body=f"Start here ({LINK}).")
    async with signed_in(programme, CHARLIE) as charlie:
        [answer] = answer_ids((await charlie.get(f"/community/{question}")).text)
        await post(charlie, f"/community/answers/{answer}/helpful")
    async with signed_in(programme, KENJI) as kenji:
        page = (await kenji.get(f"/community/{question}")).text
        assert "Add the link to the library" in page
        added = await post(kenji, f"/community/answers/{answer}/library")
        assert added.status_code == 303
        page = (await kenji.get(f"/community/{question}")).text
        resource = re.search(r'href="/library/(\d+)">In the library', page)
        assert resource, page
        shown = (await kenji.get(f"/library/{resource.group(1)}")).text
        assert "Where do I start with dynamic programming?" in shown
    assert counts(url, ["resource"]) == {"resource": 1}


async def test_bad_input_is_refused_and_changes_nothing(programme):
    url = programme.env["DATABASE_URL"]
    async with signed_in(programme, CHARLIE) as charlie:
        question = await ask(charlie)
        await post(charlie, f"/community/{question}/answers", body="No link here.")
        [answer] = answer_ids((await charlie.get(f"/community/{question}")).text)
        await post(charlie, f"/community/answers/{answer}/helpful")
        before = counts(url, TABLES)
        bad = [
            ("/community", {**QUESTION, "title": "Help"}, 422, "at least 8 characters"),
            ("/community", {**QUESTION, "skills": ""}, 422, "at least one skill"),
            ("/community", {**QUESTION, "skills": "!!!"}, 422, "letter or digit"),
            ("/community", {**QUESTION, "body": "x" * 5001}, 422, "at most 5000"),
            (f"/community/{question}/answers", {"body": "   "}, 422, "Write your answer."),
            (f"/community/answers/{answer}/library", {}, 409, "no link"),
            ("/community/999999/answers", {"body": "Hi"}, 404, ""),
            ("/community/answers/999999/helpful", {}, 404, ""),
            ("/community/answers/nope/library", {}, 404, ""),
        ]
        for target, data, status, message in bad:
            refused = await post(charlie, target, **data)
            assert refused.status_code == status, (target, refused.status_code)
            assert message in refused.text, target
        assert (await charlie.get("/community/999999")).status_code == 404
        assert counts(url, TABLES) == before
