"""What a dashboard shows of its owner, against a real server: their badges with the dates
(in the page, the JSON and live over SSE when one is newly earned), the community's open
questions for those who offer skills (live when one is asked), and the mentor's way from a
mentee to their encounters in one click."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa

from collab import edits
from storage.badge_queries import badges_of
from storage.database import make_engine
from storage.encounter_queries import recorded_by_mentor
from tests.encounters import encounter_id, mentorship, record
from tests.people import import_personas
from tests.people import user_id as people_id
from tests.polling import until
from tests.read_model_checks import database_of, user_id
from tests.web import WEB_ENV, csrf_token, signed_in
from tests.yclient import connected

MEMBER = "mia@example.org"
MENTOR = "max@example.org"
CHARLIE, MILES, JULIAN, KENJI = (
    "charlie@example.org", "miles@example.org", "julian@example.org", "kenji@example.org",
)  # the personas: Charlie a member who offers skills, Julian one who offers none  # fmt: skip


@pytest.fixture
def web_server(server_factory):
    return server_factory(**WEB_ENV, READ_MODEL_DELAY_SECONDS="0.1")


async def messages(stream: httpx.Response) -> AsyncIterator[str]:
    """The stream's SSE messages, each one's data joined."""
    data: list[str] = []
    async for line in stream.aiter_lines():
        if line.startswith("data: "):
            data.append(line.removeprefix("data: "))
        elif not line and data:
            yield "\n".join(data)
            data = []


async def next_with(found: AsyncIterator[str], text: str) -> str:
    """The first message holding `text` (the stream's keepalives pass by)."""
    async for message in found:
        if text in message:
            return message
    raise AssertionError(f"the stream ended before {text!r}")


async def test_a_badge_newly_earned_shows_on_the_dashboard_live_and_in_its_json(web_server):
    doc_id, token = web_server.new_curriculum(MEMBER, mentors=(MENTOR,))
    async with signed_in(web_server, MEMBER) as member:
        page = (await member.get("/dashboard")).text
        assert "Badges" in page and "No badges yet: your first finished resource" in page
        async with member.stream("GET", "/dashboard/stream") as stream:
            found = messages(stream)
            first = await next_with(found, "Badges")
            assert "No badges yet" in first
            async with connected(web_server.ws_url, doc_id, token=token) as doc:
                item = edits.add_item(doc, title="Recursion kata", status="now")
                edits.move_item(doc, item, "done")
                live = await until(lambda: next_with(found, "First step"), what="the badge, live")
        data = (await member.get("/dashboard", headers={"Accept": "application/json"})).json()
        page = (await member.get("/dashboard")).text
    today = datetime.now(UTC).date()
    assert f'datetime="{today.isoformat()}"' in live  # the date it was earned
    [badge] = data["badges"]
    assert badge["code"] == "first-finish" and badge["title"] == "First step"
    assert badge["earned_at"].startswith(today.isoformat())
    assert "First step" in page and f">{today.day} {today.strftime('%B %Y')}</time>" in page
    assert "questions_to_answer" not in data  # Mia offers no skills


async def test_a_mentor_sees_their_own_badges_not_their_mentees(web_server):
    doc_id, token = web_server.new_curriculum(MEMBER, mentors=(MENTOR,))
    async with connected(web_server.ws_url, doc_id, token=token) as doc:
        item = edits.add_item(doc, title="Recursion kata", status="now")
        edits.move_item(doc, item, "done")
        goal = edits.set_goal(doc, title="Pass the interview")
        edits.set_goal(doc, goal, done=True)
    async with signed_in(web_server, MENTOR) as mentor:
        data = await until(
            lambda: mentor.get("/dashboard", headers={"Accept": "application/json"}),
            lambda answer: answer.json()["badges"],
            what="the mentor's badge",
        )
        page = (await mentor.get("/dashboard")).text
    assert [b["code"] for b in data.json()["badges"]] == ["mentee-first-goal"]
    assert "A mentee&#39;s first goal" in page and "First step" not in page
    with database_of(web_server) as engine:
        assert user_id(engine, MENTOR)


@pytest.fixture
def programme(server_factory, smtp, tmp_path):
    """The personas (Charlie a member, Miles a mentor) on a real server."""
    server = server_factory(**WEB_ENV, **smtp.env())
    import_personas(server, tmp_path)
    return server


async def test_a_mentor_recording_five_encounters_earns_the_badge_exactly_once(programme):
    url = programme.env["DATABASE_URL"]
    await mentorship(programme, CHARLIE, MILES)
    charlie, miles_id = people_id(url, CHARLIE), people_id(url, MILES)

    async def codes(http) -> list[str]:
        found = await http.get("/dashboard", headers={"Accept": "application/json"})
        return [badge["code"] for badge in found.json()["badges"]]

    async with signed_in(programme, MILES) as miles:
        for _ in range(4):
            encounter_id(await record(miles, charlie))
        assert "encounters-5" not in await codes(miles)  # four: not yet
        async with miles.stream("GET", "/dashboard/stream") as stream:
            found = messages(stream)
            await next_with(found, "Badges")
            encounter_id(await record(miles, charlie))  # the fifth
            live = await until(lambda: next_with(found, "Five encounters"), what="it, live")
        encounter_id(await record(miles, charlie))  # a sixth changes nothing
        assert (await codes(miles)).count("encounters-5") == 1
    assert "award-encounters-5" in live
    engine = make_engine(url)
    try:
        fifth = recorded_by_mentor(engine, miles_id)[4]
        [badge] = [b for b in badges_of(engine, miles_id) if b.code == "encounters-5"]
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT count(*) FROM badge_award WHERE user_id = :u AND code = :c"),
                {"u": miles_id, "c": "encounters-5"},
            ).scalar_one()
    finally:
        engine.dispose()
    assert rows == 1
    assert badge.earned_at.replace(tzinfo=None) == fifth.replace(tzinfo=None)  # dated by the 5th


async def ask(browser, title: str, skills: str) -> int:
    token = await csrf_token(browser, "/community")
    data = {"title": title, "body": "Details.", "skills": skills, "csrf_token": token}
    asked = await browser.post("/community", data=data)
    assert asked.status_code == 303, asked.text
    return int(asked.headers["location"].rsplit("/", 1)[1])


async def test_questions_reach_the_dashboards_of_those_who_offer_their_skills_live(programme):
    recursion = "How do I stop freezing on recursion questions?"
    async with signed_in(programme, MILES) as miles:  # a mentor who offers recursion
        empty = (await miles.get("/dashboard")).text
        assert "Questions you can answer" in empty and "No open question needs" in empty
        assert 'href="/community"' in empty
        async with miles.stream("GET", "/dashboard/stream") as stream:
            found = messages(stream)
            await next_with(found, "No open question needs")
            async with signed_in(programme, JULIAN) as julian:
                question = await ask(julian, recursion, "Recursion, coding interview")
            live = await until(lambda: next_with(found, "freezing on recursion"), what="live")
        assert f'href="/community/{question}"' in live and "Asked by Julian" in live
        assert "Recursion" in live and "0 answers" in live
        async with signed_in(programme, KENJI) as kenji:
            token = await csrf_token(kenji, "/community")
            answered = await kenji.post(
                f"/community/{question}/answers", data={"body": "Trace it.", "csrf_token": token}
            )
            assert answered.status_code == 303
        data = (await miles.get("/dashboard", headers={"Accept": "application/json"})).json()
    [listed] = data["questions_to_answer"]
    assert listed == {"id": question, "title": recursion, "skills": ["recursion",
                      "coding-interviews"], "asker": listed["asker"], "answers": 1,
                      "url": f"/community/{question}"}  # fmt: skip
    async with signed_in(programme, CHARLIE) as charlie:  # a member who offers javascript
        assert "No open question needs" in (await charlie.get("/dashboard")).text
        async with signed_in(programme, JULIAN) as julian:
            other = await ask(julian, "Why is this closure stale in my loop?", "javascript")
            mine = (await julian.get("/dashboard")).text
        page = (await charlie.get("/dashboard")).text
    assert f'href="/community/{other}"' in page and f'href="/community/{question}"' not in page
    assert "Questions you can answer" not in mine  # Julian offers no skill


async def test_a_mentor_goes_from_the_dashboard_to_a_mentees_encounters_in_one_click(programme):
    url = programme.env["DATABASE_URL"]
    doc_id = await mentorship(programme, CHARLIE, MILES)
    charlie = people_id(url, CHARLIE)
    async with connected(programme.ws_url, doc_id, token=programme.token(MILES)) as doc:
        edits.add_item(doc, title="Recursion kata", status="now")  # the read model has it
    julian = people_id(url, JULIAN)  # co-edited by Miles without a mentorship
    other, token = programme.new_curriculum(JULIAN, mentors=(MILES,), title="Julian's")
    async with connected(programme.ws_url, other, token=token) as doc:
        edits.add_item(doc, title="Career talk", status="now")
    listing, new = f"/people/{charlie}/encounters", f"/people/{charlie}/encounters/new"
    async with signed_in(programme, MILES) as miles:
        page = await until(
            lambda: miles.get("/dashboard"),
            lambda page: f'href="{listing}"' in page.text,
            what="the mentee on the dashboard",
        )
        assert f'href="{new}">Record an encounter with Charlie</a>' in page.text
        assert f'href="{listing}">Encounters with Charlie</a>' in page.text
        page = await until(
            lambda: miles.get("/dashboard"),
            lambda page: "Julian&#39;s" in page.text,
            what="both mentees",
        )
        assert f"/people/{julian}/encounters" not in page.text  # it would answer 403
        chooser = await miles.get(new)
        assert chooser.status_code == 200 and "First meeting" in chooser.text
        created = encounter_id(await record(miles, charlie))
        assert f'href="/encounters/{created}"' in (await miles.get(listing)).text
        data = (await miles.get("/dashboard", headers={"Accept": "application/json"})).json()
    assert sorted(m["member_id"] for m in data["mentees"]) == sorted([charlie, julian])
    programme.add_user("sam@example.org", role="staff", name="Sam")
    async with signed_in(programme, "sam@example.org") as sam:
        staff = (await sam.get("/dashboard")).text
    assert "Charlie" in staff and f'href="{new}"' not in staff  # staff do not record them
