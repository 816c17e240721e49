"""Demo questions to the community, asked and answered by the people of the user stories
(one answered with a link, marked as helpful; others open for those who offer the
skills: sign in as Miles and Charlie's question is among those you can answer).
Idempotent: a question with the same line is not asked twice."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Engine

from domain.community import question_from_fields
from storage.account_queries import get_user_by_email
from storage.community_queries import (
    get_answer,
    insert_answer,
    insert_question,
    mark_helpful,
    recent_questions,
)
from storage.database import write_transaction


@dataclass(frozen=True)
class DemoQuestion:
    asker: str
    title: str
    body: str
    skills: str
    answers: tuple[tuple[str, str], ...] = ()  # (author, text)
    helpful: int | None = None  # which answer helped


DEMO_QUESTIONS = (
    DemoQuestion(
        "julian@example.org",
        "What should I do in my first week at a new job?",
        "I start on Monday and want to make a good first impression.",
        "onboarding, career development",
        (
            (
                "petra@example.org",
                "Meet your manager and agree what success looks like at 30, 60 and 90 "
                "days. This guide is a good start: "
                "https://www.gitlab.com/handbook/people-group/general-onboarding/",
            ),
        ),
        helpful=0,
    ),
    DemoQuestion(
        "rohan@example.org",
        "How do I check a startup idea before building anything?",
        "I have an idea but no product yet and do not know where to start.",
        "startups, lean startup",
        (
            (
                "conner@example.org",
                "Talk to ten people who have the problem before you write code; ask about "
                "the last time it happened, not about your idea.",
            ),
        ),
    ),
    DemoQuestion(
        "charlie@example.org",
        "How do I explain my recursive solution out loud in an interview?",
        "I can write it, but I lose the interviewer when I explain it.",
        "recursion, coding interviews",
    ),
)


def seed_community(engine: Engine) -> list[str]:
    asked = {q.title for q in recent_questions(engine, limit=1000)}
    created = 0
    for demo in DEMO_QUESTIONS:
        asker = get_user_by_email(engine, demo.asker)
        question, _ = question_from_fields(
            {"title": demo.title, "body": demo.body, "skills": demo.skills}
        )
        if demo.title in asked or asker is None or asker.id is None or question is None:
            continue
        answer_ids = []
        with write_transaction(engine) as connection:
            question_id = insert_question(connection, asker.id, question)
            for author_email, text in demo.answers:
                author = connection.execute(
                    sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": author_email}
                ).scalar()
                if author is not None:
                    answer_ids.append(insert_answer(connection, question_id, int(author), text))
        if demo.helpful is not None and demo.helpful < len(answer_ids):
            helped = get_answer(engine, answer_ids[demo.helpful])
            if helped is not None:
                mark_helpful(engine, helped)
        created += 1
    return [f"{created} questions to the community (/community)"] if created else []
