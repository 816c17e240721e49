"""Badge rules on hand-built histories: what is earned, when, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.badges import BADGES, Facts, badge, earned_badges, streak


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def codes(facts: Facts) -> dict[str, datetime]:
    earned = earned_badges(facts)
    assert len({item.code for item in earned}) == len(earned)  # each badge once
    return {item.code: item.earned_at for item in earned}


def test_nothing_done_earns_nothing():
    assert earned_badges(Facts()) == []


def test_finish_counts_use_distinct_items_and_date_the_nth_one():
    start = at("2026-01-01")
    finished = [(f"item-{n}", start + timedelta(days=n)) for n in range(100)]
    finished += [("item-3", start + timedelta(days=200))] * 5  # finishing again counts once
    earned = codes(Facts(finished=finished))
    assert earned["first-finish"] == start
    assert earned["finished-5"] == start + timedelta(days=4)
    assert earned["finished-25"] == start + timedelta(days=24)
    assert earned["finished-100"] == start + timedelta(days=99)
    assert "finished-100" not in codes(Facts(finished=finished[:99] + finished[100:]))


def test_an_item_finished_twice_is_dated_by_its_first_finish():
    finished = [("a", at("2026-02-10")), ("a", at("2026-02-01")), ("b", at("2026-02-05"))]
    assert codes(Facts(finished=finished))["first-finish"] == at("2026-02-01")


def test_a_four_week_streak_across_a_month_boundary():
    finished = [
        ("a", at("2026-03-10")),  # Tue, week of Mon 9 March
        ("b", at("2026-03-22", 23)),  # Sun, week of Mon 16 March
        ("c", at("2026-03-27")),  # Fri, week of Mon 23 March
        ("d", at("2026-04-02")),  # Thu, week of Mon 30 March (spans March and April)
        ("e", at("2026-04-03")),
    ]
    assert codes(Facts(finished=finished))["streak-4-weeks"] == at("2026-04-02")
    assert "streak-4-weeks" not in codes(Facts(finished=finished[:3]))


def test_a_four_week_streak_across_a_year_boundary():
    finished = [
        ("a", at("2025-12-16")),  # ISO 2025-W51
        ("b", at("2025-12-24")),  # ISO 2025-W52
        ("c", at("2025-12-31")),  # Wednesday of ISO 2026-W01 (Mon 29 December 2025)
        ("d", at("2026-01-06")),  # ISO 2026-W02
    ]
    assert codes(Facts(finished=finished))["streak-4-weeks"] == at("2026-01-06")


def test_a_streak_through_an_iso_week_53():
    finished = [
        ("a", at("2020-12-22")),  # 2020-W52
        ("b", at("2020-12-29")),  # 2020-W53
        ("c", at("2021-01-05")),  # 2021-W01
        ("d", at("2021-01-12")),  # 2021-W02
    ]
    assert codes(Facts(finished=finished))["streak-4-weeks"] == at("2021-01-12")


def test_a_missed_week_restarts_the_streak():
    mondays = [at("2026-01-05") + timedelta(weeks=n) for n in (0, 1, 2, 4, 5, 6)]
    finished = [(f"i{n}", moment) for n, moment in enumerate(mondays)]
    assert "streak-4-weeks" not in codes(Facts(finished=finished))
    finished.append(("late", at("2026-02-26")))  # the week of Mon 23 February: 4 in a row
    assert codes(Facts(finished=finished))["streak-4-weeks"] == at("2026-02-26")


def test_weeks_are_counted_in_utc():
    # Sunday 23:30 at UTC-2 is Monday 01:30 UTC: the fourth week, not the third.
    late_sunday = datetime(2026, 3, 29, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    finished = [("a", at("2026-03-10")), ("b", at("2026-03-17")), ("c", late_sunday)]
    assert "streak-4-weeks" not in codes(Facts(finished=finished))
    finished.append(("d", at("2026-03-24")))
    assert codes(Facts(finished=finished))["streak-4-weeks"] == late_sunday
    naive = [(k, moment.replace(tzinfo=None)) for k, moment in finished[:2]]
    assert codes(Facts(finished=naive))["first-finish"] == at("2026-03-10")  # naive = UTC


def test_member_goal_and_review_badges_take_the_first_event():
    facts = Facts(
        goals_completed=[at("2026-05-02"), at("2026-04-01")],
        reviews_written=[at("2026-06-09"), at("2026-06-01"), at("2026-07-01")],
    )
    assert codes(facts) == {"goal-completed": at("2026-04-01"), "first-review": at("2026-06-01")}


def test_mentor_badges():
    shared = [(f"r{n}", at("2026-02-01") + timedelta(days=n)) for n in range(9)]
    shared += [("r0", at("2026-03-01"))] * 4  # more finishes of one resource count once
    facts = Facts(
        mentee_goals_reached=[at("2026-05-05"), at("2026-04-04")],
        shared_resources_finished=shared,
        encounters_recorded=[at("2026-01-01") + timedelta(days=3 * n) for n in range(4)],
    )
    assert codes(facts) == {"mentee-first-goal": at("2026-04-04")}
    facts = Facts(
        mentee_goals_reached=facts.mentee_goals_reached,
        shared_resources_finished=[*shared, ("r9", at("2026-04-20"))],
        encounters_recorded=[at("2026-01-01") + timedelta(days=3 * n) for n in range(6)],
    )
    assert codes(facts) == {
        "mentee-first-goal": at("2026-04-04"),
        "shared-10-finished": at("2026-04-20"),
        "encounters-5": at("2026-01-13"),
    }


def test_a_full_history_earns_every_badge_once_in_order_and_later_events_change_no_date():
    start = at("2026-01-05")
    finished = [(f"i{n}", start + timedelta(days=n)) for n in range(120)]
    facts = Facts(
        finished=finished,
        goals_completed=[at("2026-02-01")],
        reviews_written=[at("2026-01-20")],
        mentee_goals_reached=[at("2026-03-01")],
        shared_resources_finished=[(f"r{n}", at("2026-01-10")) for n in range(10)],
        encounters_recorded=[at("2026-01-15")] * 5,
    )
    earned = earned_badges(facts)
    assert {item.code for item in earned} == {definition.code for definition in BADGES}
    assert [item.earned_at for item in earned] == sorted(item.earned_at for item in earned)
    more = Facts(
        finished=[*finished, ("new", at("2026-09-01"))],
        goals_completed=[at("2026-02-01"), at("2026-08-01")],
        reviews_written=[at("2026-01-20"), at("2026-08-02")],
        mentee_goals_reached=[at("2026-03-01"), at("2026-08-03")],
        shared_resources_finished=facts.shared_resources_finished,
        encounters_recorded=[at("2026-01-15")] * 9,
    )
    assert earned_badges(more) == earned


def test_each_badge_has_a_stable_code_title_description_and_accessible_text():
    earned = earned_badges(Facts(goals_completed=[at("2026-03-02")]))[0]
    assert earned.code == "goal-completed" == badge("goal-completed").code
    assert earned.earned_on == date(2026, 3, 2)
    assert earned.accessible_text == "Goal reached badge, earned on 2 March 2026: Completed a goal."
    assert len({definition.code for definition in BADGES}) == len(BADGES) == 10
    assert {definition.audience for definition in BADGES} == {"member", "mentor"}
    with pytest.raises(KeyError):
        badge("no-such-badge")


@pytest.mark.parametrize(
    ("finishes", "today", "weeks"),
    [
        ([], "2026-03-04", 0),
        (["2026-03-02"], "2026-03-04", 1),  # this week
        (["2026-02-26"], "2026-03-04", 1),  # last week: this one is not over yet
        (["2026-02-19"], "2026-03-04", 0),  # two weeks ago: broken
        (["2026-02-10", "2026-02-17", "2026-02-24", "2026-03-03"], "2026-03-04", 4),
        (["2026-02-10", "2026-02-24", "2026-03-03"], "2026-03-08", 2),
        (["2026-02-26", "2026-03-01"], "2026-03-02", 1),  # Monday: last week still counts
        (["2025-12-24", "2025-12-31", "2026-01-07"], "2026-01-08", 3),  # over the new year
        (["2026-03-04", "2026-03-30"], "2026-03-04", 1),  # a future finish does not count
    ],
)
def test_streak_counts_weeks_in_a_row_up_to_now(finishes, today, weeks):
    assert streak([at(day) for day in finishes], date.fromisoformat(today)) == weeks


def test_streak_takes_dates_or_datetimes():
    days = [date(2026, 2, 24), at("2026-03-03")]
    assert streak(days, at("2026-03-05", 8)) == 2
