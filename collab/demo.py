"""Demo curricula from the mentorHub stories, with fixed ids and times so seeding is repeatable.

Appollo the Apprentice works towards a Site Reliability Engineer job with Maven the
Mentor; Charlie, a boot-camp graduate stuck on recursion questions in interviews,
prepares with Miles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from pycrdt import Doc

from .edits import add_item, mark_started, set_goal, set_meta, set_resume

# (id, status, title, url, kind, skills, minutes, started_at, completed_at)
Row = tuple[str, str, str, str, str, tuple[str, ...], int, str | None, str | None]
GoalRow = tuple[str, str, tuple[str, ...], bool]  # (id, title, skills, done)


class Fill(Protocol):
    def __call__(self, doc: Doc[Any], origin: Any = None, shift: timedelta = ...) -> None: ...


@dataclass(frozen=True)
class DemoCurriculum:
    doc_id: str
    title: str
    member_name: str
    member_email: str
    mentor_name: str
    mentor_email: str
    fill: Fill  # fills an empty document in one transaction, every time moved by `shift`


APPOLLO_TITLE = "Appollo's path to Site Reliability Engineer"
CHARLIE_TITLE = "Charlie's interview prep: recursion"

APPOLLO_ITEMS: list[Row] = [
    ("py-tutorial", "done", "The Python Tutorial", "https://docs.python.org/3/tutorial/",
     "article", ("python",), 600, "2025-01-06T18:30:00Z", "2025-01-24T20:10:00Z"),
    ("missing-semester", "done", "The Missing Semester of Your CS Education",
     "https://missing.csail.mit.edu/", "video", ("shell", "linux", "git"), 720,
     "2025-01-08T19:00:00Z", "2025-02-03T21:45:00Z"),
    ("pro-git", "done", "Pro Git, chapters 1-3 and 7", "https://git-scm.com/book/en/v2",
     "book", ("git",), 480, "2025-01-13T18:00:00Z", "2025-02-07T17:20:00Z"),
    ("git-branching", "done", "Learn Git Branching", "https://learngitbranching.js.org/",
     "exercise", ("git",), 120, "2025-02-08T10:00:00Z", "2025-02-09T12:30:00Z"),
    ("linux-journey", "done", "Linux Journey", "https://linuxjourney.com/", "course",
     ("linux", "shell"), 600, "2025-02-03T18:00:00Z", "2025-02-21T19:40:00Z"),
    ("twelve-factor", "done", "The Twelve-Factor App", "https://12factor.net/", "article",
     ("architecture", "configuration"), 60, "2025-02-22T09:00:00Z", "2025-02-22T10:15:00Z"),
    ("docker-get-started", "done", "Docker: Get started", "https://docs.docker.com/get-started/",
     "course", ("docker", "containers"), 240, "2025-02-24T18:00:00Z", "2025-03-04T20:00:00Z"),
    ("mdn-http", "done", "An overview of HTTP (MDN)",
     "https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview", "article", ("http",), 45,
     "2025-03-05T18:00:00Z", "2025-03-05T19:00:00Z"),
    ("sqlbolt", "done", "SQLBolt: interactive SQL lessons", "https://sqlbolt.com/", "exercise",
     ("sql",), 180, "2025-03-06T18:00:00Z", "2025-03-10T20:30:00Z"),
    ("postgres-tutorial", "now", "PostgreSQL tutorial",
     "https://www.postgresql.org/docs/current/tutorial.html", "article", ("postgresql", "sql"),
     300, "2025-03-11T18:00:00Z", None),
    ("k8s-basics", "now", "Learn Kubernetes Basics",
     "https://kubernetes.io/docs/tutorials/kubernetes-basics/", "course",
     ("kubernetes", "containers"), 360, "2025-03-12T18:30:00Z", None),
    ("sre-monitoring", "now", "SRE book: Monitoring Distributed Systems",
     "https://sre.google/sre-book/monitoring-distributed-systems/", "book",
     ("sre", "monitoring"), 90, "2025-03-14T07:45:00Z", None),
    ("prometheus-start", "next", "Prometheus: Getting started",
     "https://prometheus.io/docs/prometheus/latest/getting_started/", "article",
     ("prometheus", "monitoring"), 120, None, None),
    ("grafana-fundamentals", "next", "Grafana fundamentals",
     "https://grafana.com/tutorials/grafana-fundamentals/", "exercise", ("grafana", "monitoring"),
     90, None, None),
    ("sre-slos", "next", "SRE book: Service Level Objectives",
     "https://sre.google/sre-book/service-level-objectives/", "book", ("sre", "slo"), 60,
     None, None),
    ("actions-quickstart", "next", "GitHub Actions quickstart",
     "https://docs.github.com/en/actions/quickstart", "article", ("ci-cd", "github-actions"), 60,
     None, None),
    ("compose-project", "next", "Project: run the mentorHub stack with Docker Compose",
     "https://docs.docker.com/compose/gettingstarted/", "project", ("docker", "compose"), 480,
     None, None),
    ("art-of-slos", "later", "The Art of SLOs (workshop)",
     "https://sre.google/resources/practices-and-processes/art-of-slos/", "talk",
     ("sre", "slo"), 180, None, None),
    ("terraform-start", "later", "Terraform: Get started",
     "https://developer.hashicorp.com/terraform/tutorials/aws-get-started", "course",
     ("terraform", "infrastructure-as-code"), 300, None, None),
    ("sre-postmortems", "later", "SRE book: Postmortem Culture",
     "https://sre.google/sre-book/postmortem-culture/", "book", ("sre", "incident-response"), 60,
     None, None),
    ("sre-workbook", "later", "The Site Reliability Workbook",
     "https://sre.google/workbook/table-of-contents/", "book", ("sre",), 1200, None, None),
    ("otel-python", "later", "OpenTelemetry for Python: getting started",
     "https://opentelemetry.io/docs/languages/python/getting-started/", "article",
     ("observability", "python"), 120, None, None),
    ("linux-perf", "later", "Linux performance (Brendan Gregg)",
     "https://www.brendangregg.com/linuxperf.html", "article", ("linux", "performance"), 240,
     None, None),
    ("k8s-hard-way", "later", "Kubernetes the Hard Way",
     "https://github.com/kelseyhightower/kubernetes-the-hard-way", "project", ("kubernetes",),
     900, None, None),
]  # fmt: skip

APPOLLO_NOTES = {
    "pro-git": "Maven: chapters 1-3 now; come back to chapter 7 (rebasing) before the project.",
    "k8s-basics": "Stuck on module 4: my Service has no endpoints. Ask Maven on Thursday.",
    "sre-monitoring": "Four golden signals: latency, traffic, errors, saturation.",
    "compose-project": "Goal: one command starts the app, PostgreSQL and Redis locally.",
    "sqlbolt": "Did all 18 lessons; joins finally make sense.",
}

APPOLLO_RESUME = (  # one line a paragraph, as a person types it: the page wraps it
    "Appollo - Site Reliability Engineer\n\n"
    "I keep a learning platform fast and available for the people who depend on it. I "
    "define service level objectives with product teams, alert on what users feel, and "
    "turn every incident into a blameless postmortem with follow-ups that get done.\n\n"
    "Skills: Linux, Git, Python, Docker, Kubernetes, PostgreSQL, Prometheus, Grafana, "
    "Terraform, GitHub Actions, incident response.\n\n"
    "- Cut alert noise by half by replacing CPU alerts with SLO burn-rate alerts.\n"
    "- Moved the platform to Kubernetes with zero-downtime deploys from CI.\n"
    "- Wrote the on-call runbooks and led the first game day.\n"
)

CHARLIE_ITEMS: list[Row] = [
    ("think-python", "done", "Think Python, 2nd edition: chapters 5 and 6",
     "https://greenteapress.com/wp/think-python-2e/", "book", ("python", "recursion"), 240,
     "2025-02-03T19:00:00Z", "2025-02-12T21:00:00Z"),
    ("composing-programs", "now", "Composing Programs 1.7: Recursive Functions",
     "https://www.composingprograms.com/pages/17-recursive-functions.html", "article",
     ("recursion",), 90, "2025-02-14T18:00:00Z", None),
    ("python-tutor", "now", "Trace recursive calls in Python Tutor", "https://pythontutor.com/",
     "exercise", ("recursion", "debugging"), 60, "2025-02-15T10:00:00Z", None),
    ("leetcode-recursion", "next", "LeetCode Explore: Recursion I",
     "https://leetcode.com/explore/learn/card/recursion-i/", "exercise",
     ("recursion", "interviews"), 300, None, None),
    ("functools-cache", "next", "functools.cache and memoisation",
     "https://docs.python.org/3/library/functools.html#functools.cache", "article",
     ("python", "dynamic-programming"), 30, None, None),
    ("mock-interview", "later", "Mock interview with Miles: tree traversal", "", "other",
     ("interviews", "recursion"), 60, None, None),
]  # fmt: skip

CHARLIE_RESUME = (
    "Charlie - Junior Software Engineer\n\n"
    "I write clear, tested Python and can talk an interviewer through a recursive "
    "solution: base case first, then how each call gets closer to it.\n"
)


def shifted(when: str | None, shift: timedelta) -> str | None:
    """A demo time moved by `shift` (the seed brings the stories up to the present)."""
    if when is None:
        return None
    moved = datetime.fromisoformat(when) + shift
    return moved.isoformat(timespec="seconds").replace("+00:00", "Z")


LATEST = "2025-03-14T07:45:00Z"  # the newest time in the demo curricula
# when the members mean to reach some of their goals (shifted with the rest)
TARGET_DATES = {"goal-deploy": "2025-04-30", "goal-slo": "2025-06-30", "goal-medium": "2025-04-15"}


def _fill(
    doc: Doc[Any], origin: Any, meta: dict[str, Any], rows: list[Row], assigned_by: str,
    notes: dict[str, str], goals: list[GoalRow], resume: str, shift: timedelta,
) -> None:  # fmt: skip
    meta = {**meta, "created_at": shifted(meta["created_at"], shift)}
    with doc.transaction(origin=origin):  # one update for the whole curriculum
        set_meta(doc, origin=origin, **meta)
        for item_id, status, title, url, kind, skills, minutes, started, completed in rows:
            started, completed = shifted(started, shift), shifted(completed, shift)
            add_item(
                doc, item_id=item_id, status=status, title=title, url=url, kind=kind,
                skills=skills, estimate_minutes=minutes, assigned_by=assigned_by,
                notes=notes.get(item_id, ""), when=completed or started, origin=origin,
            )  # fmt: skip
            if started and status == "done":
                mark_started(doc, item_id, started, origin=origin)
        for goal_id, title, skills, done in goals:
            target = TARGET_DATES.get(goal_id)
            target = (date.fromisoformat(target) + shift).isoformat() if target else None
            set_goal(doc, goal_id, title=title, skills=skills, done=done, target_date=target,
                     origin=origin)  # fmt: skip
        set_resume(doc, resume, origin=origin)


def demo_curriculum(doc: Doc[Any], origin: Any = None, shift: timedelta = timedelta(0)) -> None:
    """Appollo the Apprentice's curriculum towards a Site Reliability Engineer job."""
    meta = {"title": APPOLLO_TITLE, "member": "appollo@example.org",
            "mentors": ["maven@example.org"], "created_at": "2025-01-06T09:00:00Z"}  # fmt: skip
    goals: list[GoalRow] = [
        ("goal-shell", "Be fluent with Linux, the shell and Git", ("linux", "shell", "git"), True),
        ("goal-deploy", "Ship a service to Kubernetes from CI",
         ("docker", "kubernetes", "ci-cd"), False),
        ("goal-slo", "Run a service with SLOs, dashboards and alerts",
         ("prometheus", "grafana", "slo"), False),
    ]  # fmt: skip
    _fill(doc, origin, meta, APPOLLO_ITEMS, "maven@example.org", APPOLLO_NOTES, goals,
          APPOLLO_RESUME, shift)  # fmt: skip


def charlie_curriculum(doc: Doc[Any], origin: Any = None, shift: timedelta = timedelta(0)) -> None:
    """Charlie's interview preparation on recursion, mentored by Miles."""
    meta = {"title": CHARLIE_TITLE, "member": "charlie@example.org",
            "mentors": ["miles@example.org"], "created_at": "2025-02-03T09:00:00Z"}  # fmt: skip
    goals: list[GoalRow] = [
        ("goal-whiteboard", "Explain a recursive solution out loud", ("recursion",), False),
        ("goal-medium", "Solve a medium recursion question in 30 minutes",
         ("recursion", "interviews"), False),
    ]  # fmt: skip
    notes = {"composing-programs": "Miles: write the base case first, every time."}
    _fill(doc, origin, meta, CHARLIE_ITEMS, "miles@example.org", notes, goals, CHARLIE_RESUME,
          shift)  # fmt: skip


DEMO_CURRICULA: list[DemoCurriculum] = [
    DemoCurriculum(
        doc_id="demo-appollo",
        title=APPOLLO_TITLE,
        member_name="Appollo the Apprentice",
        member_email="appollo@example.org",
        mentor_name="Maven the Mentor",
        mentor_email="maven@example.org",
        fill=demo_curriculum,
    ),
    DemoCurriculum(
        doc_id="demo-charlie",
        title=CHARLIE_TITLE,
        member_name="Charlie",
        member_email="charlie@example.org",
        mentor_name="Miles",
        mentor_email="miles@example.org",
        fill=charlie_curriculum,
    ),
]
