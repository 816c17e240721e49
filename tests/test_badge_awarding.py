"""Badges awarded: from the read model's history to the `badge_award` table, exactly once
under concurrent awards (threads, on SQLite and PostgreSQL), with dates that never move;
a 4-week streak across a month boundary; and, through a real server, a member's finishes
and goal earning badges that their profile page shows with the dates."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pycrdt import Map
from sqlalchemy import Engine

from collab import edits
from server.badge_awarding import award_badges, award_for_curriculum
from storage.account_queries import add_user
from storage.badge_queries import badges_of
from storage.database import write_transaction
from storage.models import utcnow
from tests.polling import until
from tests.read_model_checks import database_of, user_id
from tests.web import WEB_ENV, signed_in
from tests.yclient import connected

DOC = "badges-doc"


def seed(engine: Engine) -> tuple[int, int]:
    """A member and their mentor on one curriculum (as the read model holds it)."""
    member = add_user(engine, "mia@example.org", "Mia Member").id
    mentor = add_user(engine, "max@example.org", "Max Mentor", role="mentor").id
    assert member is not None and mentor is not None
    with write_transaction(engine) as connection:
        connection.execute(
            sa.text("INSERT INTO document (id, title) VALUES (:d, 'Mia')"), {"d": DOC}
        )
        connection.execute(
            sa.text("INSERT INTO curriculum_member (doc_id, user_id, role) VALUES (:d, :u, :r)"),
            [{"d": DOC, "u": member, "r": "member"}, {"d": DOC, "u": mentor, "r": "mentor"}],
        )
        connection.execute(
            sa.text(
                "INSERT INTO curriculum_summary (doc_id, title, member_user_id, resume, "
                "items_done, items_now, items_next, items_later, minutes_done, minutes_now, "
                "minutes_next, minutes_later, goals_total, goals_done, synced_log_id) "
                "VALUES (:d, 'Mia', :u, '', 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0)"
            ),
            {"d": DOC, "u": member},
        )
    return member, mentor


def finish(engine: Engine, member: int, item_id: str, at: datetime) -> None:
    with write_transaction(engine) as connection:
        connection.execute(
            sa.text(
                "INSERT INTO learning_event (doc_id, item_id, member_user_id, kind, "
                "from_status, to_status, at, url) "
                "VALUES (:d, :i, :m, 'finished', 'now', 'done', :at, '')"
            ),
            {"d": DOC, "i": item_id, "m": member, "at": at},
        )


def complete_goal(engine: Engine) -> None:
    with write_transaction(engine) as connection:
        connection.execute(
            sa.text(
                "INSERT INTO curriculum_goal (doc_id, goal_id, title, skills, done, rank) "
                "VALUES (:d, 'g1', 'Ship it', '[]', :done, 0)"
            ),
            {"d": DOC, "done": True},
        )


def stored(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT user_id, code FROM badge_award ORDER BY 1, 2"))
        return [(row.user_id, row.code) for row in rows]


def test_badges_are_awarded_exactly_once_under_concurrent_finishes(engine: Engine):
    member, mentor = seed(engine)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for n in range(4):
        finish(engine, member, f"item-{n}", start + timedelta(days=n))
    barrier = threading.Barrier(8)
    awarded: list[list[str]] = []
    failures: list[BaseException] = []

    def member_finishes_and_awards(n: int) -> None:
        try:
            barrier.wait()
            if n < 2:  # two finishes at once: the 5th and 6th different items
                finish(engine, member, f"item-{4 + n}", start + timedelta(days=5))
            awarded.append(award_badges(engine, member))
            awarded.append(award_for_curriculum(engine, DOC))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=member_finishes_and_awards, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    award_badges(engine, member)  # after every finish: whatever a race left is stored now
    codes = Counter(code for codes in awarded for code in codes)
    assert stored(engine) == [(member, "finished-5"), (member, "first-finish")]
    assert all(count <= 1 for count in codes.values()), codes  # each stored by one call
    badges = {b.code: b for b in badges_of(engine, member)}
    assert badges["first-finish"].earned_at == start
    assert badges["finished-5"].earned_at in (start + timedelta(days=5),)
    assert award_badges(engine, member) == [] and award_for_curriculum(engine, DOC) == []


def test_a_goal_earns_the_member_and_their_mentor_a_badge_whose_date_never_moves(engine):
    member, mentor = seed(engine)
    complete_goal(engine)
    before = utcnow()
    assert sorted(award_for_curriculum(engine, DOC)) == ["goal-completed", "mentee-first-goal"]
    [goal] = badges_of(engine, member)
    [mentee_goal] = badges_of(engine, mentor)
    assert goal.code == "goal-completed" and goal.earned_at >= before - timedelta(seconds=1)
    assert mentee_goal.title == "A mentee's first goal"
    award_for_curriculum(engine, DOC)  # later awards change no date
    assert badges_of(engine, member) == [goal]


def test_a_four_week_streak_across_a_month_boundary_is_awarded_with_its_date(engine):
    member, _ = seed(engine)
    # ISO weeks of 2026-01-19, -26, 02-02 and 02-09: January into February
    days = [datetime(2026, 1, 22, tzinfo=UTC), datetime(2026, 1, 31, 23, tzinfo=UTC),
            datetime(2026, 2, 1, 22, tzinfo=UTC), datetime(2026, 2, 3, tzinfo=UTC),
            datetime(2026, 2, 9, 8, tzinfo=UTC)]  # fmt: skip
    for n, day in enumerate(days):
        finish(engine, member, f"item-{n}", day)
    award_badges(engine, member)
    badges = {b.code: b.earned_at for b in badges_of(engine, member)}
    assert badges["streak-4-weeks"] == datetime(2026, 2, 9, 8, tzinfo=UTC)
    assert badges["finished-5"] == datetime(2026, 2, 9, 8, tzinfo=UTC)


def test_a_missing_week_earns_no_streak(engine):
    member, _ = seed(engine)
    for n, day in enumerate((5, 12, 26, 33)):  # Mondays of January, one week skipped
        finish(engine, member, f"item-{n}", datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day))
    award_badges(engine, member)
    assert [code for _, code in stored(engine)] == ["first-finish"]


@pytest.fixture
def web_server(server_factory):
    return server_factory(**WEB_ENV, READ_MODEL_DELAY_SECONDS="0.1")


async def test_finishes_and_a_goal_show_as_badges_on_the_profile_page(web_server):
    member_email, mentor_email = "mia@example.org", "max@example.org"
    doc_id, token = web_server.new_curriculum(member_email, mentors=(mentor_email,))
    async with signed_in(web_server, member_email) as member:
        with database_of(web_server) as engine:
            mia = user_id(engine, member_email)
        empty = await member.get(f"/people/{mia}")
        assert empty.status_code == 200 and "No badges yet" in empty.text
        async with connected(web_server.ws_url, doc_id, token=token) as doc:
            for n in range(5):
                item = edits.add_item(doc, title=f"Resource {n}", status="now")
                edits.move_item(doc, item, "done")
            goal = edits.set_goal(doc, title="Pass the interview")
            edits.set_goal(doc, goal, done=True)
            assert doc.get("goals", type=Map)[goal]["done"] is True
            page = await until(
                lambda: member.get(f"/people/{mia}"),
                lambda page: "Goal reached" in page.text and "Five done" in page.text,
                what="badges on the profile page",
            )
    today = datetime.now(UTC).date()
    assert "First step" in page.text and f'datetime="{today.isoformat()}"' in page.text
    assert f">{today.day} {today.strftime('%B %Y')}</time>" in page.text  # the date in words
    async with signed_in(web_server, mentor_email) as mentor:
        with database_of(web_server) as engine:
            max_id = user_id(engine, mentor_email)
        mentor_page = await until(
            lambda: mentor.get(f"/people/{max_id}"),
            lambda page: "A mentee&#39;s first goal" in page.text,
            what="the mentor's badge",
        )
        assert "First step" not in mentor_page.text  # the member's badges are hers
