"""The library's pages: search as one types, with filters, and a resource's own page."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from collab.schema import KINDS
from domain.library import LEVELS, STYLE_LABELS, STYLES, Resource, parse_query
from domain.skills import InvalidTag, load_vocabulary
from storage.accounts import User
from storage.library_figures import finished_it
from storage.library_queries import review_of, reviews_of, skills_in_use, user_names
from storage.library_search import Filters, search

from ..access import can_curate_library, can_edit_resource
from ..htmx import wants_partial
from ..templating import render
from .common import (
    COLUMN_CHOICES,
    editable_curricula,
    signed_in,
    viewer_for,
    views_of,
    visible_resource,
)

RESULTS = 30


def _choice(params: Any, name: str, allowed: tuple[str, ...], what: str) -> str | None:
    value = params.get(name) or None
    if value is not None and value not in allowed:
        raise HTTPException(400, f"The {what} must be one of {', '.join(allowed)}.")
    return value


def _filters(params: Any) -> Filters:
    skill = (params.get("skill") or "").strip() or None
    if skill is not None:
        try:
            skill = load_vocabulary().normalise(skill[:60])
        except InvalidTag:
            raise HTTPException(400, "A skill needs a letter or a digit.") from None
    return Filters(
        skill=skill,
        level=_choice(params, "level", LEVELS, "level"),
        style=_choice(params, "style", STYLES, "learning style"),
        kind=_choice(params, "kind", KINDS, "kind"),
    )


def filter_choices() -> dict[str, Any]:
    return {"levels": LEVELS, "styles": STYLES, "style_labels": STYLE_LABELS, "kinds": KINDS}


async def library_page(request: Request) -> Response:
    """GET /library: the search page, or (htmx) its results for the query typed so far."""
    user = signed_in(request)
    state, params = request.app.state, request.query_params
    text = params.get("q", "")[:200]
    filters = _filters(params)
    viewer = await viewer_for(state, user)
    found, total = await asyncio.to_thread(
        search, state.engine, parse_query(text), filters, viewer, limit=RESULTS
    )
    context = {
        "q": text, "filters": filters, "results": await views_of(state, found), "total": total,
        "destinations": await editable_curricula(state, user), "column_choices": COLUMN_CHOICES,
        "can_curate": can_curate_library(user), **filter_choices(),
    }  # fmt: skip
    if wants_partial(request):
        return render(request, "library/_results.html", {**context, "oob": True})
    context["skills"] = await asyncio.to_thread(skills_in_use, state.engine, viewer)
    return render(request, "library/index.html", context)


async def resource_page(request: Request) -> Response:
    """GET /library/{id}: a resource, what members made of it, and its reviews."""
    user = signed_in(request)
    return await render_resource(request, user, await visible_resource(request, user))


async def open_resource(request: Request) -> Response:
    """GET /library/{id}/open: follow the resource's link (a plain redirect; pages link
    here, so every link on them stays on mentorHub's own routes)."""
    resource = await visible_resource(request, signed_in(request))
    return RedirectResponse(resource.url, status_code=303)


async def render_resource(
    request: Request, user: User, resource: Resource, status_code: int = 200, **extra: Any
) -> Response:
    """The resource's page (or, for htmx, its live part: figures and reviews)."""
    state = request.app.state
    [view] = await views_of(state, [resource])
    reviews = await asyncio.to_thread(reviews_of, state.engine, resource.id)
    people = [i for i in (resource.added_by, resource.accepted_by) if i is not None]
    names = await asyncio.to_thread(user_names, state.engine, people)
    context = {
        "view": view, "resource": resource, "reviews": reviews,
        "added_by_name": names.get(resource.added_by or 0),
        "can_edit": can_edit_resource(user, resource.visibility, resource.added_by),
        "can_curate": can_curate_library(user), "style_labels": STYLE_LABELS, **extra,
    }  # fmt: skip
    if wants_partial(request) and status_code == 200:
        return render(request, "library/_resource.html", context)
    finished = await asyncio.to_thread(finished_it, state.engine, user.id, resource.url)
    mine = await asyncio.to_thread(review_of, state.engine, resource.id, user.id)
    context.update(
        can_review=finished and resource.state == "accepted", my_review=mine,
        destinations=await editable_curricula(state, user), column_choices=COLUMN_CHOICES,
    )  # fmt: skip
    return render(request, "library/resource.html", context, status_code=status_code)
