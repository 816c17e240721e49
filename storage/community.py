"""The tables behind asking the community (migration `0012`).

- `community_question`: a member's question, with its skills in `community_question_skill`
  (canonical vocabulary names, for finding the people who offer them).
- `community_answer`: an answer; the asker marks the one that helped (`helpful`), and a
  helpful answer's link can go to the resource library (`library_resource_id`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _timestamp


class CommunityQuestion(SQLModel, table=True):
    __tablename__ = "community_question"

    id: int | None = Field(default=None, primary_key=True)
    asker_user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    title: str = Field(sa_type=sa.String(200))
    body: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = _timestamp()


class CommunityQuestionSkill(SQLModel, table=True):
    __tablename__ = "community_question_skill"
    __table_args__ = (sa.Index("ix_community_question_skill_skill", "skill"),)

    question_id: int = Field(
        primary_key=True, foreign_key="community_question.id", ondelete="CASCADE"
    )
    skill: str = Field(primary_key=True, sa_type=sa.String(60))
    position: int = Field(default=0)


class CommunityAnswer(SQLModel, table=True):
    __tablename__ = "community_answer"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="community_question.id", ondelete="CASCADE", index=True)
    author_user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    body: str = Field(sa_type=sa.Text)
    helpful: bool = Field(default=False)
    library_resource_id: int | None = Field(
        default=None, foreign_key="resource.id", ondelete="SET NULL"
    )
    created_at: datetime = _timestamp()
