"""The user stories of the micro-mentorship idea, each with its expected match first.

The people, requests and offers are the shipped personas (domain/personas.json), which
the demo data uses too. Every story has distractors: someone with the right skills who is
paused or full (never proposed), in another format or a far time zone, or with only a
related skill or fewer of the skills (proposed, but lower, with the reason shown).
"""

from __future__ import annotations

from datetime import date

import pytest

from collab.demo import DEMO_CURRICULA
from domain.matching import Request, rank, why_not
from domain.personas import DISTRACTOR_KINDS, load_personas

PERSONAS = load_personas()
DATES = [date(2025, 1, 15), date(2025, 7, 16)]  # winter and summer time
# What a proposed distractor's reasons must say about its weak point.
SHOWN = {
    "other format": "no common format",
    "far time zone": "no overlap of working hours",
    "related skill only": "related to",
    "fewer skills": "does not seek",
}
ABSENT = {"paused": "is paused", "full": "has no free mentee place"}


def test_the_stories_of_the_founding_document_are_all_here() -> None:
    keys = {story.key for story in PERSONAS.stories}
    assert keys == {
        "charlie-recursion", "julian-first-90-days", "rohan-startup", "jorge-java-by-email",
        "alex-design-request", "george-design-session", "conner-get-hired",
        "karen-build-teams", "jacob-unstuck",
    }  # fmt: skip
    kinds = {kind for story in PERSONAS.stories for kind in story.distractors.values()}
    assert kinds == set(DISTRACTOR_KINDS)


@pytest.mark.parametrize("on", DATES, ids=["winter", "summer"])
@pytest.mark.parametrize("story", PERSONAS.stories, ids=lambda story: story.key)
def test_each_story_proposes_its_match_first_and_its_distractors_lower_or_not_at_all(
    story, on
) -> None:
    matches = rank(story.ask, PERSONAS.people, on=on)
    ranked = [match.person.email for match in matches]
    assert ranked[0] == story.expected, [(m.person.email, m.score, m.reasons) for m in matches]
    first = matches[0]
    assert first.reasons and all(reason for reason in first.reasons)
    for email, kind in story.distractors.items():
        if kind in ABSENT:
            assert email not in ranked
            assert (why_not(story.ask, PERSONAS.person(email)) or "").startswith(ABSENT[kind])
        else:
            assert email in ranked, f"{email} ({kind}) should be proposed, lower"
            match = matches[ranked.index(email)]
            assert match.score < first.score
            assert any(SHOWN[kind] in reason for reason in match.reasons), match.reasons


def test_requests_find_mentors_and_offers_find_members_with_the_same_ranking() -> None:
    alex_asks = PERSONAS.story("alex-design-request")
    george_offers = PERSONAS.story("george-design-session")
    assert isinstance(alex_asks.ask, Request) and not isinstance(george_offers.ask, Request)
    assert rank(alex_asks.ask, PERSONAS.people, on=DATES[0])[0].person.email == "george@example.org"
    assert (
        rank(george_offers.ask, PERSONAS.people, on=DATES[0])[0].person.email == "alex@example.org"
    )


def test_charlies_reasons_read_as_the_story_tells_it() -> None:
    story = PERSONAS.story("charlie-recursion")
    miles = rank(story.ask, PERSONAS.people, on=DATES[0])[0]
    assert miles.reasons[0] == "covers recursion, coding-interviews (expert)"
    assert "both prefer live sessions" in miles.reasons
    assert "8 h overlap of working hours" in miles.reasons
    assert "2 of 3 mentee places free" in miles.reasons


def test_the_demo_people_are_personas_with_the_same_roles() -> None:
    for demo in DEMO_CURRICULA:
        assert PERSONAS.person(demo.member_email).role == "member"
        assert PERSONAS.person(demo.mentor_email).role == "mentor"
    assert PERSONAS.person("sam@example.org").role == "staff"
    assert len({person.email for person in PERSONAS.people}) == len(PERSONAS.people)
    assert [record["email"] for record in PERSONAS.records] == [p.email for p in PERSONAS.people]
