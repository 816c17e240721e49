"""A member's requests: the guided form, the ranked mentors with reasons (live), asking
one or several of them, closing a request."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.skills import suggest_skills
from storage.accounts import User
from storage.database import write_transaction
from storage.mentoring_queries import (
    get_request,
    insert_request,
    mentorship_for_request,
    mentorships_of,
    proposals_for_request,
    requests_of,
    set_request_state,
)
from storage.people import MentoringRequest

from .htmx import wants_partial
from .matchmaking import MatchingRefused, ask_of_request, rank_ask, send_request
from .notifications import site_url
from .people_forms import Form, read_ask
from .people_live import live_fragment
from .people_pages import (
    NOT_FOUND,
    after_change,
    common_context,
    match_rows,
    path_id,
    prefilled_form,
    signed_in,
)
from .templating import render, render_fragment


async def requests_page(request: Request) -> Response:
    user = signed_in(request)
    engine = request.app.state.engine
    asks = await asyncio.to_thread(requests_of, engine, user.id)
    mentorships = await asyncio.to_thread(mentorships_of, engine, user.id)
    context = {"asks": asks, "mentorships": mentorships, **common_context()}
    return render(request, "people/requests.html", context)


async def new_request_page(request: Request) -> Response:
    user = signed_in(request)
    form = await asyncio.to_thread(prefilled_form, request.app.state.engine, user)
    return _form_page(request, form)


def _form_page(request: Request, form: Form, status_code: int = 200) -> Response:
    context = {"form": form, "suggestions": _suggestions(form.raw), **common_context()}
    return render(request, "people/request_new.html", context, status_code=status_code)


def _suggestions(raw: dict[str, Any]) -> list[Any]:
    text = "\n".join(
        str(raw.get(name) or "") for name in ("goal", "motivation", "expectations", "description")
    )
    tagged = [t.strip() for t in str(raw.get("skills") or "").split(",") if t.strip()]
    return suggest_skills(text, exclude=tagged)[:12]


async def suggest(request: Request) -> Response:
    """POST /requests/suggest: the skills the form's words name (an htmx fragment)."""
    signed_in(request)
    async with request.form() as data:
        raw = {name: str(data.get(name) or "")[:5000] for name in
               ("goal", "motivation", "expectations", "description", "skills")}  # fmt: skip
    context = {"suggestions": _suggestions(raw)}
    return render(request, "people/_skill_suggestions.html", context)


async def create_request(request: Request) -> Response:
    user = signed_in(request)
    async with request.form() as data:
        values, form = read_ask(data)
    if not form.ok:
        return _form_page(request, form, status_code=422)

    def write() -> int:
        with write_transaction(request.app.state.engine) as connection:
            return insert_request(connection, user.id, values)

    request_id = await asyncio.to_thread(write)
    after_change(request)
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


async def _own_request(request: Request, user: User) -> MentoringRequest:
    ask = await asyncio.to_thread(get_request, request.app.state.engine, path_id(request, "id"))
    if ask is None or ask.member_id != user.id:
        raise HTTPException(404, NOT_FOUND)
    return ask


def live_context(engine: Any, ask: MentoringRequest, user: User) -> dict[str, Any]:
    """What the live part of a request page shows (blocking: SQL and the ranking)."""
    assert ask.id is not None
    proposals = proposals_for_request(engine, ask.id)
    asked = {p.mentor.user_id: p.state for p in proposals}
    context: dict[str, Any] = {"ask": ask, "proposals": proposals, "matches": []}
    if ask.state == "open":
        ranking = rank_ask(engine, ask_of_request(ask, user.email), user.id)
        context["matches"] = match_rows(ranking, asked)
        waiting = any(p.state == "proposed" for p in proposals)
        context["can_ask"] = ask.kind == "short" or not waiting
    accepted = next((p for p in proposals if p.state == "accepted"), None)
    mentorship = mentorship_for_request(engine, ask.id) if ask.state == "matched" else None
    if mentorship is None and accepted is not None:  # they were mentoring them already
        mentorship = next(
            (m for m, _, mentor in mentorships_of(engine, user.id or 0)
             if mentor.user_id == accepted.mentor.user_id),
            None,
        )  # fmt: skip
    context["mentorship"] = mentorship
    context["matched_with"] = accepted.mentor.name if accepted else ""
    context["accepted_note"] = accepted.note if accepted else ""
    return context


async def request_page(request: Request) -> Response:
    user = signed_in(request)
    ask = await _own_request(request, user)
    context = await asyncio.to_thread(live_context, request.app.state.engine, ask, user)
    return render(request, "people/request.html", {**context, **common_context()})


async def request_stream(request: Request) -> Response:
    user = signed_in(request)
    ask = await _own_request(request, user)
    engine = request.app.state.engine
    assert ask.id is not None
    ask_id = ask.id

    async def fragment() -> str:
        fresh = await asyncio.to_thread(get_request, engine, ask_id)
        if fresh is None:
            return ""
        context = await asyncio.to_thread(live_context, engine, fresh, user)
        return render_fragment(
            request, "people/_request_live.html", {**context, **common_context()}
        )

    return live_fragment(request, fragment)


async def ask_mentors(request: Request) -> Response:
    """POST /requests/{id}/proposals: send the request to the chosen mentor(s)."""
    user = signed_in(request)
    ask = await _own_request(request, user)
    async with request.form() as data:
        raw_ids = [str(v) for v in data.getlist("mentor_id")]
        message = str(data.get("message") or "").strip()[:1000]
    error = None
    try:
        mentor_ids = [int(v) for v in raw_ids]
        await asyncio.to_thread(
            send_request, request.app.state.engine, ask, user, mentor_ids, message,
            site_url(request),
        )  # fmt: skip
    except ValueError as refused:  # MatchingRefused, or an id that is not a number
        error = str(refused) if isinstance(refused, MatchingRefused) else "Choose a mentor."
    else:
        after_change(request)
    return await _show_live(request, ask, user, error)


async def close_request(request: Request) -> Response:
    user = signed_in(request)
    ask = await _own_request(request, user)

    def close() -> None:
        with write_transaction(request.app.state.engine) as connection:
            set_request_state(connection, ask.id or 0, "closed", ("open",))

    await asyncio.to_thread(close)
    after_change(request)
    return RedirectResponse(f"/requests/{ask.id}", status_code=303)


async def _show_live(
    request: Request, ask: MentoringRequest, user: User, error: str | None
) -> Response:
    """After an action: the live part again (htmx), or the page (a plain form post)."""
    engine = request.app.state.engine
    if error is None and not wants_partial(request):
        return RedirectResponse(f"/requests/{ask.id}", status_code=303)
    fresh = await asyncio.to_thread(get_request, engine, ask.id or 0)
    context = await asyncio.to_thread(live_context, engine, fresh or ask, user)
    context.update(common_context(), error=error)
    template = "people/_request_live.html" if wants_partial(request) else "people/request.html"
    return render(request, template, context, status_code=409 if error else 200)
