"""Skill suggestions from the reverse resume, a tag's canonical name, and coverage of the
goals, through the real endpoints of the editor's dream job panel (server/goals/)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pycrdt import Map

from tests.polling import until
from tests.server_process import ServerProcess
from tests.web import WEB_ENV, csrf_in, signed_in
from tests.yclient import connected

MEMBER, MENTOR, STRANGER = "appollo@example.org", "maven@example.org", "sam@example.org"
RESUME = """Senior Site Reliability Engineer
I run k8s clusters on AWS, keep Postgres healthy and own the CI/CD pipelines.
Daily: Python, Terraform, on-call, and some yak shaving."""


@pytest.fixture
def server(server_factory) -> ServerProcess:
    return server_factory(**WEB_ENV)


async def post(browser: httpx.AsyncClient, doc_id: str, name: str, body: Any) -> httpx.Response:
    token = csrf_in((await browser.get(f"/curricula/{doc_id}")).text)
    return await browser.post(
        f"/curricula/{doc_id}/skills/{name}", json=body, headers={"X-CSRF-Token": token}
    )


async def test_a_resume_gives_its_skills_with_the_phrases_that_named_them(server):
    doc_id, _ = server.new_curriculum(MEMBER, (MENTOR,), title="Appollo's path")
    async with signed_in(server, MENTOR) as browser:
        # a skill the vocabulary does not know, used on a card of the curriculum
        token = csrf_in((await browser.get(f"/curricula/{doc_id}")).text)
        added = await browser.post(
            f"/curricula/{doc_id}/items",
            data={"title": "The art of yak shaving", "skills": "yak-shaving", "csrf_token": token},
        )
        assert added.status_code == 303

        async def suggested() -> dict[str, str]:
            answer = await post(browser, doc_id, "suggest", {"text": RESUME})
            assert answer.status_code == 200, answer.text
            return {s["skill"]: s["phrase"] for s in answer.json()["suggestions"]}

        # the curricula's skills reach the read model shortly after the commit
        found = await until(suggested, lambda f: "yak-shaving" in f, what="a curriculum skill")
        first = await post(browser, doc_id, "suggest", {"text": RESUME})
    assert found == {
        "sre": "Site Reliability Engineer",
        "kubernetes": "k8s",
        "aws": "AWS",
        "postgresql": "Postgres",
        "ci-cd": "CI/CD",
        "python": "Python",
        "terraform": "Terraform",
        "on-call": "on-call",
        "yak-shaving": "yak shaving",
    }
    assert first.json()["suggestions"][1] == {
        "skill": "kubernetes", "label": "Kubernetes", "phrase": "k8s", "start": 39, "end": 42,
    }  # fmt: skip


async def test_suggestions_refuse_bad_input_and_strangers(server):
    doc_id, _ = server.new_curriculum(MEMBER, (MENTOR,))
    server.add_user(STRANGER)
    async with signed_in(server, MEMBER) as browser:
        token = csrf_in((await browser.get(f"/curricula/{doc_id}")).text)
        url = f"/curricula/{doc_id}/skills/suggest"
        headers = {"X-CSRF-Token": token}
        for body in ({"text": 5}, {"text": "x" * 50_001}, {"text": "x", "exclude": "git"}, [1]):
            answer = await browser.post(url, json=body, headers=headers)
            assert answer.status_code == 400, (body, answer.text)
        answer = await browser.post(url, content=b"{not json", headers=headers)
        assert answer.status_code == 400 and "JSON" in answer.text
        assert (await browser.post(url, json={"text": "Python"})).status_code == 403  # no CSRF
        answer = await browser.post(url, json={"text": "", "exclude": []}, headers=headers)
        assert answer.json() == {"suggestions": []}
    async with signed_in(server, STRANGER) as browser:
        token = csrf_in((await browser.get("/curricula")).text)
        answer = await browser.post(url, json={"text": "Python"}, headers={"X-CSRF-Token": token})
        assert answer.status_code == 404


async def test_a_tag_is_named_as_the_vocabulary_names_it(server):
    doc_id, _ = server.new_curriculum(MEMBER, (MENTOR,))
    async with signed_in(server, MEMBER) as browser:
        answers = {}
        for tag in ("K8s", "postgres", "CI/CD", "kubernets", "Yak  Shaving!", "!!!", ""):
            answer = await post(browser, doc_id, "normalise", {"tag": tag})
            answers[tag] = answer.json() if answer.status_code == 200 else answer.status_code
    assert answers["K8s"] == {"skill": "kubernetes", "label": "Kubernetes", "known": True,
                              "did_you_mean": []}  # fmt: skip
    assert answers["postgres"]["skill"] == "postgresql"
    assert answers["CI/CD"]["skill"] == "ci-cd"
    assert answers["kubernets"]["known"] is False
    assert answers["kubernets"]["did_you_mean"] == ["kubernetes"]
    assert answers["Yak  Shaving!"]["skill"] == "yak-shaving"
    assert answers["!!!"] == answers[""] == 400


async def test_coverage_calls_out_a_goal_skill_that_nothing_serves(server):
    doc_id, _ = server.new_curriculum(MEMBER, (MENTOR,))
    goals = [
        {"id": "g1", "title": "Deploy on Kubernetes", "skills": ["kubernetes", "helm", "k8s"]},
        {"id": "g2", "title": "Own a database", "skills": ["postgres"]},
    ]
    items = [
        {"id": "a", "title": "Kubernetes the hard way", "status": "now", "skills": ["k8s"]},
        {"id": "b", "title": "The Kubernetes book", "status": "done", "skills": ["Kubernetes"]},
        {"id": "c", "title": "PostgreSQL docs", "status": "later", "skills": ["postgresql"]},
        {"id": "d", "title": "junk status", "status": "someday", "skills": "not a list"},
    ]
    async with signed_in(server, MEMBER) as browser:
        answer = await post(browser, doc_id, "coverage", {"goals": goals, "items": items})
        assert answer.status_code == 200, answer.text
        bad = await post(browser, doc_id, "coverage", {"goals": "x", "items": []})
        assert bad.status_code == 400
        bad = await post(browser, doc_id, "coverage", {"goals": [1], "items": []})
        assert bad.status_code == 400
    first, second = answer.json()["goals"]
    assert first["goal_id"] == "g1" and first["unserved"] == ["helm"]
    kubernetes, helm = first["skills"]
    assert kubernetes["served"] is True and helm["served"] is False
    assert kubernetes["done"] == [{"id": "b", "title": "The Kubernetes book"}]
    assert kubernetes["now"] == [{"id": "a", "title": "Kubernetes the hard way"}]
    assert kubernetes["next"] == kubernetes["later"] == []
    assert second["unserved"] == []
    assert second["skills"][0]["later"] == [{"id": "c", "title": "PostgreSQL docs"}]


async def test_the_timeline_shows_the_goals_with_their_target_dates(server):
    doc_id, token = server.new_curriculum(MEMBER, (MENTOR,))
    async with connected(server.ws_url, doc_id, token=token) as doc:
        with doc.transaction():
            goals = doc.get("goals", type=Map)
            goals["g1"] = Map({"title": "Pass the SRE interview", "position": "V",
                               "target_date": "2027-06-30"})  # fmt: skip
            goals["g2"] = Map({"title": "Someday", "position": "W", "target_date": "junk"})
    async with signed_in(server, MENTOR) as browser:
        page = await until(
            lambda: browser.get(f"/curricula/{doc_id}/timeline"), lambda p: "Someday" in p.text
        )
    assert 'by <time datetime="2027-06-30">30 June 2027</time>' in page.text
    assert page.text.count("<time") == 1  # a junk date is no date


async def test_the_editor_page_shows_coverage_without_javascript(server):
    doc_id, token = server.new_curriculum(MEMBER, (MENTOR,))
    async with connected(server.ws_url, doc_id, token=token) as doc:
        with doc.transaction():
            doc.get("goals", type=Map)["g1"] = Map(
                {"title": "Ship with Helm", "skills": ["helm"], "position": "V",
                 "target_date": "2027-06-30"}
            )  # fmt: skip
    async with signed_in(server, MEMBER) as browser:
        page = await until(
            lambda: browser.get(f"/curricula/{doc_id}"), lambda p: "Ship with Helm" in p.text
        )
    assert "nothing serves this skill yet" in page.text
    assert 'href="/library?skill=helm"' in page.text
    assert "by 2027-06-30" in page.text
