"""Encounter scripts: templates of questions and checks a mentor picks for a meeting.

Three ship with mentorHub ("first meeting", "stuck on a problem", "first 90 days");
staff add more (stored in SQL, `storage/encounters.py`). Pure: checking what someone
typed into a script, and the shipped ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

MAX_TITLE, MAX_LINE, MAX_LINES = 120, 300, 20
MAX_NOTES, MAX_ANSWER = 20_000, 4_000
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class Script:
    slug: str  # in URLs and on each encounter
    title: str
    purpose: str
    questions: tuple[str, ...]  # the mentor writes an answer to each
    checks: tuple[str, ...]  # ticked or not
    shipped: bool = True


SHIPPED: tuple[Script, ...] = (
    Script(
        "first-meeting",
        "First meeting",
        "Get to know each other and agree how you will work together.",
        (
            "What brings you to mentoring, and what would make it a success for you?",
            "What have you tried so far, and what got in the way?",
            "How and how often shall we meet?",
        ),
        (
            "We agreed on a goal for the next weeks",
            "We agreed how often we meet",
            "The first items are on the curriculum",
        ),
    ),
    Script(
        "stuck-on-a-problem",
        "Stuck on a problem",
        "Get unstuck: describe the problem, what was tried, and the next small step.",
        (
            "What is the problem, in one or two sentences?",
            "What did you try, and what happened?",
            "What is the smallest next step?",
        ),
        (
            "The problem is written down",
            "There is a next step with a date",
            "A resource that helps is on the curriculum",
        ),
    ),
    Script(
        "first-90-days",
        "First 90 days",
        "Make the most of the first three months in a new job.",
        (
            "Who are the people you need to know, and have you met them?",
            "What does your manager expect by day 30, 60 and 90?",
            "What early win can you deliver?",
        ),
        (
            "A 30-60-90 day plan exists",
            "One-to-ones with the manager are scheduled",
            "An early win is chosen",
        ),
    ),
)
SHIPPED_BY_SLUG = {script.slug: script for script in SHIPPED}


def slug_of(title: str) -> str:
    """A URL-safe name for a script title ("Career change!" -> "career-change")."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:63].strip("-") or "script"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def script_from_fields(fields: Mapping[str, str]) -> tuple[Script | None, dict[str, str]]:
    """A staff member's new script from form fields (questions and checks one a line):
    (script, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    title = " ".join(fields.get("title", "").split())
    if not title:
        errors["title"] = "Give the script a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The title can be at most {MAX_TITLE} characters."
    purpose = " ".join(fields.get("purpose", "").split())
    if len(purpose) > MAX_LINE:
        errors["purpose"] = f"The purpose can be at most {MAX_LINE} characters."
    questions, checks = _lines(fields.get("questions", "")), _lines(fields.get("checks", ""))
    if not questions:
        errors["questions"] = "Write at least one question, one a line."
    for name, lines in (("questions", questions), ("checks", checks)):
        if len(lines) > MAX_LINES:
            errors[name] = f"At most {MAX_LINES} lines."
        elif any(len(line) > MAX_LINE for line in lines):
            errors[name] = f"Each line can be at most {MAX_LINE} characters."
    if errors:
        return None, errors
    slug = slug_of(title)
    if slug in SHIPPED_BY_SLUG:
        return None, {"title": "A script shipped with mentorHub has that name already."}
    return Script(slug, title, purpose, questions, checks, shipped=False), {}


@dataclass(frozen=True)
class Record:
    """What a mentor wrote for an encounter, checked."""

    answers: tuple[str, ...]  # one per question of the script, in order
    checked: tuple[str, ...]  # the script's checks that were ticked
    notes: str


def record_from_fields(
    script: Script, answers: list[str], checked: list[str], notes: str
) -> tuple[Record | None, dict[str, str]]:
    """The encounter's notes from a form: at most one answer per question, only the
    script's own checks, and something written somewhere."""
    errors: dict[str, str] = {}
    notes = notes.strip()
    cleaned = tuple(a.strip() for a in answers[: len(script.questions)])
    cleaned += ("",) * (len(script.questions) - len(cleaned))
    if len(answers) > len(script.questions):
        errors["answers"] = "There are more answers than the script has questions."
    if any(len(answer) > MAX_ANSWER for answer in cleaned):
        errors["answers"] = f"An answer can be at most {MAX_ANSWER} characters."
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"The notes can be at most {MAX_NOTES} characters."
    unknown = [check for check in checked if check not in script.checks]
    if unknown:
        errors["checked"] = "Tick only the script's own checks."
    if not notes and not any(cleaned):
        errors["notes"] = "Write the notes of the encounter (or answer a question)."
    if errors:
        return None, errors
    ticked = tuple(check for check in script.checks if check in checked)
    return Record(cleaned, ticked, notes), {}
