"""Who may see and edit what: every access rule of mentorHub, in this one module.

Roles (`user_account.role`):
- member: owns their curriculum (EDIT on the curricula they are the member of);
- mentor: EDIT on the curricula of the members assigned to them;
- staff: administers users and assignments; READ on every curriculum.

Who is on a curriculum is the `curriculum_member` table (member | mentor). Anyone
else gets NONE, and so does everyone for a document that does not exist: callers
answer both the same way (404 for pages, close 1008 for /collab), so an answer never
tells whether a document exists.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import Engine

from storage.accounts import User
from storage.curriculum_queries import curricula_rows, role_on


class Access(IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2


def access_for(user: User | None, exists: bool, role_on_doc: str | None) -> Access:
    """The rule: people on a curriculum edit it, staff read it, nobody else sees it."""
    if user is None or not exists:
        return Access.NONE
    if role_on_doc in ("member", "mentor"):
        return Access.EDIT
    if user.role == "staff":
        return Access.READ
    return Access.NONE


async def document_access(state: Any, user: User | None, doc_id: str) -> Access:
    """What `user` may do with document `doc_id`; `state` is the app's state."""
    if user is None or user.id is None:
        return Access.NONE
    exists, role = await asyncio.to_thread(role_on, state.engine, doc_id, user.id)
    return access_for(user, exists, role)


@dataclass(frozen=True)
class CurriculumSummary:
    doc_id: str
    title: str
    member_name: str
    mentor_names: tuple[str, ...]
    access: Access


def list_curricula_for(engine: Engine, user: User | None) -> list[CurriculumSummary]:
    """The curricula `user` may open, by title (blocking: run it in a thread)."""
    if user is None or user.id is None:
        return []
    rows = curricula_rows(engine, None if user.role == "staff" else user.id)
    summaries = []
    for row in rows:
        mine = next((p.role for p in row.people if p.user_id == user.id), None)
        access = access_for(user, True, mine)
        if access == Access.NONE:
            continue
        summaries.append(
            CurriculumSummary(
                doc_id=row.doc_id,
                title=row.title,
                member_name=next((p.name for p in row.people if p.role == "member"), ""),
                mentor_names=tuple(p.name for p in row.people if p.role == "mentor"),
                access=access,
            )
        )
    return summaries


# -- the resource library (docs/library.md) -------------------------------------------


def can_curate_library(user: User | None) -> bool:
    """Mentors and staff add and edit resources and accept members' suggestions;
    everyone signed in searches, suggests, and reviews what they finished."""
    return user is not None and user.role in ("mentor", "staff")


def can_edit_resource(user: User | None, visibility: str, added_by: int | None) -> bool:
    """A shared resource: any mentor or staff; one kept for a mentor's mentees: that
    mentor, or staff."""
    if not can_curate_library(user):
        return False
    assert user is not None
    return user.role == "staff" or visibility == "shared" or added_by == user.id
