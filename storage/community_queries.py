"""Questions and answers in SQL: blocking functions, one short transaction each (or the
caller's, for a write that also queues an email)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlmodel import col

from collab.erase import mention_pattern, scrub_string
from domain.community import NewQuestion, QuestionRef, for_helper
from storage.accounts import User
from storage.community import CommunityAnswer, CommunityQuestion, CommunityQuestionSkill
from storage.database import write_transaction
from storage.models import utcnow
from storage.people import ProfileSkill
from storage.tables import known, table_of


@dataclass(frozen=True)
class Question:
    id: int
    asker_id: int
    asker_name: str
    title: str
    body: str
    skills: tuple[str, ...]
    created_at: datetime
    answers: int
    open: bool  # no answer marked helpful yet

    @property
    def ref(self) -> QuestionRef:
        return QuestionRef(self.id, self.asker_id, self.skills, self.open)


@dataclass(frozen=True)
class Answer:
    id: int
    question_id: int
    author_id: int
    author_name: str
    body: str
    helpful: bool
    library_resource_id: int | None
    created_at: datetime


def insert_question(connection: Connection, asker_id: int, question: NewQuestion) -> int:
    question_id = known(
        connection.execute(
            sa.insert(table_of(CommunityQuestion))
            .values(
                asker_user_id=asker_id,
                title=question.title,
                body=question.body,
                created_at=utcnow(),
            )  # fmt: skip
            .returning(col(CommunityQuestion.id))
        ).scalar_one()
    )
    connection.execute(
        sa.insert(table_of(CommunityQuestionSkill)),
        [
            {"question_id": question_id, "skill": skill, "position": n}
            for n, skill in enumerate(question.skills)
        ],
    )
    return question_id


def _questions(engine: Engine, *where: Any, limit: int = 200) -> list[Question]:
    answers = (
        sa.select(
            col(CommunityAnswer.question_id).label("qid"),
            sa.func.count().label("answers"),
            sa.func.max(sa.case((col(CommunityAnswer.helpful), 1), else_=0)).label("helped"),
        )
        .group_by(col(CommunityAnswer.question_id))
        .subquery()
    )
    with engine.connect() as connection:
        rows: Any = connection.execute(
            sa.select(
                table_of(CommunityQuestion),
                col(User.name).label("asker_name"),
                answers.c.answers,
                answers.c.helped,
            )  # fmt: skip
            .join(User, col(User.id) == col(CommunityQuestion.asker_user_id))
            .outerjoin(answers, answers.c.qid == col(CommunityQuestion.id))
            .where(*where)
            .order_by(col(CommunityQuestion.created_at).desc(), col(CommunityQuestion.id).desc())
            .limit(limit)
        ).all()
        ids = [row.id for row in rows]
        skills: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            for question_id, skill in connection.execute(
                sa.select(
                    col(CommunityQuestionSkill.question_id), col(CommunityQuestionSkill.skill)
                )
                .where(col(CommunityQuestionSkill.question_id).in_(ids))
                .order_by(col(CommunityQuestionSkill.position))
            ):
                skills[question_id].append(skill)
    return [
        Question(
            row.id,
            row.asker_user_id,
            row.asker_name,
            row.title,
            row.body,
            tuple(skills[row.id]),
            row.created_at,
            int(row.answers or 0),
            not row.helped,
        )  # fmt: skip
        for row in rows
    ]


def get_question(engine: Engine, question_id: int) -> Question | None:
    found = _questions(engine, col(CommunityQuestion.id) == question_id)
    return found[0] if found else None


def recent_questions(engine: Engine, limit: int = 100) -> list[Question]:
    """Every question, newest first."""
    return _questions(engine, limit=limit)


def offered_skills(engine: Engine, user_id: int) -> tuple[str, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                sa.select(col(ProfileSkill.skill)).where(
                    col(ProfileSkill.user_id) == user_id, col(ProfileSkill.side) == "offers"
                )
            ).scalars()
        )


def open_questions_for(engine: Engine, user_id: int, limit: int = 20) -> list[Question]:
    """Open questions of others tagged with a skill `user_id` offers on their profile, most
    shared skills first: what a dashboard shows someone who can help."""
    offered = offered_skills(engine, user_id)
    if not offered:
        return []
    tagged = (
        sa.select(col(CommunityQuestionSkill.question_id))
        .where(col(CommunityQuestionSkill.skill).in_(offered))
        .scalar_subquery()
    )
    candidates = _questions(engine, col(CommunityQuestion.id).in_(tagged), limit=500)
    by_id = {q.id: q for q in candidates}
    return [by_id[ref.id] for ref in for_helper([q.ref for q in candidates], offered, user_id)][
        :limit
    ]


def insert_answer(connection: Connection, question_id: int, author_id: int, body: str) -> int:
    return known(
        connection.execute(
            sa.insert(table_of(CommunityAnswer))
            .values(
                question_id=question_id,
                author_user_id=author_id,
                body=body,
                helpful=False,
                created_at=utcnow(),
            )  # fmt: skip
            .returning(col(CommunityAnswer.id))
        ).scalar_one()
    )


def _answers(engine: Engine, *where: Any) -> list[Answer]:
    with engine.connect() as connection:
        rows: Any = connection.execute(
            sa.select(table_of(CommunityAnswer), col(User.name).label("author_name"))
            .join(User, col(User.id) == col(CommunityAnswer.author_user_id))
            .where(*where)
            .order_by(col(CommunityAnswer.created_at), col(CommunityAnswer.id))
        ).all()
    return [
        Answer(
            row.id,
            row.question_id,
            row.author_user_id,
            row.author_name,
            row.body,
            bool(row.helpful),
            row.library_resource_id,
            row.created_at,
        )  # fmt: skip
        for row in rows
    ]


def answers_to(engine: Engine, question_id: int) -> list[Answer]:
    return _answers(engine, col(CommunityAnswer.question_id) == question_id)


def get_answer(engine: Engine, answer_id: int) -> Answer | None:
    found = _answers(engine, col(CommunityAnswer.id) == answer_id)
    return found[0] if found else None


def mark_helpful(engine: Engine, answer: Answer) -> bool:
    """Mark the answer as the one that helped (no other answer to the question stays
    marked); marking it again unmarks it. Whether it is marked now."""
    now_helpful = not answer.helpful
    with write_transaction(engine) as connection:
        connection.execute(
            sa.update(table_of(CommunityAnswer))
            .where(col(CommunityAnswer.question_id) == answer.question_id)
            .values(helpful=False)
        )
        if now_helpful:
            connection.execute(
                sa.update(table_of(CommunityAnswer))
                .where(col(CommunityAnswer.id) == answer.id)
                .values(helpful=True)
            )
    return now_helpful


def link_resource(engine: Engine, answer_id: int, resource_id: int) -> None:
    """Note that the answer's link is in the library, as this resource."""
    with write_transaction(engine) as connection:
        connection.execute(
            sa.update(table_of(CommunityAnswer))
            .where(col(CommunityAnswer.id) == answer_id)
            .values(library_resource_id=resource_id)
        )


def scrub_community_mentions(engine: Engine, needles: Sequence[str]) -> int:
    """ForgetMe: a person's name or email written in others' questions and answers becomes
    "former member" (their own questions and answers go with their account)."""
    pattern = mention_pattern(list(needles))
    if pattern is None:
        return 0
    changed = 0
    with write_transaction(engine) as connection:
        for table, column in (
            (table_of(CommunityQuestion), "title"),
            (table_of(CommunityQuestion), "body"),
            (table_of(CommunityAnswer), "body"),
        ):
            for key, value in connection.execute(sa.select(table.c.id, table.c[column])).all():
                clean = scrub_string(value, pattern)
                if clean != value:
                    clean = clean[:200] if column == "title" else clean
                    connection.execute(
                        sa.update(table).where(table.c.id == key).values({column: clean})
                    )
                    changed += 1
    return changed
