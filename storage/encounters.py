"""The tables behind encounters: what a mentor wrote after meeting a mentee, and the
scripts staff added to the shipped ones (`domain/encounter_scripts.py`). Migration `0011`.

- `encounter`: one meeting of a mentor and a member. `baseline` is the member's
  curriculum as stored when the encounter was recorded (one Yjs update): the next
  encounter compares against it to show what changed since (`domain/encounter_changes.py`).
- `encounter_script`: a script a staff member added (questions and checks, one a line).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _timestamp


def _user_id(**kwargs: Any) -> Any:
    return Field(foreign_key="user_account.id", ondelete="CASCADE", **kwargs)


class Encounter(SQLModel, table=True):
    __tablename__ = "encounter"
    __table_args__ = (sa.Index("ix_encounter_member_user_id_held_at", "member_user_id", "held_at"),)

    id: int | None = Field(default=None, primary_key=True)
    mentorship_id: int | None = Field(
        default=None, foreign_key="mentorship.id", ondelete="SET NULL"
    )
    doc_id: str | None = Field(
        default=None, foreign_key="document.id", ondelete="SET NULL", sa_type=sa.String(64)
    )
    mentor_user_id: int = _user_id(index=True)
    member_user_id: int = _user_id()
    script: str = Field(sa_type=sa.String(64))
    script_title: str = Field(sa_type=sa.String(120))
    questions: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    answers: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    checks: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    checked: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    notes: str = Field(default="", sa_type=sa.Text)
    baseline: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    held_at: datetime = _timestamp()
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class EncounterScript(SQLModel, table=True):
    __tablename__ = "encounter_script"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=sa.String(64), unique=True)
    title: str = Field(sa_type=sa.String(120))
    purpose: str = Field(default="", sa_type=sa.Text)
    questions: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    checks: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_by: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
