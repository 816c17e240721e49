"""Coverage of goals: which items serve each goal skill, and which skills nothing serves."""

from __future__ import annotations

import pytest
from pycrdt import Doc

from collab.demo import demo_curriculum
from collab.edits import delete_item
from collab.schema import read_curriculum
from domain.skills import GoalRef, ItemRef, coverage, unserved_skills


def test_each_goal_skill_lists_its_items_by_status_and_calls_out_what_nothing_serves() -> None:
    goal = GoalRef("g1", "Ship a service to Kubernetes from CI", ("docker", "k8s", "CI/CD", "helm"))
    items = [
        ItemRef("a", "Docker: get started", ("docker",), "done"),
        ItemRef("b", "Kubernetes basics", ("kubernetes", "containers"), "now"),
        ItemRef("c", "GitHub Actions quickstart", ("github-actions", "ci/cd"), "next"),
        ItemRef("d", "Kubernetes the hard way", ("K8s",), "later"),
        ItemRef("e", "Compose project", ("Docker",), "next"),
    ]
    (result,) = coverage([goal], items)
    assert result.goal_id == "g1"
    assert [entry.skill for entry in result.skills] == ["docker", "kubernetes", "ci-cd", "helm"]
    docker, kubernetes, ci_cd, helm = result.skills
    assert [item.id for item in docker.done] == ["a"] and [i.id for i in docker.next] == ["e"]
    columns = {
        status: [item.id for item in found] for status, found in kubernetes.by_status().items()
    }
    assert columns == {"done": [], "now": ["b"], "next": [], "later": ["d"]}
    assert kubernetes.label == "Kubernetes"
    assert [item.id for item in ci_cd.next] == ["c"]
    assert not helm.served
    assert result.unserved == ("helm",)


def test_a_related_skill_does_not_count_as_serving() -> None:
    goal = GoalRef("g", "Pass the algorithms round", ("algorithms", "recursion"))
    items = [ItemRef("r", "Recursive functions", ("recursion",), "now")]
    (result,) = coverage([goal], items)
    assert result.unserved == ("algorithms",)


def test_it_reads_the_curriculum_document_types_and_sees_a_removed_resource() -> None:
    doc = Doc()
    demo_curriculum(doc)
    before = coverage(read_curriculum(doc).goals, read_curriculum(doc).items)
    assert unserved_skills(before) == ()
    delete_item(doc, "actions-quickstart")  # the only card serving ci-cd
    after = coverage(read_curriculum(doc).goals, read_curriculum(doc).items)
    deploy = next(goal for goal in after if goal.goal_id == "goal-deploy")
    assert deploy.unserved == ("ci-cd",)
    assert unserved_skills(after) == ("ci-cd",)


def test_several_goals_share_items_and_unserved_skills_are_listed_once() -> None:
    goals = [GoalRef("1", "one", ("sql", "dbt")), GoalRef("2", "two", ("dbt", "SQL", "excel"))]
    items = [ItemRef("s", "SQLBolt", ("sql",), "done")]
    result = coverage(goals, items)
    assert [g.unserved for g in result] == [("dbt",), ("dbt", "excel")]
    assert [entry.skill for entry in result[1].skills] == ["dbt", "sql", "excel"]
    assert unserved_skills(result) == ("dbt", "excel")


def test_free_tags_are_matched_exactly_and_empty_tags_ignored() -> None:
    goals = [GoalRef("g", "Speak at a meetup", ("Lightning Talk Prep", "  "))]
    items = [ItemRef("i", "Outline", ("lightning-talk-prep",), "later")]
    (result,) = coverage(goals, items)
    assert [(e.skill, [i.id for i in e.later]) for e in result.skills] == [
        ("lightning-talk-prep", ["i"])
    ]


def test_an_item_with_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        coverage([GoalRef("g", "t", ("sql",))], [ItemRef("i", "t", ("sql",), "someday")])
