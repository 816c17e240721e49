"""Adding and editing resources (mentors, staff), suggesting them (everyone), and the
queue where mentors accept or decline members' suggestions."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.library import FIELDS, Resource, resource_from_fields
from domain.library.resources import resource_values
from storage.library_queries import (
    LibraryError,
    accept_suggestion,
    add_resource,
    decline_suggestion,
    suggestions,
    update_resource,
    user_names,
)

from ..access import can_edit_resource
from ..templating import render
from ..urls import path
from .common import curator, form_fields, signed_in, visible_resource
from .pages import filter_choices

FORM = "library/form.html"
PURPOSES = {
    "new": ("Add a resource", "Add to the library"),
    "edit": ("Edit a resource", "Save"),
    "suggest": ("Suggest a resource", "Suggest it"),
}


def _form(
    request: Request, purpose: str, values: dict[str, Any], errors: dict[str, str],
    status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    heading, button = PURPOSES[purpose]
    context = {
        "purpose": purpose, "heading": heading, "button": button, "values": values,
        "errors": errors, **filter_choices(), **extra,
    }  # fmt: skip
    return render(request, FORM, context, status_code=status_code)


def _values_of(resource: Resource) -> dict[str, Any]:
    values = resource_values(resource)
    values["skills"] = ", ".join(resource.skills)
    values["estimate_minutes"] = (
        "" if resource.estimate_minutes is None else resource.estimate_minutes
    )
    return values


async def _save(request: Request, purpose: str, resource: Resource | None = None) -> Response:
    user = signed_in(request) if purpose == "suggest" else curator(request)
    fields = await form_fields(request, FIELDS)
    if purpose == "suggest":
        fields["visibility"] = "shared"
    new, errors = resource_from_fields(fields)
    state = request.app.state
    if new is None:
        return _form(request, purpose, fields, errors, 422, resource=resource)
    try:
        if resource is not None:
            saved = await asyncio.to_thread(update_resource, state.engine, resource.id, new)
        else:
            how = "suggested" if purpose == "suggest" else "accepted"
            saved = await asyncio.to_thread(
                add_resource, state.engine, new, added_by=user.id, state=how
            )
    except LibraryError as error:
        existing = path("library", error.existing) if error.existing else None
        return _form(
            request, purpose, fields, {"url": str(error)}, 409, resource=resource,
            existing=existing,
        )  # fmt: skip
    await state.library.changed()
    if purpose == "suggest":
        return RedirectResponse(path("library", "suggest") + "?sent=1", status_code=303)
    return RedirectResponse(path("library", saved.id), status_code=303)


async def new_page(request: Request) -> Response:
    curator(request)
    return _form(request, "new", {"visibility": "shared"}, {})


async def new_action(request: Request) -> Response:
    return await _save(request, "new")


async def _editable(request: Request) -> Resource:
    user = curator(request)
    resource = await visible_resource(request, user)
    if not can_edit_resource(user, resource.visibility, resource.added_by):
        raise HTTPException(403, "Only the mentor who keeps it for their mentees, or staff.")
    return resource


async def edit_page(request: Request) -> Response:
    resource = await _editable(request)
    return _form(request, "edit", _values_of(resource), {}, resource=resource)


async def edit_action(request: Request) -> Response:
    return await _save(request, "edit", await _editable(request))


async def suggest_page(request: Request) -> Response:
    user = signed_in(request)
    mine = await asyncio.to_thread(suggestions, request.app.state.engine, user.id)
    sent = request.query_params.get("sent") == "1"
    return _form(request, "suggest", {}, {}, waiting=mine, sent=sent)


async def suggest_action(request: Request) -> Response:
    return await _save(request, "suggest")


async def queue_page(request: Request) -> Response:
    """GET /library/suggestions: members' suggestions, for a mentor to accept or decline."""
    curator(request)
    engine = request.app.state.engine
    waiting = await asyncio.to_thread(suggestions, engine)
    people = sorted({r.added_by for r in waiting if r.added_by is not None})
    names = await asyncio.to_thread(user_names, engine, people)
    context = {"waiting": waiting, "names": names, **filter_choices()}
    return render(request, "library/suggestions.html", context)


async def _decide(request: Request, accept: bool) -> Response:
    user = curator(request)
    resource = await visible_resource(request, user)
    engine = request.app.state.engine
    if accept:
        done = await asyncio.to_thread(accept_suggestion, engine, resource.id, user.id)
    else:
        done = await asyncio.to_thread(decline_suggestion, engine, resource.id)
    if not done:
        raise HTTPException(409, "That suggestion was already decided.")
    await request.app.state.library.changed()
    return RedirectResponse(path("library", "suggestions"), status_code=303)


async def accept_action(request: Request) -> Response:
    return await _decide(request, accept=True)


async def decline_action(request: Request) -> Response:
    return await _decide(request, accept=False)
