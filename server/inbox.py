"""A mentor's inbox: the requests sent to them (live), answering one with a note, and
ending a mentorship. Accepting lands the mentor on the member's curriculum."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.accounts import User
from storage.database import write_transaction
from storage.mentoring_queries import (
    get_proposal,
    get_request,
    mentorships_of,
    proposals_for_mentor,
)
from storage.mentorship_queries import end_mentorship
from storage.profile_queries import get_person

from .matchmaking import MatchingRefused, accept, decline
from .notifications import site_url
from .people_forms import LIMITS, Form
from .people_live import live_fragment
from .people_pages import (
    NOT_FOUND,
    after_change,
    common_context,
    name_mentor,
    path_id,
    signed_in,
)
from .templating import render, render_fragment


@dataclass(frozen=True)
class Places:
    capacity: int
    free: int
    paused: bool


def _places(engine: Any, user_id: int) -> Places:
    person = get_person(engine, user_id)
    if person is None or not person.has_profile:
        return Places(0, 0, False)
    profile = person.profile
    return Places(profile.capacity, profile.free_places, profile.paused)


def inbox_context(engine: Any, user: User) -> dict[str, Any]:
    return {
        "proposals": proposals_for_mentor(engine, user.id or 0),
        "mentorships": mentorships_of(engine, user.id or 0),
        "places": _places(engine, user.id or 0),
        **common_context(),
    }


async def inbox_page(request: Request) -> Response:
    user = signed_in(request)
    context = await asyncio.to_thread(inbox_context, request.app.state.engine, user)
    return render(request, "people/inbox.html", context)


async def inbox_stream(request: Request) -> Response:
    user = signed_in(request)
    engine = request.app.state.engine

    async def fragment() -> str:
        context = await asyncio.to_thread(inbox_context, engine, user)
        return render_fragment(request, "people/_inbox.html", context)

    return live_fragment(request, fragment)


def _proposal_context(engine: Any, proposal_id: int, user: User) -> dict[str, Any]:
    with engine.connect() as connection:
        proposal = get_proposal(connection, proposal_id)
    if proposal is None or proposal.mentor.user_id != user.id:
        raise HTTPException(404, NOT_FOUND)
    ask = get_request(engine, proposal.request_id)
    return {
        "proposal": proposal,
        "ask": ask,
        "places": _places(engine, user.id or 0),
        **common_context(),
    }


async def proposal_page(request: Request) -> Response:
    user = signed_in(request)
    engine = request.app.state.engine
    context = await asyncio.to_thread(_proposal_context, engine, path_id(request, "id"), user)
    return render(request, "people/proposal.html", {"form": Form(), **context})


async def answer(request: Request) -> Response:
    """POST /proposals/{id}/answer: accept (land on the curriculum) or decline, with a note."""
    user = signed_in(request)
    proposal_id = path_id(request, "id")
    async with request.form() as data:
        choice = str(data.get("answer") or "")
        note = str(data.get("note") or "").strip()
    engine = request.app.state.engine
    form = Form(raw={"note": note})
    error = None
    if choice not in ("accept", "decline"):
        error = "Choose Accept or Decline."
    elif len(note) > LIMITS["note"]:
        error = f"A note is at most {LIMITS['note']} characters."
    else:
        try:
            if choice == "accept":
                accepted = await asyncio.to_thread(
                    accept, engine, proposal_id, user, note, site_url(request)
                )
                if not accepted.started.new_curriculum:
                    await name_mentor(request, accepted.started.doc_id, accepted.mentor.email)
                after_change(request)
                return RedirectResponse(f"/curricula/{accepted.started.doc_id}", status_code=303)
            await asyncio.to_thread(decline, engine, proposal_id, user, note, site_url(request))
            after_change(request)
            return RedirectResponse("/inbox", status_code=303)
        except LookupError:
            raise HTTPException(404, NOT_FOUND) from None
        except MatchingRefused as refused:
            error = str(refused)
    context = await asyncio.to_thread(_proposal_context, engine, proposal_id, user)
    context.update(form=form, error=error)
    return render(request, "people/proposal.html", context, status_code=409)


async def end(request: Request) -> Response:
    """POST /mentorships/{id}/end: either of the two ends it; the place is free again."""
    user = signed_in(request)
    mentorship_id = path_id(request, "id")

    def write() -> bool:
        with write_transaction(request.app.state.engine) as connection:
            return end_mentorship(connection, mentorship_id, user.id or 0) is not None

    if not await asyncio.to_thread(write):
        raise HTTPException(404, NOT_FOUND)
    after_change(request)
    referer = request.headers.get("referer", "")
    back = "/inbox" if referer.endswith("/inbox") else "/requests"
    return RedirectResponse(back, status_code=303)
