"""Searching the library on SQLite (FTS5) and PostgreSQL (tsvector): the same fixture
gives the same answers, with stemming, phrases, several words, filters and visibility;
the search index follows every change to a resource."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from domain.library import parse_query, resource_from_fields
from domain.library.exchange import read_library_file
from storage.account_queries import add_user
from storage.database import make_engine, run_migrations
from storage.library_queries import (
    LibraryError,
    add_resource,
    import_library,
    resource_by_url,
    reviews_of,
    save_review,
    update_resource,
)
from storage.library_search import Filters, Viewer, search
from tests.storage_fixtures import sqlite_database_url

EVERYONE = Viewer(None, staff=True)

LIBRARY = [
    (
        "Recursion for beginners",
        "recursion",
        "beginner",
        "reading",
        "article",
        "python",
        "Base cases, recursive calls and the call stack, step by step.",
    ),
    (
        "Recursive algorithms on trees",
        "trees",
        "intermediate",
        "video",
        "video",
        "recursion, algorithms",
        "Walking trees recursively: depth-first traversals explained.",
    ),
    (
        "Dynamic programming patterns",
        "dp",
        "advanced",
        "reading",
        "article",
        "dynamic-programming, recursion",
        "Memoisation turns a slow recursive function fast.",
    ),
    (
        "Site Reliability Engineering: Monitoring",
        "sre-monitoring",
        "intermediate",
        "reading",
        "book",
        "sre, monitoring",
        "Symptoms, causes and the four golden signals.",
    ),
    (
        "Service Level Objectives",
        "slo",
        "intermediate",
        "reading",
        "book",
        "sre, slo",
        "Choosing indicators users care about and setting reliability targets.",
    ),
    (
        "Learn Kubernetes Basics",
        "k8s",
        "beginner",
        "hands-on",
        "course",
        "kubernetes",
        "Deploy, expose, scale and update an application on a cluster.",
    ),
    (
        "Kubernetes the Hard Way",
        "k8s-hard",
        "advanced",
        "hands-on",
        "project",
        "kubernetes",
        "Bootstrap a cluster by hand to understand every component.",
    ),
    (
        "Prometheus: Getting started",
        "prom",
        "beginner",
        "hands-on",
        "article",
        "prometheus, monitoring",
        "Scrape metrics, graph them, and write recording rules.",
    ),
    (
        "Grafana dashboards",
        "grafana",
        "beginner",
        "hands-on",
        "exercise",
        "grafana, monitoring",
        "Dashboards and alerts from metrics and logs.",
    ),
    (
        "The art of talking through a solution",
        "talk",
        "beginner",
        "talk",
        "talk",
        "coding-interviews",
        "How to explain your reasoning to an interviewer out loud.",
    ),
    (
        "Usability heuristics",
        "nng",
        "beginner",
        "reading",
        "article",
        "ux-design",
        "Ten rules of thumb for interaction design.",
    ),
    (
        "Running user interviews",
        "research",
        "intermediate",
        "reading",
        "article",
        "user-research",
        "Plan, run and analyse interviews with users.",
    ),
]


def fill(engine: Engine) -> None:
    rows = [
        {
            "title": t,
            "url": f"https://library.example/{slug}",
            "level": level,
            "style": style,
            "kind": kind,
            "skills": skills,
            "description": description,
        }
        for t, slug, level, style, kind, skills, description in LIBRARY
    ]
    done = import_library(engine, read_library_file(json.dumps(rows).encode(), "json"))
    assert done.added == len(LIBRARY)


def titles(engine: Engine, text: str, **filters: str) -> list[str]:
    found, total = search(engine, parse_query(text), Filters(**filters), EVERYONE)
    assert total == len(found)
    return [resource.title for resource in found]


QUERIES = [
    ("recursion ", {}),
    ("recursively ", {}),  # stemming: recursively, recursive, recursion
    ("monitoring ", {}),
    ("monitor ", {}),
    ("site reliability ", {}),  # several words, all must match
    ('"service level" ', {}),  # a phrase
    ('"level service" ', {}),  # the same words in another order are not that phrase
    ("kubernetes -hard ", {}),
    ("grafana or prometheus ", {}),
    ("kube", {}),  # still typing: a prefix
    ("dashboard ", {}),
    ("interview ", {}),
    ("recursion ", {"level": "beginner"}),
    ("", {"skill": "monitoring"}),
    ("", {"style": "hands-on", "kind": "course"}),
    ("recursion ", {"skill": "algorithms"}),
    ("the and of ", {}),
    ("nothing matches this ", {}),
    ("'; DROP TABLE resource; -- \"*) OR ( NEAR ^", {}),  # hostile text is only words
]


def test_sqlite_and_postgresql_give_the_same_answers(tmp_path: Path, postgres_url: str) -> None:
    answers = []
    for url in (sqlite_database_url(tmp_path), postgres_url):
        run_migrations(url)
        engine = make_engine(url)
        try:
            fill(engine)
            answers.append([titles(engine, text, **filters) for text, filters in QUERIES])
        finally:
            engine.dispose()
    sqlite, postgresql = answers
    assert sqlite == postgresql
    found = dict(zip((f"{text}{filters}" for text, filters in QUERIES), sqlite, strict=True))
    assert set(found["recursively {}"]) == set(found["recursion {}"])
    assert set(found["recursion {}"]) == {
        "Recursion for beginners",
        "Recursive algorithms on trees",
        "Dynamic programming patterns",
    }
    assert found["recursion {}"][0] == "Recursion for beginners"  # the title says it
    assert found["monitor {}"] == found["monitoring {}"] and len(found["monitor {}"]) == 3
    assert found["site reliability {}"] == ["Site Reliability Engineering: Monitoring"]
    assert found['"service level" {}'] == ["Service Level Objectives"]
    assert found['"level service" {}'] == []
    assert found["kubernetes -hard {}"] == ["Learn Kubernetes Basics"]
    assert set(found["grafana or prometheus {}"]) == {
        "Grafana dashboards",
        "Prometheus: Getting started",
    }
    assert set(found["kube{}"]) == {"Learn Kubernetes Basics", "Kubernetes the Hard Way"}
    assert found["dashboard {}"] == ["Grafana dashboards"]
    assert set(found["interview {}"]) == {
        "Running user interviews",
        "The art of talking through a solution",
    }
    assert found["recursion {'level': 'beginner'}"] == ["Recursion for beginners"]
    assert found["{'skill': 'monitoring'}"] == [
        "Grafana dashboards",
        "Prometheus: Getting started",
        "Site Reliability Engineering: Monitoring",
    ]
    assert found["{'style': 'hands-on', 'kind': 'course'}"] == ["Learn Kubernetes Basics"]
    assert found["recursion {'skill': 'algorithms'}"] == ["Recursive algorithms on trees"]
    assert found["the and of {}"] == sorted(t for t, *_ in LIBRARY)  # no words: everything
    assert found["nothing matches this {}"] == []


def test_the_search_index_follows_edits_and_deletes(engine: Engine) -> None:
    fill(engine)
    grafana = resource_by_url(engine, "https://library.example/grafana")
    assert grafana is not None
    changed, _ = resource_from_fields(
        {
            **{k: getattr(grafana, k) for k in ("url", "kind", "level", "style", "skills")},
            "title": "Observability with Loki",
            "description": "Logs, queried like metrics.",
        }
    )
    assert changed is not None
    update_resource(engine, grafana.id, changed)
    assert titles(engine, "dashboards ") == []
    assert titles(engine, "loki ") == ["Observability with Loki"]
    assert titles(engine, "", skill="grafana") == ["Observability with Loki"]
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM resource WHERE id = :id"), {"id": grafana.id})
    assert titles(engine, "loki ") == [] and titles(engine, "", skill="grafana") == []


def test_one_resource_per_link_and_who_sees_what(engine: Engine) -> None:
    mentor = add_user(engine, "maven@example.org", "Maven", "mentor")
    other = add_user(engine, "mila@example.org", "Mila", "mentor")
    member = add_user(engine, "appollo@example.org", "Appollo", "member")
    fields = {
        "title": "Maven's runbook drill",
        "url": "https://example.org/drill",
        "level": "beginner",
        "style": "hands-on",
        "visibility": "mentees",
    }
    drill, _ = resource_from_fields(fields)
    assert drill is not None
    kept = add_resource(engine, drill, added_by=mentor.id)
    again, _ = resource_from_fields({**fields, "url": "HTTPS://EXAMPLE.org/drill/?utm_source=x"})
    assert again is not None
    with pytest.raises(LibraryError) as taken:
        add_resource(engine, again, added_by=other.id)
    assert taken.value.existing == kept.id
    suggestion, _ = resource_from_fields(
        {
            **fields,
            "url": "https://example.org/idea",
            "title": "Runbook idea",
            "visibility": "shared",
        }
    )
    assert suggestion is not None
    add_resource(engine, suggestion, added_by=member.id, state="suggested")

    def seen(viewer: Viewer) -> list[str]:
        return [r.title for r in search(engine, parse_query("runbook "), Filters(), viewer)[0]]

    assert seen(Viewer(mentor.id)) == ["Maven's runbook drill"]
    assert seen(Viewer(member.id, mentor_ids=(mentor.id,))) == ["Maven's runbook drill"]
    assert seen(Viewer(member.id)) == []  # not Maven's mentee
    assert seen(Viewer(other.id)) == []  # another mentor
    assert seen(EVERYONE) == ["Maven's runbook drill"]  # staff; never a suggestion


def test_a_search_counts_every_match_beyond_those_it_shows(engine: Engine) -> None:
    rows = [
        {"title": f"Python exercise {n}", "url": f"https://py.example/{n}", "level": "beginner",
         "style": "hands-on", "skills": "python"}
        for n in range(230)
    ]  # fmt: skip
    import_library(engine, read_library_file(json.dumps(rows).encode(), "json"))
    for text, filters in (("python exercise ", Filters()), ("", Filters(skill="python"))):
        found, total = search(engine, parse_query(text), filters, EVERYONE, limit=30)
        assert (len(found), total) == (30, 230)


def test_two_people_saving_at_once_leave_one_resource_and_one_review(engine: Engine) -> None:
    mentors = [add_user(engine, f"m{n}@example.org", f"M{n}", "mentor") for n in range(6)]
    fields = {"title": "Same link", "url": "https://example.org/same", "level": "beginner",
              "style": "video"}  # fmt: skip
    resource, _ = resource_from_fields(fields)
    assert resource is not None
    start = threading.Barrier(len(mentors))

    def add(mentor_id: int) -> str:
        start.wait()
        try:
            add_resource(engine, resource, added_by=mentor_id)
        except LibraryError:
            return "refused"
        return "added"

    with ThreadPoolExecutor(len(mentors)) as pool:
        outcomes = list(pool.map(add, [m.id for m in mentors]))
    assert sorted(outcomes) == ["added"] + ["refused"] * (len(mentors) - 1)
    kept = resource_by_url(engine, "https://example.org/same")
    assert kept is not None
    start = threading.Barrier(len(mentors))

    def review(rating: int) -> None:
        start.wait()
        save_review(engine, kept.id, mentors[0].id, rating, f"{rating} stars")

    with ThreadPoolExecutor(len(mentors)) as pool:
        list(pool.map(review, [n % 5 + 1 for n in range(len(mentors))]))
    [written] = reviews_of(engine, kept.id)
    assert written.text == f"{written.rating} stars"
