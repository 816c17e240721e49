"""Asking the community: a question with skill tags, answers, the one that helped.

Pure rules: reading a question or an answer from a form (skills normalised through the
vocabulary, synonyms included), the link in an answer, and which questions someone
who offers skills should see first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.library.urls import InvalidUrl, normalise_url
from domain.skills import InvalidTag, Vocabulary, load_vocabulary

MIN_TITLE, MAX_TITLE, MAX_BODY, MAX_ANSWER, MAX_SKILLS = 8, 200, 5000, 5000, 8
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class NewQuestion:
    title: str
    body: str
    skills: tuple[str, ...]  # canonical vocabulary names (or cleaned free tags)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def question_from_fields(
    fields: Mapping[str, object], vocabulary: Vocabulary | None = None
) -> tuple[NewQuestion | None, dict[str, str]]:
    """(question, {}) or (None, {field: message}); skills are comma-separated text."""
    vocabulary = vocabulary or load_vocabulary()
    errors: dict[str, str] = {}
    title = " ".join(_text(fields.get("title")).split())
    if len(title) < MIN_TITLE:
        errors["title"] = f"Ask your question in a line of at least {MIN_TITLE} characters."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The question's line can be at most {MAX_TITLE} characters."
    body = _text(fields.get("body"))
    if len(body) > MAX_BODY:
        errors["body"] = f"The details can be at most {MAX_BODY} characters."
    tags = [t for t in _text(fields.get("skills")).split(",") if t.strip()]
    skills: tuple[str, ...] = ()
    try:
        skills = vocabulary.normalise_all(tags)
    except InvalidTag:
        errors["skills"] = "A skill needs at least one letter or digit."
    if not tags:
        errors["skills"] = "Tag the question with at least one skill, so the right people see it."
    elif len(skills) > MAX_SKILLS:
        errors["skills"] = f"At most {MAX_SKILLS} skills."
    if errors:
        return None, errors
    return NewQuestion(title, body, skills), {}


def answer_from_fields(fields: Mapping[str, object]) -> tuple[str | None, str | None]:
    """(answer text, None) or (None, the message)."""
    body = _text(fields.get("body"))
    if not body:
        return None, "Write your answer."
    if len(body) > MAX_ANSWER:
        return None, f"An answer can be at most {MAX_ANSWER} characters."
    return body, None


def first_link(text: str) -> str | None:
    """The first http(s) link in an answer, normalised as the library keeps links."""
    for found in _LINK.finditer(text):
        try:
            return normalise_url(found.group(0).rstrip(_TRAILING))
        except InvalidUrl:
            continue
    return None


@dataclass(frozen=True)
class QuestionRef:
    id: int
    asker_id: int
    skills: tuple[str, ...]
    open: bool  # no answer marked helpful yet


def for_helper(
    questions: Sequence[QuestionRef], offered: Iterable[str], helper_id: int
) -> list[QuestionRef]:
    """The open questions of others tagged with a skill the helper offers, most shared
    skills first (then in the given order, newest first)."""
    offers = set(offered)
    matching = [
        q for q in questions if q.open and q.asker_id != helper_id and offers & set(q.skills)
    ]
    return sorted(matching, key=lambda q: -len(offers & set(q.skills)))
