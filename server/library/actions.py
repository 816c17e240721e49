"""One-action moves from the library: a resource onto a curriculum, and a review.

Adding goes through the curriculum's room (`Room.edit` with `collab.edits.add_item`),
like every server-side edit, so the card appears at once in every open editor. The card
gets the resource's normalised link, which is what links it to the library entry.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from collab import edits
from collab.room import SERVER
from collab.schema import Curriculum, read_curriculum
from domain.library import review_from_fields, try_normalise
from storage.library_figures import finished_it, resource_ids_by_link
from storage.library_queries import delete_review, ratings_by, save_review

from ..access import Access, document_access
from ..badge_awarding import award_off_the_loop, badges_key
from ..htmx import wants_partial
from ..templating import render
from ..urls import path
from .common import COLUMN_CHOICES, form_fields, signed_in, visible_resource
from .pages import render_resource


async def add_to_curriculum(request: Request) -> Response:
    """POST /library/{id}/add: put the resource on a curriculum the user can edit."""
    user = signed_in(request)
    resource = await visible_resource(request, user)
    fields = await form_fields(request, ("doc_id", "status"))
    doc_id, status = fields["doc_id"], fields["status"] or "next"
    if resource.state != "accepted":
        raise HTTPException(409, "A suggestion goes on curricula once a mentor accepts it.")
    if status not in COLUMN_CHOICES:
        raise HTTPException(400, f"The column must be one of {', '.join(COLUMN_CHOICES)}.")
    if not edits.is_id(doc_id):
        raise HTTPException(400, "Choose a curriculum.")
    if await document_access(request.app.state, user, doc_id) < Access.EDIT:
        raise HTTPException(404, "There is no curriculum here, or you may not edit it.")

    def change(doc: Any) -> str:
        if any(try_normalise(item.url) == resource.url for item in read_curriculum(doc).items):
            raise edits.CurriculumError("It is on that curriculum already.")
        return edits.add_item(
            doc, title=resource.title, url=resource.url, kind=resource.kind,
            skills=list(resource.skills), estimate_minutes=resource.estimate_minutes,
            status=status, assigned_by=user.email, origin=SERVER,
        )  # fmt: skip

    async with request.app.state.rooms.using(doc_id) as room:
        try:
            await room.edit(change, actor=user.id)
        except edits.CurriculumError as error:
            return _added(request, resource.title, doc_id, "", str(error), 409)
        title = read_curriculum(room.doc).title or "the curriculum"
    return _added(request, resource.title, doc_id, title, None, 200)


def _added(
    request: Request, resource_title: str, doc_id: str, title: str, error: str | None, status: int
) -> Response:
    """htmx: a line for the page's status region; otherwise on to the curriculum."""
    if not wants_partial(request):
        if error is None:
            return RedirectResponse(path("curricula", doc_id), status_code=303)
        raise HTTPException(status, error)
    context = {"doc_id": doc_id, "title": title, "error": error, "resource_title": resource_title}
    return render(request, "library/_added.html", context, status_code=status)


async def review_action(request: Request) -> Response:
    """POST /library/{id}/review: rate (1-5) and review what one finished."""
    user = signed_in(request)
    resource = await visible_resource(request, user)
    state = request.app.state
    if resource.state != "accepted" or not await asyncio.to_thread(
        finished_it, state.engine, user.id, resource.url
    ):
        raise HTTPException(403, "You can rate a resource once you have finished it.")
    fields = await form_fields(request, ("rating", "text"))
    rating, text, errors = review_from_fields(fields)
    if errors or rating is None:
        return await render_resource(
            request, user, resource, 422, review_errors=errors, review_values=fields
        )
    await asyncio.to_thread(save_review, state.engine, resource.id, user.id, rating, text)
    if await award_off_the_loop(state.engine, user_id=user.id):  # a first review earns one
        await state.read_model.announce(badges_key(user.id))  # the dashboard shows it
    await state.library.changed()
    return RedirectResponse(path("library", resource.id) + "#reviews", status_code=303)


async def delete_review_action(request: Request) -> Response:
    user = signed_in(request)
    resource = await visible_resource(request, user)
    state = request.app.state
    await asyncio.to_thread(delete_review, state.engine, resource.id, user.id)
    await state.library.changed()
    return RedirectResponse(path("library", resource.id) + "#reviews", status_code=303)


async def review_prompts(state: Any, curriculum: Curriculum, user: Any) -> dict[str, Any]:
    """For the member's own timeline: {item id: (resource id, their rating or None)} for
    each finished card linked to a library resource - the "rate and review" prompt."""
    if user is None or user.email != curriculum.member:
        return {}
    done = {item.id: item.url for item in curriculum.items if item.status == "done" and item.url}
    if not done:
        return {}
    ids = await asyncio.to_thread(resource_ids_by_link, state.engine, list(done.values()))
    rated = await asyncio.to_thread(ratings_by, state.engine, user.id, list(ids.values()))
    return {item_id: (ids[url], rated.get(ids[url])) for item_id, url in done.items() if url in ids}
