"""When a goal is ready for sign-off: every item serving it is done (domain, pure)."""

from __future__ import annotations

from domain.certificates import readiness
from domain.skills import GoalRef, ItemRef

GIT = GoalRef("g1", "Be fluent with Git and the shell", ("git", "shell"))


def ready(*items: ItemRef, goal: GoalRef = GIT):
    (found,) = readiness([goal], list(items))
    return found


def test_a_goal_is_ready_when_each_skill_has_a_finished_item_and_nothing_is_under_way():
    found = ready(
        ItemRef("a", "Pro Git", ("git",), "done"),
        ItemRef("b", "Missing Semester", ("shell", "git"), "done"),
        ItemRef("c", "Linux performance", ("shell", "performance"), "later"),  # beyond the goal
        ItemRef("d", "SQLBolt", ("sql",), "now"),  # serves another goal
    )
    assert found.ready
    assert found.done == ("Pro Git", "Missing Semester")  # once each, in the board's order
    assert found.under_way == () and found.unfinished == ()
    assert found.skills == ("Git", "Shell and command line")


def test_an_item_serving_the_goal_in_now_or_next_holds_it_back():
    for column in ("now", "next"):
        found = ready(
            ItemRef("a", "Pro Git", ("git",), "done"),
            ItemRef("b", "Bash guide", ("shell",), "done"),
            ItemRef("c", "Learn Git Branching", ("git",), column),
        )
        assert not found.ready and found.under_way == ("Learn Git Branching",)


def test_a_skill_without_a_finished_item_holds_the_goal_back():
    found = ready(ItemRef("a", "Pro Git", ("git",), "done"), ItemRef("b", "Bash", ("shell",)))
    assert not found.ready and found.unfinished == ("Shell and command line",)
    assert not ready().ready  # nothing serves it at all


def test_a_goal_without_skills_is_never_ready():
    goal = GoalRef("g2", "Get a job", ())
    assert not ready(ItemRef("a", "Anything", ("git",), "done"), goal=goal).ready


def test_skills_are_compared_after_normalisation():
    goal = GoalRef("k", "Run Kubernetes", ("Kubernetes",))
    assert ready(ItemRef("a", "k8s basics", ("k8s",), "done"), goal=goal).ready
    assert not ready(ItemRef("a", "k8s the hard way", ("K8S",), "next"), goal=goal).ready
