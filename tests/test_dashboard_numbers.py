"""The dashboards' numbers against values computed by hand, on a fixture of events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from domain import charts
from domain.attention import attention_order, per_status, standing
from domain.dashboard import (
    Pace,
    burn_up,
    effort_minutes,
    finish_streak,
    goal_standings,
    pace,
    weekly_activity,
)
from domain.learning_events import RecordedEvent
from domain.read_rows import GoalRow, ItemRow
from domain.workload import hours, needs_others, workload

TODAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday; its week starts 23 Nov
HOURS = 16.8  # a tenth of a week's 168 hours: an item open 1,000 minutes took 100
_ids = count(1)


def event(
    kind: str, item: str, day: date, estimate: int | None = None, actual: int | None = None
) -> RecordedEvent:
    return RecordedEvent(
        id=next(_ids), doc_id="doc", item_id=item, kind=kind, from_status="now",
        to_status="done" if kind == "finished" else "now",
        at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC), member_user_id=1,
        caused_by=1, actual_minutes=actual, estimate_minutes=estimate, url=f"https://x.org/{item}",
    )  # fmt: skip


EVENTS = [
    event("started", "a", date(2026, 11, 2)),
    event("finished", "a", date(2026, 11, 4), 60, 900),  # took 90 of 60: 1.5x
    event("finished", "b", date(2026, 11, 10), 120, 1200),  # 120 of 120: 1.0x
    event("finished", "c", date(2026, 11, 17), 30, 600),  # 2.0x, but finished again later
    event("reopened", "c", date(2026, 11, 18), 30),
    event("moved", "e", date(2026, 11, 20), 45),
    event("finished", "c", date(2026, 11, 24), 30, 1800),  # its latest finish: 6.0x
    event("finished", "d", date(2026, 11, 25), None, 100),  # no estimate: not in the pace
]


def test_effort_is_the_members_weekly_hours_spread_over_the_days_an_item_was_open() -> None:
    assert effort_minutes(1000, HOURS) == 100
    assert effort_minutes(7 * 24 * 60, 5) == 300  # open a week, 5 h a week: 5 h


def test_weekly_activity_counts_finishes_and_their_estimates_per_week() -> None:
    weeks = weekly_activity(EVENTS, TODAY)
    assert len(weeks) == 12
    assert weeks[0].week == date(2026, 9, 7) and weeks[-1].week == date(2026, 11, 23)
    found = {w.week: (w.finished, w.minutes) for w in weeks if w.finished}
    assert found == {
        date(2026, 11, 2): (1, 60),
        date(2026, 11, 9): (1, 120),
        date(2026, 11, 16): (1, 30),
        date(2026, 11, 23): (2, 30),
    }


def test_burn_up_walks_done_back_from_today_by_finishes_and_reopenings() -> None:
    points = burn_up(EVENTS, done_minutes=210, planned_minutes=300, today=TODAY)
    done = {p.week: p.done_minutes for p in points}
    assert done[date(2026, 11, 23)] == 210
    assert done[date(2026, 11, 16)] == 180  # finished c (30) the week after
    assert done[date(2026, 11, 9)] == 180  # the week after, c finished and reopened: even
    assert done[date(2026, 11, 2)] == 60  # b (120) finished the week after
    assert done[date(2026, 10, 26)] == 0 and done[date(2026, 9, 7)] == 0
    assert {p.planned_minutes for p in points} == {510}


def test_pace_is_the_median_ratio_of_each_items_latest_finish() -> None:
    found = pace(EVENTS, HOURS)
    assert found == Pace(1.5, 3)  # median of 1.0, 1.5 and 6.0; d has no estimate
    assert found.describe() == "1.5x estimates, from 3 finished items"
    assert pace([], HOURS) == Pace(None, 0)


def test_streak_counts_weeks_in_a_row_with_a_finish() -> None:
    assert finish_streak(EVENTS, TODAY) == 4  # the weeks of 2, 9, 16 and 23 November
    assert finish_streak(EVENTS, TODAY + timedelta(weeks=1)) == 4  # this week may still come
    assert finish_streak(EVENTS, TODAY + timedelta(weeks=2)) == 0


def test_goals_count_the_skills_finished_items_practised() -> None:
    items = [_item("a", "done", 60, skills=("Docker", "git")), _item("b", "now", 60, ("k8s",))]
    goals = [
        GoalRow("g1", "Ship it", ("docker", "kubernetes", "ci-cd"), False, 0),
        GoalRow("g2", "Shell", ("git",), True, 1),
    ]
    first, second = goal_standings(goals, items)
    assert first.practised == ("docker",) and first.percent == 33
    assert second.percent == 100


def _item(
    item_id: str, status: str, estimate: int | None, skills: tuple[str, ...] = (), url: str = ""
) -> ItemRow:
    return ItemRow(
        item_id, item_id.upper(), url, "article", skills, status, "a0", 0, estimate, None, None,
        None,
    )  # fmt: skip


NOW_ITEMS = [_item("x", "now", 600, url="https://x.org/x"), _item("y", "now", 300)]


def test_the_workload_warning_appears_at_a_slow_pace_with_its_numbers() -> None:
    load = workload(NOW_ITEMS, Pace(2.0, 9), {}, member_name="Appollo", hours_per_week=5,
                    horizon_weeks=2)  # fmt: skip
    assert load.estimated_minutes == 900 and load.expected_minutes == 1800
    assert load.weeks == 6 and load.over
    assert load.sentence() == (
        "Now holds 15 h of estimated work. At Appollo's pace (2.0x estimates, from 9 finished "
        "items) that is 30 h: 6 weeks at 5 h a week, above the 2-week horizon."
    )
    assert load.as_dict()["warning"] is True
    assert [i["source"] for i in load.as_dict()["items"]] == ["pace", "pace"]


def test_no_warning_at_a_fast_pace() -> None:
    load = workload(NOW_ITEMS, Pace(0.5, 4), {}, member_name="Appollo", hours_per_week=5,
                    horizon_weeks=2)  # fmt: skip
    assert load.expected_minutes == 450 and load.weeks == 1.5 and not load.over
    assert "7.5 h: 1.5 weeks at 5 h a week, within the 2-week horizon." in load.sentence()


def test_without_history_the_other_members_median_for_the_link_is_used() -> None:
    # others took a median of 3,360 minutes from start to finish: 100 min at 5 h a week
    medians = {"https://x.org/x": 3360}
    load = workload(NOW_ITEMS, Pace(None, 0), medians, member_name="Appollo",
                    hours_per_week=5, horizon_weeks=2)  # fmt: skip
    sources = {i.item_id: (i.source, i.expected_minutes) for i in load.items}
    assert sources == {"x": ("others", 100), "y": ("estimate", 300)}
    assert "from other members' times on the same resources that is 6.7 h" in load.sentence()
    assert not load.over


def test_hours_as_the_sentence_says_them() -> None:
    assert (hours(45), hours(90), hours(840), hours(1080)) == ("45 min", "1.5 h", "14 h", "18 h")


def test_stalled_overloaded_and_on_track_with_their_reasons() -> None:
    light = workload([], Pace(None, 0), {}, member_name="A", hours_per_week=5, horizon_weeks=2)
    heavy = workload(NOW_ITEMS, Pace(2.0, 9), {}, member_name="A", hours_per_week=5,
                     horizon_weeks=2)  # fmt: skip
    idle = standing(TODAY - timedelta(days=20), TODAY, light, TODAY, 14)
    assert (idle.status, idle.reason) == ("stalled", "nothing started or finished for 20 days")
    busy = standing(TODAY - timedelta(days=1), TODAY, heavy, TODAY, 14)
    assert busy.status == "overloaded" and "6 weeks at 5 h a week" in busy.reason
    fine = standing(TODAY - timedelta(days=3), TODAY, light, TODAY, 14)
    assert (fine.status, fine.reason) == ("on track", "last start or finish 3 days ago")
    new = standing(None, TODAY - timedelta(days=2), light, TODAY, 14)
    assert new.status == "on track"
    forgotten = standing(None, TODAY - timedelta(days=30), light, TODAY, 14)
    assert forgotten.status == "stalled"
    order = attention_order([(fine, TODAY), (busy, TODAY), (idle, TODAY), (forgotten, None)])
    assert order == [3, 2, 1, 0]
    assert per_status(["stalled", "on track", "stalled"]) == {
        "stalled": 2, "overloaded": 0, "on track": 1,
    }  # fmt: skip


def test_charts_are_svg_with_a_title_a_description_and_escaped_labels() -> None:
    weeks = [date(2026, 11, 2), date(2026, 11, 9)]
    svg = charts.bar_chart(
        "c", "Finished <per> week", "two weeks", weeks, charts.Series("F", (1, 3), "a"), "items"
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="c-title">Finished &lt;per&gt; week</title>' in svg
    assert '<desc id="c-desc">two weeks</desc>' in svg
    assert svg.count('<rect class="a"') == 2
    assert "style=" not in svg  # the strict CSP: classes, never inline style
    line = charts.line_chart("b", "t", "d", weeks, [charts.Series("Done", (0, 2), "l")], "h")
    assert line.count("<polyline") == 1


def test_a_card_without_an_estimate_uses_the_other_members_median_even_with_a_pace() -> None:
    cards = [_item("x", "now", None, url="https://x.org/x"), _item("y", "now", 60)]
    assert [needs_others(card, Pace(2.0, 3)) for card in cards] == [True, False]
    assert needs_others(cards[1], Pace(None, 0)) is False  # no link: nothing to look up
    load = workload(cards, Pace(2.0, 3), {"https://x.org/x": 3360}, member_name="A",
                    hours_per_week=5, horizon_weeks=2)  # fmt: skip
    assert [(i.source, i.expected_minutes) for i in load.items] == [("others", 100), ("pace", 120)]
