"""What a resource really takes: adding it to curricula reaches open editors and links
the cards; members finishing it move its median time and completion rate; reviews are
for those who finished; ForgetMe takes a member's reviews and name out of the library."""

from __future__ import annotations

from typing import Any

import pytest
from pycrdt import Map

from collab import edits
from collab.schema import read_curriculum
from storage.badge_queries import badges_of
from storage.library_figures import (
    MedianTime,
    finishes_of_resources_added_by,
    median_minutes_by_url,
)
from tests.library_helpers import HX, People, add_resource, post_form, text_of
from tests.polling import until
from tests.web import WEB_ENV, csrf_in, database_mentions, signed_in
from tests.yclient import connected, eventually

MAVEN = "maven@example.org"
MEMBERS = ("ann@example.org", "ben@example.org", "cat@example.org")
URL = "https://sre.google/sre-book/monitoring-distributed-systems/"
NORMAL = "https://sre.google/sre-book/monitoring-distributed-systems"


def card_of(doc: Any, url: str) -> str | None:
    return next((i.id for i in read_curriculum(doc).items if i.url == url), None)


def finish(doc: Any, item_id: str, started: str, finished: str) -> None:
    """What a member's editor writes: started (opened), then moved to Done."""
    edits.mark_started(doc, item_id, started)
    edits.move_item(doc, item_id, "done", when=finished)


async def figures_text(browser: Any, resource_id: int) -> str:
    return text_of((await browser.get(f"/library/{resource_id}", headers=HX)).text)


async def shows(browser: Any, resource_id: int, *wanted: str) -> None:
    async def probe() -> str:
        return await figures_text(browser, resource_id)

    await until(probe, lambda text: all(w in text for w in wanted), what=" and ".join(wanted))


@pytest.fixture
def setup(server_factory):
    server = server_factory(**WEB_ENV)
    people = People(server.env["DATABASE_URL"])
    people.add(MAVEN, "mentor", name="Maven Mentor")
    docs = {m: people.curriculum(m, mentors=(MAVEN,), title=f"{m[:3]}'s path") for m in MEMBERS}
    tokens = {m: people.token(m) for m in MEMBERS}
    yield server, people, docs, tokens
    people.close()


async def test_added_from_the_library_finishing_moves_median_and_completion(setup):
    server, people, docs, tokens = setup
    ann, ben, cat = MEMBERS
    async with signed_in(server, MAVEN) as maven:
        resource = await add_resource(
            maven,
            title="SRE book: Monitoring",
            url=URL,
            skills="sre, monitoring",
            estimate_minutes="90",
            kind="book",
            style="reading",
            level="intermediate",
        )
        await shows(maven, resource, "nobody has finished it yet", "on no curriculum yet")
        async with connected(server.ws_url, docs[ann], token=tokens[ann]) as editor:
            added = await post_form(
                maven,
                f"/library/{resource}/add",
                {"doc_id": docs[ann], "status": "next"},
                headers=HX,
            )
            assert added.status_code == 200 and "” to <a href" in added.text
            # the card reaches the open editor at once, linked by the resource's link
            await eventually(lambda: card_of(editor, NORMAL) is not None, what="the card")
            card = read_curriculum(editor).items[0]
            assert (card.title, card.kind, card.skills, card.estimate_minutes, card.status) == (
                "SRE book: Monitoring",
                "book",
                ("sre", "monitoring"),
                90,
                "next",
            )
            assert card.assigned_by == MAVEN
            twice = await post_form(
                maven, f"/library/{resource}/add", {"doc_id": docs[ann]}, headers=HX
            )
            assert twice.status_code == 409 and "on that curriculum already" in twice.text
            assert len(editor.get("items", type=Map)) == 1
            await shows(maven, resource, "Completion 0% (0 of 1 member)")
            finish(editor, card.id, "2025-03-01T10:00:00Z", "2025-03-01T10:30:00Z")
            await shows(
                maven,
                resource,
                "Median actual time 30 min (1 member)",
                "Completion 100% (1 of 1 member)",
            )

        for member in (ben, cat):
            assert (
                await post_form(
                    maven, f"/library/{resource}/add", {"doc_id": docs[member]}, headers=HX
                )
            ).status_code == 200
        await shows(maven, resource, "Completion 33% (1 of 3 members)")
        async with connected(server.ws_url, docs[ben], token=tokens[ben]) as editor:
            await eventually(lambda: card_of(editor, NORMAL) is not None, what="Ben's card")
            finish(editor, card_of(editor, NORMAL), "2025-03-02T10:00:00Z", "2025-03-02T11:30:00Z")
            await shows(
                maven,
                resource,
                "Median actual time 1 h (2 members)",
                "Completion 67% (2 of 3 members)",
            )

        # a card written by hand with the link another way is the same resource
        dora = "dora@example.org"
        doc = people.curriculum(dora, mentors=(MAVEN,))
        async with connected(server.ws_url, doc, token=people.token(dora)) as editor:
            written = "https://SRE.google/sre-book/monitoring-distributed-systems/?utm_source=mail"
            item = edits.add_item(editor, title="Monitoring chapter", url=written)
            finish(editor, item, "2025-03-03T10:00:00Z", "2025-03-03T10:45:00Z")
            await shows(
                maven,
                resource,
                "Median actual time 45 min (3 members)",
                "Completion 75% (3 of 4 members)",
            )
    # what the workload warning reads: the median for a card's link as written
    assert median_minutes_by_url(people.engine, [written, "https://elsewhere.example/"]) == {
        written: MedianTime(minutes=45, members=3)
    }
    # what the mentors' badge reads: members' finishes of what Maven added
    finishes = finishes_of_resources_added_by(people.engine, people.ids[MAVEN])
    assert [resource_id for resource_id, _ in finishes] == [resource] * 3


async def test_only_who_finished_rates_it_and_the_timeline_asks_them(setup):
    server, people, docs, tokens = setup
    ann, ben, _ = MEMBERS
    async with signed_in(server, MAVEN) as maven:
        resource = await add_resource(maven, url=URL, title="SRE book: Monitoring")
        for member in (ann, ben):
            await post_form(maven, f"/library/{resource}/add", {"doc_id": docs[member]})
    async with signed_in(server, ann) as browser:
        page = f"/library/{resource}"
        early = await post_form(browser, f"{page}/review", {"rating": "4"}, page=page)
        assert early.status_code == 403  # not finished yet
        assert "Rate and review" not in (await browser.get(page)).text
        async with connected(server.ws_url, docs[ann], token=tokens[ann]) as editor:
            await eventually(lambda: card_of(editor, NORMAL) is not None, what="the card")
            finish(editor, card_of(editor, NORMAL), "2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z")
        timeline = f"/curricula/{docs[ann]}/timeline"

        async def prompt() -> str:
            return (await browser.get(timeline)).text

        text = await until(prompt, lambda t: "Rate and review it" in t, what="the prompt")
        assert f'href="/library/{resource}#review"' in text
        # the page reads the read model, a moment behind the timeline's document
        await until(lambda: browser.get(page), lambda r: "Rate and review" in r.text)
        bad = await post_form(browser, f"{page}/review", {"rating": "7", "text": "?"}, page=page)
        assert bad.status_code == 422 and "Choose a rating from 1 to 5." in bad.text
        saved = await post_form(
            browser,
            f"{page}/review",
            {"rating": "4", "text": "The golden signals, at last."},
            page=page,
        )
        assert saved.status_code == 303
        # awarded before the answer: Ann's first review earns her the "First review" badge
        assert "first-review" in [b.code for b in badges_of(people.engine, people.ids[ann])]
        assert "Your rating: 4 of 5" in (await browser.get(timeline)).text
        resaved = await post_form(browser, f"{page}/review", {"rating": "5"}, page=page)
        assert resaved.status_code == 303
        await shows(browser, resource, "Rating 5.0 / 5 (1 rating)", "edited")
    async with signed_in(server, ben) as browser:  # Ben has it on his curriculum, unfinished
        refused = await post_form(
            browser, f"/library/{resource}/review", {"rating": "1"}, page=f"/library/{resource}"
        )
        assert refused.status_code == 403
        await shows(browser, resource, "Rating 5.0 / 5 (1 rating)")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_forget_me_takes_reviews_and_names_out_of_the_library(
    server_factory, database, request
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url, **WEB_ENV)
    url = server.env["DATABASE_URL"]
    name, email = "Appollo Apprentice", "appollo@example.org"
    people = People(url)
    try:
        people.add(MAVEN, "mentor", name="Maven Mentor")
        people.add(email, name=name)
        mine = people.curriculum(email, mentors=(MAVEN,))
        dora_doc = people.curriculum("dora@example.org", mentors=(MAVEN,))
        appollo_token, dora_token = people.token(email), people.token("dora@example.org")
    finally:
        people.close()
    async with signed_in(server, MAVEN) as maven:
        resource = await add_resource(maven, url=URL, title="SRE book: Monitoring")
        for doc_id in (mine, dora_doc):
            await post_form(maven, f"/library/{resource}/add", {"doc_id": doc_id})
    for doc_id, token in ((mine, appollo_token), (dora_doc, dora_token)):
        async with connected(server.ws_url, doc_id, token=token) as editor:
            await eventually(lambda editor=editor: card_of(editor, NORMAL) is not None)
            finish(editor, card_of(editor, NORMAL), "2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z")
    async with signed_in(server, email) as appollo:
        page = f"/library/{resource}"
        await until(lambda: appollo.get(page), lambda r: "Rate and review" in r.text)
        await post_form(appollo, f"{page}/review", {"rating": "1", "text": "Too long."}, page=page)
        suggested = await post_form(
            appollo,
            "/library/suggest",
            {
                "title": f"{name}'s notes on alerting",
                "url": "https://appollo.example/notes",
                "level": "beginner",
                "style": "reading",
                "description": f"Written by {name} ({email}).",
            },
            page="/library/suggest",
        )
        assert suggested.status_code == 303
    async with signed_in(server, "dora@example.org") as dora:
        await until(lambda: dora.get(page), lambda r: "Rate and review" in r.text)
        await post_form(
            dora,
            f"{page}/review",
            {"rating": "5", "text": f"{name} was wrong: it is short."},
            page=page,
        )
        await shows(dora, resource, "Rating 3.0 / 5 (2 ratings)")
    async with signed_in(server, MAVEN) as maven:
        queue = (await maven.get("/library/suggestions")).text
        notes = int(queue.split("/library/", 2)[1].split('"')[0].split("/")[0])
        assert (await post_form(maven, f"/library/{notes}/accept", {})).status_code == 303
        assert "Added by Appollo Apprentice" in text_of((await maven.get(f"/library/{notes}")).text)
    assert database_mentions(url, [email, name])

    async with signed_in(server, email) as appollo:
        export = (await appollo.get("/settings/export")).json()["library"]
        assert [(r["resource"], r["rating"]) for r in export["reviews"]] == [(NORMAL, 1)]
        assert [r["state"] for r in export["resources_added"]] == ["accepted"]
        forget = (await appollo.get("/settings/forget")).text
        gone = await appollo.post(
            "/settings/forget", data={"csrf_token": csrf_in(forget), "confirm": "yes"}
        )
        assert gone.status_code == 200
    assert database_mentions(url, [email, name]) == []
    async with signed_in(server, MAVEN) as maven:
        # Appollo's rating has left the average; Dora's review no longer names him
        await shows(maven, resource, "Rating 5.0 / 5 (1 rating)", "former member was wrong")
        kept = text_of((await maven.get(f"/library/{notes}")).text)
        assert "former member's notes on alerting" in kept and "Added by" not in kept
        # his finish left the figures with him; Dora's stays
        await shows(maven, resource, "Median actual time 1 h (1 member)")
