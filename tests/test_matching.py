"""Matching: working-hours overlap, BM25, reading profiles, and the ranking's rules."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from domain.matching import (
    InvalidProfile,
    InvalidTimeZone,
    Offer,
    OfferedSkill,
    Profile,
    Request,
    check_timezone,
    offer_from_dict,
    overlap_hours,
    profile_from_dict,
    rank,
    request_from_dict,
    why_not,
)
from domain.matching.bm25 import BM25

WINTER = date(2025, 1, 15)


def mentor(email: str, *skills: tuple[str, str], **fields: Any) -> Profile:
    defaults: dict[str, Any] = {"name": email.split("@")[0].title(), "role": "mentor",
        "formats": frozenset({"live", "email"}), "timezone": "Europe/Berlin",
        "hours_per_week": 2, "capacity": 2}  # fmt: skip
    offers = tuple(OfferedSkill(skill, level) for skill, level in skills)
    return Profile(email=email, offers=offers, **{**defaults, **fields})


def member(email: str, *seeks: str, **fields: Any) -> Profile:
    defaults: dict[str, Any] = {"name": email.split("@")[0].title(), "hours_per_week": 2,
        "formats": frozenset({"live", "email"}), "timezone": "Europe/Berlin"}  # fmt: skip
    return Profile(email=email, seeks=seeks, **{**defaults, **fields})


def ask(*skills: str, text: str = "", **fields: Any) -> Request:
    defaults: dict[str, Any] = {"member": "asker@example.org", "formats": frozenset({"live"}),
                                "timezone": "Europe/Berlin", "hours": 2}  # fmt: skip
    return Request(text=text, skills=skills, **{**defaults, **fields})


def emails(matches: list[Any]) -> list[str]:
    return [match.person.email for match in matches]


# Working hours


def test_overlap_of_working_hours_between_time_zones() -> None:
    assert overlap_hours("Europe/Berlin", "Europe/Berlin", WINTER) == 9
    assert overlap_hours("America/New_York", "America/Chicago", WINTER) == 8
    assert overlap_hours("Europe/London", "America/New_York", WINTER) == 4
    assert overlap_hours("America/New_York", "Asia/Tokyo", WINTER) == 0
    assert overlap_hours("Asia/Kolkata", "Europe/London", WINTER) == 3.5  # half-hour offset


def test_overlap_crosses_the_date_line_and_follows_daylight_saving_time() -> None:
    # Los Angeles' afternoon is Auckland's next morning: 20:00-02:00 UTC.
    assert overlap_hours("America/Los_Angeles", "Pacific/Auckland", WINTER) == 6
    assert overlap_hours("Pacific/Auckland", "America/Los_Angeles", WINTER) == 6
    # New York moves its clocks on 9 March 2025, London on 30 March.
    assert overlap_hours("Europe/London", "America/New_York", date(2025, 3, 12)) == 5
    assert overlap_hours("Europe/London", "America/New_York", date(2025, 4, 2)) == 4


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "", "UTC+1" * 20])
def test_a_time_zone_must_be_an_iana_name(name: str) -> None:
    with pytest.raises(InvalidTimeZone):
        check_timezone(name)


# BM25


def test_bm25_scores_match_the_formula_computed_by_hand() -> None:
    index = BM25([["java", "spring"], ["java", "kotlin", "kotlin"], ["design"]])
    # kotlin: df 1 of 3, idf = ln(1 + 2.5/1.5); document 1 has 3 terms, the average is 2.
    idf = math.log(1 + 2.5 / 1.5)
    norm = 1.2 * (1 - 0.75 + 0.75 * 3 / 2)
    assert index.scores(["kotlin"]) == pytest.approx([0, idf * 2 / (2 + norm), 0])
    assert index.scores(["kotlin"])[1] == pytest.approx(0.537440, abs=1e-6)
    # a word in most documents still counts a little (Lucene's idf is never negative)
    assert index.idf("java") == pytest.approx(math.log(1 + 1.5 / 2.5)) and index.idf("java") > 0
    assert index.scores(["kotlin", "kotlin"]) == index.scores(["kotlin"])  # terms count once
    assert index.term_scores(["java", "design", "absent"], 2) == {
        "design": pytest.approx(math.log(1 + 2.5 / 1.5) * 1 / (1 + 1.2 * (0.25 + 0.75 / 2)))
    }


def test_bm25_prefers_the_rarer_word_and_the_shorter_document() -> None:
    index = BM25([["recursion", "tree"], ["recursion", "tree", "graph", "heap", "sort", "hash"]])
    first, second = index.scores(["recursion"])
    assert first > second > 0


# Reading profiles, requests and offers


def test_a_profile_is_read_from_the_import_format_with_synonyms_normalised() -> None:
    profile = profile_from_dict({
        "email": "maven@example.org", "name": "Maven", "role": "mentor", "about": "SRE",
        "offers": [{"skill": "k8s", "level": "expert"}, {"skill": "Postgres", "level": "working"}],
        "seeks": ["CI/CD", "ci-cd", "Yak shaving"], "formats": ["live", "email"],
        "timezone": "Europe/London", "hours_per_week": 3, "capacity": 4, "paused": False,
    })  # fmt: skip
    assert profile.levels == {"kubernetes": "expert", "postgresql": "working"}
    assert profile.seeks == ("ci-cd", "yak-shaving")
    assert profile.formats == {"live", "email"} and profile.free_places == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [({"offers": [{"skill": "java", "level": "guru"}]}, "offers\\[0\\].level"),
     ({"offers": ["java"]}, "offers\\[0\\]"),
     ({"offers": [{"skill": "!!"}]}, "offers\\[0\\].skill"),
     ({"formats": ["phone"]}, "formats"), ({"timezone": "Nowhere/Land"}, "timezone"),
     ({"capacity": -1}, "capacity"), ({"capacity": "3"}, "capacity"),
     ({"hours_per_week": "lots"}, "hours_per_week"), ({"hours_per_week": 200}, "hours_per_week"),
     ({"email": ""}, "email"), ({"seeks": "java"}, "seeks")],
)  # fmt: skip
def test_a_bad_profile_is_refused_with_the_field_named(
    change: dict[str, Any], message: str
) -> None:
    entry = {"email": "a@example.org", "name": "A", "timezone": "UTC", **change}
    with pytest.raises(InvalidProfile, match=message):
        profile_from_dict(entry)


def test_requests_and_offers_are_read_from_the_match_format_and_need_hours() -> None:
    fields = {
        "text": "Help",
        "skills": ["k8s"],
        "formats": ["email"],
        "timezone": "UTC",
        "hours": 1,
    }
    request = request_from_dict({"member": "m@example.org", **fields})
    offer = offer_from_dict({"mentor": "t@example.org", **fields})
    assert request.author == "m@example.org" and request.skills == ("kubernetes",)
    assert offer.author == "t@example.org" and offer.formats == {"email"}
    with pytest.raises(InvalidProfile, match="hours is required"):
        request_from_dict({"member": "m@example.org", "text": "Help"})
    with pytest.raises(InvalidProfile, match="hours"):
        request_from_dict({"member": "m@example.org", **fields, "hours": 0})
    with pytest.raises(InvalidProfile, match="member"):
        request_from_dict(fields)


# The ranking's rules


def test_paused_and_full_mentors_are_never_proposed_however_well_they_fit() -> None:
    people = [
        mentor("paused@example.org", ("recursion", "expert"), paused=True),
        mentor("full@example.org", ("recursion", "expert"), capacity=2, mentees=2),
        mentor("none@example.org", ("recursion", "expert"), capacity=0),
        mentor("ok@example.org", ("recursion", "learning"), formats=frozenset({"review"})),
    ]
    request = ask("recursion")
    assert emails(rank(request, people, on=WINTER)) == ["ok@example.org"]
    assert why_not(request, people[0]) == "is paused"
    assert why_not(request, people[1]) == "has no free mentee place (2 of 2 taken)"
    assert why_not(request, people[2]) == "takes no mentees"
    assert why_not(request, people[3]) is None


def test_nobody_is_proposed_to_themselves_or_without_any_asked_skill() -> None:
    people = [
        mentor("asker@example.org", ("recursion", "expert")),
        mentor("designer@example.org", ("ux-design", "expert")),
    ]
    request = ask("recursion")
    assert rank(request, people, on=WINTER) == []
    assert why_not(request, people[0]) == "is the author"
    assert why_not(request, people[1]) == "offers none of recursion"


def test_an_exact_skill_beats_a_related_one_and_a_higher_level_beats_a_lower_one() -> None:
    people = [
        mentor("related@example.org", ("algorithms", "expert")),
        mentor("working@example.org", ("recursion", "working")),
        mentor("expert@example.org", ("recursion", "expert")),
    ]
    matches = rank(ask("recursion"), people, on=WINTER)
    assert emails(matches) == ["expert@example.org", "working@example.org", "related@example.org"]
    assert matches[0].reasons[0] == "covers recursion (expert)"
    assert matches[2].reasons[0] == "knows algorithms (expert), related to recursion"
    assert matches[2].covered == ("recursion",) and matches[2].parts["skills"] == 0.4


def test_format_time_zone_capacity_and_hours_each_move_a_mentor_down() -> None:
    best = mentor("best@example.org", ("java", "expert"))
    worse = [
        mentor("format@example.org", ("java", "expert"), formats=frozenset({"review"})),
        mentor("far@example.org", ("java", "expert"), timezone="Pacific/Auckland"),
        mentor("busy@example.org", ("java", "expert"), capacity=4, mentees=3),
        mentor("short@example.org", ("java", "expert"), hours_per_week=0.5),
    ]
    request = ask("java")
    matches = {match.person.email: match for match in rank(request, [best, *worse], on=WINTER)}
    assert emails(rank(request, [best, *worse], on=WINTER))[0] == "best@example.org"
    for person in worse:
        assert matches[person.email].score < matches["best@example.org"].score, person.email
    assert "no common format (asked: live sessions; theirs: written reviews)" in (
        matches["format@example.org"].reasons
    )
    assert "no overlap of working hours" in matches["far@example.org"].reasons
    assert "1 of 4 mentee places free" in matches["busy@example.org"].reasons
    assert "0.5 h a week available, 2 h asked" in matches["short@example.org"].reasons
    assert "both prefer live sessions" in matches["best@example.org"].reasons
    assert "same working hours" in matches["best@example.org"].reasons


def test_time_zones_matter_less_when_both_work_by_email() -> None:
    far = mentor("far@example.org", ("java", "expert"), timezone="Pacific/Auckland",
                 formats=frozenset({"email"}))  # fmt: skip
    (by_email,) = rank(ask("java", formats=frozenset({"email"})), [far], on=WINTER)
    (live,) = rank(ask("java"), [replace(far, formats=frozenset({"live"}))], on=WINTER)
    assert by_email.parts["time"] == 0.5 and live.parts["time"] == 0
    assert "no overlap of working hours (matters little by email)" in by_email.reasons
    assert "no overlap of working hours" in live.reasons


def test_the_free_text_ranks_the_mentor_whose_profile_says_it() -> None:
    people = [
        mentor("a@example.org", ("coding-interviews", "expert"),
               about="I help with system design interviews at large companies."),
        mentor("b@example.org", ("coding-interviews", "expert"),
               about="Recursion is my favourite topic: I explain the base case with drawings."),
    ]  # fmt: skip
    request = ask("coding-interviews", text="I keep getting stuck on recursion questions.")
    matches = rank(request, people, on=WINTER)
    assert emails(matches) == ["b@example.org", "a@example.org"]
    assert matches[0].parts["text"] == 1.0 > matches[1].parts["text"]
    assert 'their profile mentions "Recursion"' in matches[0].reasons


def test_a_request_without_tags_uses_the_skills_its_text_names() -> None:
    people = [
        mentor("k@example.org", ("kubernetes", "expert")),
        mentor("j@example.org", ("java", "expert")),
    ]
    matches = rank(ask(text="How do I debug a crashing pod in k8s?"), people, on=WINTER)
    assert emails(matches) == ["k@example.org"]


def test_an_offer_finds_members_who_seek_its_skills_and_ignores_capacity() -> None:
    offer = Offer(mentor="teacher@example.org", text="Java by email", skills=("java",),
                  formats=frozenset({"email"}), timezone="Europe/Madrid", hours=1)  # fmt: skip
    people = [
        member("seeker@example.org", "java", formats=frozenset({"email"})),
        member("paused@example.org", "java", paused=True),
        member("other@example.org", "python"),
        mentor("teacher@example.org", ("java", "expert")),
    ]
    matches = rank(offer, people, on=WINTER)
    assert emails(matches) == ["seeker@example.org"]
    assert matches[0].reasons[0] == "seeks java"
    assert "capacity" not in matches[0].parts and "level" not in matches[0].parts
    assert why_not(offer, people[2]) == "seeks none of java"


def test_the_order_is_deterministic_and_ties_go_by_email() -> None:
    twins = [mentor(f"{name}@example.org", ("sql", "working")) for name in "dcbae"]
    orders = set()
    for seed in range(5):
        shuffled = twins[:]
        random.Random(seed).shuffle(shuffled)
        orders.add(tuple(emails(rank(ask("sql"), shuffled, on=WINTER))))
    assert orders == {tuple(f"{name}@example.org" for name in "abcde")}
    assert len(rank(ask("sql"), twins, on=WINTER, limit=2)) == 2


def test_a_match_has_the_json_shape_of_the_command_line() -> None:
    (match,) = rank(ask("sql"), [mentor("s@example.org", ("sql", "expert"))], on=WINTER)
    data = match.as_dict()
    assert set(data) == {"email", "name", "score", "reasons"}
    assert data["email"] == "s@example.org" and 0 < data["score"] <= 1
    assert all(isinstance(reason, str) and reason for reason in data["reasons"])
