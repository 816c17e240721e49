"""The pure rules of asking the community and of encounter scripts."""

from __future__ import annotations

from datetime import date

from domain.community import (
    QuestionRef,
    answer_from_fields,
    first_link,
    for_helper,
    question_from_fields,
)
from domain.encounter_scripts import SHIPPED_BY_SLUG, record_from_fields, script_from_fields
from server.encounters.record import held_at_of


def test_a_question_normalises_its_skills_and_refuses_what_is_missing():
    question, errors = question_from_fields(
        {"title": "How do I start with recursion?", "skills": "Recursion, coding interview, ,"}
    )
    assert errors == {} and question is not None
    assert question.skills == ("recursion", "coding-interviews")
    _, errors = question_from_fields({"title": "Help", "skills": ""})
    assert set(errors) == {"title", "skills"}
    _, errors = question_from_fields({"title": "x" * 201, "skills": ",".join("abcdefghij")})
    assert errors["title"].startswith("The question's line") and "At most 8" in errors["skills"]
    assert answer_from_fields({"body": "  "}) == (None, "Write your answer.")
    assert answer_from_fields({"body": " Yes. "}) == ("Yes.", None)


def test_the_first_link_of_an_answer():
    assert first_link("See https://Example.org/a-guide.") == "https://example.org/a-guide"
    assert first_link("Read (http://example.org/x), then practise") == "http://example.org/x"
    assert first_link("no link, just javascript:alert(1)") is None


def test_helpers_see_open_questions_of_others_with_their_skills_most_shared_first():
    questions = [
        QuestionRef(1, 10, ("recursion",), True),
        QuestionRef(2, 10, ("recursion", "algorithms"), True),
        QuestionRef(3, 10, ("recursion",), False),  # answered
        QuestionRef(4, 99, ("recursion",), True),  # the helper's own
        QuestionRef(5, 10, ("ux-design",), True),
    ]
    found = for_helper(questions, ["recursion", "algorithms"], helper_id=99)
    assert [q.id for q in found] == [2, 1]


def test_scripts_and_records_are_checked():
    script, errors = script_from_fields(
        {"title": "Career change!", "questions": "Why?\n\nWhat next?", "checks": ""}
    )
    assert errors == {} and script is not None
    assert (script.slug, script.questions, script.checks) == (
        "career-change",
        ("Why?", "What next?"),
        (),
    )
    _, errors = script_from_fields({"title": "First meeting", "questions": "Q"})
    assert "shipped" in errors["title"]
    first = SHIPPED_BY_SLUG["first-meeting"]
    record, errors = record_from_fields(first, ["A goal"], [first.checks[1]], "")
    assert errors == {} and record is not None
    assert record.answers == ("A goal", "", "") and record.checked == (first.checks[1],)
    assert "notes" in record_from_fields(first, ["", ""], [], " ")[1]
    today = date(2026, 12, 1)
    assert held_at_of("", today) == (None, None)
    assert held_at_of("2026-11-30", today)[0] is not None
    assert held_at_of("2026-12-05", today)[1] == "An encounter cannot be held in the future."
    assert held_at_of("30/11/2026", today)[1] == "Give the date as YYYY-MM-DD."
