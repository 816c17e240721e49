"""Reading encounters: a person's list, a member's encounters, one encounter with what
changed on the curriculum since the one before (and, for the latest, live since it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage.encounter_queries import (
    encounters_by_mentor,
    encounters_of_member,
    latest_encounter,
    names_of,
    previous_encounter,
)
from storage.encounters import Encounter
from storage.mentoring_queries import mentorships_of

from ..live_feed import KEEPALIVE_SECONDS, SSE_HEADERS, sse_message
from ..people_pages import signed_in
from ..templating import render, render_fragment
from . import changes
from .common import NOT_YOURS, can_see_member, member_of_path, visible_encounter

POLL_SECONDS = 3.0  # notes change no read-model row: checked this often as well


def _names(engine: Any, encounters: list[Encounter]) -> dict[int, str]:
    ids = [e.mentor_user_id for e in encounters] + [e.member_user_id for e in encounters]
    return names_of(engine, ids)


async def my_encounters(request: Request) -> Response:
    """GET /encounters: the mentees to meet, the encounters about me and those I wrote."""
    user = signed_in(request)
    engine = request.app.state.engine
    assert user.id is not None
    mine = await asyncio.to_thread(encounters_of_member, engine, user.id)
    written = await asyncio.to_thread(encounters_by_mentor, engine, user.id)
    running = await asyncio.to_thread(mentorships_of, engine, user.id)
    mentees = [member for _, member, mentor in running if mentor.user_id == user.id]
    names = await asyncio.to_thread(_names, engine, mine + written)
    context = {"mine": mine, "written": written, "mentees": mentees, "names": names}
    return render(request, "encounters/index.html", context)


async def member_encounters(request: Request) -> Response:
    """GET /people/{id}/encounters: the member's encounters (on their profile)."""
    user = signed_in(request)
    member = await member_of_path(request)
    engine = request.app.state.engine
    assert member.id is not None
    found = await asyncio.to_thread(encounters_of_member, engine, member.id)
    if not await can_see_member(request, user, member.id, {e.mentor_user_id for e in found}):
        raise HTTPException(403, NOT_YOURS)
    names = await asyncio.to_thread(_names, engine, found)
    running = await asyncio.to_thread(mentorships_of, engine, member.id)
    mentoring = any(mentor.user_id == user.id for _, _, mentor in running)
    context = {"member": member, "encounters": found, "names": names, "mentoring": mentoring}
    return render(request, "encounters/member.html", context)


async def encounter_page(request: Request) -> Response:
    """GET /encounters/{id}: the notes, and what changed since the encounter before."""
    user = signed_in(request)
    encounter = await visible_encounter(request, user)
    state = request.app.state
    previous = await asyncio.to_thread(previous_encounter, state.engine, encounter)
    before = await changes.between(state, previous, encounter) if previous else None
    latest = (
        await asyncio.to_thread(
            latest_encounter, state.engine, encounter.member_user_id, encounter.doc_id
        )
        if encounter.doc_id
        else None
    )
    is_latest = latest is not None and latest.id == encounter.id
    after = await changes.since(state, encounter) if is_latest else None
    names = await asyncio.to_thread(_names, state.engine, [encounter])
    context = {
        "encounter": encounter, "previous": previous, "before": before, "after": after,
        "names": names, "can_edit": user.id == encounter.mentor_user_id,
        "rows": list(zip(encounter.questions, encounter.answers, strict=False)),
    }  # fmt: skip
    return render(request, "encounters/encounter.html", context)


async def changes_stream(request: Request) -> Response:
    """GET /encounters/{id}/changes/stream: "since this encounter", live (SSE).

    Sent again after each read-model change of the curriculum (cards added, moved,
    removed) and, since notes alone change no read-model row, checked every
    POLL_SECONDS as well; sent only when it differs from what the page shows."""
    user = signed_in(request)
    encounter = await visible_encounter(request, user)
    doc_id = encounter.doc_id
    if doc_id is None:
        raise HTTPException(404, "This encounter has no curriculum to follow.")

    async def render_changes() -> str:
        window = await changes.since(request.app.state, encounter)
        return render_fragment(request, "encounters/_changes.html", {"window": window})

    async def events() -> AsyncIterator[bytes]:
        with request.app.state.read_model.change_feed() as feed:
            shown = await render_changes()
            yield sse_message(shown)
            quiet = 0.0
            while True:
                try:
                    changed = await asyncio.wait_for(feed.get(), POLL_SECONDS)
                except TimeoutError:
                    changed = None
                if changed is not None and changed != doc_id:
                    continue
                html = await render_changes()
                if html != shown:
                    shown, quiet = html, 0.0
                    yield sse_message(html)
                else:
                    quiet += POLL_SECONDS if changed is None else 0.0
                    if quiet >= KEEPALIVE_SECONDS:
                        quiet = 0.0
                        yield b": keepalive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)
