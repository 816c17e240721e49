"""The dashboards against a real server: the numbers of a fixture of events, the JSON with
a personal access token, the live refresh, the workload warning, the mentor's order of
attention and the staff's programme; none of it loads a document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from collab import edits
from domain.learning_events import Transition
from domain.matching import Profile as MatchProfile
from server.read_model_sync import refresh
from storage.profile_queries import update_profile
from storage.read_model_queries import items_of, overviews
from storage.read_model_writer import insert_history
from tests.polling import until
from tests.read_model_checks import database_of, user_id
from tests.test_read_model import room_loads
from tests.web import WEB_ENV, client, signed_in
from tests.yclient import connected

SLOW = "appollo@example.org"
FAST = "fiona@example.org"
NEW = "nina@example.org"
STALLED = "stan@example.org"
MENTOR = "maven@example.org"
LINK = "https://example.org/docker"
K8S = "https://example.org/k8s"
ELSEWHERE = "https://example.org/x"


def set_hours(engine: Engine, email: str, hours: float) -> None:
    update_profile(engine, user_id(engine, email), MatchProfile(email, email, hours_per_week=hours))


def finished(item: str, estimate: int, actual: int, url: str = LINK) -> Transition:
    return Transition(item, "finished", "now", "done", actual, estimate, url)


def replace_history(
    engine: Engine, doc_id: str, history: list[tuple[datetime, Transition, int | None]]
) -> None:
    """The curriculum's events are the fixture's (those its first edits recorded go)."""
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM learning_event WHERE doc_id = :d"), {"d": doc_id})
    if history:
        insert_history(engine, doc_id, history)
    refresh(engine, doc_id)


async def curriculum(server, member: str, title: str, build) -> str:
    """A curriculum of `member` mentored by MENTOR, its cards made by `build(doc)`, once
    the read model has them."""
    doc_id, token = server.new_curriculum(member, mentors=(MENTOR,), title=title)
    async with connected(server.ws_url, doc_id, token=token) as doc:
        expected = build(doc)
        with database_of(server) as engine:
            await until(lambda: len(items_of(engine, doc_id)) == expected, what="the rows")
    return doc_id


def slow_cards(doc) -> int:
    edits.add_item(doc, title="Docker basics", item_id="docker", url=LINK, skills=["docker"],
                   estimate_minutes=60, status="done")  # fmt: skip
    edits.add_item(doc, title="Kubernetes course", item_id="k8s", url=K8S,
                   estimate_minutes=600, status="now")  # fmt: skip
    edits.add_item(doc, title="SRE book", item_id="sre", estimate_minutes=120, status="next")
    edits.set_resume(doc, "Site Reliability Engineer: I run Kubernetes in production.")
    edits.set_goal(doc, "g", title="Ship to Kubernetes", skills=["docker", "kubernetes"])
    return 3


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_the_member_dashboard_shows_hand_computed_numbers_and_loads_no_document(
    server_factory, database, request
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url, **WEB_ENV)
    doc_id = await curriculum(server, SLOW, "Appollo's path", slow_cards)
    now = datetime.now(UTC)
    with database_of(server) as engine:
        set_hours(engine, SLOW, 16.8)  # a tenth of a week: open 2,400 min, worked 240
        member = user_id(engine, SLOW)
        replace_history(
            engine, doc_id, [(now - timedelta(days=7), finished("docker", 60, 2400), member)]
        )
    loads = await room_loads(server)
    async with signed_in(server, SLOW) as http:
        data = (await http.get("/dashboard", headers={"Accept": "application/json"})).json()
        page = (await http.get("/dashboard")).text
    assert data["kind"] == "member"
    assert data["resume"].startswith("Site Reliability Engineer")
    assert data["pace"] == {"ratio": 4.0, "finished_items": 1}  # 240 worked of 60
    assert data["streak_weeks"] == 1  # last week; this week may still come
    weeks = data["weekly_activity"]
    assert len(weeks) == 12 and weeks[-1]["finished"] == 0
    assert (weeks[-2]["finished"], weeks[-2]["minutes"]) == (1, 60)
    burn = data["burn_up"]
    assert [p["done_minutes"] for p in burn[-3:]] == [0, 60, 60]
    assert {p["planned_minutes"] for p in burn} == {60 + 600 + 120}
    assert data["goals"] == [{"id": "g", "title": "Ship to Kubernetes",
                              "skills": ["docker", "kubernetes"], "practised": ["docker"],
                              "done": False, "percent": 50}]  # fmt: skip
    workload = data["workload"]
    assert workload["warning"] is True and workload["expected_minutes"] == 2400
    assert workload["sentence"] == (
        "Now holds 10 h of estimated work. At appollo's pace (4.0x estimates, "
        "from 1 finished item) that is 40 h: 2.4 weeks at 16.8 h a week, above the 2-week "
        "horizon."
    )
    assert "Site Reliability Engineer: I run Kubernetes" in page
    assert page.count("<svg") == 3 and "<desc" in page and "<table>" in page
    assert "4.0x estimates" in page and "Too much in Now." in page
    assert "Kubernetes course" in page and "Docker basics" in page
    assert await room_loads(server) == loads  # read from SQL alone


async def test_the_dashboard_as_json_with_a_personal_access_token(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id = await curriculum(server, SLOW, "Appollo's path", slow_cards)
    other, _ = server.new_curriculum(FAST, title="Fiona's path")
    token = server.token(SLOW)
    bearer = {"Authorization": f"Bearer {token}"}
    async with client(server) as http:
        assert (await http.get("/api/dashboard")).status_code == 401
        wrong = await http.get("/api/dashboard", headers={"Authorization": "Bearer mh_nope"})
        assert wrong.status_code == 401 and "token" in wrong.json()["error"]
        mine = await http.get("/api/dashboard", headers=bearer)
        assert mine.status_code == 200 and mine.json()["curricula"][0]["id"] == doc_id
        accept = await http.get("/dashboard", headers={**bearer, "Accept": "application/json"})
        assert accept.json()["kind"] == "member"
        progress = await http.get(f"/api/curricula/{doc_id}/progress", headers=bearer)
        assert progress.status_code == 200
        numbers = progress.json()
        assert numbers["curriculum"] == doc_id and len(numbers["burn_up"]) == 12
        assert numbers["curricula"][0]["counts"] == {"done": 1, "now": 1, "next": 1, "later": 0}
        hidden = await http.get(f"/api/curricula/{other}/progress", headers=bearer)
        assert hidden.status_code == 404  # another member's: as if it did not exist
        anonymous = await http.get("/dashboard", headers={"Accept": "application/json"})
        assert anonymous.status_code == 401
        assert (await http.get("/dashboard")).headers["location"] == "/auth/login"


async def test_the_dashboard_refreshes_live_when_the_curriculum_changes(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id = await curriculum(server, SLOW, "Appollo's path", slow_cards)
    token = server.token(SLOW)
    async with signed_in(server, SLOW) as http, http.stream("GET", "/dashboard/stream") as stream:
        lines = stream.aiter_lines()
        message, received = "", ""
        while "Kubernetes course" not in received:  # the first message, at once
            line = await anext(lines)
            message, received = (message + line + "\n", received) if line else ("", message)
        async with connected(server.ws_url, doc_id, token=token) as doc:
            edits.add_item(doc, title="Prometheus intro", item_id="prom", status="now")
            while "Prometheus intro" not in received:
                line = await anext(lines)
                message, received = (message + line + "\n", received) if line else ("", message)
    assert "On now" in received and "(2)" in received


async def test_the_workload_warning_slow_fast_and_from_other_members(server_factory):
    server = server_factory(**WEB_ENV)
    slow = await curriculum(server, SLOW, "Appollo's path", slow_cards)

    def fast_cards(doc) -> int:
        edits.add_item(doc, title="Kubernetes course", item_id="k8s", url=K8S,
                       estimate_minutes=600, status="now")  # fmt: skip
        return 1

    fast = await curriculum(server, FAST, "Fiona's path", fast_cards)

    def new_cards(doc) -> int:
        edits.add_item(doc, title="Docker, again", item_id="d", url=LINK, estimate_minutes=60,
                       status="now")  # fmt: skip
        return 1

    new = await curriculum(server, NEW, "Nina's path", new_cards)
    now = datetime.now(UTC)
    with database_of(server) as engine:
        for email in (SLOW, FAST, NEW):
            set_hours(engine, email, 16.8)
        replace_history(engine, slow, [(now - timedelta(days=7), finished("docker", 60, 2400),
                                        user_id(engine, SLOW))])  # fmt: skip
        replace_history(engine, fast, [(now - timedelta(days=7), finished("x", 60, 300, ELSEWHERE),
                                        user_id(engine, FAST))])  # fmt: skip
        replace_history(engine, new, [])
    async with signed_in(server, MENTOR) as http:
        answers = {
            doc_id: (await http.get(f"/curricula/{doc_id}/workload")).json()
            for doc_id in (slow, fast, new)
        }
        timeline = (await http.get(f"/curricula/{slow}/timeline")).text
    assert answers[slow]["warning"] is True and answers[slow]["pace"]["ratio"] == 4.0
    assert answers[fast]["warning"] is False and answers[fast]["pace"]["ratio"] == 0.5
    assert "within the 2-week horizon" in answers[fast]["sentence"]
    # Nina has no history: Appollo's 2,400 minutes on the same link, at her 16.8 h a week
    assert answers[new]["items"] == [{"item_id": "d", "title": "Docker, again",
                                      "estimate_minutes": 60, "expected_minutes": 240,
                                      "source": "others"}]  # fmt: skip
    assert (
        "from other members' times on the same resources that is 4 h" in (answers[new]["sentence"])
    )
    assert "Too much in Now." in timeline and "4.0x estimates" in timeline


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_mentor_and_staff_dashboards_put_who_needs_attention_first(
    server_factory, database, request
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url, **WEB_ENV)
    server.add_user("sam@example.org", role="staff", name="Sam")
    slow = await curriculum(server, SLOW, "Appollo's path", slow_cards)

    def one_card(doc) -> int:
        edits.add_item(doc, title="Small read", item_id="s", estimate_minutes=30, status="now")
        return 1

    fast = await curriculum(server, FAST, "Fiona's path", one_card)
    stalled = await curriculum(server, STALLED, "Stan's path", one_card)
    now = datetime.now(UTC)
    with database_of(server) as engine:
        replace_history(engine, slow, [(now - timedelta(days=2), finished("docker", 60, 2400),
                                        user_id(engine, SLOW))])  # fmt: skip
        replace_history(engine, fast, [(now - timedelta(days=1), finished("x", 60, 300, ELSEWHERE),
                                        user_id(engine, FAST))])  # fmt: skip
        replace_history(engine, stalled, [(now - timedelta(days=30), finished("y", 60, 300),
                                           user_id(engine, STALLED))])  # fmt: skip
        assert overviews(engine, [stalled])[stalled].last_progress_at < now - timedelta(days=29)
    loads = await room_loads(server)
    async with signed_in(server, MENTOR) as http:
        mentor = (await http.get("/dashboard", headers={"Accept": "application/json"})).json()
        page = (await http.get("/dashboard")).text
    order = [(m["member"], m["status"]) for m in mentor["mentees"]]
    assert order == [("stan", "stalled"), ("appollo", "overloaded"), ("fiona", "on track")]
    assert mentor["mentees"][0]["reason"] == "nothing started or finished for 30 days"
    assert mentor["mentees"][1]["now"] == ["Kubernetes course"]
    titles = ("Stan&#39;s path", "Appollo&#39;s path", "Fiona&#39;s path")
    assert page.index(titles[0]) < page.index(titles[1]) < page.index(titles[2])
    async with signed_in(server, "sam@example.org") as http:
        staff = (await http.get("/dashboard", headers={"Accept": "application/json"})).json()
        staff_page = (await http.get("/dashboard")).text
    assert staff["members_per_status"] == {"stalled": 1, "overloaded": 1, "on track": 1}
    assert [m["member"] for m in staff["stalled"]] == ["stan"]
    assert sum(w["finished"] for w in staff["weekly_finished"]) == 3  # the 30-day-old too
    assert "Members per status" in staff_page and "<svg" in staff_page
    assert await room_loads(server) == loads
