"""Who may see and write encounters, and the scripts to choose from.

- A mentor records encounters with a member they mentor (a running mentorship).
- The member, the encounter's author, the member's current mentors and staff see them.
- Only the author edits an encounter's notes; anyone else is refused with 403.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from domain.encounter_scripts import SHIPPED, SHIPPED_BY_SLUG, SLUG, Script
from storage.account_queries import get_user
from storage.accounts import User
from storage.encounter_queries import get_encounter, running_mentorship, staff_scripts
from storage.encounters import Encounter
from storage.people import Mentorship

from ..people_pages import NOT_FOUND, path_id

NOT_YOURS = "These encounters are for the member, their mentors and staff only."


def all_scripts(engine: Any) -> list[Script]:
    """The shipped scripts, then the ones staff added (blocking)."""
    return [*SHIPPED, *staff_scripts(engine)]


def find_script(engine: Any, slug: str) -> Script | None:
    if not SLUG.fullmatch(slug):
        return None
    if slug in SHIPPED_BY_SLUG:
        return SHIPPED_BY_SLUG[slug]
    return next((s for s in staff_scripts(engine) if s.slug == slug), None)


async def member_of_path(request: Request) -> User:
    """The person of `/people/{id}/...`, or 404."""
    member = await asyncio.to_thread(get_user, request.app.state.engine, path_id(request, "id"))
    if member is None:
        raise HTTPException(404, NOT_FOUND)
    return member


async def mentorship_with(request: Request, mentor: User, member: User) -> Mentorship:
    """The running mentorship of `mentor` with `member`, or 403 saying why."""
    assert mentor.id is not None and member.id is not None
    found = await asyncio.to_thread(
        running_mentorship, request.app.state.engine, mentor.id, member.id
    )
    if found is None:
        raise HTTPException(
            403, f"Only a mentor of {member.name} can record an encounter with them."
        )
    return found


async def can_see_member(request: Request, user: User, member_id: int, authors: set[int]) -> bool:
    assert user.id is not None
    if user.id == member_id or user.role == "staff" or user.id in authors:
        return True
    running = await asyncio.to_thread(
        running_mentorship, request.app.state.engine, user.id, member_id
    )
    return running is not None


async def visible_encounter(request: Request, user: User) -> Encounter:
    """The encounter of the path, or 404 (missing) or 403 (not for this user)."""
    encounter = await asyncio.to_thread(
        get_encounter, request.app.state.engine, path_id(request, "id")
    )
    if encounter is None:
        raise HTTPException(404, NOT_FOUND)
    if not await can_see_member(
        request, user, encounter.member_user_id, {encounter.mentor_user_id}
    ):
        raise HTTPException(403, NOT_YOURS)
    return encounter


def author_only(user: User, encounter: Encounter, author_name: str) -> None:
    if user.id != encounter.mentor_user_id:
        raise HTTPException(403, f"Only {author_name}, who wrote these notes, can edit them.")
