"""Offers: a mentor writes one and sees the members it fits (live); a member takes it up."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.account_queries import get_user
from storage.accounts import User
from storage.database import write_transaction
from storage.mentoring_queries import (
    PersonRef,
    get_offer,
    insert_offer,
    offers_of,
    open_offers,
    set_offer_state,
)
from storage.people import MentoringOffer

from .matchmaking import MatchingRefused, ask_of_offer, rank_ask, take_offer
from .notifications import site_url
from .people_forms import read_ask
from .people_live import live_fragment
from .people_pages import (
    NOT_FOUND,
    after_change,
    common_context,
    match_rows,
    name_mentor,
    path_id,
    prefilled_form,
    signed_in,
)
from .templating import render, render_fragment


async def offers_page(request: Request) -> Response:
    user = signed_in(request)
    engine = request.app.state.engine
    listed = await asyncio.to_thread(open_offers, engine)
    mine = await asyncio.to_thread(offers_of, engine, user.id)
    others = [(offer, mentor) for offer, mentor in listed if mentor.user_id != user.id]
    context = {"open_offers": others, "mine": mine, **common_context()}
    return render(request, "people/offers.html", context)


async def new_offer_page(request: Request) -> Response:
    user = signed_in(request)
    form = await asyncio.to_thread(prefilled_form, request.app.state.engine, user)
    return render(request, "people/offer_new.html", {"form": form, **common_context()})


async def create_offer(request: Request) -> Response:
    user = signed_in(request)
    async with request.form() as data:
        values, form = read_ask(data, offer=True)
    if not form.ok:
        context = {"form": form, **common_context()}
        return render(request, "people/offer_new.html", context, status_code=422)

    def write() -> int:
        with write_transaction(request.app.state.engine) as connection:
            return insert_offer(connection, user.id or 0, values)

    offer_id = await asyncio.to_thread(write)
    after_change(request)
    return RedirectResponse(f"/offers/{offer_id}", status_code=303)


def _offer_context(engine: Any, offer: MentoringOffer, user: User) -> dict[str, Any]:
    mentor = get_user(engine, offer.mentor_id)
    assert mentor is not None and mentor.id is not None
    context: dict[str, Any] = {
        "offer": offer,
        "mentor": PersonRef(mentor.id, mentor.name, mentor.email),
        "is_mine": offer.mentor_id == user.id,
        "matches": [],
        **common_context(),
    }
    if context["is_mine"] and offer.state == "open":
        context["matches"] = match_rows(
            rank_ask(engine, ask_of_offer(offer, mentor.email), mentor.id)
        )
    return context


async def _offer(request: Request) -> MentoringOffer:
    offer = await asyncio.to_thread(get_offer, request.app.state.engine, path_id(request, "id"))
    if offer is None:
        raise HTTPException(404, NOT_FOUND)
    return offer


async def offer_page(request: Request, error: str | None = None) -> Response:
    user = signed_in(request)
    offer = await _offer(request)
    context = await asyncio.to_thread(_offer_context, request.app.state.engine, offer, user)
    context["error"] = error
    return render(request, "people/offer.html", context, status_code=409 if error else 200)


async def offer_stream(request: Request) -> Response:
    user = signed_in(request)
    offer = await _offer(request)
    if offer.mentor_id != user.id:
        raise HTTPException(404, NOT_FOUND)
    engine = request.app.state.engine

    async def fragment() -> str:
        fresh = await asyncio.to_thread(get_offer, engine, offer.id or 0)
        if fresh is None:
            return ""
        context = await asyncio.to_thread(_offer_context, engine, fresh, user)
        return render_fragment(request, "people/_offer_live.html", context)

    return live_fragment(request, fragment)


async def take(request: Request) -> Response:
    """POST /offers/{id}/take: the member joins; both land on the member's curriculum."""
    user = signed_in(request)
    offer = await _offer(request)
    if offer.mentor_id == user.id:
        return await offer_page(request, error="This is your own offer.")
    try:
        started = await asyncio.to_thread(
            take_offer, request.app.state.engine, offer.id or 0, user, site_url(request)
        )
    except MatchingRefused as refused:
        return await offer_page(request, error=str(refused))
    after_change(request)
    if not started.new_curriculum and not started.already_mentoring:
        mentor = await asyncio.to_thread(get_user, request.app.state.engine, offer.mentor_id)
        if mentor is not None:
            await name_mentor(request, started.doc_id, mentor.email)
    return RedirectResponse(f"/curricula/{started.doc_id}", status_code=303)


async def close(request: Request) -> Response:
    user = signed_in(request)
    offer = await _offer(request)
    if offer.mentor_id != user.id:
        raise HTTPException(404, NOT_FOUND)

    def write() -> None:
        with write_transaction(request.app.state.engine) as connection:
            set_offer_state(connection, offer.id or 0, "closed")

    await asyncio.to_thread(write)
    after_change(request)
    return RedirectResponse(f"/offers/{offer.id}", status_code=303)
